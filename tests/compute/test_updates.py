"""Update ids and whether an update notifies, on the model directly."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from statusgen import model as m
from statusgen.compute.status import redact
from statusgen.compute.updates import base36, delivers, update_ids
from statusgen.diagnostics import Location

LOC = Location("incidents/a.md")
AT = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)


def update(minutes: int, status: m.Status, message: str, *, internal: bool = False,
           notify: bool = True) -> m.Update:
    return m.Update(loc=LOC, at=AT + timedelta(minutes=minutes), status=status, message=message,
                    internal=internal, notify=notify)


def incident(*updates: m.Update, visibility: m.Visibility = m.Visibility.PUBLIC,
             mode: m.Mode = m.Mode.STANDARD) -> m.Incident:
    return m.Incident(loc=LOC, id="a", path="incidents/a.md", title="A", updates=updates,
                      visibility=visibility, mode=mode)


def test_the_page_id_digest_is_unchanged() -> None:
    assert base36("https://status.acme.example/", 12) == "3svhf30yxysh"


def test_an_id_depends_on_the_time_in_utc_not_the_zone_written() -> None:
    one = incident(update(0, m.Status.INVESTIGATING, "x"))
    berlin = timezone(timedelta(hours=1))
    other = incident(replace(one.updates[0], at=AT.astimezone(berlin)))
    assert update_ids(one) == update_ids(other)


def test_a_redacted_incident_keeps_the_ids_of_the_written_one() -> None:
    written = incident(update(0, m.Status.INVESTIGATING, "public twin"),
                       update(0, m.Status.INVESTIGATING, "hidden twin", internal=True))
    [shown] = redact([written], internal=False)
    assert update_ids(shown, written) == update_ids(written)[:1]
    assert update_ids(shown) != update_ids(written)[:1]  # counted alone, it would be renumbered


def test_updates_not_of_the_incident_are_refused() -> None:
    written = incident(update(0, m.Status.INVESTIGATING, "x"))
    stranger = incident(update(5, m.Status.RESOLVED, "y"))
    with pytest.raises(ValueError):
        update_ids(stranger, written)


@pytest.mark.parametrize(("extra", "written", "expected"), [
    ({}, {}, True),
    ({}, {"notify": False}, False),
    ({}, {"internal": True}, False),
    ({"visibility": m.Visibility.INTERNAL}, {}, False),
    ({"mode": m.Mode.TEST}, {}, False),
    ({"mode": m.Mode.RETROSPECTIVE}, {}, True),
])
def test_delivers(extra: dict[str, Any], written: dict[str, bool], expected: bool) -> None:
    one = update(0, m.Status.INVESTIGATING, "x", **written)
    assert delivers(incident(one, **extra), one) is expected
