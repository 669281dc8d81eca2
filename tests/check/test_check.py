"""The lifecycle and content rules: every code at its line and column, and its fix.

Like ``test_load``, each case runs with LF, BOM, CRLF and CR line ends.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from statusgen import model as m
from statusgen.check.components import check_config
from statusgen.check.lifecycle import SKEW, STALE, stamp
from statusgen.check.run import check
from statusgen.source.parse import parse_config, parse_incident
from tests.conftest import StatusRepo
from tests.helpers import (
    COMPONENTS,
    ENCODINGS,
    INCIDENT,
    MAINTENANCE,
    NOW,
    Case,
    components,
    dedent,
    incident,
    validate,
)

A, B, C = "incidents/a.md", "incidents/b.md", "components.yml"
E, W = "error", "warning"

UPDATES = """\
updates:
  - at: 2026-11-22T08:00:00Z
    status: investigating
    message: We are looking into it.
"""


def timeline(*updates: tuple[str, str], extra: str = "") -> str:
    """The example incident with these ``(time, status)`` updates, newest first."""
    lines = ["updates:\n"]
    for at, status in updates:
        lines.append(f"  - at: 2026-11-22T{at}:00Z\n    status: {status}\n    message: {status}.\n")
        if extra and status == updates[0][1]:
            lines.append(extra)
            extra = ""
    return incident(UPDATES, "".join(lines))


RESOLVED = timeline(("08:30", "resolved"), ("08:00", "investigating"))
WINDOW = "window:\n  start: 2026-11-30T02:00:00Z\n  end: 2026-11-30T04:00:00Z\n"
FLOW_PAGE = "page: {title: T, url: 'https://t.example/'}\n"

CASES = [
    Case("future", {A: incident("at: 2026-11-22T08:00:00Z", "at: 2026-11-22T09:06:00Z")},
         [(A, 7, 9, E, "future")], "2026-11-22T09:06:00Z is in the future (now is 2026-11-22T09:00:00Z)",
         good={A: incident("at: 2026-11-22T08:00:00Z", "at: 2026-11-22T09:04:00Z")}),
    Case("future-zone", {A: incident("at: 2026-11-22T08:00:00Z", "at: 2026-11-22T09:30:00-01:00")},
         [(A, 7, 9, E, "future")], "check the date and the zone",
         good={A: incident("at: 2026-11-22T08:00:00Z", "at: 2026-11-22T09:30:00+01:00")}),
    Case("order", {A: timeline(("08:00", "identified"), ("08:30", "investigating"))},
         [(A, 10, 9, E, "order")],
         "2026-11-22T08:30:00Z (line 10) is later than 2026-11-22T08:00:00Z (line 7)",
         good={A: timeline(("08:30", "identified"), ("08:00", "investigating"))}),
    Case("order-same-time-allowed", {A: timeline(("08:00", "identified"), ("08:01", "investigating"))},
         [(A, 10, 9, E, "order")], "is later than",
         good={A: timeline(("08:00", "identified"), ("08:00", "investigating"))}),
    Case("terminal",
         {A: timeline(("08:30", "identified"), ("08:15", "resolved"), ("08:00", "investigating"))},
         [(A, 11, 13, E, "terminal")], "can only be the newest update",
         good={A: timeline(("08:30", "identified"), ("08:15", "monitoring"), ("08:00", "investigating"))}),
    Case("status-kind", {A: incident("status: investigating", "status: scheduled")},
         [(A, 8, 13, E, "status-kind")], "`scheduled` is not an incident status; use one of investigating"),
    Case("status-kind-maintenance", {A: incident("status: scheduled", "status: investigating", MAINTENANCE)},
         [(A, 10, 13, E, "status-kind")], "is not a maintenance status", good={A: MAINTENANCE}),
    Case("retrospective", {A: incident("impact: minor\n", "impact: minor\nmode: retrospective\n")},
         [(A, 4, 7, E, "retrospective")], "must end with a `resolved` update",
         good={A: incident("impact: minor\n", "impact: minor\nmode: retrospective\n",
                           timeline(("08:30", "resolved"), ("08:00", "identified")))}),
    Case("window-missing", {A: incident(WINDOW, "", MAINTENANCE)},
         [(A, 2, 1, E, "window")], "a maintenance needs `window: {start: …, end: …}`", good={A: MAINTENANCE}),
    Case("window-backwards", {A: incident("end: 2026-11-30T04:00:00Z", "end: 2026-11-30T01:00:00Z",
                                          MAINTENANCE)},
         [(A, 6, 8, E, "window")], "`end` must be after `start`", good={A: MAINTENANCE}),
    Case("window-incident", {A: incident("impact: minor\n", "impact: minor\nwindow: {start: "
                                         "2026-11-30T02:00:00Z, end: 2026-11-30T04:00:00Z}\n")},
         [(A, 4, 9, E, "window")], "only maintenance has a window"),
    Case("scheduled-late", {A: incident(WINDOW, WINDOW.replace("-30T", "-20T"), MAINTENANCE)},
         [(A, 9, 9, W, "scheduled-late")], "`scheduled` at 2026-11-20T12:00:00Z, after the window "
         "ended (2026-11-20T04:00:00Z); correct the window or the time, or record work that is over "
         "as `mode: retrospective`", good={A: incident(WINDOW, WINDOW.replace("-30T", "-21T"),
                                                       MAINTENANCE)}),
    Case("empty-title", {A: incident("title: API errors", "title: ''")}, [(A, 2, 8, E, "empty")],
         "the title is empty"),
    Case("empty-message", {A: incident("message: We are looking into it.", 'message: "  "')},
         [(A, 9, 14, E, "empty")], "the message is empty"),
    Case("impact-mismatch", {A: incident("impact: minor", "impact: none").replace("partial_outage",
                                                                                  "major_outage")},
         [(A, 3, 9, W, "impact-mismatch")], "`impact: none` but `api` is in major_outage (line 5)",
         good={A: incident("impact: minor", "impact: major").replace("partial_outage", "major_outage")}),
    Case("stale-open", {A: incident("at: 2026-11-22T08:00:00Z", "at: 2026-11-07T08:00:00Z")},
         [(A, 8, 13, W, "stale-open")], "open for 15 days; forgot to resolve?",
         good={A: incident("at: 2026-11-22T08:00:00Z", "at: 2026-11-07T08:00:00Z",
                           timeline(("08:30", "resolved"), ("08:00", "investigating")))}),
    Case("duplicate-open", {A: INCIDENT, B: incident("impact: minor", "impact: major")},
         [(B, 2, 8, W, "duplicate-open")], "incidents/a.md is also open with the same title",
         good={A: INCIDENT, B: RESOLVED}),
    Case("duplicate-open-components", {A: INCIDENT, B: incident("title: API errors", "title: Slow API")},
         [(B, 2, 8, W, "duplicate-open")], "the same title or components",
         good={A: INCIDENT, B: incident("title: API errors", "title: Slow API").replace("api:", "db:")}),
    Case("no-public-update", {A: incident("message: We are looking into it.\n",
                                          "message: We are looking into it.\n    internal: true\n")},
         [(A, 10, 15, E, "no-public-update")], "needs at least one update without `internal: true`",
         good={A: incident("impact: minor\n", "impact: minor\nvisibility: internal\n").replace(
             "looking into it.\n", "looking into it.\n    internal: true\n")}),
    Case("internal-terminal", {A: timeline(("08:30", "resolved"), ("08:00", "investigating"),
                                           extra="    internal: true\n")},
         [(A, 10, 15, E, "internal-terminal")], "the `resolved` update is internal",
         good={A: timeline(("08:30", "resolved"), ("08:15", "monitoring"), ("08:00", "investigating"))
               .replace("message: monitoring.\n", "message: monitoring.\n    internal: true\n")}),
    Case("unknown-component", {A: incident("  api: partial_outage", "  apii: partial_outage")},
         [(A, 5, 3, E, "unknown-component")], "no component `apii` in components.yml (did you mean `api`?); "
         "known ids: api, platform, db, queue"),
    Case("unknown-component-update", {A: incident("looking into it.\n",
                                                  "looking into it.\n    components: {dbb: operational}\n")},
         [(A, 10, 18, E, "unknown-component")], "(did you mean `db`?)"),
    Case("unknown-component-maintenance", {A: incident("[db]", "[database]", MAINTENANCE)},
         [(A, 7, 14, E, "unknown-component")], "no component `database`", good={A: MAINTENANCE}),
    Case("level", {A: incident("api: partial_outage", "api: operational")}, [(A, 5, 8, E, "level")],
         "`operational` is not an incident level; use one of degraded_performance, partial_outage, "
         "major_outage"),
    Case("level-missing", {A: incident("components:\n  api: partial_outage", "components: [api]")},
         [(A, 4, 14, E, "level")], "give `api` a level: `{api: partial_outage}`"),
    Case("level-maintenance", {A: incident("[db]", "{db: major_outage}", MAINTENANCE)},
         [(A, 7, 18, E, "level")], "maintenance puts components under_maintenance",
         good={A: incident("[db]", "{db: under_maintenance}", MAINTENANCE)}),
    Case("level-maintenance-update", {A: incident("for an hour.\n", "for an hour.\n"
                                                  "    components: {db: major_outage}\n", MAINTENANCE)},
         [(A, 12, 17, E, "level")], "maintenance updates cannot set levels", good={A: MAINTENANCE}),
    Case("level-update", {A: incident("    message: We are looking into it.\n",
                                      "    message: We are looking into it.\n    components: {api: "
                                      "under_maintenance}\n")},
         [(A, 10, 23, E, "level")], "give `api` one of operational, degraded_performance",
         good={A: incident("    message: We are looking into it.\n",
                           "    message: We are looking into it.\n    components: {api: operational}\n")}),
    Case("level-update-list", {A: incident("    message: We are looking into it.\n",
                                           "    message: We are looking into it.\n    components: [api]\n")},
         [(A, 10, 18, E, "level")], "give `api` one of operational"),
    Case("required-impact", {A: incident("impact: minor\n", "")}, [(A, 2, 1, E, "required")],
         "an incident needs `impact`: none, minor, major or critical"),
    Case("link-unsafe", {A: incident("We are looking into it.", "See [it](../javascript:alert(1)).")},
         [(A, 9, 14, E, "link")], "becomes a `javascript:` link on the front page"),
    Case("link-scheme", {A: incident("We are looking into it.", "See [it](java%73cript:alert(1)).")},
         [(A, 9, 14, E, "link")], "`javascript:` links are not allowed"),
    Case("link-colon", {A: incident("We are looking into it.", "See [it](x:y/../javascript:alert(1)).")},
         [(A, 9, 14, E, "link")], "not allowed"),
    Case("link-leaves-site", {A: INCIDENT + "[up](../../secret)\n"},
         [(A, 12, 6, E, "link")], "the link leaves the site"),
    Case("link-entry-missing", {A: incident("We are looking into it.", "See [b](b.md).")},
         [(A, 9, 14, E, "link")], "links to `b.md`, which is not in incidents/",
         good={A: incident("We are looking into it.", "See [b](b.md)."), B: RESOLVED}),
    Case("link-entry-encoded", {A: incident("We are looking into it.", "See [b](b%2Emd)."),
                                B: incident("impact: minor\n", "impact: minor\nvisibility: internal\n",
                                            RESOLVED)},
         [(A, 9, 14, W, "link-hidden")], "the public page shows the link's text",
         good={A: incident("We are looking into it.", "See [b](b%2Emd)."), B: RESOLVED}),
    Case("duplicate-id", {C: components("      - id: queue", "      - id: api")},
         [(C, 12, 13, E, "duplicate-id")], "component id `api` is already used on line 5",
         good={C: COMPONENTS}),
    Case("reserved-component-id", {C: components("      - id: queue", "      - id: page")},
         [(C, 12, 13, E, "reserved-id")], "`page` is reserved",
         good={C: components("      - id: queue", "      - id: pager")}),
    Case("duplicate-id-group", {C: components("      - id: queue", "      - id: platform")},
         [(C, 12, 13, E, "duplicate-id")], "ids must be unique, groups included", good={C: COMPONENTS}),
    Case("duplicate-id-one-line", {C: FLOW_PAGE + "components: [{id: a, name: A}, {id: a, name: B}]\n"},
         [(C, 2, 37, E, "duplicate-id")], "already used on line 2",
         good={C: FLOW_PAGE + "components: [{id: a, name: A}, {id: b, name: B}]\n"}),
]


@pytest.mark.parametrize("encoding", list(ENCODINGS))
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_is_located(case: Case, encoding: str, status_repo: StatusRepo) -> None:
    case.assert_located(status_repo, encoding)


def test_every_check_code_has_a_case() -> None:
    codes = {row[4] for case in CASES for row in case.expected}
    assert codes == {
        "future", "order", "terminal", "status-kind", "retrospective", "window", "link", "link-hidden",
        "empty", "impact-mismatch", "stale-open", "duplicate-open", "no-public-update",
        "internal-terminal", "unknown-component", "level", "required", "duplicate-id", "reserved-id",
        "scheduled-late",
    }


FULL_INCIDENT = """
    ---
    title: Database unavailable
    impact: critical
    components:
      platform: major_outage
      api: partial_outage
    updates:
      - at: 2026-11-22T08:40:00+01:00
        status: resolved
        message: Everything works again.
      - at: 2026-11-22T07:30:00Z
        status: monitoring
        message: Writes work; we keep watching.
        internal: false
        components: {db: degraded_performance, queue: operational, api: operational}
      - at: 2026-11-22T07:10:00Z
        status: identified
        message: A full disk.
        internal: true
      - at: 2026-11-22T07:00:00Z
        status: investigating
        message: Errors everywhere.
    ---
    Post-mortem.
"""

FULL_MAINTENANCE = """
    ---
    kind: maintenance
    title: Storage refresh
    impact: none
    visibility: public
    mode: standard
    window: {start: 2026-11-21T01:00:00Z, end: 2026-11-21T03:00:00Z}
    components: [platform]
    updates:
      - at: 2026-11-21T03:10:00Z
        status: completed
        message: Done.
      - at: 2026-11-21T02:50:00Z
        status: verifying
        message: Checking.
      - at: 2026-11-21T00:55:00Z
        status: in_progress
        message: Started a little early.
      - at: 2026-11-01T10:00:00Z
        status: scheduled
        message: Planned.
    ---
"""


@pytest.mark.parametrize("text", [
    pytest.param(FULL_INCIDENT, id="incident-full-lifecycle"),
    pytest.param(FULL_MAINTENANCE, id="maintenance-full-lifecycle"),
    pytest.param(MAINTENANCE, id="maintenance-scheduled"),
    pytest.param(incident("impact: minor\n", "impact: minor\nmode: test\n"), id="test-mode-open"),
    pytest.param(incident("impact: minor\n", "impact: minor\nmode: retrospective\n",
                          timeline(("08:30", "resolved"), ("08:10", "monitoring"))), id="retrospective"),
    pytest.param(incident("components:\n  api: partial_outage\n", ""), id="page-wide"),
    pytest.param(incident("impact: minor", "impact: none").replace("partial_outage", "degraded_performance"),
                 id="impact-none-degraded"),
    pytest.param(incident("impact: minor\n", "impact: minor\nvisibility: internal\n"), id="internal-entry"),
])
def test_valid_entries_pass(text: str, status_repo: StatusRepo) -> None:
    assert validate(status_repo({A: text})) == []


def test_stale_open_starts_after_fourteen_days(status_repo: StatusRepo) -> None:
    root = status_repo({A: INCIDENT})
    opened = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    assert validate(root, opened + STALE) == []
    assert [d.code for d in validate(root, opened + STALE + timedelta(seconds=1))] == ["stale-open"]


def test_future_allows_clock_skew(status_repo: StatusRepo) -> None:
    root = status_repo({A: INCIDENT})
    at = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    assert validate(root, at - SKEW) == []
    assert [d.code for d in validate(root, at - SKEW - timedelta(seconds=1))] == ["future"]


def test_extreme_now_does_not_overflow(status_repo: StatusRepo) -> None:
    root = status_repo({A: INCIDENT})
    assert [d.code for d in validate(root, datetime.max.replace(tzinfo=UTC))] == ["stale-open"]
    assert [d.code for d in validate(root, datetime.min.replace(tzinfo=UTC))] == ["future"]


def test_duplicate_open_ignores_resolved_and_maintenance(status_repo: StatusRepo) -> None:
    root = status_repo({A: INCIDENT, B: RESOLVED, "incidents/c.md": MAINTENANCE,
                        "incidents/d.md": incident("title: Database upgrade", "title: x", MAINTENANCE)})
    assert validate(root) == []


def test_duplicate_open_compares_titles_loosely(status_repo: StatusRepo) -> None:
    root = status_repo({A: INCIDENT, B: incident("title: API errors", "title: '  api   ERRORS '")
                        .replace("api:", "db:")})
    assert [d.code for d in validate(root)] == ["duplicate-open"]


def test_check_reports_every_problem_at_once(status_repo: StatusRepo) -> None:
    text = incident("title: API errors", "title: ''").replace("partial_outage", "operational")
    root = status_repo({A: text, B: incident("status: investigating", "status: scheduled")
                        .replace("API errors", "Slow API").replace("api:", "db:")})
    assert sorted(d.code for d in validate(root)) == ["empty", "level", "status-kind"]


@pytest.mark.parametrize("kind", [m.Kind.INCIDENT, m.Kind.MAINTENANCE])
def test_an_entry_may_start_at_any_of_its_statuses(kind: m.Kind, status_repo: StatusRepo) -> None:
    # Hosted pages open incidents at any stage, and imported histories are full of them.
    base = INCIDENT if kind is m.Kind.INCIDENT else MAINTENANCE
    first = "investigating" if kind is m.Kind.INCIDENT else "scheduled"
    for status in m.STATUSES[kind]:
        root = status_repo({A: incident(f"status: {first}", f"status: {status}", base)})
        assert validate(root) == [], status


def test_check_needs_only_the_model() -> None:
    config, _ = parse_config(COMPONENTS.encode())
    parsed, _ = parse_incident(A, INCIDENT.encode())
    assert config is not None and parsed is not None
    repo = m.Repository(config=config, incidents=(parsed,), files=2)
    assert check(repo, NOW) == []
    assert list(check_config(config)) == []


def test_stamp_writes_utc_as_z() -> None:
    assert stamp(datetime(2026, 11, 22, 10, 42, tzinfo=UTC)) == "2026-11-22T10:42:00Z"
    plus_one = datetime.fromisoformat("2026-11-22T10:42:00+01:00")
    assert stamp(plus_one) == "2026-11-22T10:42:00+01:00"


def test_dedent_is_used_for_inline_files() -> None:
    assert dedent(FULL_MAINTENANCE).startswith("---\nkind: maintenance\n")
