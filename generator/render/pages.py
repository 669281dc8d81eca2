"""The HTML site: every page of the theme, and its static files, from a snapshot.

:func:`render_pages` is pure: no writing, no clock (only ``snap.now``), and the
same snapshot always gives the same bytes.  Every link between pages is
relative (``paths.relative``), so the site works under a sub-path and from a
folder on disk; only ``404.html``, which is served at any address, links
absolutely from ``page.url`` and carries its CSS inline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from generator import model as m
from generator.compute.history import by_year, latest, year_links
from generator.compute.snapshot import Snapshot
from generator.compute.status import Entry
from generator.incremental.memo import RenderMemo, Scope
from generator.incremental.parallel import parallel_map
from generator.render import paths
from generator.render.bar import Bar, uptime_bar
from generator.render.theme import STATIC, Theme, ThemeError, load_theme
from generator.render.views import EntryView, LevelView, Time, entry_view, level_view, time_view

NOT_FOUND = "404.html"
COMPONENT_ENTRIES = 50
"""A component page lists this many entries at most; the history has the rest."""
ATOM = "application/atom+xml"
RSS = "application/rss+xml"


@dataclass(frozen=True)
class SiteView:
    """What every page says about the site."""

    title: str
    description: str
    language: str
    url: str
    timezone: str
    internal: bool
    indicator: str
    """none, minor, major, critical or maintenance."""
    indicator_text: str
    """``Partial System Outage``."""
    updated: Time | None
    """When the site was built: set on the pages that change with the clock (the front page
    and component pages), ``None`` elsewhere so that their bytes stay put between builds."""


@dataclass(frozen=True)
class Feed:
    title: str
    """For ``<link rel=alternate title>``: ``Acme Status: Atom feed``."""
    label: str
    """For a link in the text: ``Atom``."""
    type: str
    path: str


@dataclass(frozen=True)
class GroupLink:
    name: str
    path: str


@dataclass(frozen=True)
class ComponentRow:
    """A component or group with its level now and its uptime bar."""

    id: str
    name: str
    description: str
    path: str
    level: LevelView
    bar: Bar
    members: tuple[ComponentRow, ...]
    group: GroupLink | None
    open: bool
    """A group with a member not operational: shown unfolded."""


@dataclass(frozen=True)
class MonthView:
    id: str
    label: str
    entries: tuple[EntryView, ...]


def feed_path(component_id: str | None, extension: str) -> str:
    """The feeds' paths (written by the feeds step): ``history.atom``, ``components/<id>/history.rss``."""
    name = f"history.{extension}"
    return name if component_id is None else f"components/{component_id}/{name}"


def _feeds(snap: Snapshot, component: m.Component | None = None) -> tuple[Feed, ...]:
    feeds = [Feed(f"{snap.page.title}: Atom feed", "Atom", ATOM, feed_path(None, "atom")),
             Feed(f"{snap.page.title}: RSS feed", "RSS", RSS, feed_path(None, "rss"))]
    if component is not None:
        feeds += [Feed(f"{component.name}: Atom feed", f"{component.name} (Atom)", ATOM,
                       feed_path(component.id, "atom")),
                  Feed(f"{component.name}: RSS feed", f"{component.name} (RSS)", RSS,
                       feed_path(component.id, "rss"))]
    return tuple(feeds)


def _row(snap: Snapshot, component: m.Component) -> ComponentRow:
    members = tuple(_row(snap, member) for member in component.members)
    group = snap.config.get(component.group) if component.group else None
    return ComponentRow(
        id=component.id,
        name=component.name,
        description=component.description,
        path=paths.component_page(component.id),
        level=level_view(snap.levels.get(component.id, m.Level.OPERATIONAL)),
        bar=uptime_bar(snap, snap.uptime[component.id]),
        members=members,
        group=GroupLink(group.name, paths.component_page(group.id)) if group is not None else None,
        open=any(row.level.value != m.Level.OPERATIONAL for row in members),
    )


class _Site:
    """Renders the pages of one snapshot with one theme."""

    def __init__(self, snap: Snapshot, theme: Theme) -> None:
        self.snap = snap
        self.theme = theme
        page = snap.page
        self.view = SiteView(
            title=page.title, description=page.description, language=page.language,
            url=page.url, timezone=page.timezone, internal=snap.internal,
            indicator=snap.indicator, indicator_text=snap.description,
            updated=None,
        )
        self.clocked = replace(self.view, updated=time_view(snap.now, snap.tz))
        self.entries: dict[tuple[str, str, bool], EntryView] = {}
        self.rows = {c.id: _row(snap, c) for c in snap.config.components}
        for row in list(self.rows.values()):
            for member in row.members:
                self.rows[member.id] = member

    def render(self, template: str, page: str, *, nav: str | None = None,
               feeds: tuple[Feed, ...] | None = None, clocked: bool = False,
               **context: Any) -> bytes:
        theme = self.theme
        snap = self.snap
        url: Callable[[str], str]
        inline_css: Markup | None = None
        if page == NOT_FOUND:
            def url(to: str) -> str:
                return paths.absolute(snap.page.url, to)
            css = theme.assets.get(f"{STATIC}/style.css", b"").decode("utf-8")
            inline_css = Markup(css.replace("</", "<\\/"))
        else:
            def url(to: str) -> str:
                return paths.relative(page, to)

        def asset(name: str) -> str:
            output = f"{STATIC}/{name}"
            return f"{url(output)}?v={theme.version(output)}"

        try:
            html = theme.env.get_template(template).render(
                site=self.clocked if clocked else self.view, page=page, url=url, asset=asset, nav=nav,
                feeds=feeds if feeds is not None else _feeds(snap), inline_css=inline_css,
                history_path=paths.history_page(), **context)
        except jinja2.TemplateSyntaxError as exc:
            where = f"{exc.filename or exc.name or template}, line {exc.lineno}"
            raise ThemeError(f"theme `{theme.name}`: {where}: {exc.message}") from exc
        except jinja2.TemplateError as exc:
            raise ThemeError(f"theme `{theme.name}`: rendering {template} for {page}: {exc}") from exc
        return html.encode("utf-8")

    def entry(self, e: Entry, page: str, *, body: bool = False) -> EntryView:
        """The view of ``e`` for ``page``; pages as deep as each other share it (their relative
        links into ``incidents/`` are the same), so each message is rendered a few times at most."""
        key = (e.id, paths.relative(page, "incidents/"), body)
        view = self.entries.get(key)
        if view is None:
            view = self.entries[key] = entry_view(self.snap, e, page, body=body)
        return view

    def index(self) -> bytes:
        snap = self.snap
        page = paths.INDEX
        maintenance = snap.maintenance()
        return self.render(
            "index.html", page, nav="status", clocked=True,
            active=[self.entry(e, page) for e in snap.active()],
            maintenance=[self.entry(e, page) for e in maintenance],
            maintenance_now=any(e.active for e in maintenance),
            maintenance_later=any(e.upcoming for e in maintenance),
            components=[self.rows[c.id] for c in snap.config.components],
            recent=[self.entry(e, page) for e in snap.recent()],
            keep_days=snap.page.keep_resolved_days,
        )

    def incident(self, e: Entry) -> bytes:
        page = paths.incident_page(e.id)
        return self.render("incident.html", page, entry=self.entry(e, page, body=True))

    def incidents(self, jobs: int, memo: Scope[bytes] | None) -> dict[str, bytes]:
        snap = self.snap
        # What an entry's page shows: the entry at now, and the clock while it is open.
        keys = [(e, snap.now if e.active else None) for e in snap.entries]
        found = [memo.get(key) if memo else None for key in keys]
        todo = [e for e, page in zip(snap.entries, found, strict=True) if page is None]
        fresh = iter(parallel_map(self.incident, todo, jobs))
        out = {}
        for e, key, page in zip(snap.entries, keys, found, strict=True):
            if page is None:
                page = next(fresh)
            if memo:
                memo.put(key, page)
            out[paths.incident_page(e.id)] = page
        return out

    def history(self, memo: Scope[bytes] | None) -> dict[str, bytes]:
        years = by_year(self.snap)
        links = year_links(years)
        shown = latest(self.snap, years)
        out = {}
        targets = [(paths.history_page(), shown, True)] + [(paths.history_page(y.year), y, False)
                                                            for y in years]
        for page, year, is_index in targets:
            entries = [e for month in (year.months if year else ()) for e in month.entries]
            clock = self.snap.now if any(e.active for e in entries) else None
            key = ("history", page, year, links, clock)
            found = memo.get(key) if memo else None
            if found is None:
                months = [MonthView(month.id, month.label,
                                    tuple(self.entry(e, page) for e in month.entries))
                          for month in (year.months if year is not None else ())]
                found = self.render("history.html", page, nav="history", is_index=is_index,
                                    year=year.year if year is not None else None,
                                    years=links, months=months)
            if memo:
                memo.put(key, found)
            out[page] = found
        return out

    def components(self) -> dict[str, bytes]:
        out = {}
        for component in self.snap.config.walk():
            page = paths.component_page(component.id)
            entries = self.snap.of_component(component.id)
            out[page] = self.render(
                "component.html", page, feeds=_feeds(self.snap, component), clocked=True,
                component=self.rows[component.id],
                entries=[self.entry(e, page) for e in entries[:COMPONENT_ENTRIES]],
                more=len(entries) > COMPONENT_ENTRIES,
            )
        return out

    def not_found(self) -> bytes:
        return self.render("404.html", NOT_FOUND)


def render_pages(snap: Snapshot, themes_dir: Path, jobs: int = 1,
                 memo: RenderMemo | None = None) -> dict[str, bytes]:
    """Every HTML page and static file of ``snap.page.theme``: output path → bytes.

    Raises :class:`~generator.theme.ThemeError` when ``themes/<theme>`` does not exist or one
    of its templates is broken.
    """
    theme = load_theme(themes_dir, snap.page.theme)
    site = _Site(snap, theme)
    out: dict[str, bytes] = {paths.INDEX: site.index()}
    scope = memo.scope("pages", (site.view, snap.config, theme.fingerprint)) if memo else None
    out.update(site.incidents(jobs, scope))
    out.update(site.history(scope))
    if scope is not None:
        scope.end()
    out.update(site.components())
    out[NOT_FOUND] = site.not_found()
    out.update(theme.assets)
    return dict(sorted(out.items()))
