"""Events: what happened on the public page that subscribers are told about, as of ``now``.

An event is worked out from the files and the clock alone, so the same repository and
``now`` always give the same events with the same ids, on a laptop, in a pull request's
check and in the deploy.  Internal entries, internal updates and drills are removed
first (:func:`~statusgen.compute.status.redact`), as for the public site, so no event
can name them.  The team's own channels (``internal: true``) get the events of every
entry but drills instead, internal ones included (``due_events(…, internal=True)``):
an update has the same event id in both, so an internal update made public later is
sent once to the public channels and not again to the team's.

* Each public update is one event (an incident ``created``, ``updated`` or ``resolved``;
  a maintenance ``scheduled``, ``started``, ``updated`` or ``completed``), unless it says
  ``notify: false``.  Its id is the entry's id and the update's time, which stays the same
  when newer updates are added.
* A maintenance also ``started`` and ``completed`` by the clock alone, when its window
  begins and ends without an update saying so, and sends a ``reminder`` before it starts;
  a maintenance announced with ``notify: false`` does neither.
* A recurring maintenance is its occurrences (:mod:`statusgen.compute.recurring`); an
  update about the whole series is announced once, as the occurrence that was next when
  it was posted, never once per occurrence.  Each occurrence has its own clock events.
* Only events of the last :data:`STALE` are due: older ones are history, never sent, so a
  repository's past never floods a channel and the send log stays small.

Each event holds the entry as it stood when the event happened, so a message says what
was true then even when it is sent later (after a failed delivery, say).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from statusgen import model as m
from statusgen.check.lifecycle import SKEW
from statusgen.compute.notified import HORIZON, compact, event_keys
from statusgen.compute.recurring import expanded
from statusgen.compute.status import OPEN, Change, Entry, entry, expand, maintenance_interval, redacted

STALE = HORIZON
"""Events older than this at ``now`` are never sent."""


class EventKind(StrEnum):
    """What happened: the second part of an event's name (``incident.updated``)."""

    CREATED = "created"
    UPDATED = "updated"
    RESOLVED = "resolved"
    SCHEDULED = "scheduled"
    REMINDER = "reminder"
    STARTED = "started"
    COMPLETED = "completed"
    LATE = "late"
    """The next update an open entry promised (``next_update``) is overdue: the team's
    channels only."""


@dataclass(frozen=True)
class Event:
    """One thing subscribers are told about."""

    id: str
    """Stable: ``<entry id>/<update time>`` or ``<entry id>/<started|completed|reminder>-<time>``."""
    kind: EventKind
    entry: Entry
    """The entry as it stood when the event happened (public updates up to it only)."""
    at: datetime
    """When it happened; for a reminder, when the maintenance starts."""
    update: m.Update | None
    """The update it announces; ``None`` for an event of the clock."""
    changes: tuple[Change, ...] = ()
    """The component levels it changed."""
    team: bool = False
    """Worked out for the team's own channels, from every entry but drills."""

    @property
    def internal(self) -> bool:
        """Whether it tells what only the team may see: an internal entry or update."""
        return self.team and (not self.incident.published or self.kind is EventKind.LATE or
                              (self.update is not None and self.update.internal))

    @property
    def incident(self) -> m.Incident:
        return self.entry.incident

    @property
    def name(self) -> str:
        """``incident.created``, ``maintenance.reminder`` …"""
        return f"{self.incident.kind}.{self.kind}"


def due_events(repo: m.Repository, now: datetime, internal: bool = False) -> tuple[Event, ...]:
    """Every event of the public page that is due at ``now``, oldest first; with
    ``internal``, of every entry but drills (for the team's own channels)."""
    config = repo.config
    found: list[Event] = []
    zone = ZoneInfo(config.page.timezone)
    for incident, written in _up_to_next(expanded(redacted(repo.incidents, internal=internal),
                                                  zone, now), now):
        if incident.mode is m.Mode.TEST:
            continue  # a drill goes nowhere, not even to the team
        posted = tuple(u for u in incident.updates if u.at <= now + SKEW)
        if not posted or not _recent(incident, now):
            continue
        public = incident if len(posted) == len(incident.updates) else replace(incident, updates=posted)
        found.extend(_update_events(public, written, config, now, internal))
        if public.kind is m.Kind.MAINTENANCE:
            found.extend(_clock_events(public, written, config, now, internal))
        if internal:
            found.extend(_late(public, written, config, now))
    return tuple(sorted(_series_once(found), key=lambda e: (e.at, e.id)))


def _up_to_next(pairs: Iterable[tuple[m.Incident, m.Incident]], now: datetime
                ) -> Iterator[tuple[m.Incident, m.Incident]]:
    """``pairs`` without the occurrences after the next one: those are not due yet, and each
    becomes the next in its turn."""
    following: dict[str, datetime] = {}
    kept = list(pairs)
    for shown, _ in kept:
        window = shown.window
        if shown.occurrence is not None and window is not None and window.start > now:
            following[shown.path] = min(window.start, following.get(shown.path, window.start))
    for shown, written in kept:
        window = shown.window
        if shown.occurrence is None or window is None or shown.path not in following or \
                window.start <= following[shown.path]:
            yield shown, written


def _series_once(events: Iterable[Event]) -> Iterator[Event]:
    """``events`` with each update about a whole series once: in the first occurrence that
    had not ended when it was posted (every occurrence's timeline shows it)."""
    first: dict[tuple[str, str], Event] = {}
    for event in events:
        window, update = event.incident.window, event.update
        if event.incident.occurrence is None or update is None or update.occurrence is not None:
            yield event
            continue
        if window is None or window.end <= update.at:
            continue
        key = (event.incident.path, event.id.rsplit("/", 1)[1])
        kept = first.get(key)
        if kept is None or (kept.incident.window is not None and
                            window.start < kept.incident.window.start):
            first[key] = event
    yield from first.values()


def _recent(incident: m.Incident, now: datetime) -> bool:
    """Whether anything of the entry can still be due (most of a long history is not)."""
    since = now - STALE
    window = incident.window
    return incident.updates[0].at >= since or (window is not None and window.end >= since)


def _maintenance_changes(incident: m.Incident, config: m.Config, kind: EventKind) -> tuple[Change, ...]:
    """What a maintenance's start or end does to its components."""
    if kind not in (EventKind.STARTED, EventKind.COMPLETED):
        return ()
    levels = (m.Level.OPERATIONAL, m.Level.UNDER_MAINTENANCE)
    old, new = levels if kind is EventKind.STARTED else levels[::-1]
    return tuple(Change(c, old, new) for c in expand(incident.components, config, new))


def _update_events(incident: m.Incident, written: m.Incident, config: m.Config,
                   now: datetime, team: bool) -> Iterator[Event]:
    count = len(incident.updates)
    chronological = incident.updates[::-1]
    for index, (update, key) in enumerate(zip(chronological, event_keys(chronological), strict=True)):
        if not update.notify or update.at < now - STALE:
            continue
        upto = replace(incident, updates=incident.updates[count - 1 - index:])
        then = entry(upto, config, update.at, written)
        kind = _update_kind(upto, index)
        changes = then.changes[0] if incident.kind is m.Kind.INCIDENT else \
            _maintenance_changes(incident, config, kind)
        yield Event(f"{incident.id}/{key}", kind, then, update.at, update, changes, team)


def _update_kind(upto: m.Incident, index: int) -> EventKind:
    """What the newest update of ``upto`` (the ``index``-th from the oldest) announces."""
    update = upto.updates[0]
    if upto.terminal is update:
        return EventKind.RESOLVED if upto.kind is m.Kind.INCIDENT else EventKind.COMPLETED
    if upto.kind is m.Kind.INCIDENT:
        return EventKind.CREATED if index == 0 else EventKind.UPDATED
    interval = maintenance_interval(upto)
    if update.status in OPEN and interval is not None and interval[0] == update.at:
        return EventKind.STARTED
    return EventKind.SCHEDULED if index == 0 else EventKind.UPDATED


def _clock_events(incident: m.Incident, written: m.Incident, config: m.Config,
                  now: datetime, team: bool) -> Iterator[Event]:
    """A maintenance's start and end when no update said so, and the reminder before it."""
    window = incident.window
    interval = maintenance_interval(incident)
    if window is None or interval is None or not incident.updates[-1].notify:
        return  # cancelled before it ran, or announced quietly
    start, end = interval
    since = now - STALE
    started_by_update = any(u.status in OPEN and u.at <= window.start for u in incident.updates)
    completed_by_update = any(u.status is m.Status.COMPLETED for u in incident.updates)
    clock: list[tuple[EventKind, datetime]] = []
    if now < start:
        clock.append((EventKind.REMINDER, start))
    elif not started_by_update and (end is None or now < end) and start >= since:
        clock.append((EventKind.STARTED, start))
    if not completed_by_update and end is not None and since <= end <= now:
        clock.append((EventKind.COMPLETED, end))
    for kind, at in clock:
        then = entry(incident, config, now if kind is EventKind.REMINDER else at, written)
        yield Event(f"{incident.id}/{kind}-{compact(at)}", kind, then, at, None,
                    _maintenance_changes(incident, config, kind), team)


def _late(incident: m.Incident, written: m.Incident, config: m.Config,
          now: datetime) -> Iterator[Event]:
    """The team's reminder that the promised next update is overdue: once per promise, as
    ``validate`` warns (``next-update-late``)."""
    promised = incident.updates[0].next_update
    if incident.terminal is None and promised is not None and now - STALE <= promised < now:
        yield Event(f"{incident.id}/late-{compact(promised)}", EventKind.LATE,
                    entry(incident, config, now, written), promised, None, (), team=True)


def follows(channel: m.Channel, event: Event, config: m.Config) -> bool:
    """Whether ``channel`` wants ``event``: its kind of entry, its components, and
    retrospective entries only when it asks for them."""
    incident = event.incident
    if incident.kind not in channel.events:
        return False
    if incident.mode is m.Mode.RETROSPECTIVE and not channel.retrospective:
        return False
    if channel.components and event.entry.named:  # an entry naming none is page-wide
        followed = {leaf for ref in channel.components for leaf in config.expand(ref.id)}
        return not followed.isdisjoint(event.entry.named)
    return True


def reminder_due(channel: m.Channel, event: Event, now: datetime) -> bool:
    """A reminder goes out from ``reminder`` minutes before the start, and only for a
    maintenance announced earlier than that (a short notice needs no reminder)."""
    lead = timedelta(minutes=channel.reminder)
    announced = event.incident.updates[-1].at
    return channel.reminder > 0 and now >= event.at - lead and announced < event.at - lead


def for_channel(channel: m.Channel, events: Iterable[Event], config: m.Config,
                now: datetime) -> list[Event]:
    """The events ``channel`` is to receive at ``now``."""
    return [e for e in events if follows(channel, e, config)
            and (e.kind is not EventKind.REMINDER or reminder_due(channel, e, now))]
