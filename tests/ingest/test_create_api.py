"""The create-incident API as isdown documents it: its example request taken verbatim by
``statusgen new --from-json``, ``service_id`` mapped through ``api.services``, the documented
defaults, the documented answer (checked against docs/schemas/create-incident-response.json),
and the declared reference on every incident the API and the monitors create."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from statusgen.ingest.api import STAGE_MESSAGES
from statusgen.model import Status
from tests.helpers import REPO_ROOT, validate
from tests.ingest.support import ingest, repository, statusgen, tree

Capsys = pytest.CaptureFixture[str]
NOW = "2026-11-22T10:00:00Z"
AT = datetime(2026, 11, 22, 10, tzinfo=UTC)
DOCUMENTED = {"service_id": 1234, "title": "API response times elevated", "status": "minor",
              "description": "We are seeing elevated response times on our API.",
              "resolution_stage": "investigating"}
"""isdown's example request, word for word."""
MAPPED = "api:\n  services:\n    1234: api\n    77: db\n"
REFERENCES = "incident_fields:\n  reference: {prefix: INC-}\n"
SCHEMA = json.loads((REPO_ROOT / "docs" / "schemas" / "create-incident-response.json")
                    .read_text(encoding="utf-8"))


def valid_answer(text: str) -> dict[str, Any]:
    """The printed answer, after checking it against the documented schema."""
    answer: dict[str, Any] = json.loads(text)
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in Draft202012Validator(SCHEMA).iter_errors(answer)]
    assert errors == []
    return answer


def repo(tmp_path: Path, extra: str = "") -> Path:
    root = repository(tmp_path)
    with (root / "components.yml").open("a", encoding="utf-8") as file:
        file.write(extra)
    return root


def new(capsys: Capsys, root: Path, request: object, *extra: str) -> tuple[int, str, str]:
    run = statusgen(capsys, "new", "--from-json", "-", "--root", str(root), "--now", NOW, *extra,
                    stdin=json.dumps(request).encode())
    return run.code, run.out, run.err


def test_the_documented_request_gives_the_documented_answer(tmp_path: Path, capsys: Capsys) -> None:
    root = repo(tmp_path, MAPPED)
    code, out, err = new(capsys, root, DOCUMENTED)
    assert code == 0, err
    data = valid_answer(out)["data"]
    incident_id = "2026-11-22-api-response-times-elevated"
    assert (data["id"], data["type"]) == (incident_id, "incidents")
    assert data["attributes"] == {
        "url": f"https://status.test.example/incidents/{incident_id}/",
        "title": "API response times elevated",
        "description": "We are seeing elevated response times on our API.",
        "status": "minor", "resolved": False,
        "created_at": NOW, "resolved_at": None, "updated_at": NOW,
        "service_id": 1234, "service": "API",
        "service_status_url": "https://status.test.example/components/api/",
        "service_urlname": "api", "user_generated": False, "severity_from_provider": None,
        "components": [{"id": "api", "level": "partial_outage"}],
        "updates": [{"status": "investigating", "created_at": NOW,
                     "description": "We are seeing elevated response times on our API."}],
        "isdown_url": None, "reference": None}
    assert "api: partial_outage" in (root / "incidents" / f"{incident_id}.md").read_text("utf-8")
    assert validate(root, AT) == []


def test_an_unknown_service_id_is_refused_naming_the_known_ones(tmp_path: Path,
                                                                capsys: Capsys) -> None:
    root = repo(tmp_path, MAPPED)
    code, out, err = new(capsys, root, {**DOCUMENTED, "service_id": 999})
    assert (code, out) == (1, "") and tree(root) == {}
    assert "`service_id` 999 is not a service of this page; components.yml maps 1234, 77" in err


def test_without_a_mapping_service_id_is_taken_and_ignored(tmp_path: Path, capsys: Capsys) -> None:
    root = repo(tmp_path)
    code, out, err = new(capsys, root, DOCUMENTED)
    assert code == 0, err
    attributes = valid_answer(out)["data"]["attributes"]
    assert attributes["service_id"] == 1234 and attributes["components"] == []
    assert (attributes["service"], attributes["service_urlname"],
            attributes["service_status_url"]) == (None, None, None)


def test_a_request_without_service_id_or_with_its_component_levelled(tmp_path: Path,
                                                                     capsys: Capsys) -> None:
    root = repo(tmp_path, MAPPED)
    request = {k: v for k, v in DOCUMENTED.items() if k != "service_id"}
    code, out, _ = new(capsys, root, request)
    assert code == 0 and valid_answer(out)["data"]["attributes"]["components"] == []
    code, out, _ = new(capsys, root, {**DOCUMENTED, "service_id": 77,
                                      "components": {"db": "major_outage"}})
    assert code == 0
    attributes = valid_answer(out)["data"]["attributes"]
    assert attributes["components"] == [{"id": "db", "level": "major_outage"}]
    assert attributes["service"] == "Database"


@pytest.mark.parametrize("stage", list(STAGE_MESSAGES))
def test_the_documented_defaults(stage: Status, tmp_path: Path, capsys: Capsys) -> None:
    root = repo(tmp_path, MAPPED)
    request: dict[str, object] = {"service_id": 1234, "title": "API response times elevated"}
    if stage is not Status.INVESTIGATING:
        request["resolution_stage"] = stage.value
    code, out, err = new(capsys, root, request if stage is not Status.MONITORING
                         else {**request, "description": ""})
    assert code == 0, err
    attributes = valid_answer(out)["data"]["attributes"]
    assert attributes["status"] == "minor" and attributes["resolved"] is (stage is Status.RESOLVED)
    # Readers never see an empty update: the stage's fixed sentence stands in.
    assert attributes["updates"] == [{"status": stage.value, "created_at": NOW,
                                      "description": STAGE_MESSAGES[stage]}]
    assert attributes["description"] == STAGE_MESSAGES[stage]
    assert validate(root, AT) == []


def test_the_id_the_relay_decided_is_the_file_written(tmp_path: Path, capsys: Capsys) -> None:
    root = repo(tmp_path, MAPPED)
    code, out, _ = new(capsys, root, DOCUMENTED, "--id", "2026-11-22-api-response-times-elevated-1a2b3c",
                       "--request-id", "r-1")
    assert code == 0 and valid_answer(out)["data"]["id"] == "2026-11-22-api-response-times-elevated-1a2b3c"
    code, out, _ = new(capsys, root, DOCUMENTED, "--id", "2026-11-22-api-response-times-elevated-1a2b3c",
                       "--request-id", "r-1")
    assert code == 0 and valid_answer(out)["data"]["attributes"]["service"] == "API"
    before = tree(root)
    code, out, err = new(capsys, root, DOCUMENTED, "--id", "2026-11-22-api-response-times-elevated-1a2b3c",
                         "--request-id", "r-2")
    assert (code, out) == (1, "") and "already exists" in err and tree(root) == before
    run = statusgen(capsys, "new", "--from-json", "-", "--id", "Bad Id", "--root", str(root),
                    stdin=b"{}")
    assert run.code == 2 and "--id" in run.err


def test_new_from_json_takes_the_next_reference(tmp_path: Path, capsys: Capsys) -> None:
    root = repo(tmp_path, MAPPED + REFERENCES)
    first = new(capsys, root, DOCUMENTED)
    second = new(capsys, root, {**DOCUMENTED, "service_id": 77, "title": "Checkout slow"})
    assert [valid_answer(run[1])["data"]["attributes"]["reference"] for run in (first, second)] \
        == ["INC-1", "INC-2"]
    assert "reference: INC-2" in (root / "incidents" / "2026-11-22-checkout-slow.md").read_text("utf-8")
    assert validate(root, AT) == []


def test_an_alert_opens_an_incident_with_the_next_reference(tmp_path: Path, capsys: Capsys) -> None:
    root = repo(tmp_path, REFERENCES)
    (root / "incidents" / "2026-11-20-old.md").write_text(
        "---\ntitle: Old\nimpact: minor\nreference: INC-41\nupdates:\n  - at: 2026-11-20T08:00:00Z\n"
        "    status: resolved\n    message: Fixed.\n---\n", encoding="utf-8")
    run = ingest(capsys, root, "alertmanager", "alertmanager-firing.json", "2026-11-22T10:05:00Z")
    assert run.code == 0, run.err
    path = run.out.split()[1]
    text = (root / path).read_text(encoding="utf-8")
    assert "reference: INC-42\nupdates:" in text and text.index("source:") < text.index("reference:")
    assert validate(root, datetime(2026, 11, 22, 10, 5, tzinfo=UTC)) == []


@pytest.mark.parametrize(("api", "words"), [
    ("api:\n  services:\n    abc: api\n", "`abc` is not a service id"),
    ("api:\n  services:\n    -3: api\n", "`-3` is not a service id"),
    ("api:\n  services: [api]\n", "a mapping of service ids to component ids"),
    ("api:\n  services:\n    1234: apy\n", "service 1234 names no component of components.yml: `apy`"),
])
def test_a_bad_mapping_is_reported_where_it_is(api: str, words: str, tmp_path: Path,
                                               capsys: Capsys) -> None:
    root = repo(tmp_path, api)
    run = statusgen(capsys, "validate", "--root", str(root), "--now", NOW)
    assert run.code == 1 and words in run.out + run.err
    assert "components.yml:" in run.out + run.err
