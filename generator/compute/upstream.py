"""Upstream components' levels: a provider's status read at build time counts like an entry."""

from __future__ import annotations

from collections.abc import Mapping

from statusgen import model as m


def with_upstream(levels: Mapping[str, m.Level], readings: Mapping[str, m.UpstreamReading],
                  config: m.Config) -> dict[str, m.Level]:
    """``levels`` with each upstream component at the worst of its own entries' level and its
    provider's (a stale reading counts too: it is the last known), and groups recomputed."""
    found = dict(levels)
    for cid, reading in readings.items():
        if cid in found and reading.level.rank > found[cid].rank:
            found[cid] = reading.level
    for group in config.components:
        if group.is_group:
            found[group.id] = max((found[c.id] for c in group.members), key=lambda lv: lv.rank)
    return found
