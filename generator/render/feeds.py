"""Atom and RSS feeds of the page and of every component: ``history.atom`` / ``history.rss``.

:func:`render_feeds` is a pure function of the (already redacted) snapshot, built
with feedgen.  One feed entry per incident or maintenance, the newest
:data:`~statusgen.compute.feeds.LIMIT` by their newest visible update (the snapshot's
``feeds``, :class:`~statusgen.compute.snapshot.Snapshot`).

An entry's id is :func:`entry_uid`: ``urn:uuid:`` and a UUID 5 of the fixed
:data:`NAMESPACE` and the entry's id (its file name).  It never changes when the
entry is edited or gains updates, nor when the site moves to another address.
The same entry has the same id in the page's feed and in every component feed.

A feed's own id is a UUID 5 of the namespace, ``page.url`` and the feed's path:
it is the feed's address in another form, and changes only when the site moves.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from statusgen import model as m
from statusgen.compute.views import Entry, Snapshot
from statusgen.render import paths
from statusgen.render.around import Around, Site
from statusgen.render.entries import shown_links, shown_reference
from statusgen.render.i18n import N_, Language, translator
from statusgen.render.labels import STATUSES
from statusgen.render.markdown import Rewrite, fill_html, linker, message
from statusgen.render.media import ATOM, RSS
from statusgen.steps import Runner, direct

NAMESPACE = uuid.UUID("6f1c7a52-3f0e-5b7e-9d0c-3c4b2a7e9a10")
"""The fixed namespace of statusgen's UUIDs: never change it, or every reader sees every
entry again."""

PAGE_FEED = "history"
INTERNAL = N_("[internal]")
"""Put before internal entries and updates in an internal build."""


def internal_mark(lang: Language) -> str:
    """:data:`INTERNAL` in ``lang``, with the space that follows it."""
    return lang.gettext(INTERNAL) + " "



_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (YAML escapes can write them)."""
    return _NOT_XML.sub("", text)


def entry_uuid(entry_id: str) -> uuid.UUID:
    """The UUID of an incident or maintenance, the same for ever: feeds and calendar use it."""
    return uuid.uuid5(NAMESPACE, entry_id)


def entry_uid(entry_id: str) -> str:
    """The Atom entry id / RSS guid of an incident or maintenance."""
    return f"urn:uuid:{entry_uuid(entry_id)}"


def feed_path(component_id: str | None, extension: str) -> str:
    """``history.atom`` for the page, ``components/<id>/history.atom`` for a component."""
    name = f"{PAGE_FEED}.{extension}"
    return name if component_id is None else f"components/{component_id}/{name}"


@dataclass(frozen=True)
class Timeline:
    """What an entry's timeline reads: the site, the entry, and its language."""

    site: Site
    entry: Entry
    lang: Language


def timeline_step(item: Timeline) -> str:
    """The step that writes an entry's timeline, as a feed holds it."""
    return xml_text(timeline_html(item.site, item.entry, item.lang))


@dataclass(frozen=True)
class FeedInput:
    """What one feed reads: the site (with the clock when it is empty), whose feed, its
    format, its entries with their timelines, and its language."""

    site: Site
    owner: m.Component | None
    extension: str
    entries: tuple[tuple[Entry, str], ...]
    lang: Language


def feed_step(item: FeedInput) -> bytes:
    """The step that writes one feed."""
    return _feed(item.site, item.owner, item.entries, item.extension, item.lang)


def render_feeds(snap: Snapshot, run: Runner = direct,
                 lang: Language | None = None) -> dict[str, bytes]:
    """The page's feeds and every component's and group's, path → bytes, in ``lang``
    (``page.language``'s words by default); ``run`` runs the steps."""
    lang = lang or translator(snap.page.language)
    scopes = snap.feeds
    # An entry is in the page's feed and in its components': its timeline is written once.
    once = {e.id: e for _, entries in scopes for e in entries}
    made = run(timeline_step, [
        Timeline(Site(snap.config, snap.internal,
                      frozenset(t for t, shown in shown_links(e, snap.by_id) if shown)), e, lang)
        for e in once.values()])
    timelines = dict(zip(once, made, strict=True))
    inputs = [FeedInput(Site(snap.config, snap.internal, now=None if entries else snap.now), owner,
                        extension, tuple((e, timelines[e.id]) for e in entries), lang)
              for owner, entries in scopes for extension in ("atom", "rss")]
    feeds = run(feed_step, inputs)
    return {feed_path(item.owner.id if item.owner else None, item.extension): data
            for item, data in zip(inputs, feeds, strict=True)}


def _absolute(snap: Around, path: str) -> str:
    return paths.absolute(snap.page.url, path)


def _utc(at: datetime) -> datetime:
    return at.astimezone(UTC)


def _feed(snap: Site, component: m.Component | None, entries: Sequence[tuple[Entry, str]],
          extension: str, lang: Language) -> bytes:
    page = snap.page
    path = feed_path(component.id if component else None, extension)
    if component is None:
        title = lang._("%(page)s: incident history", page=page.title)
        subtitle = page.description or lang._("Incidents and maintenance of %(page)s",
                                               page=page.title)
        home = _absolute(snap, paths.INDEX)
    else:
        title = lang._("%(page)s: %(component)s history", page=page.title,
                       component=component.name)
        subtitle = lang._("Incidents and maintenance that affect %(component)s",
                          component=component.name)
        home = _absolute(snap, paths.component_page(component.id))
    fg = FeedGenerator()
    fg.id(f"urn:uuid:{uuid.uuid5(NAMESPACE, page.url + ' ' + path)}")
    fg.title(xml_text(title))
    fg.subtitle(xml_text(subtitle))
    # RSS readers often render a channel description as HTML: escape it (Atom says "text").
    fg.description(html.escape(xml_text(subtitle), quote=False))
    fg.author({"name": xml_text(page.title), "uri": _absolute(snap, paths.INDEX)})
    fg.language(page.language)
    fg.generator("statusgen")
    fg.link(href=_absolute(snap, path), rel="self",
            type=ATOM if extension == "atom" else RSS)
    fg.link(href=home, rel="alternate", type="text/html")
    if entries:
        fg.updated(_utc(max(e.updated_at for e, _ in entries)))
    else:
        assert snap.now is not None, "an empty feed is dated by the clock"
        fg.updated(_utc(snap.now))
    for e, timeline in entries:
        _add_entry(fg, snap, e, timeline, lang)
    data: bytes = fg.atom_str(pretty=True) if extension == "atom" else fg.rss_str(pretty=True)
    return data


def _add_entry(fg: FeedGenerator, snap: Around, e: Entry, content: str, lang: Language) -> None:
    mark = internal_mark(lang) if snap.internal and not e.incident.published else ""
    link = _absolute(snap, paths.incident_page(e.id))
    fe = fg.add_entry(order="append")
    fe.id(entry_uid(e.id))
    # The reference and the severity, as every list of incidents on the page shows them.
    shown = shown_reference(e.incident, snap.config.incident_fields)
    reference = f"{shown} " if shown else ""
    fe.title(xml_text(mark + reference + e.incident.title))
    fe.link(href=link, rel="alternate", type="text/html")
    fe.updated(_utc(e.updated_at))
    fe.published(_utc(e.incident.updates[-1].at if e.incident.updates else e.started_at))
    fe.category(term=str(e.incident.kind))
    severity = snap.config.incident_fields.severity(e.incident.severity) \
        if e.incident.severity else None
    if severity is not None:
        fe.category(term=xml_text(severity.name), label=xml_text(severity.name))
    fe.content(content, type="html")


def absolute_links(snap: Around) -> Rewrite:
    """Links in a message (written from ``incidents/``) made absolute from ``page.url``."""
    return linker(lambda to: paths.absolute(snap.page.url, to), snap.ids)


def _time_html(at: datetime, snap: Around, lang: Language) -> str:
    return f"<time datetime=\"{_utc(at).isoformat()}\">{html.escape(lang.moment(at, snap.tz))}</time>"


def timeline_html(snap: Around, e: Entry, lang: Language | None = None) -> str:
    """The entry's public timeline as HTML, newest update first: status, time, message; in
    ``lang`` (``page.language``'s words by default), a message without a translation into it
    marked with the language it is written in."""
    lang = lang or translator(snap.page.language)
    rewrite = absolute_links(snap)
    parts: list[str] = []
    window = e.incident.window
    if e.incident.kind is m.Kind.MAINTENANCE and window is not None:
        # Escaped as a whole, then the times (already HTML) put in: a catalogue adds no markup.
        words = html.escape(lang.gettext("Scheduled from %(start)s to %(end)s"), quote=False)
        parts.append("<p>" + words % {"start": _time_html(window.start, snap, lang),
                                      "end": _time_html(window.end, snap, lang)} + "</p>")
    names = {c.id: c.name for c in snap.config.walk()}
    affected = [names[c] for c in e.named if c in names]
    if affected:
        words = lang._("Affected: %(components)s", components=lang.join(affected))
        parts.append(f"<p>{html.escape(words)}</p>")
    default = snap.page.editions[0]
    for update in e.incident.updates:
        mark = internal_mark(lang) if snap.internal and update.internal else ""
        parts.append(
            f"<p><strong>{html.escape(mark + lang.gettext(STATUSES[update.status]))}</strong> · "
            f"{_time_html(update.at, snap, lang)}</p>")
        text, written = message(update, lang.tag, default)
        body = fill_html(text, rewrite)
        parts.append(f"<div lang=\"{html.escape(written)}\">{body}</div>" if written else body)
    return "\n".join(parts)
