"""``maintenance.ics``: the page's maintenance as an iCalendar feed, built with ``icalendar``.

One VEVENT per maintenance that is upcoming, in progress, or ended within the
last :data:`KEEP_DAYS` days.  Everything comes from the (already redacted)
snapshot, so the same snapshot always gives the same bytes:

* ``UID`` is the entry's UUID (:func:`statusgen.render.feeds.entry_uuid`), stable for ever;
* ``DTSTART``/``DTEND`` are the planned window, in UTC;
* ``DTSTAMP`` is the newest visible update, not the build time;
* ``SEQUENCE`` counts the visible updates after the first (0 for a fresh announcement);
* ``STATUS`` is ``CANCELLED`` for a maintenance completed before it ran, else ``CONFIRMED``.

A recurring maintenance is one VEVENT for the whole series: its first window in the
page's zone (with the zone's VTIMEZONE), the ``RRULE``, and an ``EXDATE`` for every
occurrence that does not take place (``except``, or cancelled).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, vRecur, vText

from statusgen import model as m
from statusgen.compute.views import Entry, Series, Snapshot
from statusgen.render import paths
from statusgen.render.feeds import absolute_links, entry_uuid, internal_mark, xml_text
from statusgen.render.i18n import Language, translator
from statusgen.render.labels import STATUSES
from statusgen.render.markdown import fill_text, message

CALENDAR = "maintenance.ics"
KEEP_DAYS = 90
"""Ended maintenance stays in the calendar this many days."""
PRODID = "-//statusgen//Maintenance calendar//EN"


def ended_at(e: Entry) -> datetime | None:
    """When a maintenance ended, ``None`` while it is upcoming or in progress."""
    if e.status is not m.Status.COMPLETED:
        return None
    if e.resolved_at is not None:
        return e.resolved_at
    completed = [u.at for u in e.incident.updates if u.status is m.Status.COMPLETED]
    window = e.incident.window
    return max(completed, default=window.end if window else e.updated_at)


def in_calendar(snap: Snapshot, e: Entry) -> bool:
    if e.incident.kind is not m.Kind.MAINTENANCE or e.incident.window is None:
        return False
    end = ended_at(e)
    return end is None or end >= snap.now - timedelta(days=KEEP_DAYS)


def _description(snap: Snapshot, named: tuple[str, ...], updates: tuple[m.Update, ...], url: str,
                 lang: Language) -> str:
    names = {c.id: c.name for c in snap.config.walk()}
    lines: list[str] = []
    rewrite = absolute_links(snap)
    affected = [names[c] for c in named if c in names]
    if affected:
        lines.append(lang._("Affected: %(components)s", components=lang.join(affected)))
        lines.append("")
    for update in updates:
        mark = internal_mark(lang) if snap.internal and update.internal else ""
        lines.append(lang._("%(status)s (%(time)s):", status=mark + lang.gettext(
            STATUSES[update.status]), time=lang.moment(update.at, snap.tz)))
        lines.append(fill_text(message(update, lang.tag, lang.tag)[0], rewrite))
        lines.append("")
    lines.append(url)
    return "\n".join(lines)


def render_calendar(snap: Snapshot, lang: Language | None = None) -> dict[str, bytes]:
    """``maintenance.ics``, path → bytes, in ``lang`` (``page.language``'s by default)."""
    page = snap.page
    lang = lang or translator(page.language)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # As vText: icalendar escapes only the properties it knows, and would refuse (with an
    # assertion, not an error) an X- property holding a line break.
    cal.add("x-wr-calname", vText(xml_text(lang._("%(page)s: maintenance", page=page.title))))
    cal.add("x-wr-caldesc", vText(xml_text(lang._("Scheduled maintenance of %(page)s",
                                                  page=page.title))))
    cal.add("x-published-ttl", "PT1H")
    shown = [e for e in snap.entries if in_calendar(snap, e)]
    for series in snap.series:
        occurrences = [e for e in shown if e.incident.occurrence and e.incident.path == series.incident.path]
        if occurrences:  # newest first: link the next occurrence, else the last one
            soon = next((e for e in reversed(occurrences) if e.active or e.upcoming), occurrences[0])
            cal.add_component(_series_event(snap, series, soon, lang))
    events = sorted((e for e in shown if e.incident.occurrence is None),
                    key=lambda e: (e.incident.window.start if e.incident.window else e.started_at,
                                   e.id))
    for e in events:
        window = e.incident.window
        assert window is not None
        url = paths.absolute(page.url, paths.incident_page(e.id))
        mark = internal_mark(lang) if snap.internal and not e.incident.published else ""
        event = Event()
        event.add("uid", str(entry_uuid(e.id)))
        event.add("dtstamp", e.updated_at.astimezone(UTC))
        event.add("dtstart", window.start.astimezone(UTC))
        event.add("dtend", window.end.astimezone(UTC))
        # iCalendar text holds no control characters either.
        event.add("summary", xml_text(mark + e.incident.title))
        event.add("description", xml_text(_description(snap, e.named, e.incident.updates, url,
                                                        lang)))
        event.add("url", url)
        event.add("status", "CANCELLED" if e.cancelled else "CONFIRMED")
        event.add("sequence", max(len(e.incident.updates) - 1, 0))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    cal.add_missing_timezones()
    return {CALENDAR: cal.to_ical()}


def _series_event(snap: Snapshot, series: Series, one: Entry, lang: Language) -> Event:
    """The VEVENT of a recurring maintenance; ``one`` of its occurrences names its components."""
    incident = series.incident
    url = paths.absolute(snap.page.url, paths.incident_page(one.id))
    mark = internal_mark(lang) if snap.internal and not incident.published else ""
    event = Event()
    event.add("uid", str(entry_uuid(incident.id)))
    event.add("dtstamp", incident.updates[0].at.astimezone(UTC))
    event.add("dtstart", series.start)
    event.add("dtend", series.end)
    event.add("rrule", vRecur.from_ical(series.rule))
    if series.skipped:
        event.add("exdate", list(series.skipped))
    event.add("summary", xml_text(mark + incident.title))
    announced = tuple(u for u in incident.updates if u.occurrence is None)
    event.add("description", xml_text(_description(snap, one.named, announced, url, lang)))
    event.add("url", url)
    event.add("status", "CONFIRMED")
    event.add("sequence", max(len(incident.updates) - 1, 0))
    event.add("transp", "TRANSPARENT")
    return event
