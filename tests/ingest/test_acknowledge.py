"""Acknowledgement from monitors: PagerDuty's real V3 webhooks (and the generic format's
``acknowledged``) acknowledge the incident holding the alerts, and an acknowledged incident
survives the monitor's recovery, left to the person who took it, with ingest saying so."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from statusgen import model as m
from statusgen.ingest.payloads import parse
from statusgen.source.parse import parse_incident
from tests.helpers import validate
from tests.ingest.support import fixture, repository, statusgen, tree

Capsys = pytest.CaptureFixture[str]

RULES = """\
monitors:
  - match: {service: pig208}
    from: pagerduty
    component: api
    level: partial_outage
    impact: major
    title: Public API errors
    message: We are investigating errors on the public API.
    resolve_message: The API is answering normally again.
  - match: {key: api-errors}
    from: generic
    component: api
    title: Public API slow
    message: The API is slow. We are investigating.
"""
OPENED = "incidents/2021-06-04-public-api-errors.md"


def same_incident(tmp_path: Path, event_type: str, status: str) -> Path:
    """The real ``incident.acknowledged`` webhook, as PagerDuty sends it for the same incident
    when it is triggered or resolved: only ``event_type`` and ``data.status`` differ (the three
    real payloads we keep are of three different PagerDuty incidents)."""
    body = json.loads(fixture("pagerduty-acknowledged.json").read_bytes())
    body["event"]["event_type"] = event_type
    body["event"]["data"]["status"] = status
    path = tmp_path / f"{event_type}.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def read(root: Path, rel: str) -> m.Incident:
    incident, problems = parse_incident(rel, (root / rel).read_bytes())
    assert incident is not None, problems
    return incident


def run(capsys: Capsys, root: Path, payload: Path, now: str, kind: str = "pagerduty") -> tuple[int, str, str]:
    done = statusgen(capsys, "ingest", kind, str(payload), "--root", str(root), "--now", now)
    return done.code, done.out, done.err


def test_the_real_payloads_read() -> None:
    triggered = parse("pagerduty", fixture("pagerduty-triggered.json").read_bytes())
    assert (triggered.group, triggered.acknowledged) == ("PFQZPSY", None)
    assert triggered.firing and triggered.alerts[0].label("service") == "pig208"
    acknowledged = parse("pagerduty", fixture("pagerduty-acknowledged.json").read_bytes())
    assert acknowledged.group == "PQ1K5C8" and acknowledged.firing
    assert acknowledged.acknowledged is not None
    assert (acknowledged.acknowledged.by, acknowledged.acknowledged.at) == \
        ("PIG 208", datetime(2021, 6, 4, 13, 55, 30, 394000, tzinfo=UTC))
    resolved = parse("pagerduty", fixture("pagerduty-resolved.json").read_bytes())
    assert not resolved.firing and resolved.acknowledged is None


def test_an_acknowledged_incident_survives_the_monitors_resolve(tmp_path: Path, capsys: Capsys) -> None:
    root = repository(tmp_path / "repo", RULES)
    code, out, _ = run(capsys, root, same_incident(tmp_path, "incident.triggered", "triggered"),
                       "2021-06-04T13:40:00Z")
    assert (code, out) == (0, f"opened {OPENED}\n")
    code, out, err = run(capsys, root, fixture("pagerduty-acknowledged.json"), "2021-06-04T13:56:00Z")
    assert (code, out) == (0, f"acknowledged {OPENED}\n")
    assert "acknowledged by PIG 208" in err
    ack = read(root, OPENED).acknowledged
    assert ack is not None and (ack.by, ack.at) == \
        ("PIG 208", datetime(2021, 6, 4, 13, 55, 30, 394000, tzinfo=UTC))
    # Delivered again: nothing changes.
    before = tree(root)
    code, out, err = run(capsys, root, fixture("pagerduty-acknowledged.json"), "2021-06-04T13:57:00Z")
    assert (code, out) == (0, "") and "already acknowledged" in err and tree(root) == before

    code, out, err = run(capsys, root, same_incident(tmp_path, "incident.resolved", "resolved"),
                         "2021-06-04T14:10:00Z")
    assert (code, out) == (0, f"updated {OPENED}\n")
    assert "is acknowledged (by PIG 208), so it is not resolved automatically" in err
    incident = read(root, OPENED)
    assert incident.terminal is None
    newest = incident.updates[0]
    assert newest.internal and "PIG 208 acknowledged this incident" in newest.message
    assert validate(root, datetime(2021, 6, 4, 14, 10, tzinfo=UTC)) == []


def test_without_acknowledgement_the_monitor_resolves(tmp_path: Path, capsys: Capsys) -> None:
    root = repository(tmp_path / "repo", RULES)
    run(capsys, root, same_incident(tmp_path, "incident.triggered", "triggered"), "2021-06-04T13:40:00Z")
    code, out, _ = run(capsys, root, same_incident(tmp_path, "incident.resolved", "resolved"),
                       "2021-06-04T14:10:00Z")
    assert (code, out) == (0, f"resolved {OPENED}\n")


def test_an_acknowledgement_of_alerts_no_incident_holds_writes_nothing(tmp_path: Path,
                                                                       capsys: Capsys) -> None:
    root = repository(tmp_path / "repo", RULES)
    code, out, err = run(capsys, root, fixture("pagerduty-acknowledged.json"), "2021-06-04T13:56:00Z")
    assert (code, out) == (0, "") and "no open incident holds them" in err
    assert tree(root) == {}


def test_the_generic_format_acknowledges(tmp_path: Path, capsys: Capsys) -> None:
    root = repository(tmp_path / "repo", RULES)
    firing = tmp_path / "firing.json"
    firing.write_text('{"key": "api-errors", "status": "firing"}', encoding="utf-8")
    acked = tmp_path / "acked.json"
    acked.write_text('{"key": "api-errors", "status": "acknowledged", "acknowledged_by": "Dana"}',
                     encoding="utf-8")
    code, out, _ = run(capsys, root, firing, "2026-11-22T09:00:00Z", "generic")
    rel = out.split()[1]
    code, out, _ = run(capsys, root, acked, "2026-11-22T09:03:00Z", "generic")
    assert (code, out) == (0, f"acknowledged {rel}\n")
    ack = read(root, rel).acknowledged
    assert ack is not None and (ack.by, ack.at) == ("Dana", datetime(2026, 11, 22, 9, 3, tzinfo=UTC))


def test_ingest_on_an_acknowledged_alert_of_unknown_tool_state_is_refused(tmp_path: Path,
                                                                          capsys: Capsys) -> None:
    root = repository(tmp_path / "repo", RULES)
    bad = tmp_path / "bad.json"
    bad.write_text('{"event": {"event_type": "incident.acknowledged", "resource_type": "incident", '
                   '"data": {"id": "P1", "type": "incident", "status": "snoozed"}}}', encoding="utf-8")
    code, out, err = run(capsys, root, bad, "2026-11-22T09:00:00Z")
    assert (code, out) == (1, "") and "must be triggered, acknowledged or resolved" in err
