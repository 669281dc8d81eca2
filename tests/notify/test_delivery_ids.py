"""One delivery id per message, over a run that sends several for one incident, to a real
receiver on 127.0.0.1; the same id when the message is sent again; the ids the webhook's
updates carry are the site's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from statusgen.commands.cli import main
from statusgen.compute.snapshot import snapshot
from statusgen.render.api import render_api
from tests import helpers
from tests.conftest import StatusRepo
from tests.notify.repos import components, incident, repository
from tests.notify.servers import Answer, Receiver, receiver

NOW = "2026-11-22T09:00:00Z"
HOOKS = """\
notify:
  - id: hooks
    type: webhook
    url_env: HOOK_URL
"""
# Written already resolved: one event takes the API down and brings it back.
RESOLVED = incident("Short API outage", [
    {"at": "2026-11-22T08:10:00Z", "status": "resolved", "message": "Errors for five minutes."}],
    components="{api: major_outage}")
OPENED = {"at": "2026-11-22T08:00:00Z", "status": "investigating", "message": "Some requests fail.",
          "components": "{api: partial_outage}"}
WORSE = {"at": "2026-11-22T08:20:00Z", "status": "identified", "message": "A bad deploy.",
         "components": "{api: major_outage, db: degraded_performance}"}
QUIET = {"at": "2026-11-22T08:25:00Z", "status": "identified", "message": "Rolling back.",
         "notify": "false"}
FIXED = {"at": "2026-11-22T08:40:00Z", "status": "resolved", "message": "Rolled back."}


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    with receiver() as found:
        monkeypatch.setenv("HOOK_URL", found.url)
        yield found


def files() -> dict[str, str]:
    return {"components.yml": components(HOOKS),
            "incidents/2026-11-22-outage.md": RESOLVED,
            "incidents/2026-11-22-api.md": incident("API errors", [FIXED, QUIET, WORSE, OPENED])}


def notify(root: Path) -> int:
    return main(["notify", "--root", str(root), "--now", NOW, "--attempts", "1",
                 "--since", "2026-11-22T00:00:00Z"])


def bodies(hook: Receiver) -> list[dict[str, Any]]:
    return [json.loads(body) for body in hook.bodies()]


def test_every_message_of_a_run_has_its_own_delivery_id(status_repo: StatusRepo,
                                                        hook: Receiver) -> None:
    assert notify(status_repo(files())) == 0
    names = [r.headers["x-statusgen-event"] for r in hook.requests]
    ids = [r.delivery for r in hook.requests]
    assert len(ids) == len(set(ids)) == 11, names
    # The incident written resolved: the outage and the recovery both reach the receiver.
    changes = [(doc["component_update"]["old_status"], doc["component_update"]["new_status"])
               for doc in bodies(hook) if "component_update" in doc
               and doc["component_update"]["created_at"].startswith("2026-11-22T09:10")]
    assert changes == [("operational", "major_outage"), ("major_outage", "operational")]
    # A component message's own id is its delivery id.
    for request, doc in zip(hook.requests, bodies(hook), strict=True):
        if "component_update" in doc:
            assert doc["component_update"]["id"] == request.delivery


def test_a_message_sent_again_keeps_its_delivery_id(status_repo: StatusRepo, hook: Receiver) -> None:
    root = status_repo(files())
    first_try = [Answer(200)] * 4 + [Answer(500)]  # the recovery of the resolved incident fails
    hook.answer(*first_try)
    assert notify(root) == 1
    failed = hook.requests[4]
    assert failed.status == 500
    assert notify(root) == 0
    again = [r for r in hook.requests[5:] if r.delivery == failed.delivery]
    assert len(again) == 1 and again[0].body == failed.body and again[0].accepted
    assert len({r.delivery for r in hook.requests}) == 11


def test_the_webhook_names_updates_as_the_site_does(status_repo: StatusRepo, hook: Receiver) -> None:
    root = status_repo(files())
    assert notify(root) == 0
    site = json.loads(render_api(snapshot(repository(root), helpers.NOW))[
        "api/v2/incidents/2026-11-22-api.json"])["incident"]["incident_updates"]
    by_id = {u["id"]: u for u in site}
    sent = [doc["incident"] for doc in bodies(hook) if "incident" in doc
            and doc["incident"]["id"] == "2026-11-22-api"]
    assert len(sent) == 3  # opened, worse, fixed: not the quiet update
    for incident_doc in sent:
        for update in incident_doc["incident_updates"]:
            assert update["id"] in by_id
            assert update["deliver_notifications"] == by_id[update["id"]]["deliver_notifications"]
    assert [u["deliver_notifications"] for u in site] == [True, False, True, True]


