"""Entries as the templates show them: the views of :mod:`generator.render.views`, made from a
snapshot's entries with every word, time and link decided."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import fields
from datetime import date, datetime, timedelta, tzinfo

from markupsafe import Markup

from generator import model as m
from generator.compute.status import Entry
from generator.render import labels, markdown, paths, timefmt
from generator.render.i18n import Language
from generator.render.markdown import fill_html, linker, message
from generator.render.views import (
    ChangeView,
    ComponentLevel,
    EntryLine,
    EntryView,
    LevelView,
    Time,
    UpdateView,
    WindowView,
)
from generator.source.links import Kind, classify


def time_view(at: datetime, tz: tzinfo, lang: Language) -> Time:
    """``at`` as the page shows it in ``tz``, in ``lang``."""
    return Time(timefmt.iso(at), lang.moment(at, tz), lang.long_date(at, tz))


def short_date(day: date, lang: Language) -> str:
    """``3 Nov 2026``."""
    return lang.short_date(day)


def month_label(year: int, month: int, lang: Language) -> str:
    """``November 2026``."""
    return lang.month(year, month)


def percent(ratio: float, lang: Language) -> str:
    """``99.96%``, floored so a bad day never shows as ``100.00%``."""
    return lang.percent(ratio)


def level_view(level: m.Level, lang: Language) -> LevelView:
    return LevelView(str(level), lang.gettext(labels.LEVELS[level]))


def _window(incident: m.Incident, tz: tzinfo, lang: Language) -> WindowView | None:
    if incident.window is None:
        return None
    start = time_view(incident.window.start, tz, lang)
    end = time_view(incident.window.end, tz, lang)
    local_start = incident.window.start.astimezone(tz)
    local_end = incident.window.end.astimezone(tz)
    same_day = local_start.date() == local_end.date() and local_start.tzname() == local_end.tzname()
    end_text = lang.clock(incident.window.end, tz) if same_day else end.text
    return WindowView(start, end, end_text)


def _duration(e: Entry, now: datetime, lang: Language) -> str:
    if e.upcoming:
        return ""
    if e.resolved_at is not None:
        return lang.duration(e.resolved_at - e.started_at)
    return lang.duration(max(now - e.started_at, timedelta(0)))


def entry_line(e: Entry, tz: tzinfo, now: datetime, lang: Language) -> EntryLine:
    """The line of ``e`` in a list, at ``now``, times in ``tz``, words in ``lang``."""
    incident = e.incident
    return EntryLine(
        id=e.id,
        path=paths.incident_page(e.id),
        title=incident.title,
        kind=str(incident.kind),
        maintenance=incident.kind is m.Kind.MAINTENANCE,
        impact=str(incident.impact),
        impact_label=lang.gettext(labels.IMPACTS[incident.impact]),
        status=str(e.status),
        status_label=lang.gettext(labels.STATUSES[e.status]),
        active=e.active,
        upcoming=e.upcoming,
        internal=incident.visibility is m.Visibility.INTERNAL,
        test=incident.mode is m.Mode.TEST,
        retrospective=incident.mode is m.Mode.RETROSPECTIVE,
        started=time_view(e.started_at, tz, lang),
        resolved=time_view(e.resolved_at, tz, lang) if e.resolved_at is not None else None,
        duration=_duration(e, now, lang),
        window=_window(incident, tz, lang),
    )


def _components(e: Entry, config: m.Config, now: datetime,
                lang: Language) -> tuple[ComponentLevel, ...]:
    order = config.order

    def name(component_id: str) -> str:
        component = config.get(component_id)
        return component.name if component is not None else component_id

    affected = tuple(sorted(e.affected(), key=lambda c: (order.get(c, len(order)), c)))
    if e.upcoming or not affected:
        ids = affected or tuple(dict.fromkeys(
            leaf for ref in e.incident.components for leaf in config.expand(ref.id)))
        return tuple(ComponentLevel(c, name(c), paths.component_page(c), None) for c in ids)
    if e.active:
        current = e.levels_at(now)
        levels = {c: current.get(c, m.Level.OPERATIONAL) for c in affected}
    else:
        levels = e.peak()
    return tuple(ComponentLevel(c, name(c), paths.component_page(c), level_view(levels[c], lang))
                 for c in affected)


def entry_view(e: Entry, config: m.Config, now: datetime, page: str, shown: Container[str],
               lang: Language, *, body: bool = False) -> EntryView:
    """The card of ``e`` on the page at output path ``page`` (Markdown links are made relative
    to it, and links to entries not in ``shown`` dropped), in ``lang``; ``body`` renders the
    write-up too.  A message without a translation into ``lang`` shows the default
    language's, marked with its language."""
    tz = timefmt.zone(config.page.timezone)
    incident = e.incident
    rewrite = linker(lambda to: paths.relative(page, to), shown)
    names = {c.id: c.name for c in config.walk()}
    default = config.page.editions[0]
    messages = [message(u, lang.tag, default) for u in incident.updates]
    updates = tuple(UpdateView(
        status=str(u.status),
        status_label=lang.gettext(labels.STATUSES[u.status]),
        at=time_view(u.at, tz, lang),
        html=Markup(fill_html(text, rewrite)),
        language=written,
        internal=u.internal,
        changes=tuple(ChangeView(names.get(c.component, c.component), level_view(c.old, lang),
                                 level_view(c.new, lang)) for c in changes),
    ) for u, changes, (text, written) in zip(incident.updates, e.changes, messages, strict=True))
    written = Markup(fill_html(markdown.body(incident), rewrite)) \
        if body and incident.body.strip() else Markup("")
    line = entry_line(e, tz, now, lang)
    return EntryView(**{f.name: getattr(line, f.name) for f in fields(EntryLine)},
                     components=_components(e, config, now, lang), updates=updates, body=written)


def linked_entries(e: Entry) -> tuple[str, ...]:
    """The ids of the entries ``e``'s shown text links to (its page drops links to hidden ones)."""
    return tuple(sorted({link.target for url, _ in e.incident.all_links()
                         if (link := classify(url)).kind is Kind.ENTRY}))


def shown_links(e: Entry, shown: Container[str]) -> tuple[tuple[str, bool], ...]:
    """Each entry ``e`` links to and whether it is shown: a page or feed drops the links to
    hidden ones, so this belongs in the key of anything that renders ``e``'s text."""
    return tuple((target, target in shown) for target in linked_entries(e))
