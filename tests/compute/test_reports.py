"""Reliability reports against figures computed by hand: overlapping incidents, maintenance in
a period, periods across DST changes and year ends, and the uptime bars of the same build."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from statusgen import model as m
from statusgen.compute.reports import NO_SEVERITY, Period, PeriodKind, Report, periods, report
from statusgen.compute.snapshot import Snapshot, snapshot
from statusgen.compute.uptime import component_uptime, day_bounds
from statusgen.source.parse import parse_config, parse_incident

BERLIN = ZoneInfo("Europe/Berlin")
HOUR = 3600

CONFIG_TEXT = """\
page:
  title: T
  url: https://t.example/
  timezone: Europe/Berlin
  uptime_days: 60
components:
  - {id: api, name: API, sla: 99.9}
  - id: platform
    name: Platform
    components:
      - {id: db, name: Database, sla: 99.99}
      - {id: queue, name: Queue}
incident_fields:
  severities: [{id: sev1, name: Critical, rank: 1}, {id: sev2, name: Major, rank: 2}]
"""


def incident(name: str, front: str) -> m.Incident:
    parsed, problems = parse_incident(f"incidents/{name}.md", f"---\n{front}---\n".encode())
    assert parsed is not None, problems
    return parsed


def resolved(name: str, start: str, end: str, components: str, impact: str = "major",
             extra: str = "") -> m.Incident:
    return incident(name, f"title: {name}\nimpact: {impact}\ncomponents: {components}\n{extra}"
                          f"updates:\n  - {{at: '{end}', status: resolved, message: ok}}\n"
                          f"  - {{at: '{start}', status: investigating, message: look}}\n")


def repository(*incidents: m.Incident, config: str = CONFIG_TEXT) -> m.Repository:
    parsed, problems = parse_config(config.encode())
    assert parsed is not None, problems
    return m.Repository(config=parsed, incidents=incidents, files=len(incidents) + 1)


# March 2026 in Berlin: 31 days, one of them 23 hours long (the clocks go forward on the 29th).
MARCH_SECONDS = (31 * 24 - 1) * HOUR
Q1_SECONDS = (90 * 24 - 1) * HOUR

MARCH = (
    # An hour of major outage on the API, and a partial outage overlapping its last half hour:
    # 10:00-11:00 major, then 11:00-12:00 partial (the overlap counts once, as major).
    resolved("a-major", "2026-03-10T10:00:00Z", "2026-03-10T11:00:00Z", "{api: major_outage}",
             extra="severity: sev1\n"),
    resolved("b-partial", "2026-03-10T10:30:00Z", "2026-03-10T12:00:00Z", "{api: partial_outage}",
             impact="minor"),
    # Started half an hour before April in Berlin (21:30 UTC, 23:30 local), ended in April:
    # it counts in March, and half its outage is March's.
    resolved("d-late", "2026-03-31T23:30:00+02:00", "2026-04-01T00:30:00+02:00", "{queue: major_outage}",
             impact="critical", extra="severity: sev2\n"),
    # Maintenance across the DST change: 00:30-02:30 UTC is two hours, whatever the wall clock says.
    incident("c-maint", "kind: maintenance\ntitle: M\nwindow: {start: '2026-03-29T00:30:00Z', "
                        "end: '2026-03-29T02:30:00Z'}\ncomponents: [db]\nupdates:\n"
                        "  - {at: '2026-03-29T02:30:00Z', status: completed, message: done}\n"
                        "  - {at: '2026-03-20T00:00:00Z', status: scheduled, message: soon}\n"),
)
APRIL_NOW = datetime(2026, 4, 15, 12, 0, tzinfo=UTC)


def reports_at(now: datetime, *incidents: m.Incident,
               internal: bool = False) -> tuple[Snapshot, dict[str, Report]]:
    snap = snapshot(repository(*incidents), now, internal=internal)
    found = {p.id: report(p, snap.entries, snap.config, now, snap.tz)
             for p in periods(snap.entries, snap.tz, now)}
    return snap, found


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-03", Period(2026, 3, PeriodKind.MONTH)),
    ("2026-12", Period(2026, 12, PeriodKind.MONTH)),
    ("2026-Q1", Period(2026, 1, PeriodKind.QUARTER)),
    ("2026-Q3", Period(2026, 7, PeriodKind.QUARTER)),
    (" 2026-Q4 ", Period(2026, 10, PeriodKind.QUARTER)),
    ("2026-13", None), ("2026-00", None), ("2026-Q5", None), ("2026-Q0", None), ("2026-3", None),
    ("26-03", None), ("2026-q1", None), ("0000-01", None), ("2026-03-01", None), ("", None),
])
def test_period_names(text: str, expected: Period | None) -> None:
    assert Period.parse(text) == expected
    if expected is not None:
        assert Period.parse(expected.id) == expected


@pytest.mark.parametrize(("period", "zone", "start", "end", "hours"), [
    ("2026-03", "Europe/Berlin", "2026-02-28T23:00:00+00:00", "2026-03-31T22:00:00+00:00", 31 * 24 - 1),
    ("2026-10", "Europe/Berlin", "2026-09-30T22:00:00+00:00", "2026-10-31T23:00:00+00:00", 31 * 24 + 1),
    ("2026-Q1", "America/New_York", "2026-01-01T05:00:00+00:00", "2026-04-01T04:00:00+00:00", 90 * 24 - 1),
    ("2025-Q4", "Europe/Berlin", "2025-09-30T22:00:00+00:00", "2025-12-31T23:00:00+00:00", 92 * 24 + 1),
    ("2025-12", "Pacific/Auckland", "2025-11-30T11:00:00+00:00", "2025-12-31T11:00:00+00:00", 31 * 24),
    ("2026-02", "UTC", "2026-02-01T00:00:00+00:00", "2026-03-01T00:00:00+00:00", 28 * 24),
])
def test_periods_are_cut_at_local_midnight(period: str, zone: str, start: str, end: str, hours: int) -> None:
    found = Period.parse(period)
    assert found is not None
    begins, ends = found.bounds(ZoneInfo(zone))
    assert (begins.isoformat(), ends.isoformat()) == (start, end)
    assert (ends - begins).total_seconds() == hours * HOUR


def test_march_by_hand() -> None:
    _, found = reports_at(APRIL_NOW, *MARCH)
    march = found["2026-03"]
    assert not march.in_progress and march.until == march.end
    figures = {f.component.id: f for f in march.components}
    api = figures["api"]
    assert (api.major_seconds, api.partial_seconds) == (HOUR, HOUR)
    assert api.uptime.ratio == pytest.approx(1 - (HOUR + 0.3 * HOUR) / MARCH_SECONDS, abs=1e-12)
    assert api.sla_met is False  # 99.825 % against 99.9 %
    db = figures["db"]
    assert (db.uptime.ratio, db.maintenance_seconds, db.sla_met) == (1.0, 2 * HOUR, True)
    queue = figures["queue"]
    assert queue.major_seconds == HOUR / 2
    assert queue.uptime.ratio == pytest.approx(1 - 1800 / MARCH_SECONDS, abs=1e-12)
    platform = figures["platform"]
    assert platform.uptime.ratio == pytest.approx((db.uptime.ratio + queue.uptime.ratio) / 2, abs=1e-12)
    assert platform.maintenance_seconds == 2 * HOUR and platform.sla_met is None
    assert [d.date for d in api.uptime.days] == [date(2026, 3, 1) + timedelta(days=n) for n in range(31)]
    assert [e.id for e in march.incidents] == ["a-major", "b-partial", "d-late"]
    page = march.page
    assert (page.count, page.resolved) == (3, 3)
    assert (page.mean_time_to_resolve, page.median_time_to_resolve) == (4200.0, 3600.0)
    assert dict(page.by_impact) == {m.Impact.NONE: 0, m.Impact.MINOR: 1, m.Impact.MAJOR: 1,
                                    m.Impact.CRITICAL: 1}
    assert page.by_severity == (("sev1", 1), ("sev2", 1), (NO_SEVERITY, 1))
    assert (api.incidents.count, queue.incidents.count, platform.incidents.count, db.incidents.count) == \
        (2, 1, 1, 0)
    assert [(t.entry.id, t.seconds) for t in march.maintenance] == [("c-maint", 2 * HOUR)]


def test_the_quarter_and_the_month_after() -> None:
    _, found = reports_at(APRIL_NOW, *MARCH)
    q1 = {f.component.id: f for f in found["2026-Q1"].components}
    assert q1["api"].uptime.ratio == pytest.approx(1 - (HOUR + 0.3 * HOUR) / Q1_SECONDS, abs=1e-12)
    assert found["2026-Q1"].page.count == 3
    april = found["2026-04"]
    assert april.in_progress and april.until == APRIL_NOW
    assert april.page.count == 0  # the late incident counts in March, where it started
    assert {f.component.id: f.major_seconds for f in april.components}["queue"] == HOUR / 2
    assert sorted(found) == ["2026-03", "2026-04", "2026-Q1", "2026-Q2"]


def test_a_year_end_incident_counts_in_the_year_it_started() -> None:
    late = resolved("nye", "2025-12-31T23:30:00+01:00", "2026-01-01T00:20:00+01:00", "{api: major_outage}")
    _, found = reports_at(datetime(2026, 1, 10, tzinfo=UTC), late)
    assert sorted(found) == ["2025-12", "2025-Q4", "2026-01", "2026-Q1"]
    assert [e.id for e in found["2025-12"].incidents] == ["nye"] == [e.id for e in found["2025-Q4"].incidents]
    assert found["2026-01"].incidents == () and found["2026-Q1"].incidents == ()
    december = {f.component.id: f for f in found["2025-12"].components}["api"]
    january = {f.component.id: f for f in found["2026-01"].components}["api"]
    assert (december.major_seconds, january.major_seconds) == (1800, 1200)
    assert found["2025-12"].page.mean_time_to_resolve == 50 * 60


def test_open_incidents_count_without_a_time_to_resolve() -> None:
    still = incident("open", "title: O\nimpact: minor\ncomponents: {api: partial_outage}\nupdates:\n"
                             "  - {at: '2026-04-15T11:00:00Z', status: investigating, message: look}\n")
    _, found = reports_at(APRIL_NOW, *MARCH, still)
    april = found["2026-04"]
    assert (april.page.count, april.page.resolved, april.page.mean_time_to_resolve) == (1, 0, None)
    api = {f.component.id: f for f in april.components}["api"]
    assert api.partial_seconds == HOUR  # up to now


def test_periods_follow_the_history_not_the_calendar() -> None:
    # Two incidents eight years apart: reports for the months and quarters they touch and the
    # current ones, not for the 100 months between them.
    old = resolved("old", "2018-05-02T10:00:00Z", "2018-05-02T11:00:00Z", "{api: major_outage}")
    new = resolved("new", "2026-04-02T10:00:00Z", "2026-04-02T11:00:00Z", "{api: major_outage}")
    snap = snapshot(repository(old, new), APRIL_NOW)
    assert [p.id for p in periods(snap.entries, snap.tz, APRIL_NOW)] == [
        "2026-04", "2026-Q2", "2018-05", "2018-Q2"]


def test_the_number_of_reports_grows_with_the_entries() -> None:
    many = tuple(resolved(f"i{n}", f"{2000 + n // 12}-{n % 12 + 1:02d}-03T10:00:00Z",
                          f"{2000 + n // 12}-{n % 12 + 1:02d}-03T11:00:00Z", "{api: major_outage}")
                 for n in range(0, 300, 7))
    snap = snapshot(repository(*many), APRIL_NOW)
    found = periods(snap.entries, snap.tz, APRIL_NOW)
    assert len(found) <= 2 * (2 * len(many) + 1)
    assert len({p.id for p in found if p.kind is PeriodKind.MONTH}) == len(many) + 1


def test_future_entries_and_drills_make_no_period_and_count_nowhere() -> None:
    later = incident("later", "kind: maintenance\ntitle: L\nwindow: {start: '2026-06-01T00:00:00Z', "
                              "end: '2026-06-01T02:00:00Z'}\ncomponents: [db]\nupdates:\n"
                              "  - {at: '2026-04-01T00:00:00Z', status: scheduled, message: soon}\n")
    drill = resolved("drill", "2026-02-10T10:00:00Z", "2026-02-10T11:00:00Z", "{api: major_outage}",
                     extra="mode: test\n")
    snap, found = reports_at(APRIL_NOW, later, drill, internal=True)
    assert snap.get("drill") is not None  # shown to the team, never counted
    assert sorted(found) == ["2026-04", "2026-Q2"]
    february = report(Period(2026, 2, PeriodKind.MONTH), snap.entries, snap.config, APRIL_NOW, snap.tz)
    assert february.page.count == 0 and all(f.uptime.ratio == 1.0 for f in february.components)


def test_internal_entries_count_only_in_the_internal_build() -> None:
    secret = resolved("secret", "2026-04-02T10:00:00Z", "2026-04-02T12:00:00Z", "{api: major_outage}",
                      extra="visibility: internal\n")
    _, public = reports_at(APRIL_NOW, secret)
    _, internal = reports_at(APRIL_NOW, secret, internal=True)
    assert public["2026-04"].page.count == 0
    assert internal["2026-04"].page.count == 1
    assert {f.component.id: f.major_seconds for f in internal["2026-04"].components}["api"] == 2 * HOUR


def test_a_report_is_the_uptime_bars_own_days() -> None:
    """Every day of March in the report is the bars' day of the same build: same figures,
    and the month's uptime is their total."""
    now = datetime(2026, 4, 20, tzinfo=UTC)
    snap, found = reports_at(now, *MARCH)
    march = found["2026-03"]
    for figures in march.components:
        bars = {d.date: d for d in snap.uptime[figures.component.id].days}
        assert len(figures.uptime.days) == 31
        for day in figures.uptime.days:
            assert day == bars[day.date], (figures.component.id, day.date)
        if not figures.component.is_group:
            seconds = sum((day_bounds(d.date, BERLIN)[1] - day_bounds(d.date, BERLIN)[0]).total_seconds()
                          for d in figures.uptime.days)
            assert seconds == MARCH_SECONDS
            down = sum(d.major_seconds + 0.3 * d.partial_seconds for d in figures.uptime.days)
            assert figures.uptime.ratio == pytest.approx(1 - down / seconds, abs=1e-12)


def test_the_period_in_progress_matches_a_bar_that_ends_today() -> None:
    snap, found = reports_at(APRIL_NOW, *MARCH)
    april = found["2026-04"]
    queue = next(f for f in april.components if f.component.id == "queue")
    spans = [s for e in snap.entries for s in e.spans if s.component == "queue"]
    bar = component_uptime(spans, 15, BERLIN, APRIL_NOW)
    assert queue.uptime.ratio == bar.ratio and queue.uptime.days == bar.days
