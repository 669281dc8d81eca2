"""Random incidents and maintenances, and the component trees they name.

The draws are made in a fixed order from the ``random.Random`` passed in, so a
seed gives the same entries on every machine and Python version.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from bench.entries import NOW, Entry, Group, Update
from bench.prose import SUBJECTS, message

LEVELS = ("degraded_performance", "partial_outage", "major_outage")
IMPACTS = ("minor", "minor", "major", "major", "critical")
YEARS = 5
"""How far back the history goes."""

SMALL = (
    Group("core", "Core", [(m, f"{m.title()} service") for m in ("api", "web", "auth", "search")]),
    Group("data", "Data", [(m, f"{m.title()} service") for m in ("db", "cache", "queue", "storage")]),
    Group("delivery", "Delivery",
          [(m, f"{m.title()} service") for m in ("email", "sms", "webhooks", "push")]),
    Group("regions", "Regions", [(m, f"{m.title()} service") for m in ("eu", "us", "ap", "sa")]),
    Group("tools", "Tools",
          [(m, f"{m.title()} service") for m in ("dashboard", "billing", "reports", "exports")]),
)
"""Twenty components in five groups."""

_AREAS = ("core", "data", "delivery", "regions", "tools", "payments", "search", "media", "identity",
          "mobile", "analytics", "messaging", "storage", "network", "compute", "billing", "support",
          "partners", "backoffice", "edge")
_SERVICES = ("api", "web", "worker", "queue", "db", "cache", "cdn", "auth", "jobs", "webhooks")
LARGE = tuple(Group(area, area.title(), [(f"{area}-{s}", f"{area.title()} {s}") for s in _SERVICES])
              for area in _AREAS)
"""Two hundred components in twenty groups."""


def leaves(groups: Sequence[Group]) -> list[str]:
    """The ids of every member, in the page's order."""
    return [member for group in groups for member, _ in group.members]


def incident(rng: random.Random, entry_id: str, start: datetime, still_open: bool,
             components: Sequence[str], most: int = 3) -> Entry:
    """An incident of 3 to 6 updates naming 1 to ``most`` components; open or resolved."""
    chosen = rng.sample(components, rng.randint(1, most))
    statuses = ["investigating", "identified", "monitoring", "resolved"]
    count = rng.randint(3, 6)
    flow = statuses[:3] if still_open else statuses
    while len(flow) < count:
        flow.insert(rng.randint(1, len(flow) - 1), rng.choice(("identified", "monitoring")))
    if still_open:
        flow = flow[:count]
    times, at = [], start
    for _ in flow:
        times.append(at)
        at += timedelta(minutes=rng.randint(5, 90))
    title = f"{rng.choice(SUBJECTS)} for {chosen[0].title()}"
    impact = rng.choice(IMPACTS)
    levels = {c: rng.choice(LEVELS) for c in chosen}
    updates = []
    for status, when in reversed(list(zip(flow, times, strict=True))):
        text = message(rng)
        change = {chosen[0]: rng.choice(LEVELS)} if status == "identified" and rng.random() < 0.5 \
            else {}
        updates.append(Update(when, status, text, change))
    return Entry(entry_id, title, updates, impact=impact, levels=levels)


def maintenance(rng: random.Random, entry_id: str, start: datetime,
                components: Sequence[str]) -> Entry:
    """A maintenance of 1 to 4 hours announced 2 to 10 days ahead; completed if it is over.

    The announcement is never later than :data:`NOW` (a later update is an error).
    """
    component = rng.choice(components)
    end = start + timedelta(hours=rng.randint(1, 4))
    updates = [("scheduled", min(start - timedelta(days=rng.randint(2, 10)), NOW))]
    if end <= NOW:
        updates += [("in_progress", start), ("completed", end - timedelta(minutes=10))]
    title = f"Planned work on {component.title()}"
    timeline = [Update(when, status, message(rng)) for status, when in reversed(updates)]
    return Entry(entry_id, title, timeline, kind="maintenance", impact="", affected=[component],
                 window=(start, end))


def history_start(rng: random.Random, recent_days: int) -> datetime:
    """A moment between :data:`YEARS` years and ``recent_days`` days before :data:`NOW`."""
    span = timedelta(days=365 * YEARS - recent_days).total_seconds()
    start = NOW - timedelta(days=recent_days) - timedelta(seconds=rng.uniform(0, span))
    return start.replace(microsecond=0)
