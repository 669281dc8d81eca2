"""Done when: an Alertmanager alert posted to the relay becomes, through the dispatch
workflow's steps run locally, a validated commit that opens the incident, and its resolution
resolves it; a create-incident request creates an incident and returns its JSON.

The relay is a real process; GitHub is a stand-in that records the dispatch events; the
workflow's ``run:`` steps run against a bare ``origin`` as in ``tests/test_workflows.py``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.ingest.support import fixture
from tests.ingest.test_workflow import NOW, dispatch, landed, strict_validate, subjects
from tests.ingest.test_workflow import monitored as monitored  # fixtures, used below
from tests.relay.fake_github import FakeGitHub
from tests.relay.process import RelayProcess
from tests.test_workflows import git
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
def test_a_create_incident_request_through_the_relay(relay: RelayProcess, monitored: Path,
                                                     tmp_path: Path) -> None:
    request = {"title": "Login errors for some customers", "status": "minor",
               "description": "Some logins fail. We are investigating.", "components": ["api"]}
    status, body = relay.post("/api/v2/incidents", json.dumps(request).encode(),
                              headers={"Idempotency-Key": "deploy-4711"})
    preview = json.loads(body)
    assert status == 202 and preview["data"]["attributes"]["title"] == request["title"]
    [event] = relay.github.wait_for(1)
    run = dispatch(monitored, tmp_path, "create", event["event_type"], event["client_payload"])
    assert run.ok, [(s.name, s.stdout, s.stderr) for s in run.steps]
    path = "incidents/2026-11-22-login-errors-for-some-customers.md"
    assert subjects(monitored)[0] == f"Incident created through the API: {path}"
    created = json.loads((tmp_path / "runner-create" / "incident.json").read_text(encoding="utf-8"))
    assert created["data"]["id"] == Path(path).stem
    shown, made = preview["data"]["attributes"], created["data"]["attributes"]
    for key in ("title", "status", "resolved", "resolution_stage", "components"):
        assert made[key] == shown[key], key
    assert made["updates"][0]["description"] == request["description"]
    strict_validate(landed(monitored, tmp_path, "landed"), NOW)
    # The client retries (say its connection dropped): the same key creates nothing more.
    assert relay.post("/api/v2/incidents", json.dumps(request).encode(),
                      headers={"Idempotency-Key": "deploy-4711"})[0] == 202
    event = relay.github.wait_for(2)[1]
    again = dispatch(monitored, tmp_path, "again", event["event_type"], event["client_payload"])
    assert again.ok and subjects(monitored)[0] == f"Incident created through the API: {path}"
    assert len(subjects(monitored)) == 3
