"""What every message about one event says, before any channel writes it in its format.

A :class:`Notice` holds the words (headline, status, the update's Markdown, the window,
the components it changed) and the absolute link to the entry's page.  The formats
(:mod:`statusgen.notify.formats`) choose how to show them.

Every word is in the page's language (``page.language``), from the same catalogue as the
pages: statuses, levels and sentences through gettext, times through CLDR; a format's own
words (``Read the rest on the status page``) come from :attr:`Notice.lang` too.  The update's
message is the one written for that language, else the default language's, as the JSON API
shows it.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import datetime, tzinfo

from statusgen import model as m
from statusgen.notify.events import Event, EventKind
from statusgen.render import paths
from statusgen.render.i18n import N_, Language
from statusgen.render.labels import LEVELS, STATUSES
from statusgen.render.markdown import Rewrite, linker
from statusgen.render.text import plain_text
from statusgen.render.timefmt import zone

CLOCK_WORDS = {
    EventKind.STARTED: N_("Started"),
    EventKind.COMPLETED: N_("Completed"),
    EventKind.REMINDER: N_("Reminder"),
    EventKind.LATE: N_("Next update overdue"),
}
"""The status word of events that no update announces."""

GREEN, BLUE, GREY = 0x2E7D32, 0x1565C0, 0x607D8B
COLOURS: dict[m.Impact, int] = {
    m.Impact.NONE: GREY,
    m.Impact.MINOR: 0xF9A825,
    m.Impact.MAJOR: 0xEF6C00,
    m.Impact.CRITICAL: 0xC62828,
}
"""A colour per impact (Discord's embed, the email's band); ended entries are green,
maintenance blue."""


@dataclass(frozen=True)
class Change:
    """A component whose level the event changed, in readers' words."""

    id: str
    name: str
    old: str
    new: str
    new_level: m.Level


@dataclass(frozen=True)
class Notice:
    """One event as every channel tells it."""

    event: Event
    page: m.Page
    lang: Language
    """The page's language: every word of every format comes from it."""
    status: str
    """``Identified``, ``Scheduled``, ``Started``, ``Reminder`` …"""
    title: str
    """The entry's title; ``🔒 [Internal] …`` when the event is internal (team channels only)."""
    message: str
    """The update's Markdown; empty for an event of the clock."""
    lead: str
    """A sentence before the message: the window, or what the clock did; may be empty."""
    changes: tuple[Change, ...]
    url: str
    """The entry's page, absolute."""
    when: str
    """When it happened, in the page's zone and language: ``22 Nov 2026, 07:10 CET``,
    ``22. Nov. 2026, 07:10 MEZ``."""
    at: datetime
    colour: int
    rewrite: Rewrite
    """Links as a message must publish them: absolute, unsafe ones and hidden entries dropped."""

    @property
    def headline(self) -> str:
        """``Identified: Elevated API response times``."""
        return self.lang._("%(status)s: %(title)s", status=self.status, title=self.title)

    @property
    def subject(self) -> str:
        """``[Acme Status] Identified: Elevated API response times``."""
        return f"[{self.page.title}] {self.headline}"

    def plain(self) -> str:
        """The whole message as plain text (email, reports, the pull request's preview)."""
        parts = [self.headline]
        if self.lead:
            parts.append(self.lead)
        if self.message:
            parts.append(plain_text(self.message, self.rewrite))
        if self.changes:
            parts.append("\n".join(self.change_text(c) for c in self.changes))
        parts.append(f"{self.when} · {self.url}")
        return "\n\n".join(parts)

    def change_text(self, change: Change) -> str:
        """``API: Partial outage → Degraded performance``."""
        return self.lang._("%(component)s: %(old)s → %(new)s", component=change.name,
                           old=change.old, new=change.new)

    def level_change(self, change: Change) -> str:
        """``Partial outage → Degraded performance`` (the arrow points the language's way)."""
        return self.lang._("%(old)s → %(new)s", old=change.old, new=change.new)

    def more_components(self, count: int) -> str:
        """``and 21 more components``: the components a format has no room to list."""
        return self.lang.n_("and %(num)s more component", "and %(num)s more components", count)

    @property
    def read_more(self) -> str:
        """The words of the link to the rest of a message that was cut."""
        return self.lang.gettext("Read the rest on the status page")

    @property
    def image(self) -> str:
        """What a chat calls an image without a text of its own (it shows it as a link)."""
        return self.lang.gettext("image")

    @property
    def view_on_page(self) -> str:
        """The words of the link to the entry's page."""
        return self.lang.gettext("View on the status page")


def notice(event: Event, config: m.Config, shown: Container[str], lang: Language) -> Notice:
    """The words of ``event`` in ``lang`` (the page's language); ``shown`` holds the ids of the
    entries the public page shows (a link to any other entry is dropped, its text kept)."""
    page = config.page
    incident = event.incident
    tz = zone(page.timezone)
    update = event.update
    status = lang.gettext(STATUSES[update.status] if update is not None else CLOCK_WORDS[event.kind])
    names = {c.id: c.name for c in config.walk()}
    changes = tuple(Change(c.component, names.get(c.component, c.component),
                           lang.gettext(LEVELS[c.old]), lang.gettext(LEVELS[c.new]), c.new)
                    for c in event.changes)
    return Notice(
        event=event, page=page, lang=lang, status=status, title=_title(event, lang),
        message=update.message_in(lang.tag, page.language)[0] if update is not None else "",
        lead=_lead(event, tz, lang), changes=changes,
        url=paths.absolute(page.url, paths.incident_page(incident.id)),
        when=lang.moment(event.at, tz), at=event.at, colour=_colour(event),
        rewrite=linker(lambda to: paths.absolute(page.url, to), shown),
    )


def _title(event: Event, lang: Language) -> str:
    """The entry's title, marked when the message tells what only the team may see."""
    title = event.incident.title
    # The internal build's own mark for its pages, so the team reads one word for both.
    return f"🔒 {lang.gettext('[Internal]')} {title}" if event.internal else title


def _lead(event: Event, tz: tzinfo, lang: Language) -> str:
    """The window in a sentence: its end without the date when it ends the day it starts, as
    the entry's page writes it."""
    if event.kind is EventKind.LATE:
        return lang._("The next update was promised by %(time)s and has not been posted: post "
                      "one, or resolve the incident.", time=lang.moment(event.at, tz))
    window = event.incident.window
    if window is None:
        return ""
    local_start, local_end = window.start.astimezone(tz), window.end.astimezone(tz)
    same_day = local_start.date() == local_end.date() and local_start.tzname() == local_end.tzname()
    times = {"start": lang.moment(window.start, tz),
             "end": lang.clock(window.end, tz) if same_day else lang.moment(window.end, tz)}
    if event.kind is EventKind.REMINDER:
        return lang._("Scheduled maintenance starts at %(start)s and is planned to end at %(end)s.",
                      **times)
    if event.update is None and event.kind is EventKind.STARTED:
        return lang._("The maintenance window has begun: %(start)s to %(end)s.", **times)
    if event.update is None and event.kind is EventKind.COMPLETED:
        return lang._("The maintenance window has ended: %(start)s to %(end)s.", **times)
    return lang._("Maintenance window: %(start)s to %(end)s.", **times)


def _colour(event: Event) -> int:
    incident = event.incident
    if event.kind in (EventKind.RESOLVED, EventKind.COMPLETED):
        return GREEN
    if incident.kind is m.Kind.MAINTENANCE:
        return BLUE
    return COLOURS[incident.impact]
