"""``maintenance.ics``: parses back with icalendar, with the right events and stable fields."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Calendar

from statusgen.compute.snapshot import snapshot
from statusgen.render.calendar import CALENDAR, render_calendar
from statusgen.render.feeds import entry_uuid
from statusgen.render.text import plain_text
from tests.conftest import StatusRepo
from tests.datasource import example_snapshot, maintenance_file, repository
from tests.helpers import NOW


def events(data: bytes) -> list[Any]:
    cal = Calendar.from_ical(data)
    return list(cal.walk("VEVENT"))


def by_summary(data: bytes) -> dict[str, Any]:
    return {str(e["SUMMARY"]): e for e in events(data)}


def test_the_calendar_parses_with_its_properties() -> None:
    data = render_calendar(example_snapshot())[CALENDAR]
    cal = Calendar.from_ical(data)
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == "-//statusgen//Maintenance calendar//EN"
    assert str(cal["X-WR-CALNAME"]) == "Acme Status: maintenance"
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")


def test_the_example_events() -> None:
    found = by_summary(render_calendar(example_snapshot())[CALENDAR])
    assert set(found) == {"Database upgrade to PostgreSQL 17", "Object storage hardware refresh"}
    upgrade = found["Database upgrade to PostgreSQL 17"]
    start, end = upgrade.decoded("DTSTART"), upgrade.decoded("DTEND")
    assert start == datetime(2026, 12, 2, 2, 0, tzinfo=UTC) and start.tzinfo is not None
    assert start.utcoffset() == timedelta(0) and end == datetime(2026, 12, 2, 4, 0, tzinfo=UTC)
    assert upgrade.decoded("DTSTAMP") == datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert str(upgrade["UID"]) == str(entry_uuid("2026-11-20-postgres-17-upgrade"))
    assert str(upgrade["URL"]) == "https://status.acme.example/incidents/2026-11-20-postgres-17-upgrade/"
    assert str(upgrade["STATUS"]) == "CONFIRMED" and int(upgrade["SEQUENCE"]) == 0
    description = str(upgrade["DESCRIPTION"])
    assert "The database will be read-only for up to two hours" in description
    assert "**" not in description and "<" not in description
    refresh = found["Object storage hardware refresh"]
    assert int(refresh["SEQUENCE"]) == 2
    assert refresh.decoded("DTSTAMP") == datetime(2026, 11, 8, 2, 41, tzinfo=UTC)
    assert b"DTSTART:20261108T010000Z" in render_calendar(example_snapshot())[CALENDAR]


def test_deterministic_and_free_of_the_clock() -> None:
    data = render_calendar(example_snapshot())
    assert data == render_calendar(example_snapshot())
    assert b"20261122T090000Z" not in data[CALENDAR]  # now is not a DTSTAMP


def test_which_maintenance_is_listed(status_repo: StatusRepo) -> None:
    def at(days: float) -> str:
        return (NOW + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")

    files = {
        "incidents/old.md": maintenance_file("Old", at(-100), at(-100 + 0.1), [
            (at(-100 + 0.1), "completed", "Done."), (at(-101), "scheduled", "Soon.")]),
        "incidents/recent.md": maintenance_file("Recent", at(-80), at(-80 + 0.1), [
            (at(-80 + 0.1), "completed", "Done."), (at(-81), "scheduled", "Soon.")]),
        "incidents/running.md": maintenance_file("Running", at(-0.1), at(0.1), [
            (at(-0.1), "in_progress", "Started."), (at(-2), "scheduled", "Soon.")]),
        "incidents/cancelled.md": maintenance_file("Cancelled", at(3), at(3.1), [
            (at(-0.5), "completed", "Called off."), (at(-2), "scheduled", "Soon.")]),
        "incidents/next.md": maintenance_file("Next", at(5), at(5.1), [
            (at(-1), "scheduled", "Soon: **careful**, see [notes](https://notes.example/).")]),
    }
    data = render_calendar(snapshot(repository(status_repo(files)), NOW))[CALENDAR]
    found = by_summary(data)
    assert set(found) == {"Recent", "Running", "Cancelled", "Next"}
    assert str(found["Cancelled"]["STATUS"]) == "CANCELLED"
    assert {str(e["STATUS"]) for name, e in found.items() if name != "Cancelled"} == {"CONFIRMED"}
    assert [str(e["SUMMARY"]) for e in events(data)] == ["Recent", "Running", "Cancelled", "Next"]
    assert "Soon: careful, see notes (https://notes.example/)." in str(found["Next"]["DESCRIPTION"])
    for event in events(data):
        for key in ("DTSTART", "DTEND", "DTSTAMP"):
            assert event.decoded(key).utcoffset() == timedelta(0)


def test_an_empty_calendar_is_valid(status_repo: StatusRepo) -> None:
    data = render_calendar(snapshot(repository(status_repo({})), NOW))[CALENDAR]
    assert events(data) == []
    assert str(Calendar.from_ical(data)["X-WR-CALNAME"]) == "Test Status: maintenance"


def test_plain_text() -> None:
    assert plain_text("A **b** and `c`.\n\n- one\n- two") == "A b and c.\n\n- one\n- two"
    assert plain_text("[x](https://x.example/)") == "x (https://x.example/)"
