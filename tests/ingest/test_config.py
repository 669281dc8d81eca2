"""``monitors:`` in components.yml: read like every key, checked before any alert uses it."""

from __future__ import annotations

import pytest

from statusgen import model as m
from statusgen.source.parse import parse_config
from tests.conftest import StatusRepo
from tests.helpers import COMPONENTS, rows, validate
from tests.ingest.support import RULES, config


def test_the_rules_are_read_into_the_model() -> None:
    parsed, problems = parse_config(config().encode())
    assert problems == [] and parsed is not None
    first, kuma = parsed.monitors[:2]
    assert first.match == (("alertname", "High CPU Temperature"),)
    assert (first.component, first.level, first.impact, first.sources) == \
        ("api", m.Level.MAJOR_OUTAGE, m.Impact.MAJOR, ("alertmanager",))
    assert first.resolve_message == "The API is answering normally again."
    assert kuma.match == (("monitor", "test"),) and kuma.sources == ("uptime-kuma",)
    third = parsed.monitors[2]
    assert (third.level, third.impact, third.after, third.sources) == \
        (m.Level.PARTIAL_OUTAGE, m.Impact.MINOR, 0, ())
    assert third.resolve_message == m.DEFAULT_RESOLVE_MESSAGE


def test_without_monitors_there_are_no_rules() -> None:
    parsed, _ = parse_config(COMPONENTS.encode())
    assert parsed is not None and parsed.monitors == ()


@pytest.mark.parametrize(("after", "seconds"), [("90s", 90), ("5m", 300), ("2h", 7200), ("1d", 86400),
                                                ("0", 0)])
def test_after_is_a_duration(after: str, seconds: int) -> None:
    parsed, problems = parse_config(config(RULES.replace(
        "    component: db\n", f"    component: db\n    after: {after}\n")).encode())
    assert problems == [] and parsed is not None
    assert parsed.monitors[2].after == seconds


RULE = """\
monitors:
  - match: {alertname: ApiDown}
    title: Public API unavailable
    message: We are investigating.
"""


def _one(extra: str = "", match: str = "{alertname: ApiDown}") -> str:
    return config(RULE.replace("{alertname: ApiDown}", match) + extra)


@pytest.mark.parametrize(("text", "line", "code", "words"), [
    (_one("    after: 5 minutes\n"), 19, "duration", "`90s`, `5m`"),
    (_one("    after: 300\n"), 19, "duration", "a whole number and a unit"),
    (_one("    from: prometheus\n"), 19, "choice", "alertmanager, grafana"),
    (_one("    from: [grafana, gatsu]\n"), 19, "choice", "did you mean `gatus`"),
    (_one("    titel: x\n"), 19, "unknown-key", "did you mean `title`"),
    (_one(match="{}"), 16, "required", "empty `match` would match every alert"),
    (_one(match="{debug: true}"), 16, "type", "put it in quotes"),
    (_one("    level: critical\n"), 19, "choice", "major_outage"),
])
def test_a_bad_rule_is_reported_where_it_is_written(text: str, line: int, code: str, words: str,
                                                     status_repo: StatusRepo) -> None:
    root = status_repo({"components.yml": text})
    found = [d for d in validate(root) if d.code == code]
    assert found, rows(validate(root))
    assert found[0].location.path == "components.yml" and found[0].location.line == line
    assert words in found[0].message


@pytest.mark.parametrize(("extra", "code", "words"), [
    ("    component: apy\n", "unknown-component", "did you mean `api`"),
    ("    level: operational\n", "level", "not an incident level"),
    ('    message: ""\n', "empty", "`message` is empty"),
    ("    resolve_message: See [the runbook](runbook.pdf).\n", "link", "http, https and mailto"),
    ("    resolve_message: Read [this](javascript:alert(1)).\n", "link", "http, https and mailto"),
])
def test_the_check_refuses_what_an_incident_could_not_hold(extra: str, code: str, words: str,
                                                          status_repo: StatusRepo) -> None:
    text = _one(extra).replace("    message: We are investigating.\n", "") if "message: \"\"" in extra \
        else _one(extra)
    root = status_repo({"components.yml": text})
    found = [d for d in validate(root) if d.code == code]
    assert [d.location.path for d in found] == ["components.yml"], rows(validate(root))
    assert words in found[0].message


def test_good_rules_validate(status_repo: StatusRepo) -> None:
    root = status_repo({"components.yml": config(RULES + "    resolve_message: Back, see "
                                                 "[details](https://example.com/).\n")})
    assert validate(root) == []
