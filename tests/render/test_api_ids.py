"""Update ids and ``deliver_notifications`` in the JSON API, across edits and builds."""

from __future__ import annotations

import json
from typing import Any

import pytest

from statusgen.compute.snapshot import snapshot
from statusgen.render.api import render_api
from tests.conftest import StatusRepo
from tests.datasource import definition_of, errors, repository
from tests.helpers import NOW

ID = "2026-11-22-errors"
PATH = f"api/v2/incidents/{ID}.json"

Update = tuple[str, str, str, str]
"""``(at, status, message, extra lines)``, the extra lines ``internal: true`` and the like."""

BASE: list[Update] = [
    ("2026-11-22T08:30:00Z", "resolved", "Fixed.", ""),
    ("2026-11-22T08:00:00Z", "identified", "Fix deployed.", "internal: true"),
    ("2026-11-22T07:30:00Z", "identified", "Found it.", ""),
    ("2026-11-22T07:00:00Z", "investigating", "Errors.", ""),
]


def incident_text(updates: list[Update]) -> str:
    lines = ["---", "title: Errors", "impact: minor", "components: {api: partial_outage}",
             "updates:"]
    for at, status, message, extra in updates:
        lines += [f"  - at: {at}", f"    status: {status}", f"    message: {json.dumps(message)}"]
        lines += [f"    {line}" for line in extra.split(";") if line]
    return "\n".join([*lines, "---", ""])


def built(status_repo: StatusRepo, updates: list[Update], *,
          internal: bool) -> list[dict[str, Any]]:
    """The incident's updates in its API document (checked against the schema)."""
    root = status_repo({f"incidents/{ID}.md": incident_text(updates)})
    out = render_api(snapshot(repository(root), NOW, internal=internal))
    for path, data in out.items():
        definition = definition_of(path)
        assert definition is not None
        assert errors(definition, json.loads(data)) == [], path
    doc: dict[str, Any] = json.loads(out[PATH])
    updates_json: list[dict[str, Any]] = doc["incident"]["incident_updates"]
    return updates_json


def ids(updates: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """Each update's id, by its time and status."""
    return {(u["created_at"], u["status"]): u["id"] for u in updates}


def edited(updates: list[Update], index: int, *, message: str | None = None,
           extra: str | None = None) -> list[Update]:
    at, status, old_message, old_extra = updates[index]
    changed = (at, status, old_message if message is None else message,
               old_extra if extra is None else extra)
    return [*updates[:index], changed, *updates[index + 1:]]


EDITS = {
    "a newer update added": [("2026-11-22T09:00:00Z", "resolved", "Really fixed.", ""), *BASE],
    "an older update added": [*BASE, ("2026-11-22T06:50:00Z", "investigating", "Odd.", "")],
    "a message edited": edited(BASE, 2, message="Found it: a bad deploy."),
    "an internal update made public": edited(BASE, 1, extra=""),
    "a public update made internal": edited(BASE, 2, extra="internal: true"),
    "an update kept from notifications": edited(BASE, 3, extra="notify: false"),
}


@pytest.mark.parametrize("internal", [False, True], ids=["public", "internal"])
@pytest.mark.parametrize("edit", list(EDITS))
def test_an_update_keeps_its_id_whatever_else_changes(status_repo: StatusRepo, edit: str,
                                                      internal: bool) -> None:
    # The internal build of the unedited file names every update once: the reference.
    reference = ids(built(status_repo, BASE, internal=True))
    assert len(set(reference.values())) == len(BASE)
    found = ids(built(status_repo, EDITS[edit], internal=internal))
    kept = {key: value for key, value in found.items() if key in reference}
    assert kept == {key: reference[key] for key in kept}
    assert len(kept) >= len(BASE) - 2  # the edits hide at most one update
    assert len(set(found.values())) == len(found)


def test_ids_are_pinned_and_carry_no_message(status_repo: StatusRepo) -> None:
    """Ids must not change when statusgen is upgraded, and say nothing of the text."""
    updates = built(status_repo, BASE, internal=True)
    assert ids(updates)["2026-11-22T07:00:00.000Z", "investigating"] == f"{ID}-urjp69cnc"
    other = built(status_repo, [(at, status, "Something else entirely.", extra)
                                for at, status, _, extra in BASE], internal=True)
    assert ids(other) == ids(updates)


def test_updates_of_the_same_second_and_status_have_distinct_stable_ids(
        status_repo: StatusRepo) -> None:
    at = "2026-11-22T07:00:00Z"
    twins: list[Update] = [(at, "investigating", "Second.", ""), (at, "investigating", "First.", "")]
    both = built(status_repo, twins, internal=False)
    first, second = both[1]["id"], both[0]["id"]
    assert first != second
    # Hidden, then shown again: the other twin keeps its id in both builds.
    hidden = edited(twins, 0, extra="internal: true")
    assert [u["id"] for u in built(status_repo, hidden, internal=False)] == [first]
    assert [u["id"] for u in built(status_repo, hidden, internal=True)] == [second, first]
    hidden_first = edited(twins, 1, extra="internal: true")
    assert [u["id"] for u in built(status_repo, hidden_first, internal=False)] == [second]
    # A third twin written above the others (the newest) takes a new id of its own.
    third = built(status_repo, [(at, "investigating", "Third.", ""), *twins], internal=False)
    assert [u["id"] for u in third][1:] == [second, first]
    assert third[0]["id"] not in (first, second)


def test_deliver_notifications_says_whether_the_update_was_sent(status_repo: StatusRepo) -> None:
    quiet = edited(BASE, 3, extra="notify: false")
    public = {u["status"] + " " + u["created_at"]: u["deliver_notifications"]
              for u in built(status_repo, quiet, internal=False)}
    assert public == {"resolved 2026-11-22T08:30:00.000Z": True,
                      "identified 2026-11-22T07:30:00.000Z": True,
                      "investigating 2026-11-22T07:00:00.000Z": False}
    # The team's build shows the internal update, which no channel is ever sent.
    team = {u["created_at"]: u["deliver_notifications"]
            for u in built(status_repo, quiet, internal=True)}
    assert team["2026-11-22T08:00:00.000Z"] is False
    assert team["2026-11-22T07:30:00.000Z"] is True


def test_a_drill_notifies_no_one(status_repo: StatusRepo) -> None:
    root = status_repo({f"incidents/{ID}.md": incident_text(BASE).replace(
        "impact: minor", "impact: minor\nmode: test")})
    doc = json.loads(render_api(snapshot(repository(root), NOW, internal=True))[PATH])
    assert {u["deliver_notifications"] for u in doc["incident"]["incident_updates"]} == {False}
