"""What every message about one event says, before any channel writes it in its format.

A :class:`Notice` holds the words (headline, status, the update's Markdown, the window,
the components it changed) and the absolute link to the entry's page.  The formats
(:mod:`generator.notify.formats`) choose how to show them.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from generator import model as m
from generator.compute.pagediff import Window
from generator.notify.events import Event, EventKind
from generator.render import paths
from generator.render.diff import format_window
from generator.render.labels import LEVELS, STATUSES
from generator.render.markdown import Rewrite, linker
from generator.render.text import plain_text
from generator.render.timefmt import local_time

CLOCK_WORDS = {
    EventKind.STARTED: "Started",
    EventKind.COMPLETED: "Completed",
    EventKind.REMINDER: "Reminder",
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
    status: str
    """``Identified``, ``Scheduled``, ``Started``, ``Reminder`` …"""
    title: str
    message: str
    """The update's Markdown; empty for an event of the clock."""
    lead: str
    """A sentence before the message: the window, or what the clock did; may be empty."""
    changes: tuple[Change, ...]
    url: str
    """The entry's page, absolute."""
    when: str
    """When it happened, in the page's zone: ``22 Nov 2026, 07:10 CET``."""
    at: datetime
    colour: int
    rewrite: Rewrite
    """Links as a message must publish them: absolute, unsafe ones and hidden entries dropped."""

    @property
    def headline(self) -> str:
        """``Identified: Elevated API response times``."""
        return f"{self.status}: {self.title}"

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
            parts.append("\n".join(f"{c.name}: {c.old} → {c.new}" for c in self.changes))
        parts.append(f"{self.when} · {self.url}")
        return "\n\n".join(parts)


def notice(event: Event, config: m.Config, shown: Container[str]) -> Notice:
    """The words of ``event``; ``shown`` holds the ids of the entries the public page shows
    (a link to any other entry is dropped, its text kept)."""
    page = config.page
    incident = event.incident
    tz = ZoneInfo(page.timezone)
    update = event.update
    status = STATUSES[update.status] if update is not None else CLOCK_WORDS[event.kind]
    names = {c.id: c.name for c in config.walk()}
    changes = tuple(Change(c.component, names.get(c.component, c.component), LEVELS[c.old],
                           LEVELS[c.new], c.new) for c in event.changes)
    return Notice(
        event=event, page=page, status=status, title=incident.title,
        message=update.message if update is not None else "",
        lead=_lead(event, tz, page.timezone), changes=changes,
        url=paths.absolute(page.url, paths.incident_page(incident.id)),
        when=local_time(event.at, tz), at=event.at, colour=_colour(event),
        rewrite=linker(lambda to: paths.absolute(page.url, to), shown),
    )


def _lead(event: Event, tz: ZoneInfo, zone: str) -> str:
    window = event.incident.window
    if window is None:
        return ""
    planned = format_window(Window(window.start, window.end), zone)
    if event.kind is EventKind.REMINDER:
        return f"Scheduled maintenance starts at {local_time(window.start, tz)}: {planned}."
    if event.update is None and event.kind is EventKind.STARTED:
        return f"The maintenance window has begun: {planned}."
    if event.update is None and event.kind is EventKind.COMPLETED:
        return f"The maintenance window has ended: {planned}."
    return f"Maintenance window: {planned}."


def _colour(event: Event) -> int:
    incident = event.incident
    if event.kind in (EventKind.RESOLVED, EventKind.COMPLETED):
        return GREEN
    if incident.kind is m.Kind.MAINTENANCE:
        return BLUE
    return COLOURS[incident.impact]
