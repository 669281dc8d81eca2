"""Counters the relay exposes at ``/metrics`` in Prometheus's text format.

Label values come from fixed sets (routes, status codes, results), never from a request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

HELP = {
    "statusgen_relay_requests_total": ("counter", "Requests answered, by route and status code."),
    "statusgen_relay_dispatches_total": ("counter", "Attempts to hand a request to GitHub, by result."),
    "statusgen_relay_merged_total": ("counter", "Queued requests replaced by a newer one about the "
                                                "same alert group."),
    "statusgen_relay_queue_depth": ("gauge", "Requests waiting to be sent to GitHub."),
    "statusgen_relay_queue_oldest_seconds": ("gauge", "Seconds the oldest waiting request has "
                                                      "waited."),
}


class Metrics:
    """Thread-safe counters, and gauges read when the page is asked for."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, tuple[tuple[str, str], ...]], int] = {}
        self.gauges: dict[str, Callable[[], float]] = {}

    def count(self, name: str, **labels: str) -> None:
        """Add one to counter ``name`` with ``labels``."""
        key = (name, tuple(sorted(labels.items())))
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + 1

    def value(self, name: str, **labels: str) -> int:
        """A counter's value (for tests and the health answer)."""
        with self._lock:
            return self._counts.get((name, tuple(sorted(labels.items()))), 0)

    def text(self) -> str:
        """The exposition text."""
        with self._lock:
            counts = dict(self._counts)
        lines = []
        for name, (kind, help_text) in HELP.items():
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
            if name in self.gauges:
                lines.append(f"{name} {self.gauges[name]():g}")
            for (counted, labels), number in sorted(counts.items()):
                if counted == name:
                    shown = ",".join(f'{k}="{v}"' for k, v in labels)
                    lines.append(f"{name}{{{shown}}} {number}")
        return "\n".join(lines) + "\n"
