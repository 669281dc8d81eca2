"""migrated: a history brought over from another tool, nothing in the last 90 days.

Five years of entries, all older than 90 days; one entry in ten a maintenance;
one incident in twenty (5%) was never resolved, spread evenly over the years, as
happens when a page's history is imported from a tool that never closed them.
"""

from __future__ import annotations

import random

from bench.entries import Entry, Files, components_yml, files_of
from bench.shapes import Shape
from bench.synthetic import SMALL, history_start, incident, leaves, maintenance

QUIET_DAYS = 90
OPEN_EVERY = 20
"""One incident in this many is never resolved."""


def entries(n: int, seed: int = 7) -> list[Entry]:
    """The ``n`` entries, oldest and newest in no particular order."""
    components = leaves(SMALL)
    rng = random.Random(seed)
    out: list[Entry] = []
    incidents = 0
    for index in range(n):
        start = history_start(rng, QUIET_DAYS + 1)  # its updates span hours
        entry_id = f"{start:%Y-%m-%d}-m{index:05d}"
        if index % 10 == 9:
            out.append(maintenance(rng, entry_id, start, components))
            continue
        still_open = incidents % OPEN_EVERY == OPEN_EVERY // 2
        incidents += 1
        out.append(incident(rng, entry_id, start, still_open, components))
    return out


def files(n: int, seed: int = 7) -> Files:
    """The repository."""
    return files_of(components_yml("Migrated Status", SMALL), entries(n, seed))


SHAPE = Shape("migrated", "5% of incidents never resolved, spread over 5 years; the last 90 days quiet",
              files)
