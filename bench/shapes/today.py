"""today: the benchmark's original shape.

Five years of history; the last 90 days hold the same 40 entries whatever N is
(two incidents open, one maintenance upcoming), so only older history grows.
3 to 6 updates each, 1 to 3 of 20 components, one entry in ten a maintenance,
a short post-mortem on one resolved incident in ten.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

from bench.entries import NOW, Entry, Files, components_yml, files_of
from bench.prose import postmortem
from bench.shapes import Shape
from bench.synthetic import SMALL, history_start, incident, leaves, maintenance

RECENT_DAYS = 90
RECENT = 40
"""Entries in the last 90 days, whatever N is."""
OPEN = 2
"""Incidents still open at NOW."""


def entries(n: int, seed: int = 7) -> list[Entry]:
    """The ``n`` entries: the fixed recent ones, then the history."""
    components = leaves(SMALL)
    out: list[Entry] = []
    recent = random.Random(seed)  # the same last 90 days for every n
    for index in range(min(n, RECENT)):
        still_open = index < OPEN
        start = (NOW - timedelta(hours=recent.randint(6, 20)) if still_open else
                 NOW - timedelta(days=recent.uniform(1, RECENT_DAYS - 1)))
        kind_maintenance = not still_open and index % 10 == 9
        if kind_maintenance and index == 19:
            start = NOW + timedelta(days=3)  # one upcoming
        entry_id = f"{start:%Y-%m-%d}-r{index:05d}"
        out.append(maintenance(recent, entry_id, start, components) if kind_maintenance else
                   _with_postmortem(recent, incident(recent, entry_id, start, still_open, components)))
    older = random.Random(seed + 1)
    for index in range(n - RECENT):
        start = history_start(older, RECENT_DAYS)
        entry_id = f"{start:%Y-%m-%d}-h{index:05d}"
        out.append(maintenance(older, entry_id, start, components) if index % 10 == 9 else
                   _with_postmortem(older, incident(older, entry_id, start, False, components)))
    return out


def _with_postmortem(rng: random.Random, entry: Entry) -> Entry:
    """One resolved incident in ten gets a short post-mortem."""
    if entry.resolved and rng.random() < 0.1:
        return replace(entry, body=postmortem(rng))
    return entry


def files(n: int, seed: int = 7) -> Files:
    """The repository."""
    return files_of(components_yml("Bench Status", SMALL), entries(n, seed))


SHAPE = Shape("today", "the original benchmark: the last 90 days fixed at 40 entries, 2 open", files)
