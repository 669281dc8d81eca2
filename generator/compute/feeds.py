"""Which entries each feed holds: the page's and every component's and group's, the newest
:data:`LIMIT` by their newest visible update (what the build may show is already redacted)."""

from __future__ import annotations

import heapq

from statusgen import model as m
from statusgen.compute.status import Entry

LIMIT = 50
"""How many entries a feed holds, newest updated first."""


def feed_entries(entries: tuple[Entry, ...],
                 config: m.Config) -> tuple[tuple[m.Component | None, tuple[Entry, ...]], ...]:
    """The page's feed (``None``) and then each component's and group's in display order,
    each with its entries, newest updated first, ties by id."""
    newest_first = sorted(entries, key=lambda e: (e.updated_at, e.id), reverse=True)
    scopes: list[tuple[m.Component | None, tuple[Entry, ...]]] = [(None, tuple(newest_first[:LIMIT]))]
    # Each leaf's entries in feed order, in one pass; a group's are its members' merged.
    rank = {e.id: index for index, e in enumerate(newest_first)}
    by_leaf: dict[str, list[Entry]] = {}
    for e in newest_first:
        for leaf in e.named:
            by_leaf.setdefault(leaf, []).append(e)
    for component in config.walk():
        merged = heapq.merge(*(by_leaf.get(leaf, []) for leaf in config.expand(component.id)),
                             key=lambda e: rank[e.id])
        chosen: list[Entry] = []
        for e in merged:  # an entry naming two members comes twice, one after the other
            if not chosen or chosen[-1] is not e:
                chosen.append(e)
                if len(chosen) == LIMIT:
                    break
        scopes.append((component, tuple(chosen)))
    return tuple(scopes)
