"""incident.io's incident object in ``api/v2/incidents/<id>.json``: its field names with the
documented types, what only the team sees kept to the internal build, and an incident in
triage nowhere public."""

from __future__ import annotations

import json
from typing import Any

import pytest

from statusgen.compute.incident_object import issue_reference
from statusgen.compute.snapshot import snapshot
from statusgen.render.api import render_api
from tests.check.test_incident_object import TYPES
from tests.check.test_metadata import RESOLVED, meta
from tests.conftest import StatusRepo
from tests.datasource import errors, render_all, repository
from tests.helpers import INCIDENT, NOW

LEARNING = meta(
    "incident_type: infrastructure", "stage: learning", "creator: {user: Dana Ruiz}",
    "call_url: https://meet.example/callsecret", "debrief: https://docs.example/debriefsecret",
    "external_issue: https://acme.atlassian.net/browse/OPS-2301",
    "follow_ups:", "  - {title: Alert on pool saturation, owner: Sam Okafor, status: completed}",
    "  - title: Load-test the failover", base=RESOLVED)
TRIAGE = meta("stage: triage", base=INCIDENT.replace("API errors", "Triagemarker spike"))
ALERTED = meta("source: alertmanager/group-1")

PUBLIC_FIELDS = {"mode": str, "summary": str, "summary_html": str, "incident_status": dict,
                 "has_debrief": bool, "incident_type": dict}
TEAM_FIELDS = {"creator": dict, "call_url": str, "debrief_url": str, "external_issue_reference": dict,
               "follow_ups": list}


@pytest.fixture
def builds(status_repo: StatusRepo) -> dict[bool, dict[str, bytes]]:
    root = status_repo({"components.yml": TYPES, "incidents/learning.md": LEARNING,
                        "incidents/triage.md": TRIAGE, "incidents/alerted.md": ALERTED})
    repo = repository(root)
    return {internal: render_all(snapshot(repo, NOW, internal=internal))
            for internal in (False, True)}


def document(out: dict[str, bytes], entry_id: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(out[f"api/v2/incidents/{entry_id}.json"])
    assert errors("incident_document", doc) == []
    return doc["incident"]  # type: ignore[no-any-return]


def test_the_public_document_has_the_public_fields_only(builds: dict[bool, dict[str, bytes]]) -> None:
    incident = document(builds[False], "learning")
    assert {k: type(incident[k]) for k in PUBLIC_FIELDS} == PUBLIC_FIELDS
    assert not set(TEAM_FIELDS) & set(incident) and "internal" not in incident
    assert incident["mode"] == "standard"
    assert incident["incident_status"] == {"id": "learning", "name": "Learning",
                                           "category": "learning", "rank": 4}
    assert incident["incident_type"] == {"id": "infrastructure", "name": "Infrastructure"}
    assert incident["summary"] == "Some Markdown."
    assert incident["summary_html"] == "<p>Some <strong>Markdown</strong>.</p>\n"
    # The debrief is the team's; without a post-mortem the public knows of none.
    assert incident["has_debrief"] is False
    public = b"\n".join(builds[False].values())
    for secret in (b"callsecret", b"debriefsecret", b"OPS-2301", b"Dana Ruiz", b"Sam Okafor",
                   b"pool saturation", b"Load-test"):
        assert secret not in public


def test_the_internal_document_has_every_field(builds: dict[bool, dict[str, bytes]]) -> None:
    incident = document(builds[True], "learning")
    team = incident["internal"]
    assert {k: type(incident[k]) for k in PUBLIC_FIELDS} == PUBLIC_FIELDS
    assert {k: type(team[k]) for k in TEAM_FIELDS} == TEAM_FIELDS
    assert not set(TEAM_FIELDS) & set(incident)
    assert incident["incident_type"]["description"] == "Servers or network failed"
    assert team["creator"] == {"user": {"id": None, "name": "Dana Ruiz"}}
    assert team["call_url"] == "https://meet.example/callsecret"
    assert team["debrief_url"] == "https://docs.example/debriefsecret"
    assert incident["has_debrief"] is True
    assert team["external_issue_reference"] == {
        "provider": "jira", "issue_name": "OPS-2301",
        "issue_permalink": "https://acme.atlassian.net/browse/OPS-2301"}
    assert team["follow_ups"] == [
        {"title": "Alert on pool saturation", "owner": "Sam Okafor", "status": "completed",
         "link": None},
        {"title": "Load-test the failover", "owner": None, "status": "outstanding", "link": None}]


def test_a_file_without_creator_is_read_from_its_source(builds: dict[bool, dict[str, bytes]]) -> None:
    incident = document(builds[True], "alerted")
    assert incident["internal"]["creator"] == {
        "alert": {"id": "alertmanager/group-1", "title": "alertmanager"}}
    assert incident["incident_status"]["category"] == "live"
    assert incident["incident_type"] is None
    assert incident["internal"]["external_issue_reference"] is None


def test_triage_is_internal_until_it_leaves_triage(builds: dict[bool, dict[str, bytes]],
                                                   status_repo: StatusRepo) -> None:
    assert "api/v2/incidents/triage.json" not in builds[False]
    assert b"Triagemarker" not in b"\n".join(builds[False].values())
    assert document(builds[True], "triage")["incident_status"]["category"] == "triage"
    accepted = status_repo({"components.yml": TYPES, "incidents/triage.md": TRIAGE.replace(
        "stage: triage\n", "")})
    out = render_api(snapshot(repository(accepted), NOW, internal=False))
    assert b"Triagemarker" in out["api/v2/incidents/triage.json"]


@pytest.mark.parametrize(("url", "provider", "name"), [
    ("https://github.com/acme/api/issues/12", "github", "acme/api#12"),
    ("https://gitlab.com/acme/infra/api/-/issues/7", "gitlab", "acme/infra/api#7"),
    ("https://linear.app/acme/issue/OPS-9/fix-it", "linear", "OPS-9"),
    ("https://tracker.acme.example/browse/OPS-2301", "jira", "OPS-2301"),
    ("https://app.shortcut.com/acme/story/123", "app.shortcut.com", "123"),
])
def test_issue_references(url: str, provider: str, name: str) -> None:
    found = issue_reference(url)
    assert (found.provider, found.issue_name, found.permalink) == (provider, name, url)


def test_a_declined_incident_moves_no_status_even_for_the_team(status_repo: StatusRepo) -> None:
    root = status_repo({"components.yml": TYPES, "incidents/declined.md": meta("stage: declined")})
    snap = snapshot(repository(root), NOW, internal=True)
    assert [e.id for e in snap.entries] == ["declined"]
    assert str(snap.levels["api"]) == "operational" and snap.indicator == "none"
    assert document(render_all(snap), "declined")["incident_status"]["category"] == "declined"
