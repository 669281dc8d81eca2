"""The reliability reports as a reader and a spreadsheet see them: pages, JSON and CSV, checked
against the uptime bars and the per-incident JSON of the same build."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from bs4 import BeautifulSoup

from statusgen import model as m
from statusgen.compute.reports import Revision
from statusgen.compute.snapshot import snapshot
from statusgen.render import paths
from statusgen.render.api import render_api
from statusgen.render.report_paths import report_data, reports_list, reports_page
from statusgen.render.reports import csv_columns, render_reports
from statusgen.source.parse import parse_config
from tests.datasource import example_repository, example_snapshot
from tests.render.test_pages import THEMES, example, section, soup_of, words

REVISION = Revision("0123456789abcdef0123456789abcdef01234567")


def example_reports(internal: bool = False) -> dict[str, bytes]:
    return render_reports(example_snapshot(internal=internal), THEMES, REVISION)


def document(outputs: dict[str, bytes], period: str) -> Any:
    return json.loads(outputs[report_data(period, "json")])


def table(outputs: dict[str, bytes], period: str) -> list[dict[str, str]]:
    text = outputs[report_data(period, "csv")].decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def figures(page: BeautifulSoup) -> dict[str, list[str]]:
    """The report table: each row's component and its cells."""
    return {words(tr.th): [words(td) for td in tr.find_all("td")]
            for tr in page.select("table.figures tbody tr") if tr.th is not None}


def test_every_period_has_a_page_json_and_csv_and_the_index_lists_them() -> None:
    outputs = example_reports()
    index = json.loads(outputs[reports_list()])
    ids = [r["id"] for r in index["reports"]]
    assert ids == ["2026-11", "2026-10", "2026-Q4", "2025-06", "2025-Q2"]
    for period in ids:
        assert {reports_page(period), report_data(period, "json"), report_data(period, "csv")} <= set(outputs)
    assert set(outputs) == {reports_page(), reports_list(), *(reports_page(p) for p in ids),
                            *(report_data(p, ext) for p in ids for ext in ("json", "csv"))}
    assert index["reports"][0]["csv"] == "https://status.acme.example/reports/2026-11.csv"


def test_the_csv_opens_with_pythons_csv_reader_and_says_what_the_json_says() -> None:
    outputs = example_reports()
    snap = example_snapshot()
    rows = table(outputs, "2026-11")
    doc = document(outputs, "2026-11")
    assert list(rows[0]) == csv_columns(snap.config.incident_fields)
    assert [r["component_id"] for r in rows] == [
        *(c.id for c in snap.config.walk() if not c.retired), "page"]  # retired: no entry this month
    for row, component in zip(rows, doc["components"], strict=False):
        assert row["uptime_percent"] == component["uptime_percent"]
        assert int(row["major_outage_seconds"]) == component["major_outage_seconds"]
        assert int(row["partial_outage_seconds"]) == component["partial_outage_seconds"]
        assert int(row["incidents"]) == component["incidents"]["count"]
    api = rows[1]
    assert (api["sla_percent"], api["sla_met"]) == ("99.9", "false")
    page = rows[-1]
    assert (page["incidents"], page["incidents_critical"], page["incidents_sev1"], page["resolved"]) == \
        ("4", "1", "1", "3")
    assert page["uptime_percent"] == ""


def test_anyone_can_recompute_a_components_uptime_from_the_json() -> None:
    for period in ("2026-11", "2026-10", "2026-Q4", "2025-06"):
        doc = document(example_reports(), period)
        weight = doc["method"]["weights"]["partial_outage"]
        for component in doc["components"]:
            if component["is_group"]:
                members = [c for c in doc["components"] if c["group"] == component["id"]]
                expected = sum(c["uptime_ratio"] for c in members) / len(members)
            else:
                down = component["major_outage_seconds"] + weight * component["partial_outage_seconds"]
                expected = 1 - down / component["elapsed_seconds"]
            assert component["uptime_ratio"] == pytest.approx(expected, abs=1e-9), (period, component["id"])


def test_reports_agree_with_the_uptime_bars_of_the_same_build() -> None:
    """A month inside the bars' 90 days: its uptime is the bars' days of that month, put
    together (each day's seconds from the bars' own figures)."""
    snap = example_snapshot()
    doc = document(example_reports(), "2026-10")
    for component in doc["components"]:
        days = [d for d in snap.uptime[component["id"]].days if (d.date.year, d.date.month) == (2026, 10)]
        assert len(days) == 31
        assert component["major_outage_seconds"] == round(sum(d.major_seconds for d in days))
        assert component["partial_outage_seconds"] == round(sum(d.partial_seconds for d in days))
        if not component["is_group"]:
            down = sum(d.major_seconds + 0.3 * d.partial_seconds for d in days)
            assert component["uptime_ratio"] == pytest.approx(1 - down / component["elapsed_seconds"],
                                                              abs=1e-12)


def test_reports_agree_with_the_per_incident_json_of_the_same_build() -> None:
    snap = example_snapshot()
    api = render_api(snap)
    checked = 0
    for period in ("2026-11", "2026-Q4", "2025-06"):
        for item in document(example_reports(), period)["incident_list"]:
            own = json.loads(api[f"api/v2/incidents/{item['id']}.json"])["incident"]
            metrics = {m["duration_metric"]["id"]: m["value_seconds"] for m in own["duration_metrics"]}
            assert item["time_to_resolve_seconds"] == metrics["time_to_resolve"]
            assert (item["reference"], item["started_at"], item["resolved_at"]) == \
                (own["reference"], own["started_at"], own["resolved_at"])
            checked += 1
    assert checked == 10


def test_the_report_names_its_commit_and_rules() -> None:
    doc = document(example_reports(), "2026-11")
    assert doc["source"] == {"commit": REVISION.commit, "uncommitted_changes": False,
                             "statusgen": doc["source"]["statusgen"], "build": "public"}
    assert doc["method"]["days_cut_in"] == "Europe/Berlin"
    assert doc["method"]["weights"]["major_outage"] == 1.0
    assert doc["period"] == {"id": "2026-11", "kind": "month", "label": "November 2026",
                             "start": "2026-11-01T00:00:00.000+01:00", "end": "2026-12-01T00:00:00.000+01:00",
                             "until": "2026-11-22T10:00:00.000+01:00", "in_progress": True}
    page = BeautifulSoup(example_reports()[reports_page("2026-11")], "html.parser")
    method = words(section(page, "How these figures are computed"))
    assert "from commit 0123456789ab" in method
    assert "statusgen report --period 2026-11 --at 0123456789ab" in method
    assert "so far" in method


def test_the_page_shows_the_figures() -> None:
    page = BeautifulSoup(example_reports()[reports_page("2026-11")], "html.parser")
    h1 = page.find("h1")
    assert h1 is not None and words(h1) == "Reliability report: November 2026"
    rows = figures(page)
    assert rows["Public API"][:2] == ["99.86%", "99.9% Below target so far"]
    assert rows["Login and SSO"][0] == "100.00%"
    assert len(rows) == 10
    incidents = words(section(page, "Incidents"))
    assert "3 of 4 resolved." in incidents
    assert "Database unavailable in the EU region INC-3 Critical impact" in incidents
    assert "Resolved in 2 h 20 min" in incidents
    assert "Object storage hardware refresh" in words(section(page, "Maintenance"))
    links = {str(a["href"]) for a in page.find_all("a")}
    assert {"../2026-11.json", "../2026-11.csv", "../2026-Q4/index.html"} <= links
    assert "Last updated 22 Nov 2026, 10:00 CET" in words(page.find("footer"))  # type: ignore[arg-type]


def test_an_ended_period_says_met_or_missed_and_does_not_move_with_the_clock() -> None:
    a = render_reports(snapshot(example_repository(), datetime(2026, 12, 20, tzinfo=UTC)), THEMES, REVISION)
    b = render_reports(snapshot(example_repository(), datetime(2027, 2, 1, tzinfo=UTC)), THEMES, REVISION)
    assert a[report_data("2026-11", "json")] == b[report_data("2026-11", "json")]
    assert a[report_data("2026-11", "csv")] == b[report_data("2026-11", "csv")]
    page = BeautifulSoup(a[reports_page("2026-11")], "html.parser")
    other = BeautifulSoup(b[reports_page("2026-11")], "html.parser")
    assert page.select("main section") == other.select("main section")  # only the periods' links grow
    rows = figures(page)
    assert rows["Public API"][1] == "99.9% Met"  # 99.86 % after 22 days, 99.90 % over the month
    assert "Last updated" not in words(page.find("footer"))  # type: ignore[arg-type]


def in_language(tag: str) -> dict[str, bytes]:
    """The example's reports for a page in ``tag``."""
    snap = example_snapshot()
    page = dataclasses.replace(snap.page, language=tag)
    return render_reports(dataclasses.replace(snap, config=dataclasses.replace(snap.config, page=page)),
                          THEMES, REVISION)


def test_a_german_page_s_reports_are_in_german_and_their_data_the_same_in_every_language() -> None:
    german, english = in_language("de"), example_reports()
    data = [name for name in english if name.endswith((".json", ".csv"))]
    assert data and all(german[name] == english[name] for name in data)  # for programs: English
    page = BeautifulSoup(german[reports_page("2026-11")], "html.parser")
    assert words(page.find("h1")) == "Zuverlässigkeitsbericht: November 2026"  # type: ignore[arg-type]
    rows = figures(page)
    assert rows["Public API"][:2] == ["99,86 %", "99,9 % Bisher unter dem Ziel"]  # spaces: no-break
    assert rows["Login and SSO"][1:4] == ["—", "keine", "keine"]
    incidents = words(section(page, "Störungen"))
    assert "3 von 4 behoben." in incidents and "Behoben nach 2 Std. 20 Min." in incidents
    assert "Noch nicht behoben" in incidents
    assert "1 Std. 41 Min. in diesem Zeitraum" in words(section(page, "Wartung"))
    method = words(section(page, "Wie diese Zahlen berechnet werden"))
    assert "+ 0,3 × Sekunden mit teilweisem Ausfall" in method  # noqa: RUF001 (the times sign)
    assert "aus Commit 0123456789ab." in method
    assert page.select_one("#method-h ~ ul code") is not None
    assert "Zuletzt aktualisiert: 22. Nov. 2026, 10:00 MEZ" in words(page.find("footer"))  # type: ignore[arg-type]
    index = BeautifulSoup(german[reports_page()], "html.parser")
    # Each page lists every year, and the months and quarters of its own year.
    navs = [[words(a) for a in nav.select("a")] for nav in index.select("nav.periods")]
    assert navs[0] == ["2026", "2025"] and navs[-1] == ["Q4 2026"]
    older = BeautifulSoup(german[reports_page("2025-06")], "html.parser")
    assert [[words(a) for a in nav.select("a")] for nav in older.select("nav.periods")][-1] == \
        ["Q2 2025"]


@pytest.mark.parametrize(("tag", "quarter", "target"), [
    ("fr", "T4 2026", "99,9 %"), ("zh-Hans", "2026年第4季度", "99.9%"),
    ("ar-EG", "الربع الرابع ٢٠٢٦", "٩٩٫٩٪\u061c"),  # noqa: RUF001 (Arabic-Indic digits and signs)
])
def test_quarters_and_targets_as_each_language_writes_them(tag: str, quarter: str, target: str) -> None:
    page = BeautifulSoup(in_language(tag)[reports_page("2026-Q4")], "html.parser")
    assert quarter in words(page.find("h1"))  # type: ignore[arg-type]
    assert figures(page)["Public API"][1].startswith(target)


def test_the_history_links_the_reports() -> None:
    _, pages = example()
    history = soup_of(pages, paths.history_page())
    link = next(a for a in history.find_all("a") if words(a) == "Reliability reports")
    assert link["href"] == "../reports/index.html"
    index = soup_of(pages, reports_page())
    assert words(index.find("h1")) == "Reliability reports"  # type: ignore[arg-type]
    assert "Showing November 2026, the latest month" in words(index)


def test_internal_entries_count_only_in_the_internal_reports() -> None:
    public = document(example_reports(), "2026-11")
    internal = document(example_reports(internal=True), "2026-11")
    ids = {i["id"] for i in public["incident_list"]}
    assert "2026-11-15-billing-export" not in ids and "2026-11-20-failover-drill" not in ids
    assert {i["id"] for i in internal["incident_list"]} == ids | {"2026-11-15-billing-export"}
    assert internal["source"]["build"] == "internal"


def test_a_spreadsheet_never_reads_a_name_as_a_formula() -> None:
    config, problems = parse_config(b"""\
page: {title: "=HYPERLINK(\\"https://evil.example\\")", url: "https://t.example/"}
components:
  - {id: a, name: "=1+1"}
  - {id: b, name: "+cmd|' /C calc'!A0"}
  - {id: c, name: "@SUM(A1)"}
  - {id: d, name: "-2"}
  - {id: e, name: "Plain, with a comma"}
""")
    assert config is not None, problems
    snap = snapshot(m.Repository(config=config, incidents=(), files=1), example_snapshot().now)
    rows = table(render_reports(snap, THEMES), "2026-11")
    assert [r["component"] for r in rows] == ["'=1+1", "'+cmd|' /C calc'!A0", "'@SUM(A1)", "'-2",
                                              "Plain, with a comma", "'=HYPERLINK(\"https://evil.example\")"]


def test_a_retired_component_is_in_the_figures_of_the_periods_its_entries_are_in() -> None:
    assert "Legacy API (v1)" not in figures(BeautifulSoup(example_reports()[reports_page("2026-11")],
                                                          "html.parser"))
    assert "Legacy API (v1)" in figures(BeautifulSoup(example_reports()[reports_page("2025-06")],
                                                      "html.parser"))
