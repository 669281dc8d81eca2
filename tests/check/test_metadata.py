"""Incident metadata against ``incident_fields``: every code at its line and column, with its fix.

Like the other rule tables, each case runs with LF, BOM, CRLF and CR line ends, and has a
good twin that reports nothing.
"""

from __future__ import annotations

import pytest

from statusgen.source.parse import parse_config
from tests.conftest import StatusRepo
from tests.helpers import (
    COMPONENTS,
    ENCODINGS,
    INCIDENT,
    MAINTENANCE,
    Case,
    incident,
    validate,
)

A, B, C = "incidents/a.md", "incidents/b.md", "components.yml"
E, W = "error", "warning"

FIELDS = """\
incident_fields:
  reference: {prefix: INC-}
  severities:
    - {id: sev1, name: Critical, rank: 1}
    - {id: sev2, name: Major, rank: 2}
  roles: [lead, communications]
  timestamps: [impact_started, detected, mitigated]
  custom:
    - {id: team, type: single_select, options: [payments, platform], public: false}
    - {id: region, type: multi_select, options: [eu, us, ap], public: true}
    - {id: customers_affected, type: number}
    - {id: ticket, type: link}
    - {id: summary, type: text, public: true}
"""
DECLARED = COMPONENTS + FIELDS
"""The tests' components with every kind of incident field declared (lines 14-26)."""

RESOLVED = incident("""\
updates:
  - at: 2026-11-22T08:00:00Z""", """\
updates:
  - at: 2026-11-22T08:30:00Z
    status: resolved
    message: Fixed.
  - at: 2026-11-22T08:00:00Z""")


def meta(*lines: str, base: str = INCIDENT) -> str:
    """``base`` with these front matter lines before ``updates:`` (the first is line 6 of the
    example incident)."""
    return base.replace("updates:\n", "".join(f"{line}\n" for line in lines) + "updates:\n", 1)


def declared(old: str, new: str) -> str:
    """:data:`DECLARED` with one edit."""
    return incident(old, new, DECLARED)


REQUIRED_LEAD = declared("roles: [lead, communications]",
                         "roles: [{id: lead, required: true}, communications]")
"""Every incident should have a lead (line 19)."""

MAINTENANCE_PREFIX = declared("reference: {prefix: INC-}",
                              "reference: {prefix: INC-, maintenance_prefix: MNT-}")
"""Maintenance numbered apart from incidents: ``MNT-7``."""


def case(name: str, bad: dict[str, str], expected: list[tuple[str, int, int, str, str]], message: str,
         good: dict[str, str]) -> Case:
    return Case(name, {C: DECLARED, **bad}, expected, message, {C: DECLARED, **good})


CASES = [
    case("severity-undeclared", {A: meta("severity: sev3")}, [(A, 6, 11, E, "undeclared")],
         "severity `sev3` is not declared (did you mean `sev2`?); declared: sev1, sev2",
         {A: meta("severity: sev2")}),
    case("severity-maintenance", {A: meta("severity: sev1", base=MAINTENANCE)},
         [(A, 8, 11, E, "field-value")], "maintenance has no severity", {A: MAINTENANCE}),
    case("role-undeclared", {A: meta("roles: {leed: Dana}")}, [(A, 6, 9, E, "undeclared")],
         "role `leed` is not declared (did you mean `lead`?)", {A: meta("roles: {lead: Dana}")}),
    case("role-empty", {A: meta('roles: {lead: ""}')}, [(A, 6, 15, E, "empty")],
         "no one is named for `lead`", {A: meta("roles: {lead: Dana Ruiz}")}),
    case("timestamp-undeclared", {A: meta("timestamps: {detectd: 2026-11-22T07:50:00Z}")},
         [(A, 6, 14, E, "undeclared")], "timestamp `detectd` is not declared (did you mean `detected`?)",
         {A: meta("timestamps: {detected: 2026-11-22T07:50:00Z}")}),
    case("timestamp-zone", {A: meta("timestamps: {detected: 2026-11-22T07:50:00}")},
         [(A, 6, 24, E, "timestamp-zone")], "has no time zone",
         {A: meta("timestamps: {detected: 2026-11-22T08:50:00+01:00}")}),
    case("timestamp-order", {A: meta("timestamps: {detected: 2026-11-22T07:00:00Z, "
                                     "impact_started: 2026-11-22T07:30:00Z}")},
         [(A, 6, 24, E, "timestamp-order")],
         "`detected` (2026-11-22T07:00:00Z) is before `impact_started` (2026-11-22T07:30:00Z)",
         {A: meta("timestamps: {detected: 2026-11-22T07:30:00Z, impact_started: 2026-11-22T07:00:00Z}")}),
    case("timestamp-after-resolved", {A: meta("timestamps: {mitigated: 2026-11-22T08:45:00Z}",
                                              base=RESOLVED)},
         [(A, 6, 25, W, "timestamp-updates")],
         "is after the `resolved` update (2026-11-22T08:30:00Z, line 8)",
         {A: meta("timestamps: {mitigated: 2026-11-22T08:20:00Z}", base=RESOLVED)}),
    case("timestamp-detected-after-first-update", {A: meta("timestamps: {detected: 2026-11-22T08:10:00Z}")},
         [(A, 6, 24, W, "timestamp-updates")], "is after the first update (2026-11-22T08:00:00Z, line 8)",
         {A: meta("timestamps: {detected: 2026-11-22T08:00:00Z}")}),
    case("timestamp-future", {A: meta("timestamps: {mitigated: 2026-11-22T09:30:00Z}")},
         [(A, 6, 25, E, "future")], "`mitigated` 2026-11-22T09:30:00Z is in the future",
         {A: meta("timestamps: {mitigated: 2026-11-22T08:50:00Z}")}),
    case("field-undeclared", {A: meta("fields: {regoin: [eu]}")}, [(A, 6, 10, E, "undeclared")],
         "custom field `regoin` is not declared (did you mean `region`?)",
         {A: meta("fields: {region: [eu]}")}),
    case("field-number", {A: meta("fields: {customers_affected: many}")}, [(A, 6, 30, E, "field-value")],
         "`customers_affected` is a number field; `many` is not a number",
         {A: meta("fields: {customers_affected: 1_200}")}),
    case("field-number-infinite", {A: meta("fields: {customers_affected: .inf}")},
         [(A, 6, 30, E, "field-value")], "`.inf` is not a number",
         {A: meta("fields: {customers_affected: 2.5}")}),
    case("field-option", {A: meta("fields: {region: [eu, mars]}")}, [(A, 6, 18, E, "field-value")],
         "`mars` is not an option of `region`; options: eu, us, ap",
         {A: meta("fields: {region: [eu, us]}")}),
    case("field-option-close", {A: meta("fields: {team: paymnts}")}, [(A, 6, 16, E, "field-value")],
         "`paymnts` is not an option of `team` (did you mean `payments`?)",
         {A: meta("fields: {team: payments}")}),
    case("field-one-value", {A: meta("fields: {team: [payments]}")}, [(A, 6, 16, E, "field-value")],
         "`team` is a single_select field and takes one value, not a list",
         {A: meta("fields: {region: eu}")}),
    case("field-link", {A: meta('fields: {ticket: "mailto:ops@acme.example"}')}, [(A, 6, 18, E, "link")],
         "`ticket` is a link field; `mailto:ops@acme.example` is not an http or https address",
         {A: meta("fields: {ticket: https://tracker.example/OPS-1}")}),
    case("field-empty", {A: meta("fields: {summary: }")}, [(A, 6, 19, E, "empty")], "no value given",
         {A: meta("fields: {summary: Writes failed for 2 h}")}),
    case("postmortem-javascript", {A: meta("postmortem_url: javascript:alert(1)")}, [(A, 6, 17, E, "link")],
         "`postmortem_url` is not an http or https address",
         {A: meta("postmortem_url: https://docs.example/pm/1")}),
    case("postmortem-encoded-scheme", {A: meta("postmortem_url: java%73cript:alert(1)")},
         [(A, 6, 17, E, "link")], "is not an http or https address", {A: meta("postmortem_url: http://x.example/")}),
    case("external-issue-no-host", {A: meta("external_issue: https:///OPS-1")}, [(A, 6, 17, E, "link")],
         "`external_issue` has no host", {A: meta("external_issue: https://tracker.example/OPS-1")}),
    case("external-issue-user", {A: meta("external_issue: https://me:pw@tracker.example/1")},
         [(A, 6, 17, E, "link")], "holds a user name or password",
         {A: meta("external_issue: https://tracker.example/1")}),
    case("reference-form", {A: meta("reference: INC-01")}, [(A, 6, 12, E, "field-value")],
         "`INC-01` is not a reference of the declared form: write `INC-` and a number, such as INC-42",
         {A: meta("reference: INC-1")}),
    case("reference-duplicate", {A: meta("reference: INC-7"), B: meta("reference: INC-7", base=RESOLVED)},
         [(B, 6, 12, E, "duplicate-reference")], "incidents/a.md is already `INC-7`",
         {A: meta("reference: INC-7"), B: meta("reference: INC-8", base=RESOLVED)}),
    case("reference-maintenance-undeclared", {A: meta("reference: INC-1", base=MAINTENANCE)},
         [(A, 8, 12, W, "maintenance-reference")],
         "maintenance references are not declared, so pages show none",
         {A: MAINTENANCE}),
    Case("reference-maintenance-form", {C: MAINTENANCE_PREFIX, A: meta("reference: INC-1", base=MAINTENANCE)},
         [(A, 8, 12, E, "field-value")], "write `MNT-` and a number, such as MNT-42",
         {C: MAINTENANCE_PREFIX, A: meta("reference: MNT-1", base=MAINTENANCE)}),
    Case("reference-undeclared", {A: meta("reference: INC-1")}, [(A, 6, 12, E, "undeclared")],
         "references are not declared; add `reference: {prefix: INC-}`", {A: INCIDENT}),
    case("rank-twice", {C: declared("name: Major, rank: 2", "name: Major, rank: 1")},
         [(C, 18, 37, E, "field-declaration")], "rank 1 is also `sev1`'s (line 17)", {}),
    case("severity-id-twice", {C: declared("{id: sev2, name: Major", "{id: sev1, name: Major")},
         [(C, 18, 12, E, "duplicate-id")], "severity id `sev1` is already used on line 17", {}),
    case("custom-id-twice", {C: declared("{id: summary", "{id: ticket")},
         [(C, 26, 12, E, "duplicate-id")], "custom field id `ticket` is already used on line 25", {}),
    case("select-without-options", {C: declared("type: single_select, options: [payments, platform], ",
                                                "type: single_select, ")},
         [(C, 22, 24, E, "field-declaration")], "list the values it may take in `options`", {}),
    case("options-on-number", {C: declared("type: number}", "type: number, options: [1, 2]}")},
         [(C, 24, 55, E, "field-declaration")], "only select fields have options", {}),
    case("prefix", {C: declared("{prefix: INC-}", '{prefix: "INC 1"}')},
         [(C, 15, 23, E, "field-declaration")], "cannot start a reference", {}),
    case("role-twice", {C: declared("[lead, communications]", "[lead, lead]")},
         [(C, 19, 17, E, "duplicate-key")], "`lead` is listed twice", {}),
    Case("required-role-missing", {C: REQUIRED_LEAD, A: INCIDENT}, [(A, 2, 1, W, "required-role")],
         "nobody holds the role `lead`, which incident_fields in components.yml declares required; "
         "add `lead: <name>` under `roles`", {C: REQUIRED_LEAD, A: meta("roles: {lead: Dana}")}),
    Case("required-role-other-held", {C: REQUIRED_LEAD, A: meta("roles: {communications: Sam}")},
         [(A, 6, 8, W, "required-role")], "nobody holds the role `lead`",
         {C: REQUIRED_LEAD, A: meta("roles: {communications: Sam, lead: Dana}")}),
    case("role-mapping-twice", {C: declared("[lead, communications]", "[{id: lead}, lead]")},
         [(C, 19, 23, E, "duplicate-key")], "`lead` is listed twice", {}),
    case("role-unknown-key", {C: declared("[lead, communications]", "[{id: lead, requird: true}]")},
         [(C, 19, 22, E, "unknown-key")], "unknown key `requird` in role (did you mean `required`?)",
         {C: declared("[lead, communications]", "[{id: lead, required: true, description: Runs it}]")}),
    case("role-required-not-boolean",
         {C: declared("[lead, communications]", "[{id: lead, required: maybe}]")},
         [(C, 19, 32, E, "type")], "expected true or false", {}),
    case("option-sort-key-text",
         {C: declared("options: [eu, us, ap]", "options: [{value: eu, sort_key: first}, us]")},
         [(C, 23, 72, E, "type")], "expected a whole number", {C: declared("options: [eu, us, ap]",
                                                        "options: [{value: eu, sort_key: 2}, us]")}),
    case("option-twice", {C: declared("options: [eu, us, ap]", "options: [{value: eu, sort_key: 1}, eu]")},
         [(C, 23, 76, E, "duplicate-key")], "`eu` is listed twice", {}),
    case("option-without-value", {C: declared("options: [eu, us, ap]", "options: [{sort_key: 1}, us]")},
         [(C, 23, 50, E, "required")], "option is missing `value`", {}),
    case("name-with-capitals", {C: declared("[lead, communications]", "[Lead, communications]")},
         [(C, 19, 11, E, "slug")], "`Lead` is not a valid name", {}),
    case("sla-above-100", {C: declared("    name: API\n", "    name: API\n    sla: 120\n")},
         [(C, 7, 10, E, "type")], "`120` is not a percentage", {C: declared("    name: API\n",
                                                                         "    name: API\n    sla: 99.95\n")}),
    case("sla-text", {C: declared("    name: API\n", "    name: API\n    sla: high\n")},
         [(C, 7, 10, E, "type")], "expected a percentage such as 99.9, found text", {}),
]


@pytest.mark.parametrize("encoding", list(ENCODINGS))
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_is_located(case: Case, encoding: str, status_repo: StatusRepo) -> None:
    case.assert_located(status_repo, encoding)


def test_every_metadata_code_has_a_case() -> None:
    codes = {row[4] for case in CASES for row in case.expected}
    assert {"undeclared", "field-value", "field-declaration", "duplicate-reference", "timestamp-order",
            "timestamp-updates", "link", "empty", "future", "duplicate-id", "required-role"} <= codes


def test_a_maintenance_needs_no_required_role(status_repo: StatusRepo) -> None:
    assert validate(status_repo({C: REQUIRED_LEAD, A: MAINTENANCE})) == []


def test_options_are_in_sort_key_order_then_as_written() -> None:
    config, problems = parse_config(b"page: {title: T, url: 'https://t.example/'}\ncomponents: "
                                    b"[{id: a, name: A}]\nincident_fields: {custom: [{id: region, type: "
                                    b"single_select, options: [ap, {value: us, sort_key: 20}, sa, {value: "
                                    b"eu, sort_key: 10}, {value: af, sort_key: 20}]}]}\n")
    assert config is not None, problems
    field = config.incident_fields.custom[0]
    assert field.values == ("eu", "us", "af", "ap", "sa")
    assert [o.sort_key for o in field.options] == [10, 20, 20, None, None]


def test_declarations_carry_description_and_required() -> None:
    config, problems = parse_config(b"page: {title: T, url: 'https://t.example/'}\ncomponents: "
                                    b"[{id: a, name: A}]\nincident_fields: {severities: [{id: sev1, name: "
                                    b"Critical, rank: 1, description: Down}], roles: [lead, {id: scribe, "
                                    b"description: Writes it down, required: true}], custom: [{id: team, "
                                    b"type: text, description: Who owns it}]}\n")
    assert config is not None, problems
    declared = config.incident_fields
    assert declared.severities[0].description == "Down"
    assert [(r.id, r.description, r.required) for r in declared.roles] == [
        ("lead", "", False), ("scribe", "Writes it down", True)]
    assert declared.custom[0].description == "Who owns it"


def test_every_incident_key_may_be_written_at_once(status_repo: StatusRepo) -> None:
    full = meta("reference: INC-12", "severity: sev2", "roles: {lead: Dana, communications: Sam}",
                "timestamps: {impact_started: 2026-11-22T07:40:00Z, detected: 2026-11-22T07:55:00Z}",
                "fields: {team: platform, region: [eu, us], customers_affected: 40, "
                "ticket: https://tracker.example/OPS-4, summary: Writes failed}",
                "postmortem_url: https://docs.example/pm/12",
                "external_issue: https://tracker.example/OPS-5")
    assert validate(status_repo({C: DECLARED, A: full})) == []


@pytest.mark.parametrize(("prefix", "good", "bad"), [
    ("INC-", ["INC-1", "INC-42", "INC-999999999"], ["INC-0", "INC-01", "inc-1", "INC-", "INC-1a", "INC-1\n"]),
    ("SEC", ["SEC7"], ["7", "SECSEC7", "SEC 7"]),
    ("OPS.", ["OPS.3"], ["OPSx3"]),
])
def test_reference_form(prefix: str, good: list[str], bad: list[str]) -> None:
    config, problems = parse_config(f"page: {{title: T, url: 'https://t.example/'}}\ncomponents: "
                                    f"[{{id: a, name: A}}]\nincident_fields: {{reference: {{prefix: "
                                    f"'{prefix}'}}}}\n".encode())
    assert config is not None and config.incident_fields.reference is not None, problems
    pattern = config.incident_fields.reference.pattern()
    assert [r for r in good if not pattern.match(r)] == []
    assert [r for r in bad if pattern.match(r)] == []
