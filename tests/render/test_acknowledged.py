"""The acknowledgement in the internal build: started → acknowledged → resolved on the
incident's page, ``acknowledged_at``/``acknowledged_by`` in its JSON, the time to acknowledge
among its durations and in the reliability reports; none of it in the public build."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bs4 import BeautifulSoup

from statusgen.render.api import render_api
from statusgen.render.pages import render_pages
from statusgen.render.reports import render_reports
from tests.datasource import example_snapshot
from tests.helpers import REPO_ROOT

ID = "2026-11-22-api-latency"
"""The example's incident Priya Natarajan acknowledged at 06:03 UTC, 5 minutes after its
first update."""
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
THEMES = REPO_ROOT / "themes"


def page(internal: bool) -> BeautifulSoup:
    pages = render_pages(example_snapshot(internal=internal, now=NOW), THEMES)
    return BeautifulSoup(pages[f"incidents/{ID}/index.html"], "html.parser")


def test_the_internal_page_shows_started_acknowledged_and_who() -> None:
    when = page(True).select_one("dl.when")
    assert when is not None
    terms = [dt.get_text(" ", strip=True) for dt in when.select("dt")]
    assert terms[:2] == ["Started", "Acknowledged Internal"]
    acknowledged = when.select("dd")[1]
    assert acknowledged.time is not None and acknowledged.time["datetime"] == "2026-11-22T06:03:00+00:00"
    assert acknowledged.get_text(" ", strip=True).endswith("by Priya Natarajan")
    durations = [str(dt.contents[0]).strip() for dt in page(True).select("section dl.facts dt")]
    assert durations[0] == "Acknowledged after"


def test_the_public_page_knows_nothing_of_it() -> None:
    text = str(page(False))
    assert "Acknowledged" not in text and "Priya" not in text


def test_the_json_names_it_as_incident_tools_do() -> None:
    path = f"api/v2/incidents/{ID}.json"
    internal = json.loads(render_api(example_snapshot(internal=True, now=NOW))[path])["incident"]
    assert (internal["internal"]["acknowledged_at"], internal["internal"]["acknowledged_by"]) == \
        ("2026-11-22T07:03:00.000+01:00", "Priya Natarajan")
    metrics = {m["duration_metric"]["id"]: m["value_seconds"] for m in internal["duration_metrics"]}
    assert next(iter(metrics)) == "time_to_acknowledge" and metrics["time_to_acknowledge"] == 300
    public = json.loads(render_api(example_snapshot(now=NOW))[path])["incident"]
    assert "internal" not in public
    assert "time_to_acknowledge" not in {m["duration_metric"]["id"] for m in public["duration_metrics"]}


def test_the_reports_count_it_in_the_teams_build_only() -> None:
    internal = render_reports(example_snapshot(internal=True, now=NOW), THEMES)
    document = json.loads(internal["reports/2026-11.json"])
    assert document["incidents"]["acknowledged"] == 1
    assert document["incidents"]["mean_time_to_acknowledge_seconds"] == 300
    listed = {i["id"]: i for i in document["incident_list"]}
    assert listed[ID]["time_to_acknowledge_seconds"] == 300
    html = internal["reports/2026-11/index.html"].decode()
    assert "Acknowledged: 1. Mean time to acknowledge: 5 min." in html
    public = render_reports(example_snapshot(now=NOW), THEMES)
    assert b"acknowledge" not in b"".join(public.values()).lower()
