"""``ingest.yml``: its shape, and its ``run:`` steps executed locally against a bare ``origin``
(as ``tests/test_workflows.py`` runs the Incident workflow): a dispatch event becomes a validated
commit on ``main``, or nothing when it changes nothing."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers import dedent
from tests.ingest.support import RULES, fixture
from tests.test_workflows import VENV_BIN, WORKFLOWS, JobRun, checkout, git, load_workflow, run_job
from tests.test_workflows import origin as origin  # a fixture, used below

WORKFLOW = WORKFLOWS / "ingest.yml"
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def test_ingest_yml_runs_on_dispatch_writes_main_and_deploys() -> None:
    workflow = load_workflow(WORKFLOW)
    assert workflow["on"] == {"repository_dispatch": {"types": ["alert", "incident"]}}
    assert workflow["permissions"] == {}
    write = workflow["jobs"]["write"]
    assert write["permissions"] == {"contents": "write"}
    # A concurrency group would cancel waiting runs, and their alerts with them.
    assert "concurrency" not in write and "concurrency" not in workflow
    deploy = workflow["jobs"]["deploy"]
    assert deploy["uses"] == "./.github/workflows/deploy.yml" and deploy["needs"] == "write"
    assert deploy["if"] == "needs.write.outputs.commit != ''"


@pytest.fixture
def monitored(origin: Path, tmp_path: Path) -> Path:
    """``origin`` with monitor rules in its components.yml."""
    seed = checkout(origin, tmp_path / "seed")
    with (seed / "components.yml").open("a", encoding="utf-8") as file:
        file.write("\n" + dedent(RULES))
    git(seed, "commit", "--quiet", "-am", "Monitor rules")
    git(seed, "push", "--quiet", "origin", "main")
    return origin


def dispatch(origin: Path, tmp_path: Path, name: str, event: str, client_payload: Mapping[str, object],
             clock: datetime = NOW, work: Path | None = None) -> JobRun:
    """Run the write job for a ``repository_dispatch`` event with ``client_payload``."""
    workspace = work or checkout(origin, tmp_path / name)
    context = {
        "github.event.action": event,
        "github.event.client_payload.kind": str(client_payload.get("kind", "")),
        "github.event.client_payload.request_id": str(client_payload.get("request_id", "")),
        "github.event.client_payload.id": str(client_payload.get("id", "")),
        "toJSON(github.event.client_payload.payload)": json.dumps(client_payload.get("payload"), indent=2),
        "toJSON(github.event.client_payload.request)": json.dumps(client_payload.get("request"), indent=2),
    }
    return run_job(WORKFLOW, "write", workspace, context, tmp_path / f"runner-{name}", clock)


def alert(kind: str, name: str, request_id: str = "r1") -> dict[str, object]:
    return {"kind": kind, "payload": json.loads(fixture(name).read_bytes()), "request_id": request_id}


def subjects(origin: Path) -> list[str]:
    return git(origin, "log", "--format=%s", "main").splitlines()


def landed(origin: Path, tmp_path: Path, name: str) -> Path:
    return checkout(origin, tmp_path / name)


def strict_validate(root: Path, at: datetime) -> None:
    check = subprocess.run([str(VENV_BIN / "statusgen"), "validate", "--root", str(root), "--strict",
                            "--now", at.isoformat()], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.slow
def test_an_alert_opens_and_its_resolution_resolves(monitored: Path, tmp_path: Path) -> None:
    run = dispatch(monitored, tmp_path, "fire", "alert", alert("alertmanager", "alertmanager-firing.json"))
    assert run.ok, [(s.name, s.stdout, s.stderr) for s in run.steps]
    path = "incidents/2026-11-22-public-api-unavailable.md"
    assert subjects(monitored)[0] == f"Monitor alert (alertmanager): opened {path}"
    assert run.outputs["commit"]["commit"] == git(monitored, "rev-parse", "main").strip()
    body = git(monitored, "log", "-1", "--format=%b", "main")
    assert "request r1" in body and "andromeda" not in body
    assert f"Committed {path}" in run.summary
    strict_validate(landed(monitored, tmp_path, "after-fire"), NOW)

    run = dispatch(monitored, tmp_path, "repeat", "alert", alert("alertmanager", "alertmanager-firing.json"),
                   NOW + timedelta(minutes=5))
    assert run.ok and "commit" not in run.outputs["commit"]
    assert "Nothing to commit" in run.summary and len(subjects(monitored)) == 3

    run = dispatch(monitored, tmp_path, "resolve", "alert",
                   alert("alertmanager", "alertmanager-resolved.json"), NOW + timedelta(minutes=20))
    assert run.ok, [(s.name, s.stdout, s.stderr) for s in run.steps]
    assert subjects(monitored)[0] == f"Monitor alert (alertmanager): resolved {path}"
    final = landed(monitored, tmp_path, "final")
    assert "status: resolved" in (final / path).read_text(encoding="utf-8")
    strict_validate(final, NOW + timedelta(minutes=20))


@pytest.mark.slow
def test_an_incident_request_creates_it_once(monitored: Path, tmp_path: Path) -> None:
    request = {"title": "Login errors", "status": "major", "description": "Some logins fail.",
               "components": ["api"]}
    payload = {"request": request, "request_id": "deploy-4711"}
    run = dispatch(monitored, tmp_path, "first", "incident", payload)
    assert run.ok, [(s.name, s.stdout, s.stderr) for s in run.steps]
    assert subjects(monitored)[0] == "Incident created through the API: incidents/2026-11-22-login-errors.md"
    again = dispatch(monitored, tmp_path, "again", "incident", payload, NOW + timedelta(minutes=1))
    assert again.ok and len(subjects(monitored)) == 3
    strict_validate(landed(monitored, tmp_path, "landed"), NOW + timedelta(minutes=1))


def test_a_payload_is_data_not_code(monitored: Path, tmp_path: Path) -> None:
    canary = tmp_path / "pwned"
    body = json.loads(fixture("alertmanager-firing.json").read_bytes())
    body["alerts"][0]["annotations"]["description"] = f"$(touch {canary}) `touch {canary}` \"; touch {canary}"
    body["groupKey"] = f"'; touch {canary}; echo '"
    run = dispatch(monitored, tmp_path, "data", "alert",
                   {"kind": "alertmanager", "payload": body, "request_id": f"x$(touch {canary})"})
    assert run.ok, [(s.name, s.stdout, s.stderr) for s in run.steps]
    assert not canary.exists()
    assert "request xtouch" in git(monitored, "log", "-1", "--format=%b", "main")
    refused = dispatch(monitored, tmp_path, "kind", "alert",
                       {"kind": f"generic; touch {canary}", "payload": {}, "request_id": "r"})
    assert not refused.ok and not canary.exists()
    assert "client_payload.kind must be" in refused.step("Apply, validate, commit and push").stdout


def test_a_malformed_payload_fails_the_run_and_commits_nothing(monitored: Path, tmp_path: Path) -> None:
    run = dispatch(monitored, tmp_path, "bad", "alert",
                   {"kind": "grafana", "payload": {"version": "1", "groupKey": "g", "alerts": "none"},
                    "request_id": "r"})
    step = run.step("Apply, validate, commit and push")
    assert not run.ok and "`alerts` must be a list" in step.stderr
    assert len(subjects(monitored)) == 2


@pytest.mark.slow
def test_a_run_that_loses_the_race_decides_again_on_the_new_main(monitored: Path, tmp_path: Path) -> None:
    """Two runs of the same alert start from the same main; the second pushes after the first
    and must not open a second incident."""
    slow = checkout(monitored, tmp_path / "slow")
    first = dispatch(monitored, tmp_path, "fast", "alert", alert("alertmanager", "alertmanager-firing.json"))
    assert first.ok
    second = dispatch(monitored, tmp_path, "slow", "alert", alert("alertmanager", "alertmanager-firing.json"),
                      NOW + timedelta(seconds=30), work=slow)
    assert second.ok, [(s.name, s.stdout, s.stderr) for s in second.steps]
    assert "Nothing to commit" in second.summary
    final = landed(monitored, tmp_path, "final")
    assert len(list((final / "incidents").glob("2026-11-22-*.md"))) == 1
    assert subjects(monitored)[0].startswith("Monitor alert (alertmanager): opened")
