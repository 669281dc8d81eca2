"""Recurring maintenance: occurrences across daylight-saving changes, against a table worked
out by hand and against an independent iCalendar reader expanding the published RRULE."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import recurring_ical_events
from icalendar import Calendar

from statusgen import model as m
from statusgen.compute.snapshot import snapshot
from statusgen.render.calendar import CALENDAR, render_calendar
from tests.conftest import StatusRepo
from tests.helpers import COMPONENTS
from tests.notify.repos import repository


def series(start: str, end: str, rule: str, skip: str = "[]", updates: str = "") -> str:
    """A recurring maintenance of ``db``; ``updates`` (YAML list items) go above the
    series' announcement."""
    return (f"---\nkind: maintenance\ntitle: Patching\nwindow: {{start: {start}, end: {end}}}\n"
            f"repeat: {rule}\nexcept: {skip}\ncomponents: [db]\nupdates:\n{updates}"
            "  - at: 2026-01-05T10:00:00Z\n    status: scheduled\n"
            "    message: Patching on schedule.\n---\n")


def zoned(zone: str) -> str:
    return COMPONENTS.replace("  url: https://status.test.example/\n",
                              f"  url: https://status.test.example/\n  timezone: {zone}\n")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# Worked out by hand from the zones' rules: Berlin leaves summer time on 25 October 2026
# (03:00 CEST -> 02:00 CET) and enters it on 29 March 2026 (02:00 CET -> 03:00 CEST);
# New York leaves it on 1 November 2026 and enters it on 8 March 2026.
CASES = {
    "berlin-autumn": (
        "Europe/Berlin", "2026-10-13T03:00:00+02:00", "2026-10-13T04:00:00+02:00",
        "FREQ=WEEKLY;BYDAY=TU;COUNT=4", "[2026-10-20]",
        # 03:00 wall-clock: 01:00 UTC in summer time, 02:00 UTC after.
        ["2026-10-13T01:00", "2026-10-27T02:00", "2026-11-03T02:00"], timedelta(hours=1)),
    "berlin-spring-gap": (
        # 02:30 does not exist on 29 March: read with the offset before the jump (RFC 5545),
        # 01:30 UTC, the same instant as 03:30 CEST.
        "Europe/Berlin", "2026-03-22T02:30:00+01:00", "2026-03-22T03:00:00+01:00",
        "FREQ=WEEKLY;BYDAY=SU;UNTIL=20260412", "[2026-04-05]",
        ["2026-03-22T01:30", "2026-03-29T01:30", "2026-04-12T00:30"], timedelta(minutes=30)),
    "new-york-autumn": (
        "America/New_York", "2026-10-30T09:00:00-04:00", "2026-10-30T11:00:00-04:00",
        "FREQ=DAILY;UNTIL=20261103T235959Z", "[2026-11-02]",
        ["2026-10-30T13:00", "2026-10-31T13:00", "2026-11-01T14:00", "2026-11-03T14:00"],
        timedelta(hours=2)),
    "new-york-spring": (
        "America/New_York", "2026-02-22T22:00:00-05:00", "2026-02-22T23:00:00-05:00",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU;COUNT=3", "[]",
        ["2026-02-23T03:00", "2026-03-09T02:00", "2026-03-23T02:00"], timedelta(hours=1)),
}


@pytest.mark.parametrize("case", CASES)
def test_occurrences_keep_their_wall_clock_time_across_daylight_saving(
        status_repo: StatusRepo, case: str) -> None:
    zone, start, end, rule, skip, starts, length = CASES[case]
    root = status_repo({"components.yml": zoned(zone),
                        "incidents/patching.md": series(start, end, rule, skip)})
    now = datetime.fromisoformat(start) - timedelta(days=1)
    snap = snapshot(repository(root, now), now)
    windows = sorted((e.incident.window.start, e.incident.window.end)
                     for e in snap.entries if e.incident.window)
    assert [s for s, _ in windows] == [utc(s) for s in starts]
    assert all(e - s == length for s, e in windows) or case == "berlin-spring-gap"
    occurrence = snap.entries[-1]
    assert occurrence.id == f"patching-{occurrence.incident.occurrence}"
    assert occurrence.incident.path == "incidents/patching.md"

    # The calendar holds one event; an independent reader expands it to the same windows.
    cal = Calendar.from_ical(render_calendar(snap)[CALENDAR])
    assert len(list(cal.walk("VEVENT"))) == 1
    expanded = recurring_ical_events.of(cal).between(datetime(2026, 1, 1), datetime(2027, 1, 1))
    assert sorted((e["DTSTART"].dt.astimezone(UTC), e["DTEND"].dt.astimezone(UTC))
                  for e in expanded) == windows


def test_an_unbounded_rule_is_expanded_up_to_ninety_days_ahead(status_repo: StatusRepo) -> None:
    root = status_repo({"incidents/patching.md": series(
        "2026-01-06T02:00:00Z", "2026-01-06T03:00:00Z", "FREQ=WEEKLY")})
    now = datetime(2026, 3, 1, tzinfo=UTC)
    snap = snapshot(repository(root, now), now)
    starts = [e.started_at for e in snap.entries]
    assert max(starts) <= now + timedelta(days=90) < max(starts) + timedelta(days=7)
    assert min(starts) == utc("2026-01-06T02:00")
    assert len(snap.maintenance) == 13 and not any(e.active for e in snap.maintenance)
    assert sum(e.status is m.Status.COMPLETED for e in snap.entries) == 8


def test_an_occurrence_has_its_own_updates_and_can_be_cancelled(status_repo: StatusRepo) -> None:
    own = ("  - {at: 2026-01-13T02:10:00Z, status: in_progress, occurrence: 2026-01-13,\n"
           "      message: Started a little late.}\n"
           "  - {at: 2026-01-12T09:00:00Z, status: completed, occurrence: 2026-01-20,\n"
           "      message: Not next week.}\n")
    root = status_repo({"incidents/patching.md": series(
        "2026-01-06T02:00:00Z", "2026-01-06T03:00:00Z", "FREQ=WEEKLY;COUNT=4", updates=own)})
    now = datetime(2026, 1, 13, 2, 30, tzinfo=UTC)
    snap = snapshot(repository(root, now), now)
    by_id = {e.id: e for e in snap.entries}
    assert set(by_id) == {f"patching-2026-01-{d}" for d in ("06", "13", "20", "27")}
    today, cancelled = by_id["patching-2026-01-13"], by_id["patching-2026-01-20"]
    assert today.active and [u.message for u in today.incident.updates] == \
        ["Started a little late.", "Patching on schedule."]
    assert cancelled.cancelled and not cancelled.upcoming
    assert snap.levels["db"] is m.Level.UNDER_MAINTENANCE
    assert [e.id for e in snap.maintenance] == ["patching-2026-01-13", "patching-2026-01-27"]
    # The cancelled occurrence is an exception of the one event in the calendar.
    event: Any = next(iter(Calendar.from_ical(render_calendar(snap)[CALENDAR]).walk("VEVENT")))
    assert [d.dt.astimezone(UTC) for d in event["EXDATE"].dts] == [utc("2026-01-20T02:00")]
    assert str(event["RRULE"].to_ical().decode()) == "FREQ=WEEKLY;COUNT=4"


def test_the_api_and_the_front_page_list_the_occurrences(status_repo: StatusRepo) -> None:
    import json

    from bs4 import BeautifulSoup

    from statusgen.render.api import render_api
    from statusgen.render.pages import render_pages
    from tests.datasource import errors
    from tests.helpers import REPO_ROOT

    root = status_repo({"incidents/patching.md": series(
        "2026-01-06T02:00:00Z", "2026-01-06T03:00:00Z", "FREQ=WEEKLY;COUNT=3")})
    now = datetime(2026, 1, 13, 2, 30, tzinfo=UTC)
    snap = snapshot(repository(root, now), now)
    api = render_api(snap)
    active = json.loads(api["api/v2/scheduled-maintenances/active.json"])
    upcoming = json.loads(api["api/v2/scheduled-maintenances/upcoming.json"])
    assert not errors("scheduled_maintenances", upcoming)
    assert [(d["id"], d["status"], d["scheduled_for"]) for d in active["scheduled_maintenances"]] == \
        [("patching-2026-01-13", "in_progress", "2026-01-13T02:00:00.000Z")]
    assert [d["scheduled_for"] for d in upcoming["scheduled_maintenances"]] == \
        ["2026-01-20T02:00:00.000Z"]
    pages = render_pages(snap, REPO_ROOT / "themes")
    assert {"incidents/patching-2026-01-06/index.html", "incidents/patching-2026-01-20/index.html"} \
        <= set(pages)
    front = BeautifulSoup(pages["index.html"], "html.parser").get_text(" ", strip=True)
    assert front.count("Patching") >= 2  # in progress now, and the next one
    bar = snap.uptime["db"].days
    assert bar[-1].level.value == "under_maintenance" and bar[-8].level.value == "under_maintenance"


def test_an_internal_occurrence_update_stays_out_of_the_public_build(status_repo: StatusRepo) -> None:
    from statusgen.render.api import render_api

    own = ("  - {at: 2026-01-13T02:10:00Z, status: in_progress, occurrence: 2026-01-13,\n"
           "      internal: true, message: SECRET-MARKER on db-7.}\n")
    root = status_repo({"incidents/patching.md": series(
        "2026-01-06T02:00:00Z", "2026-01-06T03:00:00Z", "FREQ=WEEKLY;COUNT=3", updates=own)})
    now = datetime(2026, 1, 13, 2, 30, tzinfo=UTC)
    repo = repository(root, now)
    public = snapshot(repo, now)
    outputs = [*render_api(public).values(), *render_calendar(public).values()]
    assert not any(b"SECRET-MARKER" in data for data in outputs)
    assert all(len(e.incident.updates) == 1 for e in public.entries)
    team = snapshot(repo, now, internal=True)
    assert team.by_id["patching-2026-01-13"].incident.updates[0].message == "SECRET-MARKER on db-7."
