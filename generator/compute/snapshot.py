"""Compute: the whole page at ``now`` — entries, component levels, uptime, banner, every
list a page shows, each entry's metrics and the reliability reports — computed once, up
front, with indexed lookups, for every language the site is built in.

:func:`snapshot` is the one call the renderers need; it is pure, so the same repository and
``now`` always give the same pages, and nothing a renderer reads is computed lazily: render
only formats what is here (:mod:`statusgen.compute.views` is what it may read).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from statusgen import model as m
from statusgen.compute.feeds import feed_entries
from statusgen.compute.history import Year, by_year, latest
from statusgen.compute.incident_object import IncidentObject, incident_object
from statusgen.compute.metrics import Metrics, incident_metrics
from statusgen.compute.notified import Bell, bells
from statusgen.compute.recurring import Series, expanded, series
from statusgen.compute.reports import Planned, all_reports
from statusgen.compute.status import (
    END_OF_TIME,
    INDICATORS,
    Entry,
    Span,
    component_levels,
    entry,
    indicator,
    moves,
    redact,
    redacted,
    settled,
)
from statusgen.compute.updates import page_id
from statusgen.compute.upstream import with_upstream
from statusgen.compute.uptime import Uptime, component_uptime, group_uptime, window
from statusgen.steps import Runner, direct


@dataclass(frozen=True)
class EntryFigures:
    """What an entry's card and API document show that depends on ``now``."""

    levels: Mapping[str, m.Level]
    """The level of each component the entry touched as its card shows it: at ``now``
    while the entry is active (absent: back to operational), else the worst it reached."""
    metrics: Metrics | None
    """Its duration metrics; ``None`` for maintenance."""
    object: IncidentObject
    """What its API document derives of incident.io's incident object."""


def entry_figures(e: Entry, config: m.Config, now: datetime | None) -> EntryFigures:
    """The figures of ``e`` at ``now``; ``None`` for an entry that no longer
    :func:`~statusgen.compute.status.moves` with the clock."""
    at = now or END_OF_TIME
    return EntryFigures(levels=e.levels_at(at) if e.active else e.peak(),
                        metrics=incident_metrics(e, config, at),
                        object=incident_object(e.incident, e.status, config))


@dataclass(frozen=True)
class FiguresInput:
    """What an entry's figures read: the entry, the components, the clock while it moves."""

    entry: Entry
    config: m.Config
    clock: datetime | None


def figures_step(item: FiguresInput) -> EntryFigures:
    """The step that computes one entry's figures."""
    return entry_figures(item.entry, item.config, item.clock)


def _figures(entries: tuple[Entry, ...], config: m.Config, now: datetime,
             run: Runner = direct) -> dict[str, EntryFigures]:
    made = run(figures_step, [FiguresInput(e, config, now if moves(e, now) else None)
                              for e in entries])
    return {e.id: f for e, f in zip(entries, made, strict=True)}


@dataclass(frozen=True)
class Snapshot:
    """What the site says at ``now``."""

    config: m.Config
    now: datetime
    internal: bool
    """Built for the team: internal entries and updates included, and marked."""
    entries: tuple[Entry, ...]
    """Every entry this build may show, newest start first, ties by id."""
    by_id: Mapping[str, Entry]
    """The same entries by id (also the set of ids a link may point at)."""
    levels: Mapping[str, m.Level]
    """Every component's and group's level at ``now``."""
    uptime: Mapping[str, Uptime]
    """Every component's and group's uptime over ``page.uptime_days``."""
    indicator: str
    """none, minor, major, critical or maintenance."""
    active: tuple[Entry, ...]
    """Unresolved incidents, page-wide ones first, then by start, newest first."""
    maintenance: tuple[Entry, ...]
    """Maintenance in progress, then upcoming, soonest first."""
    recent: tuple[Entry, ...]
    """Entries that ended within ``keep_resolved_days``, newest end first."""
    by_component: Mapping[str, tuple[Entry, ...]]
    """For every component and group: the entries that touch it (a group: any member),
    newest start first."""
    years: tuple[Year, ...]
    """The history: every entry by year and month in the page's zone."""
    history_year: Year | None
    """The year the history's index shows."""
    figures: Mapping[str, EntryFigures]
    """Every entry's figures at ``now``, by id."""
    feeds: tuple[tuple[m.Component | None, tuple[Entry, ...]], ...]
    """What each feed holds: the page's (``None``), then every component's and group's in
    display order (:func:`~statusgen.compute.feeds.feed_entries`)."""
    reports: tuple[Planned, ...]
    """Every reliability report of the build, newest period first, months before quarters:
    computed once (when first read), whatever the number of languages the reports are
    written in.  Never empty (the current month and quarter always have one) unless the
    snapshot was made without them (``snapshot(..., reports=False)``), for what shows no
    page."""
    upstream: Mapping[str, m.UpstreamReading] = field(default_factory=dict)
    """By component id: the provider's status read for each upstream component (its level is
    already in ``levels``)."""
    quiet: frozenset[str] = frozenset()
    """The components and groups the front page leaves out at ``now``: operational with
    ``only_show_if_degraded``, or a group all of whose members are."""
    series: tuple[Series, ...] = ()
    """Every recurring maintenance this build shows, as one event and its rule (its
    occurrences are among ``entries``)."""
    bells: Mapping[str, tuple[Bell, ...]] = field(default_factory=dict)
    """An internal build's: per entry id, whether each of its updates was notified, in the
    order of its updates (:mod:`~statusgen.compute.notified`); empty without a send log."""

    @property
    def page_id(self) -> str:
        """The page's stable id in the API and webhooks (:func:`~.updates.page_id`)."""
        return page_id(self.config.page)

    @property
    def page(self) -> m.Page:
        return self.config.page

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.page.timezone)

    @property
    def description(self) -> str:
        """The banner's words, as Statuspage says them."""
        return INDICATORS[self.indicator]

    @property
    def ids(self) -> Mapping[str, Entry]:
        """The ids of the entries this build shows (a mapping, for ``in``)."""
        return self.by_id

    def get(self, entry_id: str) -> Entry | None:
        return self.by_id.get(entry_id)


def _active(entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
    return tuple(sorted(
        (e for e in entries if e.active and e.incident.kind is m.Kind.INCIDENT),
        key=lambda e: (bool(e.incident.components), -e.started_at.timestamp(), e.id),
    ))


def _maintenance(entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
    return tuple(sorted(
        (e for e in entries if e.incident.kind is m.Kind.MAINTENANCE and (e.active or e.upcoming)),
        key=lambda e: (not e.active, e.started_at, e.id),
    ))


def _recent(entries: tuple[Entry, ...], now: datetime, days: int) -> tuple[Entry, ...]:
    since = now - timedelta(days=days)
    ended = [e for e in entries if e.resolved_at is not None and not e.active
             and not e.upcoming and since <= e.resolved_at <= now]
    return tuple(sorted(ended, key=lambda e: (e.resolved_at or now, e.id), reverse=True))


def _by_component(entries: tuple[Entry, ...], config: m.Config) -> dict[str, tuple[Entry, ...]]:
    found: dict[str, list[Entry]] = {c.id: [] for c in config.walk()}
    for e in entries:  # newest start first, so every list is too
        touched: dict[str, None] = {}
        # Named counts too: an entry naming a component it left operational is still its history.
        for leaf in dict.fromkeys((*e.affected(), *e.named)):
            component = config.get(leaf)
            if component is not None:
                touched[leaf] = None
                if component.group is not None:
                    touched[component.group] = None
        for component_id in touched:
            found[component_id].append(e)
    return {c: tuple(es) for c, es in found.items()}


def quiet(config: m.Config, levels: Mapping[str, m.Level]) -> frozenset[str]:
    """What the front page leaves out while all is well (:attr:`Snapshot.quiet`)."""
    found = {c.id for c in config.walk()
             if c.only_show_if_degraded and levels[c.id] is m.Level.OPERATIONAL}
    found |= {g.id for g in config.components
              if g.is_group and all(c.id in found for c in g.members)}
    return frozenset(found)


def narrowed(snap: Snapshot, entries: tuple[Entry, ...], *, internal: bool) -> Snapshot:
    """``snap`` showing only ``entries`` (in the same order), its levels and banner kept.

    Every list derived from the entries is derived again: a snapshot copied with
    ``replace`` would keep showing the entries it was built with.
    """
    years = by_year(entries, snap.tz)
    config, now = snap.config, snap.now
    return replace(
        snap, internal=internal, entries=entries, by_id={e.id: e for e in entries},
        active=_active(entries), maintenance=_maintenance(entries),
        recent=_recent(entries, now, config.page.keep_resolved_days),
        by_component=_by_component(entries, config), years=years,
        history_year=latest(years), figures=_figures(entries, config, now),
        feeds=feed_entries(entries, config),
        reports=all_reports(entries, config, now, snap.tz) if snap.reports else ())


@dataclass(frozen=True)
class EntryInput:
    """What one entry is computed from: the incident as shown and as written (its hidden
    updates count in the shown ones' ids), the components, and the clock for a maintenance
    that has not :func:`~statusgen.compute.status.settled` (an incident's entry, or a
    settled maintenance's, does not move with it)."""

    incident: m.Incident
    written: m.Incident
    config: m.Config
    clock: datetime | None


def entry_step(item: EntryInput) -> Entry:
    """The step that computes one entry."""
    return entry(item.incident, item.config, item.clock, item.written)


def snapshot(repo: m.Repository, now: datetime, *, internal: bool = False,
             run: Runner = direct, reports: bool = True,
             upstream: Mapping[str, m.UpstreamReading] | None = None,
             sent: Mapping[str, bool] | None = None) -> Snapshot:
    """Compute the site's state at ``now``; ``internal`` includes what the team alone sees.
    ``reports=False`` leaves out the reliability reports, the costliest part, for what shows
    no page (a notification, the page diff).  ``upstream``: the providers' statuses read
    before compute (:mod:`statusgen.upstream`), by component id.  ``sent`` is the send log's
    events (event id → whether a channel sent it): an internal build then shows each
    update's bell.  ``run`` runs the steps: each entry, each report's figures
    (:mod:`statusgen.steps`).
    """
    config = repo.config
    tz = ZoneInfo(config.page.timezone)
    # A recurring maintenance is shown as its occurrences, each an entry of its own.
    shown = expanded(redacted(repo.incidents, internal, config.incident_fields), tz, now)
    computed = run(entry_step, [
        EntryInput(i, written, config,
                   now if i.kind is m.Kind.MAINTENANCE and not settled(i, now) else None)
        for i, written in shown])
    entries = tuple(sorted(computed, key=lambda e: (-e.started_at.timestamp(), e.id)))
    # A drill or a declined incident is shown in the team's build but never moves a status,
    # uptime or the banner.
    counted = [e for e in entries if e.incident.counted]
    spans: dict[str, list[Span]] = {c.id: [] for c in config.leaves()}
    for e in counted:
        for span in e.spans:
            spans.setdefault(span.component, []).append(span)
    days = window(config.page.uptime_days, tz, now)
    uptime: dict[str, Uptime] = {
        leaf.id: component_uptime(spans[leaf.id], config.page.uptime_days, tz, now, days,
                                  since=leaf.start_date)
        for leaf in config.leaves()}
    for group in config.components:
        if group.is_group:
            uptime[group.id] = group_uptime([uptime[c.id] for c in group.members])
    years = by_year(entries, tz)
    levels = with_upstream(component_levels(counted, config, now), upstream or {}, config)
    return Snapshot(
        config=config,
        now=now,
        internal=internal,
        entries=entries,
        by_id={e.id: e for e in entries},
        levels=levels,
        uptime=uptime,
        indicator=indicator(counted),
        active=_active(entries),
        maintenance=_maintenance(entries),
        recent=_recent(entries, now, config.page.keep_resolved_days),
        by_component=_by_component(entries, config),
        years=years,
        history_year=latest(years),
        figures=_figures(entries, config, now, run),
        feeds=feed_entries(entries, config),
        reports=all_reports(entries, config, now, tz, run) if reports else (),
        upstream=dict(upstream or {}),
        quiet=quiet(config, levels),
        series=series(redact(repo.incidents, internal, config.incident_fields),
                      ((e.id, e.cancelled) for e in entries), tz),
        bells={e.id: bells(e.incident, sent, now, config) for e in entries}
        if internal and sent is not None else {},
    )
