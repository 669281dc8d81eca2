"""Every command that opens an incident records its ``creator`` as incident.io names them: a
person (``new``: ``--by`` or git's user.name), an alert (``ingest``: the tool and the rule), an
API key (``new --from-json``, which the relay's workflow runs); ``new --triage`` opens one in triage."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from statusgen import model as m
from statusgen.source.parse import parse_incident
from tests.ingest.support import ingest, repository, statusgen

Capsys = pytest.CaptureFixture[str]
NOW = "2026-11-22T10:00:00Z"
REQUEST = {"title": "API response times elevated", "description": "We are looking into it."}


def creator(root: Path, rel: str) -> tuple[m.CreatorKind, str] | None:
    incident, problems = parse_incident(rel, (root / rel).read_bytes())
    assert incident is not None, problems
    return None if incident.creator is None else (incident.creator.kind, incident.creator.name)


def new(capsys: Capsys, root: Path, *extra: str) -> str:
    run = statusgen(capsys, "new", "API errors", "--impact", "minor", "--message", "Looking.",
                    "--root", str(root), "--now", NOW, *extra)
    assert run.code == 0, run.err
    return run.out.strip()


def test_new_records_the_person_given(tmp_path: Path, capsys: Capsys) -> None:
    root = repository(tmp_path)
    rel = new(capsys, root, "--by", "Dana Ruiz")
    assert creator(root, rel) == (m.CreatorKind.USER, "Dana Ruiz")
    assert "creator:\n  user: Dana Ruiz\n" in (root / rel).read_text(encoding="utf-8")


def test_new_records_gits_author_by_default(tmp_path: Path, capsys: Capsys) -> None:
    root = repository(tmp_path)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "config", "user.name", "Sam Okafor"], check=True)
    assert creator(root, new(capsys, root)) == (m.CreatorKind.USER, "Sam Okafor")


def test_ingest_records_the_alert(tmp_path: Path, capsys: Capsys) -> None:
    root = repository(tmp_path)
    run = ingest(capsys, root, "alertmanager", "alertmanager-firing.json", NOW)
    assert run.code == 0, run.err
    kind, name = creator(root, run.out.split()[1]) or (None, "")
    assert kind is m.CreatorKind.ALERT and name.startswith("alertmanager: alertname=")


@pytest.mark.parametrize(("extra", "name"), [((), "api"), (("--by", "ci-deploy"), "ci-deploy")])
def test_the_create_api_records_the_key(tmp_path: Path, capsys: Capsys, extra: tuple[str, ...],
                                        name: str) -> None:
    root = repository(tmp_path)
    run = statusgen(capsys, "new", "--from-json", "-", "--root", str(root), "--now", NOW, *extra,
                    stdin=json.dumps(REQUEST).encode())
    assert run.code == 0, run.err
    incident_id = json.loads(run.out)["data"]["id"]
    assert creator(root, f"incidents/{incident_id}.md") == (m.CreatorKind.API_KEY, name)


def test_new_may_open_an_incident_in_triage(tmp_path: Path, capsys: Capsys) -> None:
    root = repository(tmp_path)
    rel = new(capsys, root, "--triage", "--by", "Dana")
    incident, _ = parse_incident(rel, (root / rel).read_bytes())
    assert incident is not None and incident.stage is m.Stage.TRIAGE and not incident.published
    refused = statusgen(capsys, "new", "Gone", "--impact", "minor", "--message", "Fixed.",
                        "--status", "resolved", "--triage", "--root", str(root), "--now", NOW)
    assert refused.code == 1 and "[stage]" in refused.err
