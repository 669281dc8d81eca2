"""A component's ``start_date`` (no uptime before it) and ``only_show_if_degraded``, on the
page, the bars and the API as Statuspage names them."""

from __future__ import annotations

import json
from datetime import date

from bs4 import BeautifulSoup

from statusgen.compute.snapshot import snapshot
from statusgen.render.api import render_api
from statusgen.render.bar import NO_DATA
from tests.conftest import StatusRepo
from tests.datasource import errors
from tests.helpers import COMPONENTS, INCIDENT, NOW, REPO_ROOT, incident
from tests.notify.repos import repository

DISPLAY = COMPONENTS.replace("  - id: api\n    name: API\n",
                             "  - id: api\n    name: API\n    start_date: 2026-11-20\n"
                             "  - id: search\n    name: Search\n    only_show_if_degraded: true\n")
"""The test components with ``api`` in service since 20 November (two days before ``NOW``)
and ``search`` shown only when degraded."""

OUTAGE = incident("  api: partial_outage\n", "  api: major_outage\n  search: major_outage\n",
                  INCIDENT.replace("2026-11-22T08:00:00Z", "2026-11-19T09:00:00Z")
                  .replace("investigating", "resolved\n    message: Fixed.\n  - at: "
                           "2026-11-19T08:00:00Z\n    status: investigating"))


def test_no_uptime_is_counted_before_the_start_date(status_repo: StatusRepo) -> None:
    root = status_repo({"components.yml": DISPLAY, "incidents/a.md": OUTAGE})
    snap = snapshot(repository(root), NOW)
    api = snap.uptime["api"]
    before = [d for d in api.days if d.date < date(2026, 11, 20)]
    assert before and not any(d.counted for d in before)
    assert all(d.counted for d in api.days if d.date >= date(2026, 11, 20))
    # The hour of major outage on the 19th was before it: 100 %, though the entry touched it.
    assert api.ratio == 1.0
    assert snap.uptime["search"].ratio < 1.0
    assert not [d for d in snap.uptime["search"].days if not d.counted]


def test_the_bar_shows_no_data_before_the_start_date(status_repo: StatusRepo) -> None:
    from statusgen.render.bar import uptime_bar
    from statusgen.render.i18n import translator

    root = status_repo({"components.yml": DISPLAY, "incidents/a.md": OUTAGE})
    snap = snapshot(repository(root), NOW)
    bar = uptime_bar(snap, snap.uptime["api"], translator("en"))
    first, *rest = bar.runs
    assert first.level == NO_DATA and first.days == 87 and first.label.endswith(": no data")
    assert [r.level for r in rest] == ["operational"]
    german = uptime_bar(snap, snap.uptime["api"], translator("de")).runs[0].label
    assert german.endswith(": keine Daten")


def test_only_show_if_degraded_leaves_the_component_off_the_front_page_while_operational(
        status_repo: StatusRepo) -> None:
    from statusgen.render.pages import render_pages

    open_outage = incident("  api: partial_outage\n", "  search: degraded_performance\n")
    for files, shown in (({}, False), ({"incidents/a.md": open_outage}, True)):
        root = status_repo({"components.yml": DISPLAY, **files})
        snap = snapshot(repository(root), NOW)
        assert ("search" in snap.quiet) is not shown
        front = BeautifulSoup(render_pages(snap, REPO_ROOT / "themes")["index.html"], "html.parser")
        names = [a.get_text(strip=True) for a in front.select(".c-name")]
        assert ("Search" in names) is shown and "API" in names
        assert "components/search/index.html" in render_pages(snap, REPO_ROOT / "themes")


def test_the_api_says_both_as_statuspage_names_them(status_repo: StatusRepo) -> None:
    root = status_repo({"components.yml": DISPLAY})
    snap = snapshot(repository(root), NOW)
    doc = json.loads(render_api(snap)["api/v2/components.json"])
    assert not errors("components", doc)
    found = {c["id"]: c for c in doc["components"]}
    assert found["api"]["start_date"] == "2026-11-20"
    assert found["search"]["only_show_if_degraded"] is True
    assert found["db"]["start_date"] is None and found["db"]["only_show_if_degraded"] is False


def test_the_reports_count_no_uptime_before_the_start_date(status_repo: StatusRepo) -> None:
    root = status_repo({"components.yml": DISPLAY, "incidents/a.md": OUTAGE})
    november = next(r for r in snapshot(repository(root), NOW).reports
                    if r.period.id == "2026-11").figures.value
    figures = {f.component.id: f for f in november.components}
    assert figures["api"].uptime.ratio == 1.0 and figures["search"].uptime.ratio < 1.0
