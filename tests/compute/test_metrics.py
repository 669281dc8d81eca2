"""Duration metrics against figures computed by hand: incidents that skip statuses, start
before their first update, are written afterwards, stay open, or change levels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from statusgen import model as m
from statusgen.compute.metrics import incident_metrics
from statusgen.compute.status import entry
from statusgen.render.timefmt import whole_seconds
from statusgen.source.parse import parse_config, parse_incident
from tests.helpers import COMPONENTS

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
FIELDS = """\
incident_fields:
  timestamps: [impact_started, detected, mitigated]
"""


def config() -> m.Config:
    parsed, problems = parse_config((COMPONENTS + FIELDS).encode())
    assert parsed is not None, problems
    return parsed


CONFIG = config()


def parsed(front: str) -> m.Incident:
    incident, problems = parse_incident("incidents/x.md", f"---\n{front}---\n".encode())
    assert incident is not None, problems
    return incident


def updates(*items: str) -> str:
    """``updates:`` from ``"HH:MM status"`` items on 2026-11-22 UTC, newest first."""
    lines = ["updates:\n"]
    for item in items:
        at, status = item.split()
        lines.append(f"  - {{at: '2026-11-22T{at}:00Z', status: {status}, message: {status}}}\n")
    return "".join(lines)


@dataclass(frozen=True)
class MetricCase:
    id: str
    front: str
    identify: int | None
    mitigate: int | None
    resolve: int | None


MINUTE = 60
HEAD = "title: T\nimpact: major\ncomponents: {api: major_outage}\n"
CASES = [
    MetricCase("every-status", HEAD + updates("12:20 resolved", "11:05 monitoring", "10:31 identified",
                                              "10:00 investigating"),
               31 * MINUTE, 65 * MINUTE, 140 * MINUTE),
    MetricCase("skips-to-resolved", HEAD + updates("12:18 resolved", "10:00 investigating"),
               138 * MINUTE, 138 * MINUTE, 138 * MINUTE),
    MetricCase("skips-identified",
               HEAD + updates("11:00 resolved", "10:40 monitoring", "10:00 investigating"),
               40 * MINUTE, 40 * MINUTE, 60 * MINUTE),
    MetricCase("repeats-identified", HEAD + updates("11:00 resolved", "10:50 identified", "10:20 identified",
                                                    "10:00 investigating"),
               20 * MINUTE, 60 * MINUTE, 60 * MINUTE),
    MetricCase("impact-started-earlier",
               HEAD + "timestamps: {impact_started: '2026-11-22T09:50:00Z'}\n"
               + updates("11:00 resolved", "10:30 identified", "10:00 investigating"),
               40 * MINUTE, 70 * MINUTE, 70 * MINUTE),
    MetricCase("mitigated-timestamp-wins",
               HEAD + "timestamps: {mitigated: '2026-11-22T10:45:00Z'}\n"
               + updates("11:30 resolved", "11:00 monitoring", "10:00 investigating"),
               60 * MINUTE, 45 * MINUTE, 90 * MINUTE),
    MetricCase("retrospective",
               HEAD + "mode: retrospective\ntimestamps: {impact_started: '2026-11-22T09:10:00+01:00'}\n"
               + updates("09:05 resolved", "08:20 identified"),
               10 * MINUTE, 55 * MINUTE, 55 * MINUTE),
    MetricCase("impact-started-after-first-update-counts-zero",
               HEAD + "timestamps: {impact_started: '2026-11-22T10:10:00Z'}\n"
               + updates("10:40 resolved", "10:00 identified"),
               0, 30 * MINUTE, 30 * MINUTE),
    MetricCase("open", HEAD + updates("11:00 identified", "10:00 investigating"), 60 * MINUTE, None, None),
    MetricCase("open-monitoring", HEAD + updates("11:30 monitoring", "10:00 investigating"),
               90 * MINUTE, 90 * MINUTE, None),
    MetricCase("zones-mixed", HEAD + "updates:\n"
               "  - {at: '2026-11-22T12:30:00+01:00', status: resolved, message: ok}\n"
               "  - {at: '2026-11-22T06:00:00-05:00', status: identified, message: found}\n"
               "  - {at: '2026-11-22T10:00:00Z', status: investigating, message: look}\n",
               60 * MINUTE, 90 * MINUTE, 90 * MINUTE),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_duration_metrics(case: MetricCase) -> None:
    incident = parsed(case.front)
    found = incident_metrics(entry(incident, CONFIG, NOW), CONFIG, NOW)
    assert found is not None
    got = [None if s is None else whole_seconds(s)
           for s in (found.time_to_identify, found.time_to_mitigate, found.time_to_resolve)]
    assert got == [case.identify, case.mitigate, case.resolve]


def test_time_at_each_level_follows_the_levels_update_by_update() -> None:
    # The example's database outage, in minutes after 14:00 UTC: the db is in major outage
    # from 02 to 65 and degraded to 140; the API major to 31, partial to 65, degraded to 140;
    # the website partial from 02 to 65.
    incident = parsed(
        "title: T\nimpact: critical\ncomponents: {db: major_outage, api: major_outage}\n"
        "updates:\n"
        "  - {at: '2026-11-03T16:20:00Z', status: resolved, message: ok}\n"
        "  - {at: '2026-11-03T15:05:00Z', status: monitoring, message: m,\n"
        "     components: {db: degraded_performance, api: degraded_performance}}\n"
        "  - {at: '2026-11-03T14:31:00Z', status: identified, message: i,\n"
        "     components: {api: partial_outage}}\n"
        "  - {at: '2026-11-03T14:02:00Z', status: investigating, message: x}\n")
    found = incident_metrics(entry(incident, CONFIG, NOW), CONFIG, NOW)
    assert found is not None
    assert [(t.component, str(t.level), whole_seconds(t.seconds)) for t in found.impact] == [
        ("api", "major_outage", 29 * MINUTE),
        ("api", "partial_outage", 34 * MINUTE),
        ("api", "degraded_performance", 75 * MINUTE),
        ("db", "major_outage", 63 * MINUTE),
        ("db", "degraded_performance", 75 * MINUTE),
    ]


def test_an_open_incident_counts_its_impact_up_to_now_and_a_group_means_its_members() -> None:
    incident = parsed("title: T\nimpact: major\ncomponents: {platform: partial_outage}\n"
                      + updates("11:00 investigating"))
    found = incident_metrics(entry(incident, CONFIG, NOW), CONFIG, NOW)
    assert found is not None and found.time_to_resolve is None
    assert [(t.component, t.seconds) for t in found.impact] == [("db", 3600.0), ("queue", 3600.0)]


def test_maintenance_has_no_duration_metrics() -> None:
    maintenance = parsed("kind: maintenance\ntitle: M\nwindow: {start: '2026-11-22T08:00:00Z', "
                         "end: '2026-11-22T09:00:00Z'}\ncomponents: [db]\n" + updates("07:00 scheduled"))
    assert incident_metrics(entry(maintenance, CONFIG, NOW), CONFIG, NOW) is None


@pytest.mark.parametrize(("value", "expected"),
                         [(0.0, 0), (0.49, 0), (0.5, 1), (1.5, 2), (2.5, 3), (59.999, 60)])
def test_whole_seconds_round_halves_up(value: float, expected: int) -> None:
    assert whole_seconds(value) == expected
