"""Recurring maintenance: one file (``repeat:``) as the occurrences the page shows.

Each occurrence is an entry of its own (``<file id>-<date>``), with its window and the
updates that concern it: its own (``occurrence: <date>``) and those about the whole
series posted before it ended (the oldest of them when none was, so an occurrence never
has an empty timeline).  An occurrence listed in ``except`` does not take place; one
completed before it started is cancelled, as any maintenance is.

Occurrences are expanded from the first up to :data:`~statusgen.source.recurrence.HORIZON`
past ``now``: the rule may run for ever, the pages cannot.  The calendar publishes the
rule itself (:class:`Series`), so a calendar application sees every occurrence.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from statusgen import model as m
from statusgen.source.recurrence import HORIZON, Rule, occurrence_id, read_rule


@dataclass(frozen=True)
class Series:
    """A recurring maintenance as the calendar publishes it: one event and its rule."""

    incident: m.Incident
    """The file's entry as this build shows it (redacted), its first window included."""
    rule: str
    """The RRULE, ``UNTIL`` in UTC."""
    zone: str
    """The zone the rule is read in: the page's."""
    start: datetime
    end: datetime
    """The first occurrence's window, in ``zone``."""
    skipped: tuple[datetime, ...]
    """The starts of occurrences that do not take place (``except``, or cancelled), in ``zone``."""


def rule_of(incident: m.Incident, zone: ZoneInfo) -> Rule | None:
    """The rule of a recurring maintenance; ``None`` for one that runs once (or whose rule
    does not read, which the check reports)."""
    if not incident.repeat or incident.window is None or incident.kind is not m.Kind.MAINTENANCE:
        return None
    found = read_rule(incident.repeat, incident.window.start, incident.window.end, zone)
    return found if isinstance(found, Rule) else None


def occurrences(shown: m.Incident, written: m.Incident, zone: ZoneInfo,
                now: datetime) -> list[tuple[m.Incident, m.Incident]]:
    """Every occurrence of a recurring maintenance up to the horizon past ``now``, as this
    build shows it and as its file has it; ``[(shown, written)]`` for an entry that runs once."""
    rule = rule_of(written, zone)
    if rule is None:
        return [(shown, written)]
    found = []
    visible = {id(u) for u in shown.updates}
    for start in rule.starts(now + HORIZON):
        day = start.date()
        if day in written.exceptions:
            continue
        whole = _occurrence(written, day, start, rule.end(start))
        updates = tuple(u for u in whole.updates if id(u) in visible)
        if updates:
            found.append((replace(shown, id=whole.id, window=whole.window, updates=updates,
                                  repeat="", exceptions=(), occurrence=day), whole))
    return found


def _occurrence(incident: m.Incident, day: date, start: datetime, end: datetime) -> m.Incident:
    window = incident.window
    assert window is not None
    own = [u for u in incident.updates if u.occurrence == day or
           (u.occurrence is None and u.at <= end)]
    if not any(u.occurrence is None for u in own):
        series = [u for u in incident.updates if u.occurrence is None]
        own.extend(series[-1:])  # the oldest: the series' announcement
    updates = tuple(u for u in incident.updates if any(u is o for o in own))
    return replace(incident, id=occurrence_id(incident.id, day), updates=updates,
                   window=replace(window, start=start.astimezone(UTC), end=end.astimezone(UTC)),
                   repeat="", exceptions=(), occurrence=day)


def expanded(pairs: Iterable[tuple[m.Incident, m.Incident]], zone: ZoneInfo,
             now: datetime) -> Iterator[tuple[m.Incident, m.Incident]]:
    """``pairs`` (shown, written), each recurring maintenance replaced by its occurrences."""
    for shown, written in pairs:
        yield from occurrences(shown, written, zone, now)


def series(incidents: Iterable[m.Incident], entries: Iterable[tuple[str, bool]],
           zone: ZoneInfo) -> tuple[Series, ...]:
    """The recurring maintenance among ``incidents`` (as shown), for the calendar;
    ``entries`` are the occurrences' ids and whether each was cancelled."""
    cancelled = {entry_id for entry_id, gone in entries if gone}
    found = []
    for incident in incidents:
        rule = rule_of(incident, zone)
        if rule is None:
            continue
        skipped = [start for start in rule.starts(max(rule.first, _last(incident, zone)))
                   if start.date() in incident.exceptions or
                   occurrence_id(incident.id, start.date()) in cancelled]
        found.append(Series(incident, rule.text, zone.key, rule.first, rule.end(rule.first),
                            tuple(skipped)))
    return tuple(found)


def _last(incident: m.Incident, zone: ZoneInfo) -> datetime:
    """The latest date an exception or an occurrence's update names, as a time in ``zone``."""
    named = [*incident.exceptions, *(u.occurrence for u in incident.updates if u.occurrence)]
    latest = max(named, default=date.min)
    return datetime(latest.year, latest.month, latest.day, 23, 59, 59, tzinfo=zone) \
        if latest != date.min else datetime.min.replace(tzinfo=zone)
