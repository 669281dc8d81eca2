"""Lifecycle rules: statuses of the entry's kind, the terminal update, the order and times of
updates, the acknowledgement, maintenance windows, and what a public entry must show."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from statusgen import model as m
from statusgen import rules
from statusgen.check.context import Context
from statusgen.diagnostics import Diagnostic, with_article

SKEW = timedelta(minutes=5)
STALE = timedelta(days=14)


def _a(kind: m.Kind) -> str:
    """``an incident``, ``a maintenance``."""
    return with_article(str(kind))


def stamp(at: datetime) -> str:
    """A timestamp as a person would write it back: ``Z`` for UTC."""
    text = at.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def status_rules(incident: m.Incident, context: Context) -> Iterator[Diagnostic]:
    """Statuses of the entry's kind, ending once; windows for maintenance only, announced
    before they end."""
    kind = incident.kind
    allowed = m.STATUSES[kind]
    terminal = m.TERMINAL[kind]
    for index, update in enumerate(incident.updates):
        if update.status not in allowed:
            yield rules.STATUS_KIND.at(update.loc_of("status"), f"`{update.status}` is not "
                                       f"{_a(kind)} status; use one of {', '.join(allowed)}")
        elif update.status is terminal and _follows_another(incident.updates, index):
            yield rules.TERMINAL.at(update.loc_of("status"), f"`{terminal}` ends the {kind}, so it "
                                    "can only be the newest update (the first in the list), and only once")
    # An entry may start at any status: hosted pages open incidents as `identified` or even
    # `resolved`, and every imported history has such entries.
    if incident.mode is m.Mode.RETROSPECTIVE and incident.terminal is None:
        yield rules.RETROSPECTIVE.at(incident.loc_of("mode"), "a retrospective entry is written "
                                     f"after the fact and must end with a `{terminal}` update")
    if kind is m.Kind.MAINTENANCE:
        if incident.window is None:
            yield rules.WINDOW.at(incident.loc, "a maintenance needs `window: {start: …, end: …}`")
        elif incident.window.end <= incident.window.start:
            yield rules.WINDOW.at(incident.window.loc_of("end"), "the window ends before it starts; "
                                  "`end` must be after `start`")
        elif not incident.repeat:  # a series is announced while it runs
            yield from _scheduled_after_window(incident, incident.window)
    elif incident.window is not None:
        yield rules.WINDOW.at(incident.loc_of("window"), "only maintenance has a window; remove it "
                              "or add `kind: maintenance`")


def _follows_another(updates: tuple[m.Update, ...], index: int) -> bool:
    """Whether an update newer than ``updates[index]`` concerns the same occurrence (every
    update of an entry that runs once concerns the same one)."""
    return any(u.occurrence == updates[index].occurrence for u in updates[:index])


def _scheduled_after_window(incident: m.Incident, window: m.Window) -> Iterator[Diagnostic]:
    """A `scheduled` update posted once the work was over announces nothing readers can use,
    and the page and notifications would present finished work as coming."""
    for update in incident.updates:
        if update.status is m.Status.SCHEDULED and update.at > window.end:
            yield rules.SCHEDULED_LATE.at(
                update.loc_of("at"), f"`scheduled` at {stamp(update.at)}, "
                f"after the window ended ({stamp(window.end)}); correct the window or the "
                "time, or record work that is over as `mode: retrospective` with only a "
                "`completed` update (`statusgen maintenance --retrospective`)")


def order_rules(incident: m.Incident, context: Context) -> Iterator[Diagnostic]:
    """Updates newest first."""
    # Two updates in the same second are fine (commands pasted together, imported histories
    # kept to the second): the list's order then says which came later.
    for above, below in zip(incident.updates, incident.updates[1:], strict=False):
        if below.at > above.at:
            yield rules.ORDER.at(below.loc_of("at"), f"updates are not newest first: "
                                 f"{stamp(below.at)} (line {below.loc_of('at').line}) is later than "
                                 f"{stamp(above.at)} (line {above.loc_of('at').line}); put the newest update "
                                 "first")


def time_rules(incident: m.Incident, context: Context) -> Iterator[Diagnostic]:
    """Nothing posted in the future; a word about incidents open for weeks."""
    now = context.clock()
    for update in incident.updates:
        # A difference, not `now + SKEW`: that overflows for a `now` in the year 9999.
        if update.at - now > SKEW:
            yield rules.FUTURE.at(update.loc_of("at"), f"{stamp(update.at)} is in the future (now is "
                                  f"{stamp(now)}); check the date and the zone")
    oldest = incident.updates[-1].at
    if incident.kind is m.Kind.INCIDENT and incident.terminal is None and now - oldest > STALE:
        yield rules.STALE_OPEN.at(incident.updates[0].loc_of("status"), f"open for "
                                  f"{(now - oldest).days} days; forgot to resolve? add a `resolved` update")
    yield from next_update_rules(incident, now)


def next_update_rules(incident: m.Incident, now: datetime) -> Iterator[Diagnostic]:
    """A promised next update comes after its update, and is not overdue on an open entry."""
    for update in incident.updates:
        if update.next_update is not None and update.next_update <= update.at:
            yield rules.NEXT_UPDATE.at(update.loc_of("next_update"), f"`next_update` "
                                       f"({stamp(update.next_update)}) is not after this update's "
                                       f"`at` ({stamp(update.at)}); write a duration such as `30m`")
    newest = incident.updates[0]
    if incident.terminal is None and incident.mode is not m.Mode.TEST and \
            newest.next_update is not None and newest.at < newest.next_update < now:
        late = int((now - newest.next_update).total_seconds() // 60)
        yield rules.NEXT_UPDATE_LATE.at(
            newest.loc_of("next_update"), f"“{incident.title}” promised its next update by "
            f"{stamp(newest.next_update)}, {late} minutes ago, and none came; post an update "
            f"(statusgen update {incident.id} --message … --next-update 30m) or resolve it")


def visibility_rules(incident: m.Incident, context: Context) -> Iterator[Diagnostic]:
    """A public entry shows readers an update, and its end."""
    if incident.visibility is m.Visibility.INTERNAL:
        return
    if all(u.internal for u in incident.updates):
        yield rules.NO_PUBLIC_UPDATE.at(
            incident.updates[0].loc_of("internal"), "a public entry "
            "needs at least one update without `internal: true`; readers would see none")
    elif incident.terminal is not None and incident.terminal.internal:
        yield rules.INTERNAL_TERMINAL.at(
            incident.terminal.loc_of("internal"), f"the "
            f"`{incident.terminal.status}` update is internal, so the public page would "
            "never see this end; remove `internal: true`")


def acknowledged_rules(incident: m.Incident, context: Context) -> Iterator[Diagnostic]:
    """Started → acknowledged → resolved: an incident is acknowledged after its first update
    and no later than its end, never in the future; a maintenance is not acknowledged."""
    ack = incident.acknowledged
    if ack is None:
        return
    if incident.kind is m.Kind.MAINTENANCE:
        yield rules.ACKNOWLEDGED.at(incident.loc_of("acknowledged"), "a maintenance is planned "
                                    "work, so nobody acknowledges it; remove `acknowledged`")
        return
    where = ack.loc_of("at")
    first, end = incident.updates[-1], incident.terminal
    if ack.at < first.at:
        yield rules.ACKNOWLEDGED.at(where, f"acknowledged at {stamp(ack.at)}, before the incident "
                                    f"started ({stamp(first.at)}, line {first.loc_of('at').line}); "
                                    "check the time")
    elif end is not None and ack.at > end.at:
        yield rules.ACKNOWLEDGED.at(where, f"acknowledged at {stamp(ack.at)}, after the "
                                    f"`{end.status}` update ({stamp(end.at)}, line "
                                    f"{end.loc_of('at').line}); an incident is acknowledged "
                                    "before it ends: check the time")
    if ack.at - context.clock() > SKEW:
        yield rules.ACKNOWLEDGED.at(where, f"acknowledged at {stamp(ack.at)}, in the future (now "
                                    f"is {stamp(context.clock())}); check the date and the zone")


def acknowledgement_problem(incident: m.Incident, at: datetime) -> Diagnostic | None:
    """Why ``incident`` cannot be acknowledged (again) at ``at``, located in its file; what
    ``statusgen ack`` refuses before it writes anything."""
    ack = incident.acknowledged
    if incident.kind is m.Kind.MAINTENANCE:
        return rules.ACKNOWLEDGED.at(incident.loc_of("kind"), "a maintenance is planned work, "
                                     "so nobody acknowledges it")
    if ack is not None:
        who = f" by {ack.by}" if ack.by else ""
        return rules.ACKNOWLEDGED.at(ack.loc_of("at"), f"already acknowledged at "
                                     f"{stamp(ack.at)}{who}; an incident is acknowledged once "
                                     "(edit the line to correct it)")
    end = incident.terminal
    if end is not None and at > end.at:
        return rules.ACKNOWLEDGED.at(end.loc_of("status"), f"already {end.status} at "
                                     f"{stamp(end.at)}; an incident is acknowledged before it "
                                     "ends: give an earlier --at")
    first = incident.updates[-1]
    if at < first.at:
        return rules.ACKNOWLEDGED.at(first.loc_of("at"), f"--at {stamp(at)} is before the "
                                     f"incident started ({stamp(first.at)}); give a later --at")
    return None
