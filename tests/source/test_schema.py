"""The format declared once: each reader, ``parse_object``, and the reference tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from statusgen import model as m
from statusgen.diagnostics import Diagnostic
from statusgen.source.schema import (
    API,
    COMPONENT,
    CONFIG,
    CUSTOM_FIELD,
    FOLLOW_UP,
    INCIDENT,
    INCIDENT_FIELDS,
    INCIDENT_TYPE,
    INVALID,
    MONITOR,
    OPTION,
    PAGE,
    REFERENCE,
    ROLE,
    SCHEMAS,
    SEVERITY,
    UPDATE,
    WINDOW,
    Reader,
    Schema,
    boolean,
    choice,
    component_refs,
    integer,
    markdown_table,
    parse_object,
    slug,
    suggest,
    text,
    timestamp,
    url,
)
from statusgen.source.schema import timezone as timezone_reader
from statusgen.source.timestamps import parse_timestamp
from statusgen.source.yaml_reader import Map, Node, parse_yaml
from tests.helpers import REPO_ROOT


def value(yaml_text: str) -> Node:
    """The located value of ``v: <yaml_text>``."""
    root, out = parse_yaml(f"v: {yaml_text}\n", "f.yml")
    assert out == [] and isinstance(root, Map)
    node = root.get("v")
    assert node is not None
    return node


def read(reader: Reader, yaml_text: str) -> tuple[Any, list[tuple[str, int, str]]]:
    out: list[Diagnostic] = []
    result = reader(value(yaml_text), out)
    return result, [(d.code, d.location.column, d.message) for d in out]


def test_suggest() -> None:
    assert suggest("componets", ["components", "title"]) == " (did you mean `components`?)"
    assert suggest("zzz", ["components", "title"]) == ""


@pytest.mark.parametrize(("yaml_text", "expected"), [
    ("Acme", "Acme"), ("'yes'", "yes"), ("7", "7"), ("0.50", "0.50"), ("", ""),
    ("2026-11-22", "2026-11-22"), ("'  spaced  '", "  spaced  "),
])
def test_text_reads_scalars_as_written(yaml_text: str, expected: str) -> None:
    assert read(text, yaml_text) == (expected, [])


@pytest.mark.parametrize(("yaml_text", "message"), [
    ("yes", "expected text, found a boolean; YAML reads `yes` as a boolean, put it in quotes"),
    ("[a]", "expected text, found a list"),
    ("{a: 1}", "expected text, found a mapping"),
])
def test_text_refuses_other_values(yaml_text: str, message: str) -> None:
    assert read(text, yaml_text) == (INVALID, [("type", 4, message)])


def test_integer() -> None:
    assert read(integer(1), "90") == (90, [])
    assert read(integer(1), "0") == (INVALID, [("type", 4, "must be at least 1")])
    assert read(integer(0), "1.5") == (
        INVALID, [("type", 4, "expected a whole number, found a decimal number")])
    assert read(integer(0), "true")[0] is INVALID
    assert read(integer(0), "'7'") == (INVALID, [("type", 4, "expected a whole number, found text")])


def test_boolean() -> None:
    assert read(boolean, "true") == (True, [])
    assert read(boolean, "no") == (False, [])
    assert read(boolean, "1") == (INVALID, [("type", 4, "expected true or false, found a whole number")])


def test_choice() -> None:
    impact = choice(m.Impact)
    assert read(impact, "major") == (m.Impact.MAJOR, [])
    assert read(impact, "mayor") == (INVALID, [("choice", 4, "`mayor` is not one of none, minor, major, "
                                                "critical (did you mean `major`?)")])
    assert read(impact, "") == (INVALID, [("choice", 3, "no value given; use one of none, minor, major, "
                                           "critical")])
    assert read(impact, "3")[1][0][0] == "type"
    visibility = choice(m.Visibility)
    assert read(visibility, "public") == (m.Visibility.PUBLIC, [])


def test_slug() -> None:
    assert read(slug, "db-eu-1") == ("db-eu-1", [])
    for bad in ("-db", "DB", "d_b", "'a b'", "''"):
        result, out = read(slug, bad)
        assert result is INVALID and out[0][0] == "slug", bad


@pytest.mark.parametrize(("yaml_text", "expected"), [
    ("2026-11-22T10:42:00Z", datetime(2026, 11, 22, 10, 42, tzinfo=UTC)),
    ("'2026-11-22T10:42:00+01:00'", datetime(2026, 11, 22, 10, 42, tzinfo=timezone(timedelta(hours=1)))),
    ("2026-11-22 10:42:00.5+05:30", datetime(2026, 11, 22, 10, 42, 0, 500000,
                                            tzinfo=timezone(timedelta(hours=5, minutes=30)))),
])
def test_timestamp_reads_zoned_iso_8601(yaml_text: str, expected: datetime) -> None:
    assert read(timestamp, yaml_text) == (expected, [])


@pytest.mark.parametrize(("yaml_text", "code", "message"), [
    ("2026-11-22T10:42:00", "timestamp-zone",
     "has no time zone; add `Z` for UTC or an offset such as +01:00"),
    ("2026-11-22", "timestamp-zone", "has no time zone"),
    ("next tuesday", "timestamp", "`next tuesday` is not an ISO 8601 timestamp"),
    ("2026-11-31T10:00:00Z", "timestamp", "is not an ISO 8601 timestamp"),
    ("10:42", "type", "expected a timestamp like 2026-11-22T10:42:00Z, found a whole number"),
    ("[2026]", "type", "found a list"),
])
def test_timestamp_problems(yaml_text: str, code: str, message: str) -> None:
    result, out = read(timestamp, yaml_text)
    assert result is INVALID
    assert [(c, col) for c, col, _ in out] == [(code, 4)]
    assert message in out[0][2]


def test_parse_timestamp() -> None:
    assert parse_timestamp(" 2026-11-22T10:42:00Z ") == datetime(2026, 11, 22, 10, 42, tzinfo=UTC)
    assert parse_timestamp("soon") is None


def test_url() -> None:
    assert read(url, "https://status.acme.example") == ("https://status.acme.example/", [])
    assert read(url, "http://acme.example/status/") == ("http://acme.example/status/", [])
    for bad in ("status.acme.example", "ftp://acme.example/", "'http://[::1'", "https://"):
        result, out = read(url, bad)
        assert result is INVALID and out[0][0] == "page-url", bad


def test_timezone() -> None:
    assert read(timezone_reader, "Europe/Berlin") == ("Europe/Berlin", [])
    for bad in ("Europe/Berln", "Europe", "/etc/passwd", "''", "../x"):
        result, out = read(timezone_reader, bad)
        assert result is INVALID and out[0][0] == "timezone", bad
    assert "(did you mean `Europe/Berlin`?)" in read(timezone_reader, "Europe/Berln")[1][0][2]


def test_component_refs() -> None:
    refs, out = read(component_refs, "{api: partial_outage, db: operational}")
    assert out == []
    assert [(r.id, r.level, r.loc.column, r.loc_of("level").column) for r in refs] == [
        ("api", m.Level.PARTIAL_OUTAGE, 5, 10), ("db", m.Level.OPERATIONAL, 26, 30)]
    refs, out = read(component_refs, "[db, queue]")
    assert out == [] and [(r.id, r.level) for r in refs] == [("db", None), ("queue", None)]
    assert read(component_refs, "[db, db]") == (
        INVALID, [("duplicate-key", 9, "`db` is listed twice; keep one")])
    assert read(component_refs, "{api: broken}")[1][0][0] == "choice"
    assert read(component_refs, "api")[1][0][:2] == ("type", 4)


def test_parse_object_reports_every_key_problem() -> None:
    root, _ = parse_yaml("title: [x]\ncolour: red\n", "f.yml")
    assert root is not None
    out: list[Diagnostic] = []
    assert parse_object(root, PAGE, out) is INVALID
    assert [(d.code, d.location.line, d.location.column) for d in out] == [
        ("type", 1, 8), ("unknown-key", 2, 1), ("required", 1, 1)]
    assert out[1].message.startswith("unknown key `colour` in page; valid keys: title, url,")
    assert out[2].message == ("page is missing `url` (URL); add it, for example "
                              "`url: https://status.acme.example/`")


def test_parse_object_without_build_returns_the_values() -> None:
    plain = Schema("thing", WINDOW.fields)
    root, _ = parse_yaml("start: 2026-11-30T02:00:00Z\nend: 2026-11-30T04:00:00Z\n", "f.yml")
    assert root is not None
    out: list[Diagnostic] = []
    values = parse_object(root, plain, out)
    assert out == [] and set(values) == {"start", "end"}


def test_parse_object_needs_a_mapping() -> None:
    out: list[Diagnostic] = []
    assert parse_object(value("[1]"), PAGE, out) is INVALID
    assert out[0].message == "expected a mapping of page keys, found a list"


def test_markdown_table() -> None:
    table = markdown_table(WINDOW)
    assert table == (
        "| key | type | required | default | meaning |\n"
        "|---|---|---|---|---|\n"
        "| `start` | timestamp | yes | — | When the maintenance begins. |\n"
        "| `end` | timestamp | yes | — | When it is planned to end; after `start`. |\n"
    )
    assert markdown_table(PAGE).count("\n") == len(PAGE.fields) + 2


def test_schemas_are_consistent() -> None:
    assert [s.name for s in SCHEMAS] == [
        "page", "component", "upstream", "components.yml", "incident_fields", "reference", "severity",
        "custom field", "option", "role", "incident", "update", "window", "acknowledged", "channel",
        "monitor", "api", "incident type", "follow-up", "subscriptions", "audience"]
    for schema in SCHEMAS:
        names = [f.name for f in schema.fields]
        assert len(names) == len(set(names)), schema.name
        for f in schema.fields:
            assert f.doc.endswith("."), f.name
            assert "|" not in f.doc + f.type + f.default, f.name
            assert not (f.required and f.default), f.name
            assert schema.field(f.name) is f


def _front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])  # type: ignore[no-any-return]


# The example site has no notification channels and no subscriptions service (its deploy has
# no secrets to send with): docs/format.md's examples show these keys, and
# tests/notify/test_config.py and tests/subscriptions/test_config.py check they use every one.
NOTIFY_KEYS = {"components.yml": {"notify", "subscriptions"}, "update": {"notify"},
               "subscriptions": {"url", "from", "smtp_env"},
               "channel": {"id", "type", "url_env", "secret_env", "smtp_env", "from", "to_env",
                           "components", "events", "retrospective", "reminder", "internal"}}

# Nor upstream components: its build would read a third party's page over the network.
# docs/format.md and docs/upstream.md show these keys; tests/upstream read every one.
UPSTREAM_KEYS = {"component": {"upstream"},
                 "upstream": {"statuspage", "instatus", "component", "name"}}


# Nor a recurring maintenance (it would add an entry a week to every page the example's
# tests read): docs/format.md's recurring example shows these keys (tests/test_docs.py).
RECURRING_KEYS = {"incident": {"repeat", "except"}, "update": {"occurrence"},
                  # Nor hidden components or days without data, which the example's front
                  # page and bars would show: docs/format.md's components section shows them.
                  "component": {"only_show_if_degraded", "start_date"}}


# Nor audiences: the example is one public site. docs/format.md's audience section shows
# these keys, and tests/compute/test_audience.py uses every one.
AUDIENCE_KEYS = {"components.yml": {"audiences"}, "incident": {"audiences"},
                 "audience": {"id", "name", "components", "url"}}


def test_the_example_files_use_every_key_of_every_schema() -> None:
    config = yaml.safe_load((REPO_ROOT / "components.yml").read_text(encoding="utf-8"))
    incidents = [_front_matter(p) for p in sorted((REPO_ROOT / "incidents").glob("*.md"))]
    assert incidents
    used: dict[str, set[str]] = {s.name: set() for s in SCHEMAS}
    used[CONFIG.name] |= set(config)
    used[PAGE.name] |= set(config["page"])
    for component in config["components"]:
        used[COMPONENT.name] |= set(component)
        for member in component.get("components", []):
            used[COMPONENT.name] |= set(member)
    for rule in config.get("monitors", []):
        used[MONITOR.name] |= set(rule)
    used[API.name] |= set(config["api"])
    declared = config["incident_fields"]
    used[INCIDENT_FIELDS.name] |= set(declared)
    used[REFERENCE.name] |= set(declared["reference"])
    for severity in declared["severities"]:
        used[SEVERITY.name] |= set(severity)
    for field in declared["custom"]:
        used[CUSTOM_FIELD.name] |= set(field)
        for option in field.get("options", []):
            used[OPTION.name] |= set(option) if isinstance(option, dict) else set()
    for role in declared["roles"]:
        used[ROLE.name] |= set(role) if isinstance(role, dict) else set()
    for kind in declared["types"]:
        used[INCIDENT_TYPE.name] |= set(kind)
    for front in incidents:
        used[INCIDENT.name] |= set(front)
        for follow_up in front.get("follow_ups", []):
            used[FOLLOW_UP.name] |= set(follow_up)
        if "window" in front:
            used[WINDOW.name] |= set(front["window"])
        used["acknowledged"] |= set(front.get("acknowledged", {}))
        for update in front["updates"]:
            used[UPDATE.name] |= set(update)
    for schema in SCHEMAS:
        declared = {f.name for f in schema.fields} - NOTIFY_KEYS.get(schema.name, set()) \
            - UPSTREAM_KEYS.get(schema.name, set()) - RECURRING_KEYS.get(schema.name, set()) \
            - AUDIENCE_KEYS.get(schema.name, set())
        assert used[schema.name] == declared, (schema.name, declared - used[schema.name])
