"""incident.io's incident object in the format: ``incident_type`` against its declaration,
``stage`` against the timeline, ``creator`` and ``follow_ups`` read with located errors.

Like the other rule tables, each case runs with every line ending, and has a good twin that
reports nothing.
"""

from __future__ import annotations

import pytest

from statusgen import model as m
from statusgen.source.parse import parse_config, parse_incident
from tests.check.test_metadata import DECLARED, RESOLVED, meta
from tests.conftest import StatusRepo
from tests.helpers import ENCODINGS, MAINTENANCE, Case

A, C = "incidents/a.md", "components.yml"
E = "error"

TYPES = DECLARED + """\
  types:
    - {id: infrastructure, name: Infrastructure, description: Servers or network failed}
    - {id: security, name: Security}
"""


def case(name: str, bad: str, expected: list[tuple[str, int, int, str, str]], message: str,
         good: str, config: str = TYPES) -> Case:
    return Case(name, {C: config, A: bad}, expected, message, {C: TYPES, A: good})


CASES = [
    case("type-undeclared", meta("incident_type: securty"), [(A, 6, 16, E, "undeclared")],
         "incident type `securty` is not declared (did you mean `security`?); declared: "
         "infrastructure, security", meta("incident_type: security")),
    case("type-none-declared", meta("incident_type: security"), [(A, 6, 16, E, "undeclared")],
         "declare it under `types` of incident_fields", meta("incident_type: security"),
         config=DECLARED),
    case("type-maintenance", meta("incident_type: security", base=MAINTENANCE),
         [(A, 8, 16, E, "field-value")], "maintenance has no incident type", MAINTENANCE),
    case("type-declared-twice", meta("incident_type: security"), [(C, 30, 12, E, "duplicate-id")],
         "incident type id `security` is already used on line 29",
         meta("incident_type: security"), config=TYPES + "    - {id: security, name: Again}\n"),
    case("stage-unknown", meta("stage: learnig"), [(A, 6, 8, E, "choice")],
         "`learnig` is not one of triage, declined, learning, closed (did you mean `learning`?)",
         meta("stage: triage")),
    case("stage-triage-resolved", meta("stage: triage", base=RESOLVED), [(A, 6, 8, E, "stage")],
         "an incident in triage is not resolved", meta("stage: declined", base=RESOLVED)),
    case("stage-learning-open", meta("stage: learning"), [(A, 6, 8, E, "stage")],
         "`learning` comes after the incident is resolved", meta("stage: learning", base=RESOLVED)),
    case("stage-maintenance", meta("stage: closed", base=MAINTENANCE), [(A, 8, 8, E, "stage")],
         "maintenance has no `stage`", MAINTENANCE),
    case("creator-kind", meta("creator: {persn: Dana}"), [(A, 6, 11, E, "choice")],
         "`persn` is not a kind of creator; use one of user, alert, api_key, workflow",
         meta("creator: {user: Dana}")),
    case("creator-two", meta("creator: {user: Dana, alert: x}"), [(A, 6, 10, E, "type")],
         "found 2 keys", meta("creator: {alert: 'alertmanager: alertname=ApiDown'}")),
    case("creator-empty", meta('creator: {api_key: ""}'), [(A, 6, 20, E, "empty")],
         "no name is given for the api_key", meta("creator: {api_key: ci}")),
    case("follow-up-title", meta("follow_ups: [{owner: Dana}]"), [(A, 6, 14, E, "required")],
         "follow-up is missing `title`", meta("follow_ups: [{title: Add an alert, owner: Dana}]")),
    case("follow-up-status", meta("follow_ups: [{title: Fix, status: done}]"),
         [(A, 6, 35, E, "choice")], "`done` is not one of outstanding, completed, not_doing",
         meta("follow_ups: [{title: Fix, status: completed}]")),
    case("follow-up-link", meta("follow_ups: [{title: Fix, link: 'javascript:alert(1)'}]"),
         [(A, 6, 33, E, "link")], "`link` is not an http or https address",
         meta("follow_ups: [{title: Fix, link: 'https://tracker.example/OPS-1'}]")),
    case("call-url", meta("call_url: ftp://meet.example/x"), [(A, 6, 11, E, "link")],
         "`call_url` is not an http or https address", meta("call_url: https://meet.example/x")),
    case("debrief", meta("debrief: https:///x"), [(A, 6, 10, E, "link")],
         "`debrief` has no host", meta("debrief: https://docs.example/debrief")),
]


@pytest.mark.parametrize("encoding", list(ENCODINGS))
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_is_located(case: Case, encoding: str, status_repo: StatusRepo) -> None:
    case.assert_located(status_repo, encoding)


def test_the_keys_read_into_the_model() -> None:
    text = meta("incident_type: security", "stage: learning", "creator: {workflow: deploy}",
                "call_url: https://meet.example/x", "debrief: https://docs.example/d",
                "follow_ups: [{title: Fix, owner: Sam, status: not_doing}]", base=RESOLVED)
    incident, problems = parse_incident(A, text.encode())
    assert problems == [] and incident is not None
    assert (incident.incident_type, incident.stage) == ("security", m.Stage.LEARNING)
    assert incident.creator is not None
    assert (incident.creator.kind, incident.creator.name) == (m.CreatorKind.WORKFLOW, "deploy")
    assert [(f.title, f.owner, f.status, f.link) for f in incident.follow_ups] == [
        ("Fix", "Sam", m.FollowUpStatus.NOT_DOING, "")]
    config, problems = parse_config(TYPES.encode())
    assert problems == [] and config is not None
    kind = config.incident_fields.incident_type("infrastructure")
    assert kind is not None and (kind.name, kind.description) == (
        "Infrastructure", "Servers or network failed")


def test_triage_and_declined_are_not_published() -> None:
    for text, published in ((meta("stage: triage"), False), (meta("stage: declined"), False),
                            (meta("stage: learning", base=RESOLVED), True), (meta(), True)):
        incident, _ = parse_incident(A, text.encode())
        assert incident is not None and incident.published is published, text
