"""Compute: the whole page at ``now`` — entries, component levels, uptime, banner.

:func:`snapshot` is the one call the renderers need; it is pure, so the same
repository and ``now`` always give the same pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from generator import model as m
from generator.compute.status import INDICATORS, Entry, Span, component_levels, entry, indicator, redact
from generator.compute.uptime import Uptime, component_uptime, group_uptime
from generator.incremental.memo import RenderMemo


@dataclass(frozen=True)
class Snapshot:
    """What the site says at ``now``."""

    config: m.Config
    now: datetime
    internal: bool
    """Built for the team: internal entries and updates included, and marked."""
    entries: tuple[Entry, ...]
    """Every entry this build may show, newest start first, ties by id."""
    levels: Mapping[str, m.Level]
    """Every component's and group's level at ``now``."""
    uptime: Mapping[str, Uptime]
    """Every component's and group's uptime over ``page.uptime_days``."""
    indicator: str
    """none, minor, major, critical or maintenance."""

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

    @cached_property
    def by_id(self) -> dict[str, Entry]:
        """Every shown entry by id."""
        return {e.id: e for e in self.entries}

    @property
    def ids(self) -> Mapping[str, Entry]:
        """The ids of the entries this build shows (a mapping, for ``in``)."""
        return self.by_id

    def get(self, entry_id: str) -> Entry | None:
        return self.by_id.get(entry_id)

    def active(self) -> tuple[Entry, ...]:
        """Unresolved incidents, page-wide ones first, then by start, newest first."""
        return tuple(sorted(
            (e for e in self.entries if e.active and e.incident.kind is m.Kind.INCIDENT),
            key=lambda e: (bool(e.incident.components), -e.started_at.timestamp(), e.id),
        ))

    def maintenance(self) -> tuple[Entry, ...]:
        """Maintenance in progress, then upcoming, soonest first."""
        return tuple(sorted(
            (e for e in self.entries if e.incident.kind is m.Kind.MAINTENANCE
             and (e.active or e.upcoming)),
            key=lambda e: (not e.active, e.started_at, e.id),
        ))

    def recent(self) -> tuple[Entry, ...]:
        """Entries that ended within ``keep_resolved_days``, newest end first."""
        since = self.now - timedelta(days=self.page.keep_resolved_days)
        ended = [e for e in self.entries if e.resolved_at is not None and not e.active
                 and not e.upcoming and since <= e.resolved_at <= self.now]
        return tuple(sorted(ended, key=lambda e: (e.resolved_at or self.now, e.id), reverse=True))

    @cached_property
    def _by_component(self) -> dict[str, list[Entry]]:
        found: dict[str, list[Entry]] = {}
        for e in self.entries:
            for component in e.affected():
                found.setdefault(component, []).append(e)
        return found

    def of_component(self, component_id: str) -> tuple[Entry, ...]:
        """Entries that touch a component (or any member of a group), newest first."""
        leaves = self.config.expand(component_id)
        chosen = {id(e) for leaf in leaves for e in self._by_component.get(leaf, ())}
        return tuple(e for e in self.entries if id(e) in chosen)


def snapshot(repo: m.Repository, now: datetime, *, internal: bool = False,
             memo: RenderMemo | None = None) -> Snapshot:
    """Compute the site's state at ``now``; ``internal`` includes what the team alone sees.

    ``memo`` keeps each entry between the dev server's rebuilds: an incident's entry
    depends only on the incident and the components, a maintenance's also on ``now``.
    """
    config = repo.config
    scope = memo.scope("entries", config) if memo else None

    def computed(incident: m.Incident) -> Entry:
        key = (incident, now if incident.kind is m.Kind.MAINTENANCE else None)
        found = scope.get(key) if scope else None
        if found is None:
            found = entry(incident, config, now)
        if scope:
            scope.put(key, found)
        return found

    entries = sorted((computed(i) for i in redact(repo.incidents, internal)),
                     key=lambda e: (-e.started_at.timestamp(), e.id))
    if scope:
        scope.end()
    # A drill is shown in the team's build but never moves a status, uptime or the banner.
    counted = [e for e in entries if e.incident.mode is not m.Mode.TEST]
    tz = ZoneInfo(config.page.timezone)
    uptime: dict[str, Uptime] = {}
    spans_by_component: dict[str, list[Span]] = {c.id: [] for c in config.leaves()}
    for e in counted:
        for span in e.spans:
            spans_by_component.setdefault(span.component, []).append(span)
    for leaf in config.leaves():
        uptime[leaf.id] = component_uptime(
            spans_by_component[leaf.id],
            config.page.uptime_days, tz, now)
    for group in config.components:
        if group.is_group:
            uptime[group.id] = group_uptime([uptime[c.id] for c in group.members])
    return Snapshot(
        config=config,
        now=now,
        internal=internal,
        entries=tuple(entries),
        levels=component_levels(counted, config, now),
        uptime=uptime,
        indicator=indicator(counted),
    )
