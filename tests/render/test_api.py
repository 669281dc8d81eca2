"""The Statuspage-compatible JSON API: shapes, cross-checks and fixed expectations."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from statusgen.compute.snapshot import snapshot
from statusgen.compute.updates import page_id
from statusgen.render.api import LIMIT, render_api
from statusgen.source.load import RESERVED_IDS
from tests.conftest import StatusRepo
from tests.datasource import (
    REFERENCE,
    definition_of,
    errors,
    example_snapshot,
    incident_file,
    maintenance_file,
    repository,
)
from tests.helpers import NOW, validate


def documents(out: dict[str, bytes]) -> dict[str, Any]:
    return {path: json.loads(data) for path, data in out.items()}


@pytest.fixture(scope="module")
def api() -> dict[str, Any]:
    return documents(render_api(example_snapshot()))


def test_the_reference_summary_validates_against_the_schema() -> None:
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    assert errors("summary", reference) == []


@pytest.mark.parametrize("change", [
    lambda d: d["page"].update(extra=1),
    lambda d: d["components"][0].update(status="broken"),
    lambda d: d["components"][0].pop("showcase"),
    lambda d: d["incidents"][0].update(impact="maintenance"),
    lambda d: d["incidents"][0]["incident_updates"][0].update(extra=True),
    lambda d: d["incidents"][0].update(scheduled_for="2022-11-25T15:50:05.892Z"),
    lambda d: d["status"].update(indicator="red"),
    lambda d: d["page"].update(updated_at="2022-11-25 15:50"),
])
def test_the_schema_is_closed_and_rejects_changed_references(change: Any) -> None:
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    change(reference)
    assert errors("summary", reference) != []


def test_the_paths(api: dict[str, Any]) -> None:
    snap = example_snapshot()
    expected = {
        "api/v2/summary.json", "api/v2/status.json", "api/v2/components.json",
        "api/v2/incidents.json", "api/v2/incidents/unresolved.json",
        "api/v2/scheduled-maintenances.json", "api/v2/scheduled-maintenances/upcoming.json",
        "api/v2/scheduled-maintenances/active.json",
    } | {f"api/v2/incidents/{e.id}.json" for e in snap.entries}
    assert set(api) == expected


def test_every_document_validates(api: dict[str, Any]) -> None:
    for path, doc in api.items():
        definition = definition_of(path)
        assert definition is not None, path
        assert errors(definition, doc) == [], path


def test_the_internal_build_validates_too() -> None:
    for path, doc in documents(render_api(example_snapshot(internal=True))).items():
        definition = definition_of(path)
        assert definition is not None
        assert errors(definition, doc) == [], path


def test_bytes_are_compact_utf8_with_a_trailing_newline() -> None:
    out = render_api(example_snapshot())
    for data in out.values():
        assert data.endswith(b"}\n")
        text = data.decode("utf-8")
        assert text.startswith('{"page":{"id":')
        assert text.count("\n") == 1
    assert render_api(example_snapshot()) == out


def test_status_equals_the_summary_status(api: dict[str, Any]) -> None:
    summary = api["api/v2/summary.json"]
    assert api["api/v2/status.json"] == {"page": summary["page"], "status": summary["status"]}
    assert summary["status"] == {"indicator": "major", "description": "Partial System Outage"}
    assert api["api/v2/components.json"]["components"] == summary["components"]


def test_component_statuses_are_the_snapshot_levels(api: dict[str, Any]) -> None:
    snap = example_snapshot()
    components = api["api/v2/summary.json"]["components"]
    assert {c["id"]: c["status"] for c in components} == {k: str(v) for k, v in snap.levels.items()}
    assert [c["id"] for c in components] == [c.id for c in snap.config.walk()]


def test_unresolved_holds_no_resolved_incident(api: dict[str, Any]) -> None:
    unresolved = api["api/v2/incidents/unresolved.json"]["incidents"]
    assert [i["id"] for i in unresolved] == ["2026-11-22-api-latency"]
    assert all(i["status"] != "resolved" and i["resolved_at"] is None for i in unresolved)
    assert api["api/v2/summary.json"]["incidents"] == unresolved


def test_incidents_and_maintenance_lists(api: dict[str, Any]) -> None:
    incidents = api["api/v2/incidents.json"]["incidents"]
    assert [i["id"] for i in incidents] == [
        "2026-11-22-api-latency", "2026-11-18-webhook-delays", "2026-11-10-dns-resolution",
        "2026-11-03-database-outage", "2026-10-02-sso-login-failures", "2025-06-12-storage-errors",
    ]
    everything = [m["id"] for m in api["api/v2/scheduled-maintenances.json"]["scheduled_maintenances"]]
    assert everything == ["2026-11-20-postgres-17-upgrade", "2026-11-08-storage-maintenance"]
    upcoming = api["api/v2/scheduled-maintenances/upcoming.json"]["scheduled_maintenances"]
    assert [m["id"] for m in upcoming] == ["2026-11-20-postgres-17-upgrade"]
    assert api["api/v2/scheduled-maintenances/active.json"]["scheduled_maintenances"] == []
    assert api["api/v2/summary.json"]["scheduled_maintenances"] == upcoming


def test_nothing_unpublished_appears(api: dict[str, Any]) -> None:
    text = json.dumps(api)
    assert "billing" not in text.lower() and "ACME-FINANCE" not in text
    assert "drill" not in text.lower()
    assert "cache-eu-3" not in text  # the internal update of the open incident


def test_page_object() -> None:
    snap = example_snapshot()
    page = documents(render_api(snap))["api/v2/summary.json"]["page"]
    assert page == {
        "id": page_id(snap.page),
        "name": "Acme Status",
        "url": "https://status.acme.example",
        "time_zone": "Europe/Berlin",
        "updated_at": "2026-11-22T07:10:00.000+01:00",
    }
    assert len(page["id"]) == 12 and page["id"].isalnum() and page["id"].islower()


def test_groups_and_members(api: dict[str, Any]) -> None:
    by_id = {c["id"]: c for c in api["api/v2/components.json"]["components"]}
    platform = by_id["platform"]
    assert platform["group"] is True and platform["components"] == ["db", "queue", "storage"]
    assert platform["group_id"] is None and platform["position"] == 4
    db = by_id["db"]
    assert db["group_id"] == "platform" and db["group"] is False and "components" not in db
    assert db["position"] == 1 and db["description"] == "Primary PostgreSQL cluster"
    assert by_id["auth"]["description"] is None
    assert by_id["api"]["updated_at"] == "2026-11-22T07:10:00.000+01:00"


def test_an_incident_in_full(api: dict[str, Any]) -> None:
    doc = api["api/v2/incidents/2026-11-03-database-outage.json"]
    assert set(doc) == {"page", "incident"}
    incident = doc["incident"]
    assert incident["name"] == "Database unavailable in the EU region"
    assert incident["status"] == "resolved" and incident["impact"] == "critical"
    assert incident["created_at"] == "2026-11-03T15:02:00.000+01:00"
    assert incident["started_at"] == "2026-11-03T15:02:00.000+01:00"
    assert incident["monitoring_at"] == "2026-11-03T16:05:00.000+01:00"
    assert incident["resolved_at"] == "2026-11-03T17:20:00.000+01:00"
    assert incident["updated_at"] == incident["resolved_at"]
    assert incident["shortlink"] == "https://status.acme.example/incidents/2026-11-03-database-outage/"
    assert [c["id"] for c in incident["components"]] == ["website", "api", "db"]
    updates = incident["incident_updates"]
    assert len({u["id"] for u in updates}) == 4
    assert all(u["id"].startswith(incident["id"] + "-u") for u in updates)
    assert [u["status"] for u in updates] == ["resolved", "monitoring", "identified", "investigating"]
    first = updates[-1]
    assert first["affected_components"] == [
        {"code": "db", "name": "Database", "old_status": "operational", "new_status": "major_outage"},
        {"code": "api", "name": "Public API", "old_status": "operational",
         "new_status": "major_outage"},
        {"code": "website", "name": "Website", "old_status": "operational",
         "new_status": "partial_outage"},
    ]
    assert first["body"] == "The website and API return errors. We are investigating."
    assert first["created_at"] == first["display_at"] == first["updated_at"]
    assert first["incident_id"] == incident["id"]
    dns = api["api/v2/incidents/2026-11-10-dns-resolution.json"]["incident"]
    assert all(u["affected_components"] is None for u in dns["incident_updates"])


def test_a_maintenance_in_full(api: dict[str, Any]) -> None:
    maintenance = api["api/v2/incidents/2026-11-20-postgres-17-upgrade.json"]["incident"]
    assert maintenance["impact"] == "maintenance" and maintenance["status"] == "scheduled"
    assert maintenance["scheduled_for"] == "2026-12-02T03:00:00.000+01:00"
    assert maintenance["scheduled_until"] == "2026-12-02T05:00:00.000+01:00"
    keys = list(maintenance)  # Statuspage's fields as Statuspage writes them, then statusgen's
    assert keys[keys.index("scheduled_for"):keys.index("scheduled_until") + 2] == \
        ["scheduled_for", "scheduled_until", "reference"]
    assert [c["id"] for c in maintenance["components"]] == ["db"]


def test_the_internal_build_includes_internal_entries() -> None:
    api = documents(render_api(example_snapshot(internal=True)))
    assert "api/v2/incidents/2026-11-15-billing-export.json" in api
    latency = api["api/v2/incidents/2026-11-22-api-latency.json"]["incident"]
    assert latency["status"] == "monitoring" and len(latency["incident_updates"]) == 3


def test_lists_hold_the_newest_fifty(status_repo: StatusRepo) -> None:
    files = {}
    for n in range(60):
        at = (NOW - timedelta(days=60 - n)).strftime("%Y-%m-%dT%H:%M:%SZ")
        files[f"incidents/i{n:02d}.md"] = incident_file(
            f"Incident {n}", [(at, "investigating", f"Message {n}")], components="")
    for n in range(55):
        start = (NOW + timedelta(days=n + 1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        end = (NOW + timedelta(days=n + 1, hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        files[f"incidents/m{n:02d}.md"] = maintenance_file(
            f"Maintenance {n}", start, end, [("2026-11-01T00:00:00Z", "scheduled", "Soon.")])
    snap = snapshot(repository(status_repo(files)), NOW)
    api = documents(render_api(snap))
    incidents = api["api/v2/incidents.json"]["incidents"]
    assert len(incidents) == LIMIT
    assert incidents[0]["id"] == "i59" and incidents[-1]["id"] == "i10"
    assert len(api["api/v2/incidents/unresolved.json"]["incidents"]) == 60
    assert len(api["api/v2/scheduled-maintenances.json"]["scheduled_maintenances"]) == LIMIT
    upcoming = api["api/v2/scheduled-maintenances/upcoming.json"]["scheduled_maintenances"]
    assert [m["id"] for m in upcoming[:2]] == ["m00", "m01"]  # soonest first
    assert sum(p.startswith("api/v2/incidents/") for p in api) == 60 + 55 + 1
    for path, doc in api.items():
        definition = definition_of(path)
        assert definition is not None
        assert errors(definition, doc) == [], path


def test_unresolved_is_a_reserved_incident_id(status_repo: StatusRepo) -> None:
    assert "unresolved" in RESERVED_IDS
    root = status_repo({"incidents/unresolved.md": incident_file(
        "Errors", [("2026-11-22T08:00:00Z", "investigating", "Errors.")])})
    assert [d.code for d in validate(root) if d.location.path == "incidents/unresolved.md"] == [
        "reserved-id"]


def test_the_unresolved_list_wins_over_an_entry_named_unresolved(status_repo: StatusRepo) -> None:
    # The loader rejects the id, so a build never gets here; if it did, the list stays.
    root = status_repo({"incidents/unresolved.md": incident_file(
        "Errors", [("2026-11-22T08:00:00Z", "resolved", "Errors.")], extra="mode: retrospective")})
    api = documents(render_api(snapshot(repository(root), NOW)))
    assert set(api["api/v2/incidents/unresolved.json"]) == {"page", "incidents"}
    assert api["api/v2/incidents/unresolved.json"]["incidents"] == []


def test_the_page_id_depends_only_on_the_url() -> None:
    snap = example_snapshot()
    assert page_id(snap.page) == page_id(snap.page)
    from dataclasses import replace
    moved = replace(snap.page, url="https://status.other.example/")
    renamed = replace(snap.page, title="Renamed")
    assert page_id(moved) != page_id(snap.page)
    assert page_id(renamed) == page_id(snap.page)


def test_entry_documents_are_what_one_json_dump_writes() -> None:
    from statusgen.incremental.record import Record
    from statusgen.render.api import dump

    snap = example_snapshot()
    memo = Record()
    first = render_api(snap, memo)
    for e in snap.entries:
        path = f"api/v2/incidents/{e.id}.json"
        doc = json.loads(first[path])
        assert first[path] == dump(doc)
    assert render_api(snap, memo.start()) == first == render_api(snap)


def test_update_bodies_are_the_plain_text_statuspage_clients_show(status_repo: StatusRepo) -> None:
    message = "See **the fix** in [our notes](https://docs.example/x) and api\\_v2."
    root = status_repo({"incidents/2026-11-22-a.md": incident_file(
        "Errors", [("2026-11-22T07:00:00Z", "investigating", message)])})
    doc = json.loads(render_api(snapshot(repository(root), NOW))["api/v2/incidents/2026-11-22-a.json"])
    body = doc["incident"]["incident_updates"][0]["body"]
    assert body == "See the fix in our notes (https://docs.example/x) and api_v2."
