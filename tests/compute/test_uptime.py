"""Weighted uptime: Statuspage's weights, overlaps counted once, days cut in the page's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statusgen import model as m
from statusgen.compute.status import Span
from statusgen.compute.uptime import Uptime, component_uptime, day_bounds, group_uptime

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 22, 23, 0, tzinfo=UTC)  # 00:00 on the 23rd in Berlin


def span(level: m.Level, start: datetime, minutes: float | None, entry: str = "e") -> Span:
    end = None if minutes is None else start + timedelta(minutes=minutes)
    return Span("api", level, start, end, entry)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def day_of(uptime: Uptime, when: date) -> float:
    return next(d.uptime for d in uptime.days if d.date == when)


MINUTES_PER_DAY = 24 * 60


@pytest.mark.parametrize(("spans", "down_minutes"), [
    ([], 0),
    ([span(m.Level.MAJOR_OUTAGE, at(20, 10), 60)], 60),
    ([span(m.Level.PARTIAL_OUTAGE, at(20, 10), 100)], 30),
    ([span(m.Level.DEGRADED_PERFORMANCE, at(20, 10), 600)], 0),
    ([span(m.Level.UNDER_MAINTENANCE, at(20, 10), 600)], 0),
    # Two incidents over the same hour count it once.
    ([span(m.Level.MAJOR_OUTAGE, at(20, 10), 60, "a"),
      span(m.Level.MAJOR_OUTAGE, at(20, 10, 30), 60, "b")], 90),
    # Where major and partial overlap, the overlap counts as major only.
    ([span(m.Level.MAJOR_OUTAGE, at(20, 10), 60, "a"),
      span(m.Level.PARTIAL_OUTAGE, at(20, 10), 120, "b")], 60 + 0.3 * 60),
])
def test_weighted_day(spans: list[Span], down_minutes: float) -> None:
    uptime = component_uptime(spans, 5, UTC, NOW)
    assert day_of(uptime, date(2026, 11, 20)) == pytest.approx(1 - down_minutes / MINUTES_PER_DAY)


def test_days_are_cut_in_the_page_zone() -> None:
    # 23:30 UTC on the 19th is 00:30 on the 20th in Berlin.
    uptime = component_uptime([span(m.Level.MAJOR_OUTAGE, at(19, 23, 30), 60)], 5, BERLIN, NOW)
    assert day_of(uptime, date(2026, 11, 20)) == pytest.approx(1 - 60 / MINUTES_PER_DAY)
    assert day_of(uptime, date(2026, 11, 19)) == 1.0
    assert [d.date for d in uptime.days][-1] == date(2026, 11, 23)


def test_dst_days_have_their_real_length() -> None:
    start, end = day_bounds(date(2026, 10, 25), BERLIN)
    assert end - start == timedelta(hours=25)
    start, end = day_bounds(date(2026, 3, 29), BERLIN)
    assert end - start == timedelta(hours=23)
    now = datetime(2026, 10, 27, 12, 0, tzinfo=UTC)
    outage = Span("api", m.Level.MAJOR_OUTAGE, datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
                  datetime(2026, 10, 25, 2, 15, tzinfo=UTC), "e")
    uptime = component_uptime([outage], 5, BERLIN, now)
    assert day_of(uptime, date(2026, 10, 25)) == pytest.approx(1 - 75 / (25 * 60))


def test_an_open_incident_counts_until_now_and_today_counts_its_elapsed_part() -> None:
    now = at(22, 12)
    uptime = component_uptime([span(m.Level.MAJOR_OUTAGE, at(22, 6), None)], 3, UTC, now)
    assert day_of(uptime, date(2026, 11, 22)) == pytest.approx(0.5)
    assert uptime.days[-1].level is m.Level.MAJOR_OUTAGE
    assert uptime.days[-1].entries == ("e",)


def test_window_ratio_and_percent_never_round_up_to_100() -> None:
    uptime = component_uptime([span(m.Level.MAJOR_OUTAGE, at(20, 10), 1)], 90, UTC, at(22, 0))
    assert uptime.ratio < 1.0
    assert uptime.percent == "99.99"
    assert len(uptime.days) == 90
    assert component_uptime([], 90, UTC, at(22, 0)).percent == "100.00"


def test_spans_outside_the_window_are_ignored() -> None:
    old = span(m.Level.MAJOR_OUTAGE, datetime(2025, 1, 1, tzinfo=UTC), 600)
    assert component_uptime([old], 90, UTC, NOW).ratio == 1.0


def test_group_is_the_mean_of_members_and_their_worst_level() -> None:
    down = component_uptime([span(m.Level.MAJOR_OUTAGE, at(20, 0), 720)], 3, UTC, NOW)
    fine = component_uptime([], 3, UTC, NOW)
    group = group_uptime([down, fine])
    assert day_of(group, date(2026, 11, 20)) == pytest.approx(0.75)
    assert group.days[0].level is m.Level.MAJOR_OUTAGE


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(list(m.Level)), st.integers(0, 3 * MINUTES_PER_DAY),
                          st.one_of(st.none(), st.integers(0, 2 * MINUTES_PER_DAY))), max_size=8),
       st.sampled_from(["UTC", "Europe/Berlin", "America/Santiago"]))
def test_weighted_minutes_equal_a_minute_by_minute_count(
        raw: list[tuple[m.Level, int, int | None]], zone: str) -> None:
    # An oracle that shares no code with the sweep: look at every minute, take the worst weight.
    tz = ZoneInfo(zone)
    now = datetime(2026, 11, 22, 13, 0, tzinfo=UTC)
    origin = now - timedelta(days=3)
    spans = [span(level, origin + timedelta(minutes=start), minutes) for level, start, minutes in raw]
    uptime = component_uptime(spans, 4, tz, now)
    for day in uptime.days:
        start, end = day_bounds(day.date, tz)
        major = partial = 0
        minute = start
        while minute < min(end, now):
            covering = [s.level for s in spans
                        if s.start <= minute and (s.end is None or minute < s.end)]
            if m.Level.MAJOR_OUTAGE in covering:
                major += 60
            elif m.Level.PARTIAL_OUTAGE in covering:
                partial += 60
            minute += timedelta(minutes=1)
        assert (day.major_seconds, day.partial_seconds) == (major, partial), day.date
