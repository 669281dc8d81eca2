"""Status computation: levels over an incident's life, maintenance phases, the indicator."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime

import pytest

from statusgen import model as m
from statusgen.compute.snapshot import snapshot
from statusgen.compute.status import entry, maintenance_phase
from statusgen.source.parse import parse_config, parse_incident

CONFIG = textwrap.dedent("""\
    page: {title: T, url: "https://status.example/", timezone: Europe/Berlin}
    components:
      - {id: api, name: API}
      - id: platform
        name: Platform
        components:
          - {id: db, name: Database}
          - {id: queue, name: Queue}
""")


def config() -> m.Config:
    parsed, problems = parse_config(CONFIG.encode())
    assert parsed is not None, problems
    return parsed


def incident(front: str, name: str = "x") -> m.Incident:
    text = "---\n" + textwrap.dedent(front) + "---\n"
    parsed, problems = parse_incident(f"incidents/{name}.md", text.encode())
    assert parsed is not None, problems
    return parsed


def t(hhmm: str, day: int = 22) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(2026, 11, day, hours, minutes, tzinfo=UTC)


LEVELS = incident("""\
    title: API slow
    impact: major
    components: {api: partial_outage}
    updates:
      - {at: "2026-11-22T12:00:00Z", status: resolved, message: ok}
      - {at: "2026-11-22T11:00:00Z", status: monitoring, message: m, components: {api: operational}}
      - {at: "2026-11-22T10:00:00Z", status: identified, message: i,
         components: {api: degraded_performance, platform: major_outage}}
      - {at: "2026-11-22T09:00:00Z", status: investigating, message: x}
""")


@pytest.mark.parametrize(("at", "expected"), [
    (t("08:59"), {}),
    (t("09:00"), {"api": m.Level.PARTIAL_OUTAGE}),
    (t("09:59"), {"api": m.Level.PARTIAL_OUTAGE}),
    # A group id stands for its members; levels merge per component.
    (t("10:00"), {"api": m.Level.DEGRADED_PERFORMANCE, "db": m.Level.MAJOR_OUTAGE,
                  "queue": m.Level.MAJOR_OUTAGE}),
    # `operational` in an update: api recovered while the incident goes on.
    (t("11:30"), {"db": m.Level.MAJOR_OUTAGE, "queue": m.Level.MAJOR_OUTAGE}),
    # After `resolved`, nothing.
    (t("12:00"), {}),
    (t("23:00"), {}),
])
def test_levels_follow_the_updates(at: datetime, expected: dict[str, m.Level]) -> None:
    assert entry(LEVELS, config(), t("23:00")).levels_at(at) == expected


def test_changes_per_update_name_old_and_new_levels() -> None:
    e = entry(LEVELS, config(), t("23:00"))
    by_status = {u.status: c for u, c in zip(e.incident.updates, e.changes, strict=True)}
    assert {(c.component, c.old, c.new) for c in by_status[m.Status.INVESTIGATING]} == {
        ("api", m.Level.OPERATIONAL, m.Level.PARTIAL_OUTAGE)}
    assert ("api", m.Level.PARTIAL_OUTAGE, m.Level.DEGRADED_PERFORMANCE) in {
        (c.component, c.old, c.new) for c in by_status[m.Status.IDENTIFIED]}
    assert {(c.component, c.new) for c in by_status[m.Status.RESOLVED]} == {
        ("db", m.Level.OPERATIONAL), ("queue", m.Level.OPERATIONAL)}
    assert e.peak() == {"api": m.Level.PARTIAL_OUTAGE, "db": m.Level.MAJOR_OUTAGE,
                        "queue": m.Level.MAJOR_OUTAGE}
    assert (e.started_at, e.resolved_at, e.monitoring_at) == (t("09:00"), t("12:00"), t("11:00"))


def test_open_incident_stays_until_now() -> None:
    open_incident = incident("""\
        title: Down
        impact: critical
        components: {db: major_outage}
        updates:
          - {at: "2026-11-22T09:00:00Z", status: investigating, message: x}
    """)
    e = entry(open_incident, config(), t("10:00"))
    assert e.active and e.resolved_at is None
    assert e.levels_at(t("23:59")) == {"db": m.Level.MAJOR_OUTAGE}


def maintenance(updates: str, start: str = "02:00", end: str = "04:00") -> m.Incident:
    head = textwrap.dedent(f"""\
        kind: maintenance
        title: Upgrade
        window: {{start: "2026-11-22T{start}:00Z", end: "2026-11-22T{end}:00Z"}}
        components: [db]
        updates:
    """)
    return incident(head + updates)


SCHEDULED_ONLY = """\
  - {at: "2026-11-20T10:00:00Z", status: scheduled, message: s}
"""
STARTED_EARLY = """\
  - {at: "2026-11-22T01:30:00Z", status: in_progress, message: early}
  - {at: "2026-11-20T10:00:00Z", status: scheduled, message: s}
"""
ENDED_EARLY = """\
  - {at: "2026-11-22T03:00:00Z", status: completed, message: done}
  - {at: "2026-11-20T10:00:00Z", status: scheduled, message: s}
"""
OVERRUN = """\
  - {at: "2026-11-22T04:10:00Z", status: verifying, message: still checking}
  - {at: "2026-11-20T10:00:00Z", status: scheduled, message: s}
"""
OVERRUN_DONE = """\
  - {at: "2026-11-22T05:00:00Z", status: completed, message: done}
  - {at: "2026-11-22T04:10:00Z", status: in_progress, message: longer}
  - {at: "2026-11-20T10:00:00Z", status: scheduled, message: s}
"""


@pytest.mark.parametrize(("updates", "at", "phase"), [
    (SCHEDULED_ONLY, t("01:59"), m.Status.SCHEDULED),
    # Starts and ends by itself, with no update.
    (SCHEDULED_ONLY, t("02:00"), m.Status.IN_PROGRESS),
    (SCHEDULED_ONLY, t("03:59"), m.Status.IN_PROGRESS),
    (SCHEDULED_ONLY, t("04:00"), m.Status.COMPLETED),
    (STARTED_EARLY, t("01:29"), m.Status.SCHEDULED),
    (STARTED_EARLY, t("01:30"), m.Status.IN_PROGRESS),
    (STARTED_EARLY, t("04:00"), m.Status.COMPLETED),
    (ENDED_EARLY, t("02:59"), m.Status.IN_PROGRESS),
    (ENDED_EARLY, t("03:00"), m.Status.COMPLETED),
    # An update after the end keeps it open until completed.
    (OVERRUN, t("04:05"), m.Status.COMPLETED),
    (OVERRUN, t("04:10"), m.Status.VERIFYING),
    (OVERRUN, t("09:00"), m.Status.VERIFYING),
    (OVERRUN_DONE, t("04:59"), m.Status.IN_PROGRESS),
    (OVERRUN_DONE, t("05:00"), m.Status.COMPLETED),
])
def test_maintenance_phase(updates: str, at: datetime, phase: m.Status) -> None:
    assert maintenance_phase(maintenance(updates), at) == phase


def test_maintenance_puts_components_under_maintenance_only_while_in_progress() -> None:
    e = entry(maintenance(SCHEDULED_ONLY), config(), t("03:00"))
    assert e.active and not e.upcoming
    assert e.levels_at(t("03:00")) == {"db": m.Level.UNDER_MAINTENANCE}
    assert e.levels_at(t("01:00")) == {} and e.levels_at(t("04:00")) == {}
    later = entry(maintenance(SCHEDULED_ONLY), config(), t("05:00"))
    assert later.status is m.Status.COMPLETED and later.resolved_at == t("04:00")


def repo(*incidents: m.Incident) -> m.Repository:
    return m.Repository(config=config(), incidents=incidents, files=len(incidents) + 1)


def test_component_status_is_the_worst_and_groups_take_their_worst_member() -> None:
    slow = incident("""\
        title: Slow
        impact: minor
        components: {db: degraded_performance}
        updates: [{at: "2026-11-22T09:00:00Z", status: investigating, message: x}]
    """, "slow")
    down = incident("""\
        title: Down
        impact: major
        components: {db: partial_outage}
        updates: [{at: "2026-11-22T09:30:00Z", status: investigating, message: x}]
    """, "down")
    snap = snapshot(repo(slow, down, maintenance(SCHEDULED_ONLY, "09:00", "11:00")), t("10:00"))
    assert snap.levels["db"] is m.Level.PARTIAL_OUTAGE
    assert snap.levels["queue"] is m.Level.OPERATIONAL
    assert snap.levels["platform"] is m.Level.PARTIAL_OUTAGE
    assert snap.levels["api"] is m.Level.OPERATIONAL
    assert snap.indicator == "major"
    assert snap.description == "Partial System Outage"


@pytest.mark.parametrize(("impacts", "with_maintenance", "indicator", "description"), [
    ((), False, "none", "All Systems Operational"),
    ((), True, "maintenance", "Service Under Maintenance"),
    (("minor",), True, "minor", "Minor Service Outage"),
    (("minor", "critical", "major"), False, "critical", "Major System Outage"),
])
def test_indicator(impacts: tuple[str, ...], with_maintenance: bool, indicator: str,
                   description: str) -> None:
    entries = [incident(f"""\
        title: Incident {n}
        impact: {impact}
        updates: [{{at: "2026-11-22T09:0{n}:00Z", status: investigating, message: x}}]
    """, f"i{n}") for n, impact in enumerate(impacts)]
    if with_maintenance:
        entries.append(maintenance(SCHEDULED_ONLY, "09:00", "11:00"))
    snap = snapshot(repo(*entries), t("10:00"))
    assert (snap.indicator, snap.description) == (indicator, description)


def test_internal_updates_and_entries_never_change_the_public_status() -> None:
    hidden = incident("""\
        title: Hidden
        impact: critical
        visibility: internal
        components: {api: major_outage}
        updates: [{at: "2026-11-22T09:00:00Z", status: investigating, message: x}]
    """, "hidden")
    quiet = incident("""\
        title: Quiet
        impact: minor
        components: {db: degraded_performance}
        updates:
          - {at: "2026-11-22T09:30:00Z", status: identified, message: secret, internal: true,
             components: {db: major_outage}}
          - {at: "2026-11-22T09:00:00Z", status: investigating, message: x}
    """, "quiet")
    drill = incident("""\
        title: Drill
        impact: critical
        mode: test
        components: {queue: major_outage}
        updates: [{at: "2026-11-22T09:00:00Z", status: investigating, message: x}]
    """, "drill")
    public = snapshot(repo(hidden, quiet, drill), t("10:00"))
    assert [e.id for e in public.entries] == ["quiet"]
    assert public.levels["api"] is m.Level.OPERATIONAL
    assert public.levels["db"] is m.Level.DEGRADED_PERFORMANCE
    assert public.levels["queue"] is m.Level.OPERATIONAL
    assert public.indicator == "minor"
    team = snapshot(repo(hidden, quiet, drill), t("10:00"), internal=True)
    assert team.levels["db"] is m.Level.MAJOR_OUTAGE and team.indicator == "critical"


def test_recent_keeps_resolved_entries_for_keep_resolved_days() -> None:
    old = incident("""\
        title: Old
        impact: minor
        updates:
          - {at: "2026-11-10T10:00:00Z", status: resolved, message: ok}
          - {at: "2026-11-10T09:00:00Z", status: investigating, message: x}
    """, "old")
    new = incident("""\
        title: New
        impact: minor
        updates:
          - {at: "2026-11-20T10:00:00Z", status: resolved, message: ok}
          - {at: "2026-11-20T09:00:00Z", status: investigating, message: x}
    """, "new")
    snap = snapshot(repo(old, new), t("10:00"))
    assert [e.id for e in snap.recent] == ["new"]
    assert [e.id for e in snap.active] == []


def test_a_drill_is_shown_to_the_team_but_never_moves_a_status() -> None:
    drill = incident("""\
        title: Drill
        impact: critical
        mode: test
        components: {queue: major_outage}
        updates: [{at: "2026-11-22T09:00:00Z", status: investigating, message: x}]
    """, "drill")
    team = snapshot(repo(drill), t("10:00"), internal=True)
    assert [e.id for e in team.entries] == ["drill"]
    assert team.levels["queue"] is m.Level.OPERATIONAL
    assert team.indicator == "none"
    assert team.uptime["queue"].ratio == 1.0
