"""Compute: daily uptime per component, weighted as Statuspage weighs it.

A major outage minute counts fully, a partial outage minute 0.3; degraded
performance and maintenance do not count.  Where entries overlap, each moment
counts once, at the worst weight.  Days are cut in the page's time zone, so a
DST day is 23 or 25 hours long.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from statusgen import model as m
from statusgen.compute.status import Span

WEIGHTS = {m.Level.MAJOR_OUTAGE: 1.0, m.Level.PARTIAL_OUTAGE: 0.3}


@dataclass(frozen=True, slots=True)
class Day:
    """One day of one component (or group).

    Slotted: a long history's reports hold a day for every component in every month and
    quarter (half a million for 200 components), and a day's dictionary was most of its
    size."""

    date: date
    uptime: float
    """From 0 to 1, over the part of the day that has passed."""
    level: m.Level
    """The worst level the day saw, for the bar's colour and label."""
    entries: tuple[str, ...]
    """Ids of the entries that touched the day."""
    major_seconds: float
    partial_seconds: float
    counted: bool = True
    """``False`` for a day before the component's ``start_date``: no data, no uptime."""


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


Window = list[tuple[date, datetime, datetime, Day]]
"""Days with their bounds in UTC and their quiet :class:`Day` (:func:`window`): a day that
saw nothing is that one object for every component of a page or report, where a long
history's reports held hundreds of thousands of equal ones."""


def day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """Local midnight to local midnight, as UTC datetimes."""
    # In UTC: Python subtracts two datetimes of one zone by wall clock, which is wrong on DST days.
    start = datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
    after = day + timedelta(days=1)
    return start, datetime(after.year, after.month, after.day, tzinfo=tz).astimezone(UTC)


def _days(first: date, count: int, tz: tzinfo, now: datetime) -> Window:
    """Each day of the window: its date, its bounds in UTC (the last one cut at ``now``) and
    its quiet :class:`Day`."""
    out = []
    for offset in range(count):
        day = first + timedelta(days=offset)
        start, end = day_bounds(day, tz)
        out.append((day, start, min(end, now), Day(day, 1.0, m.Level.OPERATIONAL, (), 0.0, 0.0)))
    return out


def _weighted(spans: Sequence[Span], days: Window) -> list[tuple[float, float]]:
    """Seconds of major and partial outage in each day, each moment counted once at its worst.

    One sweep over the spans' ends and the days' bounds: the cost grows with spans plus days,
    not with their product, however many entries overlap (a migrated page can hold hundreds
    of incidents never resolved).
    """
    if not days:
        return []
    window_start, window_end = days[0][1], days[-1][2]
    events: list[tuple[datetime, int, int]] = []  # (time, +1/-1, 1 major / 0 partial)
    for span in spans:
        if span.level not in WEIGHTS:
            continue
        s = max(span.start, window_start)
        e = window_end if span.end is None else min(span.end, window_end)
        if s < e:
            kind = 1 if span.level is m.Level.MAJOR_OUTAGE else 0
            events += [(s, 1, kind), (e, -1, kind)]
    events.sort(key=lambda ev: ev[0])
    totals = [[0.0, 0.0] for _ in days]
    active = [0, 0]  # partial, major
    at = window_start
    index = 0
    day = 0

    def credit(until: datetime) -> None:
        nonlocal at, day
        while at < until:
            while day < len(days) and days[day][2] <= at:
                day += 1
            if day == len(days):
                at = until
                return
            step = min(until, days[day][2])
            seconds = (step - at).total_seconds()
            if active[1]:
                totals[day][0] += seconds
            elif active[0]:
                totals[day][1] += seconds
            at = step

    while index < len(events):
        time = events[index][0]
        credit(time)
        while index < len(events) and events[index][0] == time:
            _, delta, kind = events[index]
            active[kind] += delta
            index += 1
    credit(window_end)
    return [(major, partial) for major, partial in totals]


def window(days: int, tz: tzinfo, now: datetime) -> Window:
    """The last ``days`` days up to and including today (in ``tz``), the last cut at ``now``:
    the same for every component of a page or a report, so made once for all of them."""
    today = now.astimezone(tz).date()
    return _days(today - timedelta(days=days - 1), days, tz, now)


def component_uptime(spans: Iterable[Span], days: int, tz: tzinfo, now: datetime,
                     over: Window | None = None, since: date | None = None) -> Uptime:
    """The last ``days`` days up to and including today (in ``tz``) for one component's spans;
    ``over`` is :func:`window` of the same arguments, when it was made already; days before
    ``since`` (the component's ``start_date``) are not counted."""
    bounds = over if over is not None else window(days, tz, now)
    window_start = bounds[0][1]
    relevant = [s for s in spans if (s.end is None or s.end > window_start) and s.start < now]
    worst: list[m.Level] = [m.Level.OPERATIONAL] * days
    touched: list[dict[str, None]] = [{} for _ in range(days)]
    starts = [bound[1] for bound in bounds]
    for span in relevant:
        # The days the span overlaps: from the day holding its start to the one holding its end.
        first = max(bisect_right(starts, span.start) - 1, 0)
        for index in range(first, days):
            _, start, end, _ = bounds[index]
            if span.end is not None and span.end <= start:
                break
            if not (span.start < end and (span.end is None or span.end > start)):
                continue
            if span.level.rank > worst[index].rank:
                worst[index] = span.level
            touched[index][span.entry] = None
    weighted = _weighted(relevant, bounds)
    result = []
    total_down = total_elapsed = 0.0
    for index, (day, start, end, quiet) in enumerate(bounds):
        major, partial = weighted[index]
        if since is not None and day < since:
            result.append(Day(day, 1.0, m.Level.OPERATIONAL, (), 0.0, 0.0, counted=False))
            continue
        elapsed = max((end - start).total_seconds(), 0.0)
        down = major + WEIGHTS[m.Level.PARTIAL_OUTAGE] * partial
        total_down += down
        total_elapsed += elapsed
        if not down and worst[index] is m.Level.OPERATIONAL and not touched[index]:
            result.append(quiet)
            continue
        result.append(Day(
            date=day,
            uptime=1.0 - down / elapsed if elapsed and down else 1.0,  # one 1.0 for quiet days
            level=worst[index],
            entries=tuple(touched[index]),
            major_seconds=major,
            partial_seconds=partial,
        ))
    ratio = 1.0 - total_down / total_elapsed if total_elapsed else 1.0
    return Uptime(tuple(result), ratio)


def group_uptime(members: Sequence[Uptime]) -> Uptime:
    """A group's days: the mean of its members' uptime (of those counted that day), the worst
    of their levels."""
    days = []
    for every in zip(*(u.days for u in members), strict=True):
        parts = tuple(d for d in every if d.counted) or every
        if parts[0].uptime == 1.0 and all(d is parts[0] for d in parts):
            days.append(parts[0])  # a quiet day of every member is the group's too
            continue
        days.append(Day(
            date=parts[0].date,
            uptime=sum(d.uptime for d in parts) / len(parts),
            level=max((d.level for d in parts), key=lambda lv: lv.rank),
            entries=tuple(dict.fromkeys(e for d in parts for e in d.entries)),
            major_seconds=max(d.major_seconds for d in parts),
            partial_seconds=max(d.partial_seconds for d in parts),
            counted=any(d.counted for d in parts),
        ))
    # A member not yet in service in the whole window has no uptime to average in.
    serving = [u for u in members if any(d.counted for d in u.days)] or list(members)
    ratio = sum(u.ratio for u in serving) / len(serving)
    return Uptime(tuple(days), ratio)
