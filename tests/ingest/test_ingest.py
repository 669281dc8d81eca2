"""``statusgen ingest`` with the tools' real payloads: firing, resolved, grouped, repeated,
flapping, unmatched and malformed; an incident a person has taken over is left to them."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from statusgen import model as m
from statusgen.ingest.payloads import TOOLS
from statusgen.ingest.record import read_record
from statusgen.source.markdown import links_in
from statusgen.source.parse import parse_incident
from tests.helpers import validate
from tests.ingest.support import RULES, fixture, ingest, repository, statusgen, tree

Capsys = pytest.CaptureFixture[str]
OPENED = "incidents/2026-11-22-public-api-unavailable.md"


def read(root: Path, rel: str) -> m.Incident:
    incident, problems = parse_incident(rel, (root / rel).read_bytes())
    assert incident is not None, problems
    return incident


def test_a_firing_alert_opens_an_incident_with_the_rules_words(tmp_path: Path, capsys: Capsys) -> None:
    root = repository(tmp_path)
    run = ingest(capsys, root, "alertmanager", "alertmanager-firing.json", "2026-11-22T09:00:00Z")
    assert (run.code, run.out) == (0, f"opened {OPENED}\n")
    assert "match the rule “Public API unavailable”" in run.err
    incident = read(root, OPENED)
    assert (incident.title, incident.impact, incident.source) == \
        ("Public API unavailable", m.Impact.MAJOR, "alertmanager/{}/{}:{}")
    assert [(r.id, r.level) for r in incident.components] == [("api", m.Level.MAJOR_OUTAGE)]
    record, first = incident.updates
    assert (first.status, first.internal, first.message) == \
        (m.Status.INVESTIGATING, False, "We are investigating errors on the public API.")
    assert record.internal and "CPU core temperature is 34.75C" in record.message
    assert read_record(record) is not None and read_record(record).firing  # type: ignore[union-attr]
    assert validate(root, incident.updates[0].at) == []


def test_repeated_deliveries_change_nothing(tmp_path: Path, capsys: Capsys) -> None:
    root = repository(tmp_path)
    ingest(capsys, root, "alertmanager", "alertmanager-firing.json", "2026-11-22T09:00:00Z")
    before = tree(root)
    run = ingest(capsys, root, "alertmanager", "alertmanager-firing.json", "2026-11-22T09:05:00Z")
    assert (run.code, run.out) == (0, "")
    assert "already records this state" in run.err and "nothing was written" in run.err
    assert tree(root) == before


def test_the_resolved_alert_resolves_it_once(tmp_path: Path, capsys: Capsys) -> None:
    root = repository(tmp_path)
    ingest(capsys, root, "alertmanager", "alertmanager-firing.json", "2026-11-22T09:00:00Z")
    run = ingest(capsys, root, "alertmanager", "alertmanager-resolved.json", "2026-11-22T09:20:00Z")
    assert (run.code, run.out) == (0, f"resolved {OPENED}\n")
    incident = read(root, OPENED)
    resolved, record = incident.updates[:2]
    assert (resolved.status, resolved.internal, resolved.message) == \
        (m.Status.RESOLVED, False, "The API is answering normally again.")
    assert record.internal and not read_record(record).firing  # type: ignore[union-attr]
    assert validate(root, resolved.at) == []
    before = tree(root)
    again = ingest(capsys, root, "alertmanager", "alertmanager-resolved.json", "2026-11-22T09:25:00Z")
    assert (again.code, again.out) == (0, "") and tree(root) == before
    # Alertmanager repeats a firing notification it sent before the resolution: a late copy.
    late = ingest(capsys, root, "alertmanager", "alertmanager-firing.json", "2026-11-22T09:30:00Z")
    assert (late.code, late.out) == (0, "") and "late copy" in late.err
    assert tree(root) == before


def test_a_person_who_posted_an_update_owns_the_resolution(tmp_path: Path, capsys: Capsys) -> None:
    root = repository(tmp_path)
    ingest(capsys, root, "alertmanager", "alertmanager-firing.json", "2026-11-22T09:00:00Z")
    person = statusgen(capsys, "update", OPENED, "--root", str(root), "--now", "2026-11-22T09:10:00Z",
                       "--status", "identified", "--message", "A bad deploy; we are rolling back.")
    assert person.code == 0, person.err
    run = ingest(capsys, root, "alertmanager", "alertmanager-resolved.json", "2026-11-22T09:20:00Z")
    assert (run.code, run.out) == (0, f"updated {OPENED}\n")
    incident = read(root, OPENED)
    assert incident.terminal is None
    newest = incident.updates[0]
    assert newest.internal and newest.status is m.Status.IDENTIFIED
    assert "The monitor has recovered" in newest.message and "left to them" in newest.message
    before = tree(root)
    assert ingest(capsys, root, "alertmanager", "alertmanager-resolved.json",
                  "2026-11-22T09:25:00Z").out == ""
    assert tree(root) == before
    done = statusgen(capsys, "resolve", OPENED, "--root", str(root), "--now", "2026-11-22T09:30:00Z",
                     "--message", "Rolled back; logins work again.")
    assert done.code == 0 and validate(root, datetime.fromisoformat("2026-11-22T09:30:00+00:00")) == []


def test_a_group_of_alerts_is_one_incident(tmp_path: Path, capsys: Capsys) -> None:
    root = repository(tmp_path)
    run = ingest(capsys, root, "alertmanager", "alertmanager-grouped-firing.json", "2026-11-22T09:00:00Z")
    assert run.out == "opened incidents/2026-11-22-database-unreachable.md\n"
    assert [p.name for p in (root / "incidents").iterdir()] == ["2026-11-22-database-unreachable.md"]
    record = read(root, "incidents/2026-11-22-database-unreachable.md").updates[0]
    assert "3 of 3 alerts firing" in record.message
    for host in ("172.29.254.30", "172.29.254.50", "172.29.254.66"):
        assert f"instance={host}" in record.message
    run = ingest(capsys, root, "alertmanager", "alertmanager-grouped-resolved.json", "2026-11-22T09:30:00Z")
    assert run.out == "resolved incidents/2026-11-22-database-unreachable.md\n"
    assert read(root, "incidents/2026-11-22-database-unreachable.md").updates[0].message == \
        m.DEFAULT_RESOLVE_MESSAGE


def test_alerts_of_rules_with_one_title_share_an_incident(tmp_path: Path, capsys: Capsys) -> None:
    """Alertmanager and Uptime Kuma watch the same API: one incident, resolved when both have
    recovered."""
    root = repository(tmp_path)
    assert ingest(capsys, root, "alertmanager", "alertmanager-firing.json",
                  "2026-11-22T09:00:00Z").out == f"opened {OPENED}\n"
    assert ingest(capsys, root, "uptime-kuma", "uptime-kuma-down.json",
                  "2026-11-22T09:02:00Z").out == f"updated {OPENED}\n"
    assert len(list((root / "incidents").iterdir())) == 1
    still = ingest(capsys, root, "alertmanager", "alertmanager-resolved.json", "2026-11-22T09:10:00Z")
    assert still.out == f"updated {OPENED}\n"
    incident = read(root, OPENED)
    assert incident.terminal is None and "1 other alert group of this incident still fires" in \
        incident.updates[0].message
    done = ingest(capsys, root, "uptime-kuma", "uptime-kuma-up.json", "2026-11-22T09:15:00Z")
    assert done.out == f"resolved {OPENED}\n"
    assert validate(root, read(root, OPENED).updates[0].at) == []


FLAP_GUARD = RULES.replace("  - match: {monitor: test}\n    from: uptime-kuma\n",
                           "  - match: {monitor: test}\n    from: uptime-kuma\n    after: 2m\n")


def test_a_flapping_monitor_opens_only_once_it_has_been_down_long_enough(
        tmp_path: Path, capsys: Capsys) -> None:
    """Uptime Kuma's monitor went down at 18:56:15, up at 18:56:57 and down at 18:57:44 UTC."""
    root = repository(tmp_path, FLAP_GUARD)
    steps = [("uptime-kuma-down.json", "2023-07-31T18:56:20Z", "held: the alert has fired for 4 s "
              "of the 2 min"),
             ("uptime-kuma-up.json", "2023-07-31T18:57:00Z", "no open incident holds them"),
             ("uptime-kuma-down-again.json", "2023-07-31T18:57:50Z", "fired for 5 s"),
             ("uptime-kuma-down-again.json", "2023-07-31T19:00:00Z", "")]
    for name, now, words in steps:
        run = ingest(capsys, root, "uptime-kuma", name, now)
        assert run.code == 0 and words in run.err, run.err
        assert run.out == ("" if words else "opened incidents/2023-07-31-public-api-unavailable.md\n")
    incident = read(root, "incidents/2023-07-31-public-api-unavailable.md")
    assert incident.source == "uptime-kuma/89"
    assert "getaddrinfo ENOTFOUND exampleasdsda.com" in incident.updates[0].message


def test_an_alert_that_starts_again_opens_a_new_incident(tmp_path: Path, capsys: Capsys) -> None:
    root = repository(tmp_path)
    ingest(capsys, root, "uptime-kuma", "uptime-kuma-down.json", "2023-07-31T18:56:20Z")
    ingest(capsys, root, "uptime-kuma", "uptime-kuma-up.json", "2023-07-31T18:57:00Z")
    run = ingest(capsys, root, "uptime-kuma", "uptime-kuma-down-again.json", "2023-07-31T18:57:50Z")
    assert run.out == "opened incidents/2023-07-31-public-api-unavailable-2.md\n"
    assert read(root, "incidents/2023-07-31-public-api-unavailable-2.md").source == "uptime-kuma/89#2"
    assert validate(root, datetime.fromisoformat("2023-07-31T18:58:00+00:00")) == []


def test_an_alert_no_rule_matches_changes_nothing_and_says_so(tmp_path: Path, capsys: Capsys) -> None:
    root = repository(tmp_path)
    run = ingest(capsys, root, "grafana", "grafana-grouped-firing.json", "2026-11-22T09:00:00Z")
    assert (run.code, run.out) == (0, "")
    assert "no rule of `monitors:` in components.yml matches these alerts; nothing was written" in run.err
    assert tree(root) == {}


@pytest.mark.parametrize(("kind", "data", "words"), [
    ("alertmanager", fixture("alertmanager-firing.json").read_bytes()[:200], "it is not JSON"),
    ("grafana", fixture("alertmanager-firing.json").read_bytes(), '`version` must be "1"'),
    ("uptime-kuma", b'{"heartbeat": {"status": 0}, "monitor": {"name": "x"}}', "`monitor.id`"),
])
def test_a_malformed_payload_is_refused_and_nothing_is_written(
        kind: str, data: bytes, words: str, tmp_path: Path, capsys: Capsys) -> None:
    root = repository(tmp_path)
    run = statusgen(capsys, "ingest", kind, "-", "--root", str(root), "--now", "2026-11-22T09:00:00Z",
                    stdin=data)
    assert (run.code, run.out) == (1, "")
    assert run.err.startswith(f"statusgen ingest: the {TOOLS[kind]} payload cannot be read: ")
    assert words in run.err and run.err.endswith("; nothing was written\n")
    assert tree(root) == {}


def test_a_result_that_would_not_validate_is_not_written(tmp_path: Path, capsys: Capsys) -> None:
    root = repository(tmp_path, RULES.replace("    component: db\n", "    component: dbx\n"))
    run = ingest(capsys, root, "alertmanager", "alertmanager-grouped-firing.json", "2026-11-22T09:00:00Z")
    assert run.code == 1 and run.out == ""
    assert "unknown-component" in run.err and "it would not pass validation" in run.err
    assert tree(root) == {}


def test_hostile_alert_text_stays_in_its_block(tmp_path: Path, capsys: Capsys) -> None:
    body = json.loads(fixture("alertmanager-firing.json").read_bytes())
    annotations = body["alerts"][0]["annotations"]
    annotations["description"] = ("\x1b[31mred\u202e ```` ---\n---\n[x](javascript:alert(1)) "
                                  "![i](../../etc/passwd) <https://evil.example/>")
    annotations["summary"] = "\ud800 lone " + "y" * 2000
    root = repository(tmp_path)
    run = statusgen(capsys, "ingest", "alertmanager", "-", "--root", str(root), "--now",
                    "2026-11-22T09:00:00Z", stdin=json.dumps(body).encode())
    assert run.out == f"opened {OPENED}\n", run.err
    record = read(root, OPENED).updates[0].message
    assert "\\x1b[31mred" in record and "\x1b" not in record
    assert "[x](javascript:alert(1))" in record
    assert links_in(record) == []  # inside the fenced block, Markdown makes no link
    assert " …(cut)" in record and "\ufffd lone" in record
    assert validate(root, read(root, OPENED).updates[0].at) == []
