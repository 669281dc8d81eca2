"""The create-incident API: ``statusgen new --from-json`` takes the request hosted status
pages take, and prints the created incident in their answer's shape."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from statusgen import model as m
from statusgen.ingest.api import RequestError, parse_request, preview_json
from tests.helpers import validate
from tests.ingest.support import repository, statusgen, tree

Capsys = pytest.CaptureFixture[str]
NOW = "2026-11-22T10:00:00Z"
REQUEST = {"title": "Login errors for some customers", "status": "major",
           "description": "Some logins fail.\n\nWe are investigating.",
           "resolution_stage": "identified", "components": ["api"]}


def new(capsys: Capsys, root: Path, request: object, *extra: str) -> tuple[int, str, str]:
    run = statusgen(capsys, "new", "--from-json", "-", "--root", str(root), "--now", NOW, *extra,
                    stdin=json.dumps(request).encode())
    return run.code, run.out, run.err


def test_a_request_creates_an_incident_and_prints_it(tmp_path: Path, capsys: Capsys) -> None:
    root = repository(tmp_path)
    code, out, err = new(capsys, root, REQUEST)
    assert code == 0, err
    answer = json.loads(out)["data"]
    assert answer["id"] == "2026-11-22-login-errors-for-some-customers" and answer["type"] == "incidents"
    attributes = answer["attributes"]
    assert {k: attributes[k] for k in ("title", "status", "resolved", "created_at", "resolved_at",
                                       "components")} == {
        "title": "Login errors for some customers", "status": "major", "resolved": False,
        "created_at": NOW, "resolved_at": None,
        "components": [{"id": "api", "level": "major_outage"}]}
    assert attributes["updates"] == [{"status": "identified", "created_at": NOW,
                                      "description": "Some logins fail.\n\nWe are investigating."}]
    written = (root / "incidents" / f"{answer['id']}.md").read_text(encoding="utf-8")
    assert "impact: major" in written and "api: major_outage" in written
    assert validate(root, datetime(2026, 11, 22, 10, tzinfo=UTC)) == []


def test_resolved_at_once_and_levels_given(tmp_path: Path, capsys: Capsys) -> None:
    root = repository(tmp_path)
    code, out, _ = new(capsys, root, {"title": "Slow exports", "status": "minor", "resolved": True,
                                      "description": "Exports were slow for ten minutes.",
                                      "components": {"db": "degraded_performance"}})
    attributes = json.loads(out)["data"]["attributes"]
    assert code == 0 and attributes["resolved"] is True and attributes["resolved_at"] == NOW
    assert attributes["components"] == [{"id": "db", "level": "degraded_performance"}]
    assert validate(root, datetime(2026, 11, 22, 10, tzinfo=UTC)) == []


def test_the_same_request_id_creates_one_incident(tmp_path: Path, capsys: Capsys) -> None:
    root = repository(tmp_path)
    first = new(capsys, root, REQUEST, "--request-id", "deploy-4711")
    before = tree(root)
    second = new(capsys, root, REQUEST, "--request-id", "deploy-4711")
    assert first[0] == second[0] == 0 and json.loads(first[1]) == json.loads(second[1])
    assert "already created" in second[2] and tree(root) == before
    assert "source: api/deploy-4711" in next(iter(before.values())).decode()
    third = new(capsys, root, REQUEST, "--request-id", "deploy-4712")
    assert json.loads(third[1])["data"]["id"] == "2026-11-22-login-errors-for-some-customers-2"


@pytest.mark.parametrize(("request_", "words"), [
    ({**REQUEST, "status": "critical"}, "`status` must be minor or major"),
    ({**REQUEST, "title": "Two\nlines"}, "`title` must be one line"),
    ({**REQUEST, "description": 5}, "`description` must be text"),
    ({**REQUEST, "description": "x" * 20_001}, "`description` may be 20000 characters at most"),
    ({**REQUEST, "service_id": "1234"}, "`service_id` must be a whole number above 0"),
    ({**REQUEST, "service_id": True}, "`service_id` must be a whole number above 0"),
    ({**REQUEST, "service_id": 0}, "`service_id` must be a whole number above 0"),
    ({**REQUEST, "resolution_stage": "fixed"}, "`resolution_stage` must be one of investigating"),
    ({**REQUEST, "resolved": "yes"}, "`resolved` must be true or false"),
    ({**REQUEST, "resolved": True}, "`resolved` is true but `resolution_stage` is not resolved"),
    ({**REQUEST, "components": ["API"]}, "not lower-case letters"),
    ({**REQUEST, "components": {"api": "down"}}, "a level that is not one of"),
    ({**REQUEST, "notify": True}, "1 field(s) this API does not take"),
    ([REQUEST], "`the request` must be an object"),
])
def test_a_bad_request_is_refused(request_: object, words: str, tmp_path: Path, capsys: Capsys) -> None:
    with pytest.raises(RequestError, match=words.replace("(", r"\(").replace(")", r"\)")):
        parse_request(json.dumps(request_).encode())
    root = repository(tmp_path)
    code, out, err = new(capsys, root, request_)
    assert (code, out) == (1, "") and words in err and tree(root) == {}


def test_an_unknown_component_fails_validation_and_nothing_is_written(tmp_path: Path,
                                                                        capsys: Capsys) -> None:
    root = repository(tmp_path)
    code, out, err = new(capsys, root, {**REQUEST, "components": ["apy"]})
    assert (code, out) == (1, "") and "unknown-component" in err and tree(root) == {}


def test_the_options_of_a_hand_written_incident_do_not_mix_in(tmp_path: Path, capsys: Capsys) -> None:
    root = repository(tmp_path)
    run = statusgen(capsys, "new", "Title", "--impact", "minor", "--from-json", "-", "--root", str(root),
                    stdin=b"{}")
    assert run.code == 2 and "leave out TITLE, --impact" in run.err
    run = statusgen(capsys, "new", "--impact", "minor", "--message", "x", "--root", str(root))
    assert run.code == 2 and "give the incident's title" in run.err
    run = statusgen(capsys, "new", "--from-json", "-", "--request-id", "a b", "--root", str(root),
                    stdin=b"{}")
    assert run.code == 2 and "--request-id" in run.err


def test_the_relays_answer_has_the_same_shape() -> None:
    request = parse_request(json.dumps(REQUEST).encode())
    preview = preview_json(request, "2026-11-22-login-errors-abc123",
                           datetime(2026, 11, 22, 10, tzinfo=UTC), "r-1", None)
    assert preview["data"]["id"] == "2026-11-22-login-errors-abc123"
    assert preview["meta"] == {"request_id": "r-1", "state": "queued"}
    assert preview["data"]["attributes"]["status"] == "major"
    assert preview["data"]["attributes"]["url"] is None
    assert preview["data"]["attributes"]["updates"][0]["status"] == m.Status.IDENTIFIED
