"""Compute: daily uptime per component, weighted as Statuspage weighs it.

A major outage minute counts fully, a partial outage minute 0.3; degraded
performance and maintenance do not count.  Where entries overlap, each moment
counts once, at the worst weight.  Days are cut in the page's time zone, so a
DST day is 23 or 25 hours long.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from itertools import pairwise

from generator import model as m
from generator.compute.status import Span

WEIGHTS = {m.Level.MAJOR_OUTAGE: 1.0, m.Level.PARTIAL_OUTAGE: 0.3}


@dataclass(frozen=True)
class Day:
    """One day of one component (or group)."""

    date: date
    uptime: float
    """From 0 to 1, over the part of the day that has passed."""
    level: m.Level
    """The worst level the day saw, for the bar's colour and label."""
    entries: tuple[str, ...]
    """Ids of the entries that touched the day."""
    major_seconds: float
    partial_seconds: float


@dataclass(frozen=True)
class Uptime:
    """A component's days, oldest first, and the weighted uptime over all of them."""

    days: tuple[Day, ...]
    ratio: float

    @property
    def percent(self) -> str:
        """``99.87`` style, never rounded up to a false ``100.00``."""
        floor = int(self.ratio * 10000) / 100
        return f"{floor:.2f}"


def day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """Local midnight to local midnight, as UTC datetimes."""
    # In UTC: Python subtracts two datetimes of one zone by wall clock, which is wrong on DST days.
    start = datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
    after = day + timedelta(days=1)
    return start, datetime(after.year, after.month, after.day, tzinfo=tz).astimezone(UTC)


def _weighted(spans: Sequence[Span], start: datetime, end: datetime) -> tuple[float, float]:
    """Seconds of major and partial outage in [start, end), each moment at its worst weight."""
    cuts = {start, end}
    clipped = []
    for span in spans:
        s = max(span.start, start)
        e = end if span.end is None else min(span.end, end)
        if s < e and span.level in WEIGHTS:
            clipped.append((s, e, span.level))
            cuts.update((s, e))
    major = partial = 0.0
    points = sorted(cuts)
    for a, b in pairwise(points):
        levels = [lv for s, e, lv in clipped if s <= a and b <= e]
        if not levels:
            continue
        seconds = (b - a).total_seconds()
        if m.Level.MAJOR_OUTAGE in levels:
            major += seconds
        else:
            partial += seconds
    return major, partial


def component_uptime(spans: Iterable[Span], days: int, tz: tzinfo, now: datetime) -> Uptime:
    """The last ``days`` days up to and including today (in ``tz``) for one component's spans."""
    today = now.astimezone(tz).date()
    first = today - timedelta(days=days - 1)
    window_start, _ = day_bounds(first, tz)
    relevant = [s for s in spans if (s.end is None or s.end > window_start) and s.start < now]
    result = []
    total_down = total_elapsed = 0.0
    for offset in range(days):
        day = first + timedelta(days=offset)
        start, end = day_bounds(day, tz)
        end = min(end, now)
        touching = [s for s in relevant if s.start < end and (s.end is None or s.end > start)]
        major, partial = _weighted(touching, start, end)
        elapsed = max((end - start).total_seconds(), 0.0)
        down = major + WEIGHTS[m.Level.PARTIAL_OUTAGE] * partial
        total_down += down
        total_elapsed += elapsed
        result.append(Day(
            date=day,
            uptime=1.0 - down / elapsed if elapsed else 1.0,
            level=max((s.level for s in touching), key=lambda lv: lv.rank, default=m.Level.OPERATIONAL),
            entries=tuple(dict.fromkeys(s.entry for s in touching)),
            major_seconds=major,
            partial_seconds=partial,
        ))
    ratio = 1.0 - total_down / total_elapsed if total_elapsed else 1.0
    return Uptime(tuple(result), ratio)


def group_uptime(members: Sequence[Uptime]) -> Uptime:
    """A group's days: the mean of its members' uptime, the worst of their levels."""
    days = []
    for parts in zip(*(u.days for u in members), strict=True):
        days.append(Day(
            date=parts[0].date,
            uptime=sum(d.uptime for d in parts) / len(parts),
            level=max((d.level for d in parts), key=lambda lv: lv.rank),
            entries=tuple(dict.fromkeys(e for d in parts for e in d.entries)),
            major_seconds=max(d.major_seconds for d in parts),
            partial_seconds=max(d.partial_seconds for d in parts),
        ))
    ratio = sum(u.ratio for u in members) / len(members)
    return Uptime(tuple(days), ratio)
