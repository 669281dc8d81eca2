"""What the templates show: plain, immutable views of a snapshot, with every word and time made.

Templates only lay these out; labels, times in the page's zone, durations and
Markdown are decided here, once, so every theme says the same thing.
Links are output paths (``incidents/<id>/index.html``); templates turn them into
relative links with ``url()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from functools import cached_property

from markupsafe import Markup

from generator import model as m
from generator.compute.snapshot import Snapshot
from generator.compute.status import Entry
from generator.render import labels, paths, timefmt
from generator.render.markdown import linker, render_markdown


@dataclass(frozen=True)
class Time:
    """A moment as a reader sees it, and as ``<time datetime>`` says it."""

    iso: str
    text: str
    """``22 Nov 2026, 07:45 CET`` in the page's zone."""
    date: str
    """``22 November 2026`` in the page's zone."""


def time_view(at: datetime, tz: tzinfo) -> Time:
    return Time(timefmt.iso(at), timefmt.local_time(at, tz), timefmt.local_date(at, tz))


def short_date(day: date) -> str:
    """``3 Nov 2026``."""
    return f"{day.day} {timefmt.month_name(day.month)[:3]} {day.year}"


def percent(ratio: float) -> str:
    """``99.96%``, floored so a bad day never shows as ``100.00%``."""
    return f"{int(ratio * 10000) / 100:.2f}%"


@dataclass(frozen=True)
class LevelView:
    """A component level: ``value`` for styling and the icon, ``label`` for the words."""

    value: str
    label: str


def level_view(level: m.Level) -> LevelView:
    return LevelView(str(level), labels.LEVELS[level])


@dataclass(frozen=True)
class ComponentLevel:
    """A component an entry touches, with its level (``None``: no level to say, e.g. upcoming)."""

    id: str
    name: str
    path: str
    level: LevelView | None


@dataclass(frozen=True)
class ChangeView:
    """``Public API: Partial outage → Degraded performance``."""

    name: str
    old: LevelView
    new: LevelView


@dataclass(frozen=True)
class UpdateView:
    status: str
    status_label: str
    at: Time
    html: Markup
    internal: bool
    changes: tuple[ChangeView, ...]


@dataclass(frozen=True)
class WindowView:
    """A maintenance window; ``end_text`` leaves out the date when it ends the day it starts."""

    start: Time
    end: Time
    end_text: str


@dataclass(frozen=True)
class EntryView:
    """One incident or maintenance, everything a page may show of it."""

    id: str
    path: str
    title: str
    kind: str
    maintenance: bool
    impact: str
    impact_label: str
    status: str
    status_label: str
    active: bool
    upcoming: bool
    internal: bool
    """Visible to the team only (shown in internal builds, and marked)."""
    test: bool
    """A drill: shown in internal builds only, and marked."""
    retrospective: bool
    started: Time
    resolved: Time | None
    duration: str
    """``2 h 18 min``; for an open entry, how long it has run; empty for an upcoming one."""
    window: WindowView | None
    components: tuple[ComponentLevel, ...]
    timeline: Callable[[], tuple[UpdateView, ...]] = field(repr=False, compare=False)
    markdown_body: Callable[[], Markup] = field(repr=False, compare=False)

    # Lazy: a history or component list shows only titles and dates, and rendering every
    # message of 10,000 entries there would dominate the build.
    @cached_property
    def updates(self) -> tuple[UpdateView, ...]:
        """Newest first."""
        return self.timeline()

    @cached_property
    def body(self) -> Markup:
        """The Markdown body (post-mortem) as HTML, headings below the page's ``<h1>``."""
        return self.markdown_body()


def _name(snap: Snapshot, component_id: str) -> str:
    component = snap.config.get(component_id)
    return component.name if component is not None else component_id


def _components(snap: Snapshot, e: Entry) -> tuple[ComponentLevel, ...]:
    order = snap.config.order
    affected = tuple(sorted(e.affected(), key=lambda c: (order.get(c, len(order)), c)))
    if e.upcoming or not affected:
        ids = affected or tuple(dict.fromkeys(
            leaf for ref in e.incident.components for leaf in snap.config.expand(ref.id)))
        return tuple(ComponentLevel(c, _name(snap, c), paths.component_page(c), None) for c in ids)
    if e.active:
        now = e.levels_at(snap.now)
        levels = {c: now.get(c, m.Level.OPERATIONAL) for c in affected}
    else:
        levels = e.peak()
    return tuple(ComponentLevel(c, _name(snap, c), paths.component_page(c), level_view(levels[c]))
                 for c in affected)


def _window(snap: Snapshot, incident: m.Incident) -> WindowView | None:
    if incident.window is None:
        return None
    start = time_view(incident.window.start, snap.tz)
    end = time_view(incident.window.end, snap.tz)
    local_start = incident.window.start.astimezone(snap.tz)
    local_end = incident.window.end.astimezone(snap.tz)
    same_day = local_start.date() == local_end.date() and local_start.tzname() == local_end.tzname()
    end_text = f"{local_end:%H:%M} {local_end.tzname()}" if same_day else end.text
    return WindowView(start, end, end_text)


def _duration(snap: Snapshot, e: Entry) -> str:
    if e.upcoming:
        return ""
    if e.resolved_at is not None:
        return timefmt.duration(e.resolved_at - e.started_at)
    return timefmt.duration(max(snap.now - e.started_at, timedelta(0)))


def entry_view(snap: Snapshot, e: Entry, page: str, *, body: bool = False) -> EntryView:
    """The view of ``e`` for the page at output path ``page`` (Markdown links are made relative
    to it); ``body`` renders the post-mortem too."""
    incident = e.incident
    rewrite = linker(lambda to: paths.relative(page, to), snap.ids)
    names = {c.id: c.name for c in snap.config.walk()}
    def timeline() -> tuple[UpdateView, ...]:
        return tuple(UpdateView(
            status=str(u.status),
            status_label=labels.STATUSES[u.status],
            at=time_view(u.at, snap.tz),
            html=Markup(render_markdown(u.message, rewrite)),
            internal=u.internal,
            changes=tuple(ChangeView(names.get(c.component, c.component), level_view(c.old),
                                     level_view(c.new)) for c in changes),
        )
        for u, changes in zip(incident.updates, e.changes, strict=True))

    def markdown_body() -> Markup:
        if not body or not incident.body.strip():
            return Markup("")
        return Markup(render_markdown(incident.body, rewrite, shift_headings=1))

    return EntryView(
        id=e.id,
        path=paths.incident_page(e.id),
        title=incident.title,
        kind=str(incident.kind),
        maintenance=incident.kind is m.Kind.MAINTENANCE,
        impact=str(incident.impact),
        impact_label=labels.IMPACTS[incident.impact],
        status=str(e.status),
        status_label=labels.STATUSES[e.status],
        active=e.active,
        upcoming=e.upcoming,
        internal=incident.visibility is m.Visibility.INTERNAL,
        test=incident.mode is m.Mode.TEST,
        retrospective=incident.mode is m.Mode.RETROSPECTIVE,
        started=time_view(e.started_at, snap.tz),
        resolved=time_view(e.resolved_at, snap.tz) if e.resolved_at is not None else None,
        duration=_duration(snap, e),
        window=_window(snap, incident),
        components=_components(snap, e),
        timeline=timeline,
        markdown_body=markdown_body,
    )
