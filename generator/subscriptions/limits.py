"""Abuse bounds kept in memory: at most ``count`` requests per key within ``period`` seconds.

Per instance: behind a load balancer each instance counts its own requests, so the bound a
reader meets is at most the instances' number times higher; the bound on confirmation mails
per address and day is kept in the database and holds across instances.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

KEYS = 100_000
"""Keys kept at most: beyond, the oldest are forgotten (memory stays bounded)."""


class Window:
    def __init__(self, count: int, period: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.count = count
        self.period = period
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> int:
        """Count a request; 0 when it is allowed, else the seconds until one is."""
        now = self.clock()
        with self._lock:
            times = self._seen.pop(key, None) or deque()
            while times and times[0] <= now - self.period:
                times.popleft()
            self._seen[key] = times  # re-inserted: the dict stays in order of last use
            if len(times) >= self.count:
                return max(1, int(times[0] + self.period - now + 1))
            times.append(now)
            if len(self._seen) > KEYS:
                del self._seen[next(iter(self._seen))]
            return 0
