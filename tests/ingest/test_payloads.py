"""Each tool's payload, as the tools send them, read into one shape; anything else refused
with a clear reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import yaml

from statusgen.ingest.alerts import MAX_PAYLOAD, PayloadError
from statusgen.ingest.payloads import parse
from tests.helpers import REPO_ROOT
from tests.ingest.support import fixture


def test_alertmanager_two_alerts_of_one_group() -> None:
    delivery = parse("alertmanager", fixture("alertmanager-firing.json").read_bytes())
    assert delivery.key == "alertmanager/{}/{}:{}"
    assert len(delivery.alerts) == 2 and len(delivery.firing) == 2
    first = delivery.alerts[0]
    assert first.label("alertname") == "High CPU Temperature" and first.label("host") == "andromeda"
    assert first.started == datetime(2020, 2, 6, 0, 17, 58, 432911, tzinfo=UTC)
    assert ("description", "CPU core temperature is 34.75C") in first.details
    assert any(name == "source" and value.startswith("http://cobalt:9090/") for name, value in first.details)


def test_alertmanager_resolved_and_grouped() -> None:
    resolved = parse("alertmanager", fixture("alertmanager-resolved.json").read_bytes())
    assert resolved.firing == () and resolved.ref == parse(
        "alertmanager", fixture("alertmanager-firing.json").read_bytes()).ref
    grouped = parse("alertmanager", fixture("alertmanager-grouped-firing.json").read_bytes())
    assert [a.label("instance") for a in grouped.alerts] == \
        ["172.29.254.30", "172.29.254.50", "172.29.254.66"]
    assert grouped.key.startswith('alertmanager/{}/{severity=~"^(?:^(critical|major')


def test_grafana_leaves_out_the_values_that_change_every_evaluation() -> None:
    firing = parse("grafana", fixture("grafana-firing.json").read_bytes())
    resolved = parse("grafana", fixture("grafana-resolved.json").read_bytes())
    assert firing.key == resolved.key == 'grafana/{}/{test="true"}:{}'
    assert firing.alerts[0].firing and not resolved.alerts[0].firing
    names = [name for name, _ in firing.alerts[0].details]
    assert names == ["description", "runbook_url", "summary", "source", "silence"]
    grouped = parse("grafana", fixture("grafana-grouped-firing.json").read_bytes())
    assert len(grouped.alerts) == 2
    assert "44.239" not in json.dumps([a.details for a in grouped.alerts])


def test_uptime_kuma_down_up_down() -> None:
    down, up, again = (parse("uptime-kuma", fixture(f"uptime-kuma-{n}.json").read_bytes())
                       for n in ("down", "up", "down-again"))
    assert down.key == up.key == again.key == "uptime-kuma/89"
    assert down.alerts[0].firing and not up.alerts[0].firing and again.alerts[0].firing
    assert down.alerts[0].label("monitor") == "test"
    assert down.alerts[0].label("url") == "https://exampleXYZ.com"
    # Kuma's heartbeat time has no zone: it is UTC (localDateTime is Berlin's 20:56).
    assert down.alerts[0].started == datetime(2023, 7, 31, 18, 56, 15, 374000, tzinfo=UTC)
    assert again.alerts[0].details == (("message", "getaddrinfo ENOTFOUND exampleasdsda.com"),)


def test_uptime_kuma_test_notification_and_pending_hold_no_alert() -> None:
    test = parse("uptime-kuma", b'{"heartbeat": null, "monitor": null, "msg": "Uptime Kuma Test"}')
    assert test.alerts == () and "test notification" in test.notes[0]
    body = json.loads(fixture("uptime-kuma-down.json").read_bytes())
    body["heartbeat"]["status"] = 2
    assert parse("uptime-kuma", json.dumps(body).encode()).alerts == ()


# Gatus's custom provider fills its placeholders by plain text replacement
# (alerting/provider/custom/custom.go), here with the values of its own tests.
GATUS_VALUES = {"[ENDPOINT_NAME]": "endpoint-name", "[ENDPOINT_GROUP]": "endpoint-group",
                "[ENDPOINT_URL]": "https://example.com", "[ALERT_DESCRIPTION]": "alert-description"}


def gatus_body(state: str, **values: str) -> bytes:
    body = fixture("gatus-body.json").read_text(encoding="utf-8")
    for placeholder, value in {**GATUS_VALUES, "[ALERT_TRIGGERED_OR_RESOLVED]": state,
                               **values}.items():
        body = body.replace(placeholder, value)
    return body.encode()


def test_gatus_body_of_the_docs() -> None:
    docs = (REPO_ROOT / "docs" / "monitors.md").read_text(encoding="utf-8")
    gatus = docs[docs.index("### Gatus"):]
    config = yaml.safe_load(gatus[gatus.index("```yaml\n") + 8:gatus.index("```\n", 20)])
    assert config["alerting"]["custom"]["body"] == fixture("gatus-body.json").read_text(encoding="utf-8")
    triggered = parse("gatus", gatus_body("TRIGGERED"))
    resolved = parse("gatus", gatus_body("RESOLVED"))
    assert triggered.key == resolved.key == "gatus/endpoint-group/endpoint-name"
    assert triggered.alerts[0].firing and not resolved.alerts[0].firing
    assert triggered.alerts[0].labels == (("name", "endpoint-name"), ("group", "endpoint-group"),
                                          ("url", "https://example.com"))
    # Gatus does not escape what it puts in: a quote in a description breaks the JSON.
    with pytest.raises(PayloadError, match="not JSON"):
        parse("gatus", gatus_body("TRIGGERED", **{"[ALERT_DESCRIPTION]": 'say "hi"'}))


def test_generic() -> None:
    delivery = parse("generic", json.dumps({
        "key": "billing-export", "status": "firing", "title": "Export job failing",
        "message": "3 runs failed on worker-7", "component": "api", "level": "major_outage",
        "started_at": "2026-11-22T08:00:00Z"}).encode())
    assert delivery.key == "generic/billing-export"
    alert = delivery.alerts[0]
    assert alert.label("component") == "api" and alert.label("title") == "Export job failing"
    assert alert.started == datetime(2026, 11, 22, 8, tzinfo=UTC)
    assert ("message", "3 runs failed on worker-7") in alert.details


def test_a_long_or_odd_group_key_is_hashed() -> None:
    body = json.loads(fixture("alertmanager-firing.json").read_bytes())
    body["groupKey"] = "x" * 300
    assert parse("alertmanager", json.dumps(body).encode()).key.startswith("alertmanager/sha256:")
    body["groupKey"] = "a\nb"
    assert parse("alertmanager", json.dumps(body).encode()).key.startswith("alertmanager/sha256:")


DELETE = object()


def _edited(name: str, *path: object) -> bytes:
    """A real payload with one value changed (the last of ``path``; ``DELETE`` removes it)."""
    body = json.loads(fixture(name).read_bytes())
    *keys, last, value = path
    here = body
    for key in keys:
        here = here[key]
    if value is DELETE:
        del here[last]
    else:
        here[last] = value
    return json.dumps(body).encode()


BAD_ALERTS = [
    (1, ("labels", "host"), 7, "`alerts[1].labels` must map names to text; a value is a number"),
    (0, ("status",), "ok", "`alerts[0].status` must be firing or resolved"),
    (0, ("startsAt",), "soon", "`alerts[0].startsAt` is not a time"),
    (0, ("startsAt",), "9999-12-31T23:59:59-23:59",
     "`alerts[0].startsAt` is outside the times statusgen can show"),
]


@pytest.mark.parametrize(("index", "where", "value", "words"), BAD_ALERTS)
def test_a_malformed_alert_is_left_out_alone(index: int, where: tuple[str, ...], value: object,
                                             words: str) -> None:
    delivery = parse("alertmanager", _edited("alertmanager-firing.json", "alerts", index, *where,
                                             value))
    assert len(delivery.alerts) == 1  # the well-formed one of the group is kept
    assert [n for n in delivery.notes if n.startswith(f"an alert was left out: {words}")]
    assert "9999" not in " ".join(delivery.notes)  # what the request holds is never repeated


def test_a_group_whose_every_alert_is_malformed_is_refused() -> None:
    body = json.loads(fixture("alertmanager-firing.json").read_bytes())
    for alert in body["alerts"]:
        alert["startsAt"] = "9999-12-31T23:59:59-23:59"
    with pytest.raises(PayloadError, match=r"`alerts\[0\]\.startsAt` is outside"):
        parse("alertmanager", json.dumps(body).encode())


@pytest.mark.parametrize(("kind", "data", "words"), [
    ("alertmanager", fixture("alertmanager-firing.json").read_bytes()[:300], "not JSON"),
    ("alertmanager", b"\xff\xfe{}", "not UTF-8"),
    ("alertmanager", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ("alertmanager", b" " * (MAX_PAYLOAD + 1), "larger than"),
    ("alertmanager", b"[]", "`the payload` must be an object"),
    ("alertmanager", _edited("alertmanager-firing.json", "version", "3"), '`version` must be "4"'),
    ("grafana", fixture("alertmanager-firing.json").read_bytes(), '`version` must be "1"'),
    ("alertmanager", _edited("alertmanager-firing.json", "alerts", 3), "`alerts` must be a list"),
    ("generic", b'{"key": "k", "status": "firing", "started_at": "9999-12-31T23:59:59-23:59"}',
     "`started_at` is outside the times statusgen can show"),
    ("generic", b'{"key": "k", "status": "firing", "started_at": "1969-12-31T23:59:59Z"}',
     "`started_at` is outside the times statusgen can show"),
    ("alertmanager", _edited("alertmanager-firing.json", "groupKey", DELETE), "`groupKey` must be text"),
    ("uptime-kuma", _edited("uptime-kuma-down.json", "monitor", "id", "89"), "`monitor.id`"),
    ("gatus", b'{"status": "TRIGGERED", "name": ""}', "`name` is empty"),
    ("generic", b'{"key": "k", "status": "down"}', "firing or acknowledged or resolved"),
    ("generic", b'{"key": "k", "status": "firing", "secret_host": "db-7"}', "1 field(s)"),
])
def test_malformed_payloads_are_refused_with_a_reason(kind: str, data: bytes, words: str) -> None:
    with pytest.raises(PayloadError) as caught:
        parse(kind, data)
    assert words in str(caught.value)
    assert "db-7" not in str(caught.value) and "secret_host" not in str(caught.value)
