"""The snapshot carries every figure pages show, so render computes none of them."""

from __future__ import annotations

from statusgen import model as m
from statusgen.compute.feeds import LIMIT
from statusgen.compute.metrics import incident_metrics
from statusgen.compute.reports import all_reports
from statusgen.compute.snapshot import narrowed, snapshot
from tests.datasource import example_repository, example_snapshot
from tests.helpers import NOW


def test_each_entry_shows_its_levels_now_while_active_else_its_peak_and_its_metrics() -> None:
    snap = example_snapshot()
    assert snap.active, "the example has an open incident"
    for e in snap.entries:
        figures = snap.figures[e.id]
        assert figures.levels == (e.levels_at(snap.now) if e.active else e.peak())
        assert figures.metrics == incident_metrics(e, snap.config, snap.now)
        assert (figures.metrics is None) == (e.incident.kind is m.Kind.MAINTENANCE)


def test_the_reports_are_the_builds_computed_once_whatever_the_language() -> None:
    snap = example_snapshot()
    assert snap.reports == all_reports(snap.entries, snap.config, snap.now, snap.tz)
    assert {r.period.id for r in snap.reports} >= {"2026-11", "2026-Q4"}


def test_feeds_hold_the_newest_updated_first_the_page_then_every_component() -> None:
    snap = example_snapshot()
    (page, newest), *components = snap.feeds
    assert page is None and len(newest) <= LIMIT
    assert list(newest) == sorted(snap.entries, key=lambda e: (e.updated_at, e.id), reverse=True)
    assert [c for c, _ in components] == list(snap.config.walk())


def test_a_narrowed_snapshot_derives_its_figures_reports_and_feeds_again() -> None:
    snap = example_snapshot()
    one = snap.entries[-1]
    small = narrowed(snap, (one,), internal=False)
    assert set(small.figures) == {one.id}
    assert small.feeds[0] == (None, (one,))
    counted = {e.id for r in small.reports for e in r.figures.value.incidents}
    assert counted <= {one.id}


def test_what_shows_no_page_may_leave_the_reports_out() -> None:
    snap = snapshot(example_repository(), NOW, reports=False)
    assert snap.reports == () and narrowed(snap, snap.entries[:1], internal=False).reports == ()
    assert snap.figures == example_snapshot().figures
