"""Duration metrics of an incident, computed from its updates and named timestamps.

Nothing here is typed by a person: each figure follows from the (redacted) timeline, so
the public page, the JSON API and the reports of one build say the same, and anyone can
recompute them from the files.

* **start**: the ``impact_started`` timestamp when the incident records it, else its
  first update;
* **identified**: the first update at ``identified`` or a later status (an incident that
  skips ``identified`` was identified at the latest by its next update);
* **mitigated**: the ``mitigated`` timestamp when recorded, else the first update at
  ``monitoring`` or ``resolved``;
* **resolved**: the ``resolved`` update;
* **acknowledged**: when someone took ownership (``acknowledged``), internal: a public
  build's incidents carry none, so its time to acknowledge is never there.

Each "time to" is from the start, never below zero; ``None`` until it happens.  The
impact is the time each component spent at each level, up to ``now`` while the incident
is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from statusgen import model as m
from statusgen.compute.status import Entry

IMPACT_STARTED = "impact_started"
MITIGATED = "mitigated"
IDENTIFIED_OR_LATER = (m.Status.IDENTIFIED, m.Status.MONITORING, m.Status.RESOLVED)
MITIGATED_OR_LATER = (m.Status.MONITORING, m.Status.RESOLVED)


@dataclass(frozen=True)
class LevelTime:
    """How long one component was at one level because of the incident."""

    component: str
    level: m.Level
    seconds: float


@dataclass(frozen=True)
class Metrics:
    """The duration metrics of one incident at ``now``."""

    started_at: datetime
    identified_at: datetime | None
    mitigated_at: datetime | None
    resolved_at: datetime | None
    impact: tuple[LevelTime, ...]
    """Per component in display order, worst level first."""
    acknowledged_at: datetime | None = None

    def _since_start(self, at: datetime | None) -> float | None:
        return None if at is None else max((at - self.started_at).total_seconds(), 0.0)

    @property
    def time_to_acknowledge(self) -> float | None:
        """Seconds from the start to the acknowledgement (internal builds only)."""
        return self._since_start(self.acknowledged_at)

    @property
    def time_to_identify(self) -> float | None:
        """Seconds from the start to identification."""
        return self._since_start(self.identified_at)

    @property
    def time_to_mitigate(self) -> float | None:
        """Seconds from the start to mitigation."""
        return self._since_start(self.mitigated_at)

    @property
    def time_to_resolve(self) -> float | None:
        """Seconds from the start to the ``resolved`` update: how long the incident lasted."""
        return self._since_start(self.resolved_at)


DURATION_METRICS = ("time_to_identify", "time_to_mitigate", "time_to_resolve")
"""The metrics the pages and the API show, in order; each a property of :class:`Metrics`."""
INTERNAL_METRICS = ("time_to_acknowledge",)
"""The metrics only the internal build shows, before the others (the acknowledgement is
internal)."""


def _first(updates: tuple[m.Update, ...], statuses: tuple[m.Status, ...]) -> datetime | None:
    """The time of the oldest update at one of ``statuses`` (updates are newest first)."""
    return next((u.at for u in reversed(updates) if u.status in statuses), None)


def incident_metrics(e: Entry, config: m.Config, now: datetime) -> Metrics | None:
    """The duration metrics of an incident; ``None`` for maintenance."""
    incident = e.incident
    if incident.kind is not m.Kind.INCIDENT:
        return None
    updates = incident.updates
    return Metrics(
        started_at=incident.named_time(IMPACT_STARTED) or e.started_at,
        identified_at=_first(updates, IDENTIFIED_OR_LATER),
        mitigated_at=incident.named_time(MITIGATED) or _first(updates, MITIGATED_OR_LATER),
        resolved_at=e.resolved_at,
        impact=_impact(e, config, now),
        acknowledged_at=incident.acknowledged.at if incident.acknowledged else None,
    )


def _impact(e: Entry, config: m.Config, now: datetime) -> tuple[LevelTime, ...]:
    totals: dict[tuple[str, m.Level], timedelta] = {}
    for span in e.spans:
        end = now if span.end is None else min(span.end, now)
        if end > span.start:
            key = (span.component, span.level)
            totals[key] = totals.get(key, timedelta(0)) + (end - span.start)
    order = config.order
    ranked = sorted(totals, key=lambda k: (order.get(k[0], len(order)), k[0], -k[1].rank))
    return tuple(LevelTime(c, level, totals[(c, level)].total_seconds()) for c, level in ranked)
