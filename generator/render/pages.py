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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from markupsafe import Markup

from statusgen import model as m
from statusgen.compute.views import Bell, Entry, EntryFigures, Snapshot, Year
from statusgen.render import labels, paths, timefmt
from statusgen.render.bar import uptime_bar
from statusgen.render.editions import Edition, alternates, editions
from statusgen.render.entries import entry_line, entry_view, level_view, month_label, shown_links, time_view
from statusgen.render.i18n import Language, translator
from statusgen.render.media import ATOM, RSS
from statusgen.render.theme import STATIC, Theme, load_theme, signature
from statusgen.render.views import (
    Choice,
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
    SearchContext,
    SiteView,
    SubscribeForm,
    UnresolvedContext,
    YearLink,
)
from statusgen.steps import Runner, direct, spread

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


def _feeds(page: m.Page, lang: Language, component: m.Component | None = None) -> tuple[Feed, ...]:
    title = page.title
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
        upstream=_upstream(snap, component, lang),
    )


def _upstream(snap: Snapshot, component: m.Component, lang: Language) -> str:
    """Whose status an upstream component shows, and when it was read if it cannot be now."""
    reading = snap.upstream.get(component.id)
    if reading is None:
        return ""
    if reading.stale:
        return lang._("Status from %(provider)s as last read at %(time)s: it cannot be read now",
                      provider=reading.provider,
                      time=lang.moment(reading.read_at, snap.tz))
    return lang._("Status from %(provider)s", provider=reading.provider)


def _gone(component: m.Component) -> bool:
    """Whether the front page leaves ``component`` out: retired, or a group of retired ones."""
    return component.retired or (component.is_group and all(c.retired for c in component.members))


def _current(row: ComponentRow, config: m.Config, quiet: frozenset[str]) -> ComponentRow:
    """``row`` on the front page: without its retired members, nor those ``quiet`` (shown
    only when degraded)."""
    kept = tuple(r for r in row.members if not _gone(config.by_id[r.id]) and r.id not in quiet)
    return row if len(kept) == len(row.members) else replace(row, members=kept)


def subscribe_form(config: m.Config, component: m.Component | None = None,
                   choices: bool = False) -> SubscribeForm | None:
    """The "Get updates" form of a page: ``component``'s page has it chosen, and the front
    page (``choices``) offers every current component; none without ``subscriptions:``."""
    declared = config.subscriptions
    if declared is None:
        return None
    return SubscribeForm(
        action=declared.url + "subscribe",
        component=Choice(component.id, component.name) if component is not None else None,
        choices=tuple(Choice(c.id, c.name) for c in config.walk() if not c.retired)
        if choices else ())


@dataclass(frozen=True)
class Frame:
    """What every page of one edition reads of the site around its own content: the theme,
    the words, the settings and components, the banner.  It is part of the input of every
    page's step (:mod:`statusgen.steps`), so a page is never kept across a change to it."""

    theme: Theme
    lang: Language
    edition: Edition
    config: m.Config
    view: SiteView
    """The site's header, without the clock."""
    names: Mapping[str, str]
    """Every language of the site by its own name (for the links to the other editions)."""

    @property
    def page(self) -> m.Page:
        return self.config.page

    def render(self, template: str, context: object) -> bytes:
        """``template`` with ``context``, in this frame's words."""
        self.theme.env.globals.update(self.lang.template_globals())
        return self.theme.render(template, context)

    def base(self, page: str, *, nav: str | None = None, feeds: tuple[Feed, ...] | None = None,
             site: SiteView | None = None, subscribe: SubscribeForm | None = None) -> PageContext:
        """What every template of ``page`` receives; ``site`` is the header with the clock, on
        the pages that show it; ``subscribe`` the form where it differs from the plain one
        (:func:`subscribe_form`)."""
        theme = self.theme
        inline_css: Markup | None = None
        url: Callable[[str], str]
        if page == NOT_FOUND:
            root = self.page.url

            def url(to: str) -> str:
                return paths.absolute(root, to)
            css = theme.assets.get(f"{STATIC}/style.css", b"").decode("utf-8")
            inline_css = Markup(css.replace("</", "<\\/"))
        else:
            def url(to: str) -> str:
                return paths.relative(page, to)

        def asset(name: str) -> str:
            output = f"{STATIC}/{name}"
            return f"{url(output)}?v={theme.version(output)}"

        return PageContext(site=site or self.view, page=page, url=url,
                           asset=asset, nav=nav,
                           feeds=feeds if feeds is not None else _feeds(self.page, self.lang),
                           history_path=paths.history_page(), search_path=paths.search_page(),
                           inline_css=inline_css,
                           alternates=() if page == NOT_FOUND else
                           alternates(self.edition, page, dict(self.names)),
                           subscribe=subscribe or subscribe_form(self.config))

    def line(self, e: Entry, now: datetime | None) -> EntryLine:
        """An entry's line (its links are output paths); ``now`` only while it runs."""
        return entry_line(e, timefmt.zone(self.page.timezone), now, self.lang,
                          self.config.incident_fields)


@dataclass(frozen=True)
class IncidentPage:
    """What an entry's page reads: the frame, the entry and its figures, which of the entries
    it links to are shown, the clock while the entry runs, and (in the team's build) whether
    each update was notified."""

    frame: Frame
    entry: Entry
    figures: EntryFigures
    links: tuple[tuple[str, bool], ...]
    clock: datetime | None
    bells: tuple[Bell, ...] = ()


@spread
def incident_page(item: IncidentPage) -> bytes:
    """The step that renders an entry's page."""
    frame, e = item.frame, item.entry
    page = paths.incident_page(e.id)
    card = entry_view(e, item.figures, frame.config, item.clock, page,
                      {target for target, shown in item.links if shown}, frame.lang, body=True,
                      bells=item.bells)
    return frame.render("incident.html", IncidentContext(**vars(frame.base(page)), entry=card))


@dataclass(frozen=True)
class HistoryPage:
    """What a page of the history reads: the frame, its year's entries, the links to every
    year, and the clock while one of its entries runs."""

    frame: Frame
    page: str
    year: Year | None
    is_index: bool
    years: tuple[YearLink, ...]
    clock: datetime | None


def history_page(item: HistoryPage) -> bytes:
    """The step that renders a page of the history."""
    frame, year = item.frame, item.year
    months = tuple(MonthView(f"{month.year}-{month.month:02d}",
                             month_label(month.year, month.month, frame.lang),
                             tuple(frame.line(e, item.clock) for e in month.entries))
                   for month in (year.months if year is not None else ()))
    return frame.render("history.html", HistoryContext(
        **vars(frame.base(item.page, nav="history")), is_index=item.is_index,
        year=year.year if year is not None else None, years=item.years, months=months))


def page_frame(snap: Snapshot, theme: Theme, edition: Edition) -> Frame:
    """The frame of every page of ``snap`` in ``edition`` (the reliability reports' too)."""
    page = snap.page
    lang = translator(page.language, theme.folders)
    view = SiteView(
        title=page.title, description=page.description, language=page.language,
        direction=lang.direction, url=page.url, timezone=page.timezone, internal=snap.internal,
        indicator=snap.indicator, indicator_text=lang.gettext(labels.INDICATORS[snap.indicator]),
        updated=None,
    )
    return Frame(theme, lang, edition, snap.config, view,
                 {tag: translator(tag).name for tag in edition.languages})


def clocked(frame: Frame, snap: Snapshot) -> SiteView:
    """The site's header as the pages that show the clock have it."""
    return replace(frame.view, updated=time_view(snap.now, snap.tz, frame.lang))


class _Site:
    """Renders the pages of one snapshot with one theme."""

    def __init__(self, snap: Snapshot, theme: Theme, edition: Edition) -> None:
        self.snap = snap
        self.frame = frame = page_frame(snap, theme, edition)
        self.theme, self.lang, self.edition = theme, frame.lang, edition
        lang = frame.lang
        self.clocked = clocked(frame, snap)
        self.lines: dict[str, EntryLine] = {}
        self.rows = {c.id: _row(snap, c, lang) for c in snap.config.components}
        for row in list(self.rows.values()):
            for member in row.members:
                self.rows[member.id] = member

    def base(self, page: str, *, nav: str | None = None, feeds: tuple[Feed, ...] | None = None,
             clocked: bool = False, subscribe: SubscribeForm | None = None) -> PageContext:
        """What every template of ``page`` receives."""
        return self.frame.base(page, nav=nav, feeds=feeds, site=self.clocked if clocked else None,
                               subscribe=subscribe)

    def line(self, e: Entry) -> EntryLine:
        """An entry's line: the same on every page (its links are output paths)."""
        found = self.lines.get(e.id)
        if found is None:
            found = self.lines[e.id] = self.frame.line(e, self.snap.now)
        return found

    def card(self, e: Entry, page: str, *, body: bool = False) -> EntryView:
        snap = self.snap
        return entry_view(e, snap.figures[e.id], snap.config, snap.now, page, snap.by_id,
                          self.lang, body=body, bells=snap.bells.get(e.id, ()))

    def index(self) -> bytes:
        snap = self.snap
        page = paths.INDEX
        maintenance = snap.maintenance[:FRONT_MAINTENANCE]
        return self.frame.render("index.html", IndexContext(
            **vars(self.base(page, nav="status", clocked=True,
                             subscribe=subscribe_form(snap.config, choices=True))),
            active=tuple(self.card(e, page) for e in snap.active[:FRONT_ACTIVE]),
            more_active=max(len(snap.active) - FRONT_ACTIVE, 0),
            unresolved_path=paths.unresolved_page(),
            maintenance=tuple(self.card(e, page) for e in maintenance),
            maintenance_now=any(e.active for e in maintenance),
            maintenance_later=any(e.upcoming for e in maintenance),
            components=tuple(_current(self.rows[c.id], snap.config, snap.quiet)
                             for c in snap.config.components
                             if not _gone(c) and c.id not in snap.quiet),
            recent=tuple(self.line(e) for e in snap.recent[:FRONT_RECENT]),
            more_recent=len(snap.recent) > FRONT_RECENT,
            keep_days=snap.page.keep_resolved_days,
        ))

    def incidents(self, run: Runner) -> dict[str, bytes]:
        snap = self.snap
        pages = run(incident_page, [
            IncidentPage(self.frame, e, snap.figures[e.id], shown_links(e, snap.by_id),
                         snap.now if e.active else None, snap.bells.get(e.id, ()))
            for e in snap.entries])
        return {paths.incident_page(e.id): page for e, page in zip(snap.entries, pages, strict=True)}

    def history(self, run: Runner) -> dict[str, bytes]:
        snap = self.snap
        years = snap.years
        links = tuple(YearLink(y.year, paths.history_page(y.year), y.count) for y in years)
        targets: list[tuple[str, Year | None, bool]] = [(paths.history_page(), snap.history_year,
                                                         True)]
        targets += [(paths.history_page(y.year), y, False) for y in years]
        inputs = []
        for page, year, is_index in targets:
            running = any(e.active for month in (year.months if year else ()) for e in month.entries)
            inputs.append(HistoryPage(self.frame, page, year, is_index, links,
                                      snap.now if running else None))
        made = run(history_page, inputs)
        return {item.page: data for item, data in zip(inputs, made, strict=True)}

    def components(self) -> dict[str, bytes]:
        out = {}
        for component in self.snap.config.walk():
            page = paths.component_page(component.id)
            entries = self.snap.by_component[component.id]
            out[page] = self.frame.render("component.html", ComponentContext(
                **vars(self.base(page, feeds=_feeds(self.snap.page, self.lang, component),
                                 clocked=True, subscribe=subscribe_form(self.snap.config, component))),
                component=self.rows[component.id],
                entries=tuple(self.line(e) for e in entries[:COMPONENT_ENTRIES]),
                more=len(entries) > COMPONENT_ENTRIES,
            ))
        return out

    def unresolved(self) -> bytes:
        page = paths.unresolved_page()
        return self.frame.render("unresolved.html", UnresolvedContext(
            **vars(self.base(page, clocked=True)),
            entries=tuple(self.line(e) for e in self.snap.active)))

    def search(self) -> bytes:
        page = paths.search_page()
        # The index is at the site's root: from another language's edition, up out of its prefix.
        up = "../" * self.edition.prefix.count("/")
        return self.frame.render("search.html", SearchContext(
            **vars(self.base(page, nav="search")),
            bundle=up + paths.relative(page, paths.SEARCH_BUNDLE)))

    def not_found(self) -> bytes:
        return self.frame.render("404.html", self.base(NOT_FOUND))


@dataclass(frozen=True)
class ThemeInput:
    """A theme, by its folder, name and the identity of its files."""

    themes_dir: Path
    name: str
    signature: object


def theme_step(item: ThemeInput) -> Theme:
    """The step that loads a theme."""
    return load_theme(item.themes_dir, item.name)


def theme_of(themes_dir: Path, name: str, run: Runner = direct) -> Theme:
    """The theme ``name`` of ``themes_dir``, loaded again only when one of its files changed."""
    return run(theme_step, [ThemeInput(themes_dir, name, signature(themes_dir, name))])[0]


def render_pages(snap: Snapshot, themes_dir: Path, run: Runner = direct,
                 edition: Edition | None = None) -> dict[str, bytes]:
    """Every HTML page and static file of ``snap.page.theme``: output path → bytes.

    ``run`` runs the steps (entry and history pages: :mod:`statusgen.steps`); it changes no
    byte.  ``edition`` is the language of ``snap.page`` among the site's
    (:mod:`statusgen.render.editions`); the 404 page belongs to the default one only.
    Raises :class:`~statusgen.render.theme.ThemeError` when ``themes/<theme>`` does not exist
    or one of its templates is broken.
    """
    theme = theme_of(themes_dir, snap.page.theme, run)
    edition = edition or editions(snap.page)[0]
    site = _Site(snap, theme, edition)
    out: dict[str, bytes] = {paths.INDEX: site.index()}
    out.update(site.incidents(run))
    out.update(site.history(run))
    out.update(site.components())
    out[paths.unresolved_page()] = site.unresolved()
    out[paths.search_page()] = site.search()
    if edition.default:
        out[NOT_FOUND] = site.not_found()
    out.update(theme.assets)
    return dict(sorted(out.items()))
