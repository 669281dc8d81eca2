"""busy: a large page that posts every day.

200 components in 20 groups; a fifth of the entries (hundreds, growing with N)
fall in the last 90 days, with about 1% of those still open and a few
maintenances upcoming; the rest is spread over five years.  Incidents name 1
to 4 components.  An incident's updates span up to 7.5 hours, so every one
starts at least 8 hours before NOW and no update is in the future.
"""

from __future__ import annotations

import random
from datetime import timedelta

from bench.entries import NOW, Entry, Files, components_yml, files_of
from bench.shapes import Shape
from bench.synthetic import LARGE, history_start, incident, leaves, maintenance

RECENT_DAYS = 90
RECENT_SHARE = 5
"""One entry in this many falls in the last 90 days."""


def entries(n: int, seed: int = 7) -> list[Entry]:
    """The ``n`` entries: the recent ones, then the history."""
    components = leaves(LARGE)
    rng = random.Random(seed)
    recent = n // RECENT_SHARE
    out: list[Entry] = []
    for index in range(n):
        still_open = index < recent and index % 100 == 0
        upcoming = index < recent and index % 50 == 25
        if still_open:
            start = NOW - timedelta(hours=rng.uniform(8, 30))
        elif upcoming:
            start = NOW + timedelta(days=rng.uniform(1, 14))
        elif index < recent:
            start = NOW - timedelta(days=rng.uniform(0.5, RECENT_DAYS))
        else:
            start = history_start(rng, RECENT_DAYS)
        start = start.replace(microsecond=0)
        entry_id = f"{start:%Y-%m-%d}-b{index:05d}"
        if upcoming or (not still_open and index % 10 == 9):
            out.append(maintenance(rng, entry_id, start, components))
        else:
            out.append(incident(rng, entry_id, start, still_open, components, most=4))
    return out


def files(n: int, seed: int = 7) -> Files:
    """The repository."""
    return files_of(components_yml("Busy Status", LARGE), entries(n, seed))


SHAPE = Shape("busy", "a fifth of the entries in the last 90 days; 200 components in 20 groups", files)
