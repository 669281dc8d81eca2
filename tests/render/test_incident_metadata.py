"""What readers see of an incident's metadata: reference, severity, facts and duration metrics on
its page and in every list, the same figures in its JSON, private facts only in the team's
build and marked there."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from statusgen.compute.snapshot import entry_figures
from statusgen.compute.status import entry
from statusgen.render import paths
from statusgen.render.api import render_api
from statusgen.render.entries import entry_line, entry_view, facts
from statusgen.render.i18n import translator
from statusgen.render.report_paths import reports_page
from tests.datasource import example_snapshot
from tests.helpers import REPO_ROOT, copy_example
from tests.render.test_pages import DB_OUTAGE, example, section, soup_of, words

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "incident_io"
API = f"api/v2/incidents/{DB_OUTAGE}.json"

ENGLISH = translator("en")


def db_page(internal: bool = False) -> BeautifulSoup:
    _, pages = example(internal)
    return soup_of(pages, paths.incident_page(DB_OUTAGE))


def facts_of(page: BeautifulSoup) -> dict[str, str]:
    found = section(page, "Details").find("dl")
    assert found is not None
    return {words(div.find("dt")): words(div.find("dd")) for div in found.find_all("div")}  # type: ignore[arg-type]


def test_the_page_names_the_reference_and_severity_and_shows_the_public_facts() -> None:
    page = db_page()
    kicker = page.select_one(".kicker")
    assert kicker is not None and words(kicker) == "Incident INC-3"
    assert "Severity: Critical" in [words(t) for t in page.select(".tags .tag")]
    assert facts_of(page) == {
        "Impact started": "3 Nov 2026, 15:00 CET", "Detected": "3 Nov 2026, 15:01 CET",
        "Mitigated": "3 Nov 2026, 16:05 CET", "Region": "eu", "Post-mortem": "Read the post-mortem"}
    link = section(page, "Details").find("a")
    assert link is not None
    assert link["href"] == "https://docs.acme.example/postmortems/2026-11-03-database-outage"
    assert "noopener" in link["rel"]
    text = words(page)
    for private in ("Dana Ruiz", "Sam Okafor", "OPS-229", "1840", "Internal", "Team", "Lead"):
        assert private not in text


def test_the_page_shows_how_long_it_took() -> None:
    durations = section(db_page(), "How long it took")
    text = words(durations)
    # First report 14:02 UTC, impact from 14:00; identified 14:31, mitigated (recorded) 15:05,
    # resolved 16:20: each duration says which start it counts from.
    for said in ("Duration from the first report to resolution 2 h 18 min",
                 "Identified after from the start of impact 31 min",
                 "Mitigated after from the start of impact 1 h 5 min",
                 "Resolved in from the start of impact 2 h 20 min"):
        assert said in text
    # Time at each level: a row per component, its levels inside, worst first.
    levels = section(db_page(), "How long it took").select("h3 + ul.levels > li")
    assert [words(li) for li in levels] == [
        "Website Partial outage 1 h 3 min",
        "Public API Major outage 29 min Partial outage 34 min Degraded performance 1 h 15 min",
        "Database Major outage 1 h 3 min Degraded performance 1 h 15 min"]


def test_the_updates_come_before_the_durations_and_details() -> None:
    headings = [words(h) for h in db_page().select("main h2")]
    assert headings == ["Affected components", "Updates", "How long it took", "Details", "Post-mortem"]


def test_the_internal_page_shows_the_private_facts_marked() -> None:
    page = db_page(internal=True)
    shown = facts_of(page)
    assert shown["Lead Internal"] == "Dana Ruiz" and shown["Communications Internal"] == "Sam Okafor"
    assert shown["Team Internal"] == "platform" and shown["Customers affected Internal"] == "1840"
    assert shown["Follow-up ticket Internal"] == "https://tracker.acme.example/browse/OPS-2290"
    assert shown["Region"] == "eu"  # public: not marked
    marked = page.select(".facts .is-internal")
    assert len(marked) == 6 and all(div.select_one(".tag-internal") for div in marked)
    assert "Only the team's internal build shows the facts marked Internal" in words(page)


def test_every_list_names_the_reference_and_the_severity() -> None:
    _, pages = example()
    for output in ("index.html", paths.history_page(2026), paths.component_page("api"),
                   reports_page("2026-11")):
        lines = soup_of(pages, output).select("li.line")
        references = [words(ref) for line in lines for ref in line.select(".meta .ref")]
        severities = [words(tag) for line in lines for tag in line.select(".tag-sev")]
        assert references and all(r.startswith("INC-") for r in references), output
        assert set(severities) <= {"Severity: Critical", "Severity: Major", "Severity: Minor"} \
            and severities, output


def test_the_json_gives_the_same_figures_in_seconds() -> None:
    doc = json.loads(render_api(example_snapshot())[API])
    incident = doc["incident"]
    assert incident["reference"] == "INC-3"
    assert incident["severity"] == {"id": "sev1", "name": "Critical", "rank": 1}
    assert incident["postmortem_document_url"] == \
        "https://docs.acme.example/postmortems/2026-11-03-database-outage"
    assert [(t["id"], t["value"]) for t in incident["timestamps"]] == [
        ("impact_started", "2026-11-03T15:00:00.000+01:00"), ("detected", "2026-11-03T15:01:00.000+01:00"),
        ("mitigated", "2026-11-03T16:05:00.000+01:00")]
    assert incident["custom_fields"] == [{"id": "region", "name": "Region", "type": "multi_select",
                                          "values": ["eu"]}]
    assert {m["duration_metric"]["id"]: m["value_seconds"] for m in incident["duration_metrics"]} == {
        "time_to_identify": 31 * 60, "time_to_mitigate": 65 * 60, "time_to_resolve": 140 * 60}
    assert {(i["component"]["id"], i["level"]): i["seconds"] for i in incident["component_impact"]} == {
        ("website", "partial_outage"): 63 * 60, ("api", "major_outage"): 29 * 60,
        ("api", "partial_outage"): 34 * 60, ("api", "degraded_performance"): 75 * 60,
        ("db", "major_outage"): 63 * 60, ("db", "degraded_performance"): 75 * 60}
    assert "internal" not in incident
    text = json.dumps(doc)
    for private in ("Dana Ruiz", "OPS-229", "1840"):
        assert private not in text


def test_the_internal_json_says_what_is_internal() -> None:
    incident = json.loads(render_api(example_snapshot(internal=True))[API])["incident"]
    assert incident["internal"] == {
        "roles": [{"role": "lead", "person": "Dana Ruiz", "description": "Coordinates the response",
                   "required": False},
                  {"role": "communications", "person": "Sam Okafor", "description": "", "required": False}],
        "custom_fields": [
            {"id": "team", "name": "Team", "type": "single_select", "values": ["platform"],
             "description": "", "options": [{"value": v, "sort_key": None}
                                            for v in ("payments", "platform", "growth")]},
            {"id": "customers_affected", "name": "Customers affected", "type": "number", "values": ["1840"],
             "description": "", "options": []},
            {"id": "ticket", "name": "Ticket", "type": "link",
             "values": ["https://tracker.acme.example/browse/OPS-2291"], "description": "", "options": []}],
        "external_issue_url": "https://tracker.acme.example/browse/OPS-2290",
        "creator": {"user": {"id": None, "name": "Dana Ruiz"}},
        "call_url": "https://meet.acme.example/inc-3",
        "debrief_url": "https://docs.acme.example/debriefs/inc-3",
        "external_issue_reference": {"provider": "jira", "issue_name": "OPS-2290",
                                     "issue_permalink": "https://tracker.acme.example/browse/OPS-2290"},
        "follow_ups": [
            {"title": "Alert on replication lag", "owner": "Sam Okafor", "status": "completed",
             "link": "https://tracker.acme.example/browse/OPS-2292"},
            {"title": "Rehearse the failover every quarter", "owner": "Dana Ruiz",
             "status": "outstanding", "link": None}],
        "acknowledged_at": None, "acknowledged_by": None}


def test_the_internal_json_describes_the_declarations_as_incident_io_does() -> None:
    incident = json.loads(render_api(example_snapshot(internal=True))[API])["incident"]
    assert incident["severity"] == {"id": "sev1", "name": "Critical", "rank": 1,
                                    "description": "Customers cannot use a core feature"}
    assert incident["custom_fields"] == [{
        "id": "region", "name": "Region", "type": "multi_select", "values": ["eu"],
        "description": "Where affected customers are",
        "options": [{"value": "eu", "sort_key": 1}, {"value": "us", "sort_key": 2},
                    {"value": "ap", "sort_key": None}]}]


def test_the_declarations_descriptions_stay_in_the_teams_build() -> None:
    text = b"".join(render_api(example_snapshot()).values()).decode()
    for internal in ("Customers cannot use a core feature", "Where affected customers are",
                     "Coordinates the response", "sort_key"):
        assert internal not in text


def test_the_lists_keep_statuspages_objects_as_they_were() -> None:
    api = render_api(example_snapshot())
    listed = json.loads(api["api/v2/incidents.json"])["incidents"]
    own = json.loads(api[API])["incident"]
    mine = next(i for i in listed if i["id"] == DB_OUTAGE)
    assert list(own)[:len(mine)] == list(mine) and all(own[k] == mine[k] for k in mine)
    assert "duration_metrics" not in mine


def _properties(name: str) -> dict[str, str]:
    """The property table of one of incident.io's documented objects: name → type."""
    text = (FIXTURES / f"{name}.md").read_text(encoding="utf-8")
    return {found.group(1): found.group(2)
            for found in re.finditer(r"^\| \*\*(\w+)\*\* \| \[?\*\*(\w+)\*\*", text, re.MULTILINE)}


PYTHON_TYPES = {"String": str, "Integer": int}


def test_duration_metrics_have_incident_ios_shape() -> None:
    outer = _properties("IncidentDurationMetricWithValueV2")
    inner = _properties("IncidentDurationMetricV2")
    assert outer == {"duration_metric": "IncidentDurationMetricV2", "value_seconds": "Integer"}
    documents = [json.loads(data) for path, data in render_api(example_snapshot()).items()
                 if path.startswith("api/v2/incidents/")]
    incidents = [doc["incident"] for doc in documents if "incident" in doc]
    metrics = [m for i in incidents for m in i["duration_metrics"]]
    assert metrics
    for metric in metrics:
        assert set(metric) == set(outer)
        assert metric["value_seconds"] is None or isinstance(metric["value_seconds"], int)
        assert set(metric["duration_metric"]) == set(inner)
        assert all(isinstance(metric["duration_metric"][k], PYTHON_TYPES[t]) for k, t in inner.items())


def test_severity_is_a_part_of_incident_ios_severity() -> None:
    theirs = _properties("SeverityV2")
    ours = json.loads(render_api(example_snapshot())[API])["incident"]["severity"]
    assert set(ours) <= set(theirs)
    assert all(isinstance(value, PYTHON_TYPES[theirs[key]]) for key, value in ours.items())


@pytest.mark.parametrize("url", ["javascript:alert(1)", "java\tscript:alert(1)", "data:text/html,x",
                                 "//evil.example/", "https://", "https://u:p@evil.example/"])
def test_a_link_the_rules_refuse_never_becomes_a_link(url: str) -> None:
    """Should an unchecked incident reach the renderer, its links are judged again."""
    snap = example_snapshot(internal=True)
    incident = replace(snap.by_id[DB_OUTAGE].incident, postmortem_url=url, external_issue=url)
    found = facts(incident, snap.config.incident_fields, snap.tz, ENGLISH)
    assert all(f.href != url for f in found)
    assert not any(f.label in ("Post-mortem", "Follow-up ticket") for f in found)
    e = entry(incident, snap.config, snap.now)
    view = entry_view(e, entry_figures(e, snap.config, snap.now), snap.config, snap.now,
                      paths.incident_page(DB_OUTAGE), snap.by_id, ENGLISH, body=True)
    assert all(f.href is None or f.href.startswith("https://") for f in view.facts)


def test_nothing_private_is_in_any_public_output_of_the_example(tmp_path: Path) -> None:
    from statusgen.commands.cli import main
    from tests.helpers import copy_example

    root = copy_example(tmp_path)
    assert main(["build", "--root", str(root), "--now", "2026-11-22T09:00:00Z", "--no-cache"]) == 0
    everything = b"".join(p.read_bytes() for p in sorted((root / "site").rglob("*")) if p.is_file())
    for private in (b"Dana Ruiz", b"Sam Okafor", b"Priya", b"OPS-2290", b"OPS-2291", b"1840"):
        assert private not in everything, private



def test_the_facts_speak_the_page_s_language_and_the_team_s_names_stay_theirs() -> None:
    """The names incident tools share are in every language; a name of the team's own, or a
    severity's or a field's name, is shown as the team wrote it."""
    snap = example_snapshot(internal=True)
    incident = snap.by_id[DB_OUTAGE].incident
    declared = snap.config.incident_fields
    unknown = replace(declared, roles=(*declared.roles, replace(declared.roles[0], id="customer_liaison")))
    incident = replace(incident, roles=(*incident.roles, replace(incident.roles[0], role="customer_liaison")))
    german = {f.label: f for f in facts(incident, unknown, snap.tz, translator("de"))}
    assert list(german) == ["Beginn der Auswirkung", "Erkannt", "Eingedämmt", "Team", "Region",
                            "Customers affected", "Ticket", "Leitung", "Kommunikation",
                            "Customer liaison", "Nachbetrachtung", "Folge-Ticket"]
    assert german["Erkannt"].time is not None and german["Erkannt"].time.text == "3. Nov. 2026, 15:01 MEZ"
    assert german["Nachbetrachtung"].text == "Nachbetrachtung lesen"
    japanese = [f.label for f in facts(incident, unknown, snap.tz, translator("ja"))]
    assert japanese[:3] == ["影響開始", "検知", "緩和"] and "Region" in japanese


def test_a_german_page_says_how_long_it_took_in_german_and_its_json_stays_english() -> None:
    snap = example_snapshot()
    german = replace(snap, config=replace(snap.config, page=replace(snap.page, language="de")))
    view = entry_view(snap.by_id[DB_OUTAGE], snap.figures[DB_OUTAGE], german.config, german.now,
                      paths.incident_page(DB_OUTAGE), german.by_id, translator("de"))
    assert [(x.label, x.text) for x in view.metrics] == [
        ("Dauer", "2 Std. 18 Min."), ("Ursache gefunden nach", "31 Min."),
        ("Eingedämmt nach", "1 Std. 5 Min."), ("Behoben nach", "2 Std. 20 Min.")]
    assert [x.definition for x in view.metrics] == [
        "von der ersten Meldung bis zur Lösung", *["ab Beginn der Auswirkung"] * 3]
    incident = json.loads(render_api(german)[API])["incident"]
    assert [t["name"] for t in incident["timestamps"]] == ["Impact started", "Detected", "Mitigated"]
    assert [d["duration_metric"]["name"] for d in incident["duration_metrics"]] == [
        "Time to identify", "Time to mitigate", "Time to resolve"]


@pytest.mark.parametrize(("maintenance_prefix", "shown"), [("", ""), ("MNT-", "MNT-2")])
def test_maintenance_shows_a_reference_only_of_its_own_declared_prefix(maintenance_prefix: str,
                                                                      shown: str) -> None:
    snap = example_snapshot()
    declared = snap.config.incident_fields
    assert declared.reference is not None
    fields = replace(declared, reference=replace(declared.reference, maintenance_prefix=maintenance_prefix))
    maintenance = replace(snap.by_id["2026-11-20-postgres-17-upgrade"].incident, reference="MNT-2")
    line = entry_line(entry(maintenance, snap.config, snap.now), snap.tz, snap.now, ENGLISH, fields)
    assert line.maintenance and line.reference == shown
    incident = entry_line(snap.by_id[DB_OUTAGE], snap.tz, snap.now, ENGLISH, fields)
    assert incident.reference == "INC-3"


def test_the_severity_is_labelled_and_the_durations_defined_without_a_recorded_impact_start() -> None:
    snap = example_snapshot()
    incident = snap.by_id[DB_OUTAGE].incident
    plain = replace(incident, timestamps=tuple(t for t in incident.timestamps if t.name != "impact_started"))
    e = entry(plain, snap.config, snap.now)
    view = entry_view(e, entry_figures(e, snap.config, snap.now), snap.config, snap.now,
                      paths.incident_page(DB_OUTAGE), snap.by_id, ENGLISH)
    # Counted from the first report, the metrics hold how long it lasted: no second duration.
    assert [(x.label, x.definition, x.text) for x in view.metrics] == [
        ("Identified after", "from the first report", "29 min"),
        ("Mitigated after", "from the first report", "1 h 3 min"),
        ("Resolved in", "from the first report", "2 h 18 min")]
    soup = BeautifulSoup(example()[1][paths.incident_page(DB_OUTAGE)].decode(), "html.parser")
    severity = soup.select_one(".tags .tag-sev")
    assert severity is not None and words(severity) == "Severity: Critical"
    assert severity.select_one("bdi") is not None


def test_a_maintenance_numbered_like_an_incident_shows_no_reference_anywhere(tmp_path: Path) -> None:
    """Without a ``maintenance_prefix`` a maintenance's ``INC-`` number would read as an
    incident's: the feeds and the API leave it out as the pages do (check warns of it)."""
    root = copy_example(tmp_path)
    config = root / "components.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "{prefix: INC-, maintenance_prefix: MNT-}", "{prefix: INC-}"), encoding="utf-8")
    maintenance = root / "incidents" / "2026-11-20-postgres-17-upgrade.md"
    maintenance.write_text(maintenance.read_text(encoding="utf-8").replace(
        "\ntitle:", "\nreference: INC-99\ntitle:", 1), encoding="utf-8")
    out = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "statusgen", "build", "--root", str(root),
                           "--out", str(out), "--now", "2026-11-22T09:00:00Z", "--no-cache"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "maintenance-reference" in done.stdout + done.stderr
    api = json.loads((out / "api/v2/incidents/2026-11-20-postgres-17-upgrade.json").read_text())
    assert api["incident"]["reference"] is None
    for feed in ("history.atom", "history.rss"):
        assert "INC-99" not in (out / feed).read_text(encoding="utf-8")
    assert "INC-3" in (out / "history.atom").read_text(encoding="utf-8")
