"""Recurring maintenance: a rule that reads, a window on its first occurrence, and updates
that each concern the series or one of its occurrences."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from statusgen import model as m
from statusgen import rules
from statusgen.check.context import Context
from statusgen.diagnostics import Diagnostic
from statusgen.source.recurrence import HORIZON, Rule, occurrence_id, read_rule


def recurring_rules(incident: m.Incident, context: Context) -> Iterator[Diagnostic]:
    """``repeat`` reads and fits the window; ``except`` and ``occurrence`` name occurrences."""
    dated = [u for u in incident.updates if u.occurrence is not None]
    if not incident.repeat:
        misplaced = [incident.loc_of("except")] if incident.has("except") else []
        misplaced += [u.loc_of("occurrence") for u in dated]
        for where in misplaced:
            yield rules.REPEAT.at(where, "`except` and `occurrence` belong to a recurring "
                                  "maintenance; add `repeat: FREQ=…` or remove them")
        return
    if incident.kind is not m.Kind.MAINTENANCE or incident.window is None:
        yield rules.REPEAT.at(incident.loc_of("repeat"), "only a maintenance with a `window` "
                              "repeats; add `kind: maintenance` and the first occurrence's window")
        return
    zone = ZoneInfo(context.config.page.timezone)
    window = incident.window
    rule = read_rule(incident.repeat, window.start, window.end, zone)
    if not isinstance(rule, Rule):
        yield rules.REPEAT.at(incident.loc_of("repeat"), f"`{incident.repeat}` cannot be read: "
                              f"{rule}")
        return
    if rule.starts(rule.first)[:1] != [rule.first]:
        yield rules.REPEAT.at(window.loc_of("start"), f"the window starts "
                              f"{rule.first:%Y-%m-%d %H:%M} ({zone.key}), which is not an "
                              f"occurrence of `{incident.repeat}`; start it on the first one")
    taken = [start.date() for start in rule.starts(context.clock() + HORIZON)
             if occurrence_id(incident.id, start.date()) in context.published]
    if taken:
        yield rules.REPEAT.at(incident.loc_of("repeat"), f"the occurrence of {taken[0]} has the "
                              f"id {occurrence_id(incident.id, taken[0])}, which is another "
                              "file's; rename one of the two files")
    named = [*incident.exceptions, *(u.occurrence for u in dated if u.occurrence)]
    occurs = _occurs(rule, named, zone)
    for day in incident.exceptions:
        if day not in occurs:
            yield rules.REPEAT_EXCEPT.at(incident.loc_of("except"), f"{day} is not an "
                                         f"occurrence of `{incident.repeat}`, so it skips nothing")
    for update in dated:
        if update.occurrence not in occurs or update.occurrence in incident.exceptions:
            yield rules.REPEAT.at(update.loc_of("occurrence"), f"{update.occurrence} is not an "
                                  "occurrence of this maintenance (or is in `except`); correct "
                                  "the date, in the page's zone")
    for update in incident.updates:
        if update.occurrence is None and update.status is not m.Status.SCHEDULED:
            yield rules.REPEAT.at(update.loc_of("status"), "an update without `occurrence:` "
                                  "is about the whole series and can only be `scheduled`; "
                                  "name the occurrence it is about (`occurrence: 2026-04-14`), "
                                  "or end the series with UNTIL or COUNT in `repeat`")
    if incident.updates[-1].occurrence is not None:
        yield rules.REPEAT.at(incident.updates[-1].loc_of("occurrence"), "the oldest update "
                              "announces the series: write it without `occurrence:`")


def _occurs(rule: Rule, named: list[date], zone: ZoneInfo) -> set[date]:
    """Which of the dates ``named`` have an occurrence."""
    if not named:
        return set()
    last = max(named)
    starts = rule.starts(datetime.combine(last, time(23, 59, 59), zone))
    return {s.date() for s in starts} & set(named)
