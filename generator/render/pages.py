"""The HTML site: every page of the theme, and its static files, from a snapshot.

:func:`render_pages` is pure: no writing, no clock (only ``snap.now``), and the same
snapshot always gives the same bytes.  Each page's context (:mod:`statusgen.render.views`)
is made before its template runs; templates only format.  Every link between pages is
relative (``paths.relative``), so the site works under a sub-path and from a folder on
disk; only ``404.html``, which is served at any address, links absolutely from
``page.url`` and carries its CSS inline.

The front page shows at most a few of each list (unresolved incidents, maintenance,
recently ended entries), so its size does not grow with the history: a migrated page
with hundreds of incidents never resolved lists them on ``incidents/unresolved/``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import replace
from pathlib import Path

from markupsafe import Markup

from statusgen import model as m
from statusgen.caching import NO_CACHE, Cache, Mapper, Store, serial_map
from statusgen.compute.views import Entry, Snapshot, Year
from statusgen.render import labels, paths
from statusgen.render.bar import uptime_bar
from statusgen.render.editions import Edition, alternates, editions
from statusgen.render.entries import entry_line, entry_view, level_view, month_label, shown_links, time_view
from statusgen.render.i18n import Language, translator
from statusgen.render.media import ATOM, RSS
from statusgen.render.theme import STATIC, Theme, load_theme, signature
from statusgen.render.views import (
    ComponentContext,
    ComponentRow,
    EntryLine,
    EntryView,
    Feed,
    GroupLink,
    HistoryContext,
    IncidentContext,
    IndexContext,
    MonthView,
    PageContext,
    SiteView,
    UnresolvedContext,
    YearLink,
)

NOT_FOUND = "404.html"
COMPONENT_ENTRIES = 50
"""A component page lists this many entries at most; the history has the rest."""
FRONT_ACTIVE = 25
"""The front page shows this many unresolved incidents in full at most; ``unresolved/`` has all."""
FRONT_MAINTENANCE = 25
"""The front page shows this much maintenance at most."""
FRONT_RECENT = 20
"""The front page lists this many recently ended entries at most; the history has the rest."""


def feed_path(component_id: str | None, extension: str) -> str:
    """The feeds' paths (written by the feeds step): ``history.atom``, ``components/<id>/history.rss``."""
    name = f"history.{extension}"
    return name if component_id is None else f"components/{component_id}/{name}"


def _feeds(snap: Snapshot, lang: Language, component: m.Component | None = None) -> tuple[Feed, ...]:
    title = snap.page.title
    feeds = [Feed(lang._("%(name)s: Atom feed", name=title), "Atom", ATOM, feed_path(None, "atom")),
             Feed(lang._("%(name)s: RSS feed", name=title), "RSS", RSS, feed_path(None, "rss"))]
    if component is not None:
        name = component.name
        feeds += [Feed(lang._("%(name)s: Atom feed", name=name), f"{name} (Atom)", ATOM,
                       feed_path(component.id, "atom")),
                  Feed(lang._("%(name)s: RSS feed", name=name), f"{name} (RSS)", RSS,
                       feed_path(component.id, "rss"))]
    return tuple(feeds)


def _row(snap: Snapshot, component: m.Component, lang: Language) -> ComponentRow:
    members = tuple(_row(snap, member, lang) for member in component.members)
    group = snap.config.get(component.group) if component.group else None
    return ComponentRow(
        id=component.id,
        name=component.name,
        description=component.description,
        path=paths.component_page(component.id),
        level=level_view(snap.levels.get(component.id, m.Level.OPERATIONAL), lang),
        bar=uptime_bar(snap, snap.uptime[component.id], lang),
        members=members,
        group=GroupLink(group.name, paths.component_page(group.id)) if group is not None else None,
        open=any(row.level.value != m.Level.OPERATIONAL for row in members),
    )


def _gone(component: m.Component) -> bool:
    """Whether the front page leaves ``component`` out: retired, or a group of retired ones."""
    return component.retired or (component.is_group and all(c.retired for c in component.members))


def _current(row: ComponentRow, config: m.Config) -> ComponentRow:
    """``row`` on the front page: without its retired members."""
    kept = tuple(r for r in row.members if not _gone(config.by_id[r.id]))
    return row if len(kept) == len(row.members) else replace(row, members=kept)


def incident_key(snap: Snapshot, e: Entry) -> Hashable:
    """Everything an entry's page reads besides the site around it: the entry as computed at
    ``now``, the clock while it runs, which of the entries it links to are shown, and
    whether each update was notified."""
    return (e, snap.now if e.active else None, shown_links(e, snap.by_id), snap.bells.get(e.id))


class _Site:
    """Renders the pages of one snapshot with one theme."""

    def __init__(self, snap: Snapshot, theme: Theme, edition: Edition) -> None:
        self.snap = snap
        self.theme = theme
        self.edition = edition
        page = snap.page
        self.lang = lang = translator(page.language, theme.folders)
        theme.env.globals.update(lang.template_globals())
        self.names = {tag: translator(tag).name for tag in edition.languages}
        self.view = SiteView(
            title=page.title, description=page.description, language=page.language,
            direction=lang.direction, url=page.url, timezone=page.timezone, internal=snap.internal,
            indicator=snap.indicator, indicator_text=lang.gettext(labels.INDICATORS[snap.indicator]),
            updated=None,
        )
        self.clocked = replace(self.view, updated=time_view(snap.now, snap.tz, lang))
        self.lines: dict[str, EntryLine] = {}
        self.rows = {c.id: _row(snap, c, lang) for c in snap.config.components}
        for row in list(self.rows.values()):
            for member in row.members:
                self.rows[member.id] = member

    def base(self, page: str, *, nav: str | None = None, feeds: tuple[Feed, ...] | None = None,
             clocked: bool = False) -> PageContext:
        """What every template of ``page`` receives."""
        theme, snap = self.theme, self.snap
        inline_css: Markup | None = None
        url: Callable[[str], str]
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

        return PageContext(site=self.clocked if clocked else self.view, page=page, url=url,
                           asset=asset, nav=nav,
                           feeds=feeds if feeds is not None else _feeds(snap, self.lang),
                           history_path=paths.history_page(), inline_css=inline_css,
                           alternates=() if page == NOT_FOUND else
                           alternates(self.edition, page, self.names))

    def line(self, e: Entry) -> EntryLine:
        """An entry's line: the same on every page (its links are output paths)."""
        found = self.lines.get(e.id)
        if found is None:
            found = self.lines[e.id] = entry_line(e, self.snap.tz, self.snap.now, self.lang,
                                                    self.snap.config.incident_fields)
        return found

    def card(self, e: Entry, page: str, *, body: bool = False) -> EntryView:
        snap = self.snap
        return entry_view(e, snap.figures[e.id], snap.config, snap.now, page, snap.by_id,
                          self.lang, body=body, bells=snap.bells.get(e.id, ()))

    def index(self) -> bytes:
        snap = self.snap
        page = paths.INDEX
        maintenance = snap.maintenance[:FRONT_MAINTENANCE]
        return self.theme.render("index.html", IndexContext(
            **vars(self.base(page, nav="status", clocked=True)),
            active=tuple(self.card(e, page) for e in snap.active[:FRONT_ACTIVE]),
            more_active=max(len(snap.active) - FRONT_ACTIVE, 0),
            unresolved_path=paths.unresolved_page(),
            maintenance=tuple(self.card(e, page) for e in maintenance),
            maintenance_now=any(e.active for e in maintenance),
            maintenance_later=any(e.upcoming for e in maintenance),
            components=tuple(_current(self.rows[c.id], snap.config) for c in snap.config.components
                             if not _gone(c)),
            recent=tuple(self.line(e) for e in snap.recent[:FRONT_RECENT]),
            more_recent=len(snap.recent) > FRONT_RECENT,
            keep_days=snap.page.keep_resolved_days,
        ))

    def incident(self, e: Entry) -> bytes:
        page = paths.incident_page(e.id)
        return self.theme.render("incident.html", IncidentContext(
            **vars(self.base(page)), entry=self.card(e, page, body=True)))

    def incidents(self, store: Store, mapper: Mapper) -> dict[str, bytes]:
        snap = self.snap
        by_key = {incident_key(snap, e): e for e in snap.entries}
        pages = store.cached_all(list(by_key), lambda missing: mapper(
            self.incident, [by_key[k] for k in missing]))
        return {paths.incident_page(e.id): page for e, page in zip(by_key.values(), pages, strict=True)}

    def history(self, store: Store) -> dict[str, bytes]:
        years = self.snap.years
        links = tuple(YearLink(y.year, paths.history_page(y.year), y.count) for y in years)
        targets: list[tuple[str, Year | None, bool]] = [(paths.history_page(), self.snap.history_year,
                                                         True)]
        targets += [(paths.history_page(y.year), y, False) for y in years]
        out = {}
        for page, year, is_index in targets:
            entries = [e for month in (year.months if year else ()) for e in month.entries]
            clock = self.snap.now if any(e.active for e in entries) else None
            key = (page, year, links, clock)
            out[page] = store.cached(key, lambda page=page, year=year, is_index=is_index:  # type: ignore[misc]
                                     self._history_page(page, year, is_index, links))
        return out

    def _history_page(self, page: str, year: Year | None, is_index: bool,
                      links: tuple[YearLink, ...]) -> bytes:
        months = tuple(MonthView(f"{month.year}-{month.month:02d}",
                                 month_label(month.year, month.month, self.lang),
                                 tuple(self.line(e) for e in month.entries))
                       for month in (year.months if year is not None else ()))
        return self.theme.render("history.html", HistoryContext(
            **vars(self.base(page, nav="history")), is_index=is_index,
            year=year.year if year is not None else None, years=links, months=months))

    def components(self) -> dict[str, bytes]:
        out = {}
        for component in self.snap.config.walk():
            page = paths.component_page(component.id)
            entries = self.snap.by_component[component.id]
            out[page] = self.theme.render("component.html", ComponentContext(
                **vars(self.base(page, feeds=_feeds(self.snap, self.lang, component), clocked=True)),
                component=self.rows[component.id],
                entries=tuple(self.line(e) for e in entries[:COMPONENT_ENTRIES]),
                more=len(entries) > COMPONENT_ENTRIES,
            ))
        return out

    def unresolved(self) -> bytes:
        page = paths.unresolved_page()
        return self.theme.render("unresolved.html", UnresolvedContext(
            **vars(self.base(page, clocked=True)),
            entries=tuple(self.line(e) for e in self.snap.active)))

    def not_found(self) -> bytes:
        return self.theme.render("404.html", self.base(NOT_FOUND))


def page_frame(snap: Snapshot, theme: Theme,
               edition: Edition) -> tuple[Callable[..., PageContext], Language]:
    """``base(page, nav=…, feeds=…, clocked=…)``: what every template of ``snap`` receives, for
    the pages rendered beside these (the reliability reports); and the language of its words."""
    site = _Site(snap, theme, edition)
    return site.base, site.lang


def render_pages(snap: Snapshot, themes_dir: Path, cache: Cache = NO_CACHE,
                 mapper: Mapper = serial_map, edition: Edition | None = None) -> dict[str, bytes]:
    """Every HTML page and static file of ``snap.page.theme``: output path → bytes.

    ``cache`` keeps entry and history pages between the dev server's rebuilds, ``mapper``
    may render entry pages on several processes; neither changes a byte.  ``edition`` is the
    language of ``snap.page`` among the site's (:mod:`statusgen.render.editions`); the 404
    page belongs to the default one only.  Raises
    :class:`~statusgen.render.theme.ThemeError` when ``themes/<theme>`` does not exist or one
    of its templates is broken.
    """
    name = snap.page.theme
    theme = cache.scope("theme", None).cached((themes_dir, name, signature(themes_dir, name)),
                                              lambda: load_theme(themes_dir, name))
    edition = edition or editions(snap.page)[0]
    site = _Site(snap, theme, edition)
    store = cache.scope("pages", (site.view, snap.config, theme.fingerprint, edition))
    out: dict[str, bytes] = {paths.INDEX: site.index()}
    out.update(site.incidents(store, mapper))
    out.update(site.history(store))
    out.update(site.components())
    out[paths.unresolved_page()] = site.unresolved()
    if edition.default:
        out[NOT_FOUND] = site.not_found()
    out.update(theme.assets)
    return dict(sorted(out.items()))

