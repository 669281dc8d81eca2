"""Done when: an Alertmanager alert posted to the relay becomes, through the dispatch
workflow's steps run locally, a validated commit that opens the incident, and its resolution
resolves it; isdown's documented create-incident request creates the incident the relay
announced, under the id it announced.

The relay is a real process; GitHub is a stand-in that records the dispatch events; the
workflow's ``run:`` steps run against a bare ``origin`` as in ``tests/test_workflows.py``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.ingest.support import fixture
from tests.ingest.test_create_api import DOCUMENTED, MAPPED, REFERENCES, valid_answer
from tests.ingest.test_workflow import NOW, dispatch, landed, strict_validate, subjects
from tests.ingest.test_workflow import monitored as monitored  # fixtures, used below
from tests.relay.fake_github import FakeGitHub
from tests.relay.process import RelayProcess
from tests.test_workflows import checkout, git
from tests.test_workflows import origin as origin


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[RelayProcess]:
    github = FakeGitHub()
    github.up()
    process = RelayProcess(tmp_path / "queue", github, tmp_path / "relay.log").start()
    yield process
    process.kill()
    github.down()


@pytest.mark.slow
def test_an_alert_through_the_relay_opens_and_resolves_the_incident(
        relay: RelayProcess, monitored: Path, tmp_path: Path) -> None:
    path = "incidents/2026-11-22-public-api-unavailable.md"
    status, _ = relay.post("/hooks/alertmanager", fixture("alertmanager-firing.json").read_bytes())
    assert status == 202
    [event] = relay.github.wait_for(1)
    run = dispatch(monitored, tmp_path, "fire", event["event_type"], event["client_payload"])
    assert run.ok, [(s.name, s.stdout, s.stderr) for s in run.steps]
    assert subjects(monitored)[0] == f"Monitor alert (alertmanager): opened {path}"
    opened = landed(monitored, tmp_path, "opened")
    strict_validate(opened, NOW)
    text = (opened / path).read_text(encoding="utf-8")
    assert "source: alertmanager/{}/{}:{}" in text and "status: investigating" in text

    status, _ = relay.post("/hooks/alertmanager", fixture("alertmanager-resolved.json").read_bytes())
    assert status == 202
    event = relay.github.wait_for(2)[1]
    run = dispatch(monitored, tmp_path, "resolve", event["event_type"], event["client_payload"],
                   NOW + timedelta(minutes=15))
    assert run.ok, [(s.name, s.stdout, s.stderr) for s in run.steps]
    assert subjects(monitored)[0] == f"Monitor alert (alertmanager): resolved {path}"
    resolved = landed(monitored, tmp_path, "resolved")
    strict_validate(resolved, NOW + timedelta(minutes=15))
    assert "status: resolved\n    message: The API is answering normally again." in \
        (resolved / path).read_text(encoding="utf-8")
    assert run.outputs["commit"]["commit"] == git(monitored, "rev-parse", "main").strip()


@pytest.mark.slow
def test_the_documented_request_through_the_relay(monitored: Path, tmp_path: Path) -> None:
    """isdown's example request, verbatim: the relay answers with the incident it will create
    (its id included), the workflow writes that very file with the declared reference, and
    both answers have the documented shape."""
    seed = checkout(monitored, tmp_path / "mapped")
    with (seed / "components.yml").open("a", encoding="utf-8") as file:
        file.write(MAPPED + REFERENCES)
    git(seed, "commit", "--quiet", "-am", "Map the API's services, declare references")
    git(seed, "push", "--quiet", "origin", "main")
    github = FakeGitHub()
    github.up()
    relay = RelayProcess(tmp_path / "queue", github, tmp_path / "relay.log", "--config",
                         str(seed / "components.yml")).start()
    try:
        status, body = relay.post("/api/v2/incidents", json.dumps(DOCUMENTED).encode(),
                                  headers={"Idempotency-Key": "deploy-4711"})
        assert status == 202, body
        preview = valid_answer(body.decode())
        incident_id = preview["data"]["id"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\d-api-response-times-elevated-[0-9a-f]{6}", incident_id)
        shown = preview["data"]["attributes"]
        assert shown["url"] == f"https://status.example.com/incidents/{incident_id}/"
        assert (shown["service"], shown["service_urlname"], shown["service_status_url"]) == (
            "Public API", "api", "https://status.example.com/components/api/")
        assert shown["reference"] is None  # taken when the workflow writes the file
        status, body = relay.post("/api/v2/incidents", json.dumps({**DOCUMENTED,
                                                                   "service_id": 999}).encode())
        assert status == 422 and b"components.yml maps 1234, 77" in body
        [event] = relay.github.wait_for(1)
        assert event["client_payload"]["id"] == incident_id
        run = dispatch(monitored, tmp_path, "create", event["event_type"], event["client_payload"])
        assert run.ok, [(s.name, s.stdout, s.stderr) for s in run.steps]
        path = f"incidents/{incident_id}.md"
        assert subjects(monitored)[0] == f"Incident created through the API: {path}"
        created = valid_answer((tmp_path / "runner-create" / "incident.json").read_text("utf-8"))
        made = created["data"]["attributes"]
        assert created["data"]["id"] == incident_id and made["reference"] == "INC-1"
        # The relay runs on the real clock, the workflow here at NOW: only the times differ.
        timeless = ("reference", "created_at", "updated_at", "updates")
        assert {k: v for k, v in made.items() if k not in timeless} == \
            {k: v for k, v in shown.items() if k not in timeless}
        assert [u["description"] for u in made["updates"]] == [DOCUMENTED["description"]]
        strict_validate(landed(monitored, tmp_path, "landed"), NOW)
        # The client retries (say its connection dropped): the same key creates nothing more.
        assert relay.post("/api/v2/incidents", json.dumps(DOCUMENTED).encode(),
                          headers={"Idempotency-Key": "deploy-4711"})[0] == 202
        event = relay.github.wait_for(2)[1]
        again = dispatch(monitored, tmp_path, "again", event["event_type"], event["client_payload"])
        assert again.ok and subjects(monitored)[0] == f"Incident created through the API: {path}"
    finally:
        relay.kill()
        github.down()
