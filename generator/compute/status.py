"""Compute: what every entry, component and the page say at a given ``now``.

A pure function of the model and the clock.  Visibility is applied first
(:func:`redact`), so nothing computed for the public can depend on an internal
update or entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from statusgen import model as m
from statusgen.compute.updates import delivers, update_ids

OPEN = (m.Status.IN_PROGRESS, m.Status.VERIFYING)


@dataclass(frozen=True)
class Span:
    """One component at one level because of one entry, from ``start`` until ``end``."""

    component: str
    level: m.Level
    start: datetime
    end: datetime | None
    """``None`` while the entry is still open."""
    entry: str

    def covers(self, at: datetime) -> bool:
        return self.start <= at and (self.end is None or at < self.end)


@dataclass(frozen=True)
class Change:
    """What one update did to one component's level."""

    component: str
    old: m.Level
    new: m.Level


@dataclass(frozen=True)
class Entry:
    """An incident or maintenance as a reader sees it at ``now``."""

    incident: m.Incident
    """Redacted: holds only the updates this build may show."""
    status: m.Status
    """The newest update's status; for maintenance, the phase the window and updates give."""
    active: bool
    """An unresolved incident, or a maintenance in progress."""
    upcoming: bool
    """A maintenance that has not started yet."""
    started_at: datetime
    resolved_at: datetime | None
    monitoring_at: datetime | None
    spans: tuple[Span, ...]
    changes: tuple[tuple[Change, ...], ...]
    """Per update, in the order of ``incident.updates``: the levels it changed."""
    named: tuple[str, ...] = ()
    """Every leaf component the entry names or changes, in display order (feeds, API)."""
    cancelled: bool = False
    """A maintenance completed before it ever ran."""
    update_ids: tuple[str, ...] = ()
    """Per update, in the order of ``incident.updates``: its stable id
    (:func:`~statusgen.compute.updates.update_ids`)."""
    update_delivers: tuple[bool, ...] = ()
    """Per update, in the same order: whether the channels are told of it
    (:func:`~statusgen.compute.updates.delivers`)."""

    @property
    def id(self) -> str:
        return self.incident.id

    @property
    def next_update(self) -> datetime | None:
        """When the newest update promised the next one, while the entry has not ended."""
        return self.incident.updates[0].next_update if self.incident.terminal is None else None

    @property
    def updated_at(self) -> datetime:
        return self.incident.updates[0].at

    def affected(self) -> tuple[str, ...]:
        """Every component this entry touched, in the order first touched."""
        return tuple(dict.fromkeys(s.component for s in self.spans))

    def peak(self) -> dict[str, m.Level]:
        """The worst level each touched component reached."""
        worst: dict[str, m.Level] = {}
        for span in self.spans:
            if span.component not in worst or span.level.rank > worst[span.component].rank:
                worst[span.component] = span.level
        return worst

    def levels_at(self, at: datetime) -> dict[str, m.Level]:
        """The level each component is at because of this entry, at ``at``."""
        return {s.component: s.level for s in self.spans if s.covers(at)}


def redact(incidents: Iterable[m.Incident], internal: bool,
           fields: m.IncidentFields = m.NO_INCIDENT_FIELDS) -> tuple[m.Incident, ...]:
    """What a build may show: everything when ``internal``, else public entries and updates,
    without roles, the follow-up ticket, the acknowledgement, the creator, the call, the
    debrief, the follow-ups, or any custom field ``fields`` does not declare public (so
    without ``fields``, none)."""
    return tuple(shown for shown, _ in redacted(incidents, internal, fields))


def redacted(incidents: Iterable[m.Incident], internal: bool,
             fields: m.IncidentFields = m.NO_INCIDENT_FIELDS) -> Iterator[tuple[m.Incident, m.Incident]]:
    """:func:`redact`, each incident the build shows with the incident as written."""
    if internal:
        yield from ((i, i) for i in incidents)
        return
    public = fields.public_fields
    # The same object when nothing is hidden, so what was computed for it can be reused.
    yield from ((_public(i, public), i) for i in incidents if i.published)


def _public(incident: m.Incident, public_fields: frozenset[str]) -> m.Incident:
    """``incident`` without what only the team may see."""
    hidden = any(u.internal for u in incident.updates) or bool(incident.roles) or \
        bool(incident.external_issue) or any(f.id not in public_fields for f in incident.fields) \
        or _team_only(incident)
    if not hidden:
        return incident
    public = replace(incident, updates=incident.visible_updates(False), roles=(), external_issue="",
                     fields=tuple(f for f in incident.fields if f.id in public_fields),
                     acknowledged=None, creator=None, call_url="", debrief="", follow_ups=())
    if not incident.digest:
        return public
    kept = "\0".join(sorted(public_fields))
    return m.stamped(public, hashlib.sha256(f"{incident.digest}\0public\0{kept}".encode()).hexdigest())


def _team_only(incident: m.Incident) -> bool:
    """Whether the incident records who acknowledged or opened it, its call, debrief or
    follow-ups."""
    return incident.acknowledged is not None or incident.creator is not None or \
        bool(incident.call_url or incident.debrief or incident.follow_ups)


def expand(refs: Iterable[m.ComponentRef], config: m.Config, default: m.Level) -> dict[str, m.Level]:
    """Component refs as leaf ids and levels; a group stands for its members."""
    levels: dict[str, m.Level] = {}
    for ref in refs:
        for leaf in config.expand(ref.id):
            levels[leaf] = ref.level or default
    return levels


def _incident_spans(incident: m.Incident, config: m.Config) -> tuple[list[Span], list[tuple[Change, ...]]]:
    chronological = incident.updates[::-1]
    end = incident.terminal.at if incident.terminal else None
    current = expand(incident.components, config, m.Level.MAJOR_OUTAGE)
    since = {c: chronological[0].at for c in current}
    spans: list[Span] = []
    changes: list[tuple[Change, ...]] = []
    for index, update in enumerate(chronological):
        # By component: a component changed again in the same update moves to the end, as a
        # list filtered and appended to would have it, without a pass over the list each time.
        changed: dict[str, Change] = {}
        if index == 0:
            changed = {c: Change(c, m.Level.OPERATIONAL, lvl) for c, lvl in current.items()}
        new = expand(update.components or (), config, m.Level.MAJOR_OUTAGE)
        for component, level in new.items():
            old = current.get(component, m.Level.OPERATIONAL)
            if index > 0 and old is level:
                continue
            if index > 0 and old is not m.Level.OPERATIONAL:
                spans.append(Span(component, old, since[component], update.at, incident.id))
            changed.pop(component, None)
            changed[component] = Change(component, m.Level.OPERATIONAL if index == 0 else old,
                                        level)
            current[component] = level
            since[component] = update.at
        ended = [Change(c, lvl, m.Level.OPERATIONAL) for c, lvl in current.items()
                 if lvl is not m.Level.OPERATIONAL and c not in new] \
            if update is incident.terminal else []
        changes.append((*changed.values(), *ended))
    for component, level in current.items():
        if level is not m.Level.OPERATIONAL and (end is None or since[component] < end):
            spans.append(Span(component, level, since[component], end, incident.id))
    return spans, changes[::-1]


def maintenance_interval(incident: m.Incident) -> tuple[datetime, datetime | None] | None:
    """When a maintenance's components are under maintenance; ``None`` if it never ran.

    In progress from ``window.start`` to ``window.end``; an in_progress update before the
    start starts it early; a completed update ends it; an in_progress or verifying update
    after the end keeps it open until completed.
    """
    window = incident.window
    assert window is not None
    updates = incident.updates[::-1]
    start = min([window.start, *(u.at for u in updates if u.status in OPEN)])
    completed = next((u.at for u in updates if u.status is m.Status.COMPLETED), None)
    end: datetime | None
    if completed is not None:
        end = completed
    elif any(u.status in OPEN and u.at >= window.end for u in updates):
        end = None
    else:
        end = window.end
    if end is not None and end <= start:
        return None
    return start, end


def maintenance_phase(incident: m.Incident, at: datetime) -> m.Status:
    """scheduled, in_progress, verifying or completed at ``at``."""
    # Only what had been posted by then counts: a later update cannot change the past.
    posted = tuple(u for u in incident.updates if u.at <= at)
    interval = maintenance_interval(replace(incident, updates=posted))
    if interval is None:
        ended = any(u.status is m.Status.COMPLETED for u in posted)
        return m.Status.COMPLETED if ended else m.Status.SCHEDULED
    start, end = interval
    if at < start:
        return m.Status.SCHEDULED
    if end is not None and at >= end:
        return m.Status.COMPLETED
    newest = next((u.status for u in posted if u.status in OPEN), m.Status.IN_PROGRESS)
    return newest


def entry(incident: m.Incident, config: m.Config, now: datetime | None,
          written: m.Incident | None = None) -> Entry:
    """Everything the pages, feeds and API say about one (redacted) entry at ``now``;
    ``written`` is the incident as its file has it, when ``incident`` is a redacted or
    shortened copy (its updates' ids are counted among all of them).  Only a maintenance's
    entry moves with the clock, until it has :func:`settled`: an incident's, or a settled
    maintenance's, may be computed with ``now=None`` (as at the end of time)."""
    computed = _entry(incident, config, now)
    ids = set(computed.affected())
    ids.update(expand(incident.components, config, m.Level.MAJOR_OUTAGE))
    for update in incident.updates:
        ids.update(expand(update.components or (), config, m.Level.MAJOR_OUTAGE))
    return replace(computed, named=tuple(c.id for c in config.leaves() if c.id in ids),
                   update_ids=update_ids(incident, written),
                   update_delivers=tuple(delivers(incident, u) for u in incident.updates))


END_OF_TIME = datetime.max.replace(tzinfo=UTC)
"""A moment after every other: what a clock of ``None`` stands for."""


def moves(e: Entry, now: datetime) -> bool:
    """Whether what is computed from ``e`` at ``now`` can still change with the clock: it
    runs, has not started, or holds a component beyond ``now``."""
    return e.active or e.started_at > now or any(s.end is None or s.end > now for s in e.spans)


def settled(incident: m.Incident, now: datetime) -> bool:
    """Whether a maintenance's entry no longer moves with the clock after ``now``: every update
    is posted and it has completed, so it is the same at any later moment."""
    return all(u.at <= now for u in incident.updates) and \
        maintenance_phase(incident, now) is m.Status.COMPLETED


def _entry(incident: m.Incident, config: m.Config, now: datetime | None) -> Entry:
    if incident.kind is m.Kind.MAINTENANCE:
        status = maintenance_phase(incident, now or END_OF_TIME)
        interval = maintenance_interval(incident)
        components = expand(incident.components, config, m.Level.UNDER_MAINTENANCE)
        spans = tuple(
            Span(c, m.Level.UNDER_MAINTENANCE, interval[0], interval[1], incident.id)
            for c in components
        ) if interval else ()
        window = incident.window
        assert window is not None
        return Entry(
            incident=incident,
            status=status,
            active=status in OPEN,
            upcoming=status is m.Status.SCHEDULED,
            started_at=interval[0] if interval else window.start,
            resolved_at=(interval[1] if interval and status is m.Status.COMPLETED else None),
            monitoring_at=None,
            cancelled=status is m.Status.COMPLETED and interval is None,
            spans=spans,
            changes=tuple(() for _ in incident.updates),
        )
    incident_spans, changes = _incident_spans(incident, config)
    terminal = incident.terminal
    return Entry(
        incident=incident,
        status=incident.updates[0].status,
        active=terminal is None,
        upcoming=False,
        started_at=incident.updates[-1].at,
        resolved_at=terminal.at if terminal else None,
        monitoring_at=next((u.at for u in reversed(incident.updates)
                            if u.status is m.Status.MONITORING), None),
        spans=tuple(incident_spans),
        changes=tuple(changes),
    )


def component_levels(entries: Iterable[Entry], config: m.Config, at: datetime) -> dict[str, m.Level]:
    """Every component's and group's level at ``at``: the worst any entry says."""
    levels = {c.id: m.Level.OPERATIONAL for c in config.walk()}
    for e in entries:
        for component, level in e.levels_at(at).items():
            if component in levels and level.rank > levels[component].rank:
                levels[component] = level
    for group in config.components:
        if group.is_group:
            levels[group.id] = max((levels[c.id] for c in group.members), key=lambda lv: lv.rank)
    return levels


INDICATORS: Mapping[str, str] = {
    "none": "All Systems Operational",
    "minor": "Minor Service Outage",
    "major": "Partial System Outage",
    "critical": "Major System Outage",
    "maintenance": "Service Under Maintenance",
}


def indicator(entries: Iterable[Entry]) -> str:
    """Statuspage's page indicator: the worst active incident's impact, else maintenance."""
    active = [e for e in entries if e.active]
    incidents = [e.incident.impact for e in active if e.incident.kind is m.Kind.INCIDENT]
    worst = max(incidents, key=lambda i: i.rank, default=m.Impact.NONE)
    if worst is m.Impact.NONE and any(e.incident.kind is m.Kind.MAINTENANCE for e in active):
        return "maintenance"
    return str(worst)
