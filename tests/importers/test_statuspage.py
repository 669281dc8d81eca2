"""Importing real Statuspage documents: what the built API says is what the source said."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from statusgen.importers import statuspage
from statusgen.render.markdown import render_markdown
from tests.helpers import tree
from tests.importers.support import GITHUB, NOW, api, errors, run


def _source() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GITHUB.read_text(encoding="utf-8"))
    return data


def _seconds(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(microsecond=0)


def _shown(markdown: str) -> list[str]:
    """The lines a reader sees of a Markdown message."""
    html = render_markdown(markdown)
    return [line.strip() for line in BeautifulSoup(html, "html.parser").get_text("\n").split("\n")
            if line.strip()]


def _said(body: str) -> list[str]:
    return [line.strip() for line in body.replace("<br />", "\n").split("\n") if line.strip()]


def _changes(source_updates: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Per update (newest first), the level changes the source says, by component name."""
    level: dict[str, str] = {}
    out = []
    for update in reversed(source_updates):
        changed = {}
        for a in update["affected_components"] or []:
            if a["new_status"] != level.get(a["name"], "operational"):
                changed[a["name"]] = a["new_status"]
            level[a["name"]] = a["new_status"]
        out.append(changed)
    return out[::-1]


def test_githubs_summary_imports_builds_and_says_what_the_source_said(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    code, out, _ = run(capsys, "statuspage", str(GITHUB), "--root", str(root))
    assert code == 0, out
    assert errors(root) == []
    source = _source()
    ours = api(root, tmp_path / "site", "summary.json")
    assert [c["name"] for c in ours["components"]] == [c["name"] for c in source["components"]]
    assert ours["page"]["name"] == "GitHub"
    [theirs] = source["incidents"]
    [incident] = ours["incidents"]
    assert (incident["name"], incident["status"], incident["impact"]) == \
        (theirs["name"], theirs["status"], theirs["impact"])
    assert [(u["status"], _seconds(u["created_at"])) for u in incident["incident_updates"]] == \
        [(u["status"], _seconds(u["display_at"])) for u in theirs["incident_updates"]]
    for mine, said in zip(incident["incident_updates"], theirs["incident_updates"], strict=True):
        assert _shown(mine["body"]) == _said(said["body"])
    assert [{a["name"]: a["new_status"] for a in u["affected_components"] or []}
            for u in incident["incident_updates"]] == _changes(theirs["incident_updates"])
    assert sorted(c["name"] for c in incident["components"]) == ["Packages", "Pages"]


def test_a_second_run_changes_no_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "statuspage", str(GITHUB), "--root", str(tmp_path))
    before = tree(tmp_path)
    code, out, _ = run(capsys, "statuspage", str(GITHUB), "--root", str(tmp_path))
    assert code == 0
    assert tree(tmp_path) == before
    assert "0 new, 0 changed, 1 unchanged" in out


def test_dry_run_lists_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "statuspage", str(GITHUB), "--root", str(tmp_path), "--dry-run")
    assert code == 0
    assert "would write components.yml (new)" in out
    assert "would write incidents/2022-11-25-incident-with-packages-and-pages.md (new)" in out
    assert list(tmp_path.iterdir()) == []


def _messy() -> dict[str, Any]:
    """The real incident, with what real histories do: resolved twice, a component
    under maintenance from an incident, an empty update, a maintenance status."""
    doc = _source()
    incident = doc["incidents"][0]
    updates = incident["incident_updates"]
    updates[0] = {**updates[0], "status": "resolved", "body": ""}
    updates[2] = {**updates[2], "status": "resolved"}
    updates[3] = {**updates[3], "status": "in_progress"}
    updates[4]["affected_components"][0]["new_status"] = "under_maintenance"
    maintenance = copy.deepcopy(incident)
    maintenance.update(id="m41nt3n4nc3x", name="Database upgrade", impact="maintenance",
                       scheduled_for="2022-11-26T02:00:00.000Z", scheduled_until=None)
    for u in maintenance["incident_updates"]:
        u["status"] = "scheduled"
    doc["scheduled_maintenances"] = [maintenance]
    return doc


def test_messy_items_are_repaired_validate_and_every_repair_is_listed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "messy.json"
    path.write_text(json.dumps(_messy()), encoding="utf-8")
    root = tmp_path / "repo"
    root.mkdir()
    code, out, _ = run(capsys, "statuspage", str(path), "--root", str(root))
    assert code == 0
    assert errors(root) == []
    assert "statuspage/ljwdk6qml8z8 “Incident with Packages and Pages”: `resolved` is only" in out
    assert "`under_maintenance`, which only a maintenance can" in out
    assert "an update has no text: it says “Resolved.”" in out
    assert "statuspage/m41nt3n4nc3x “Database upgrade”: the maintenance has no scheduled end" in out
    assert "the incident has updates with the status `in_progress`" in out
    maintenance = (root / "incidents" / "2022-11-26-database-upgrade.md").read_text(encoding="utf-8")
    assert "window:\n  start: 2022-11-26T02:00:00Z\n  end: 2022-11-26T03:00:00Z\n" in maintenance
    assert "source: statuspage/m41nt3n4nc3x\n" in maintenance


def test_documents_of_one_page_are_read_together_and_the_fuller_copy_wins(tmp_path: Path) -> None:
    full = _source()
    older = copy.deepcopy(full)
    older["incidents"][0]["incident_updates"] = older["incidents"][0]["incident_updates"][3:]
    imported = statuspage.read([("components.json", {"page": full["page"],
                                                     "components": full["components"]}),
                                ("incidents.json", {"incidents": older["incidents"]}),
                                ("summary.json", full)], NOW)
    [entry] = imported.entries
    assert len(entry.updates) == len(full["incidents"][0]["incident_updates"])
    assert [c.name for c in imported.components] == [c["name"] for c in full["components"]]


@pytest.mark.parametrize("doc", ['"text"', "{}", '{"incidents": 3, "page": []}'])
def test_what_is_not_a_statuspage_document_is_refused_and_nothing_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], doc: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(doc, encoding="utf-8")
    root = tmp_path / "repo"
    root.mkdir()
    code, _, err = run(capsys, "statuspage", str(path), "--root", str(root))
    assert code == 1
    assert "nothing was written" in err
    assert list(root.iterdir()) == []


def test_the_reference_payload_imports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.helpers import REPO_ROOT

    shared = REPO_ROOT.parent / "shared" / "reference" / "statuspage-summary-example.json"
    path = shared if shared.is_file() else GITHUB  # the fixture is a copy of it
    code, _, _ = run(capsys, "statuspage", str(path), "--root", str(tmp_path))
    assert code == 0
    assert errors(tmp_path) == []
    assert json.loads(path.read_text(encoding="utf-8")) == _source()


def test_a_component_the_incident_names_without_a_level_is_kept_at_operational(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _source()
    incident = doc["incidents"][0]
    actions = next(c for c in doc["components"] if c["name"] == "Actions")
    incident["components"].append(actions)  # named by the incident, by no update
    path = tmp_path / "summary.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    root = tmp_path / "repo"
    root.mkdir()
    code, out, _ = run(capsys, "statuspage", str(path), "--root", str(root))
    assert code == 0 and errors(root) == []
    assert "listed at `operational` in the update that names it, with no outage" in out
    ours = api(root, tmp_path / "site", "incidents.json")["incidents"][0]
    assert "Actions" in [c["name"] for c in ours["components"]]
    assert all(a["name"] != "Actions" or a["new_status"] == "operational"
               for u in ours["incident_updates"] for a in u["affected_components"] or ())
    summary = json.loads((tmp_path / "site" / "api" / "v2" / "summary.json").read_text())
    assert {c["name"]: c["status"] for c in summary["components"]}["Actions"] == "operational"
