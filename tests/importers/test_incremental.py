"""Importing again: nothing changes; an older export then a newer one is the newer one alone;
a file a person edited keeps the edits and only gains the new updates."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statusgen.importers import apply, cstate, statuspage
from tests.helpers import tree
from tests.importers.support import GITHUB, NOW, PACKIT, errors, run

SOURCE = json.loads(GITHUB.read_text(encoding="utf-8"))
UPDATES = len(SOURCE["incidents"][0]["incident_updates"])
ISSUES = sorted(p.name for p in (PACKIT / "content" / "issues").iterdir())


def _export(oldest: int, order: list[int] | None = None) -> dict[str, Any]:
    """GitHub's summary as it was when the incident had its ``oldest`` first updates."""
    doc: dict[str, Any] = json.loads(json.dumps(SOURCE))
    updates = doc["incidents"][0]["incident_updates"][UPDATES - oldest:]
    doc["incidents"][0]["incident_updates"] = [updates[i] for i in order] if order else updates
    return doc


def _import_docs(root: Path, *docs: dict[str, Any]) -> None:
    for doc in docs:
        imported = statuspage.read([("summary.json", doc)], NOW)
        apply.write(root, apply.plan(root, imported, NOW).changes)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(1, UPDATES), st.integers(1, UPDATES), st.randoms(use_true_random=False))
def test_an_older_export_then_a_newer_one_is_the_newer_one_alone(older: int, newer: int,
                                                                 rnd: Any) -> None:
    older, newer = min(older, newer), max(older, newer)
    order = list(range(newer))
    rnd.shuffle(order)  # the order a document lists things in does not matter
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        _import_docs(Path(a), _export(older), _export(newer, order))
        _import_docs(Path(b), _export(newer))
        assert tree(Path(a)) == tree(Path(b))
        assert errors(Path(a)) == []
        before = tree(Path(a))
        _import_docs(Path(a), _export(newer))
        assert tree(Path(a)) == before


def _site(folder: Path, names: list[str]) -> Path:
    site = folder / "site"
    (site / "content" / "issues").mkdir(parents=True)
    shutil.copy2(PACKIT / "config.yml", site)
    for name in names:
        shutil.copy2(PACKIT / "content" / "issues" / name, site / "content" / "issues")
    return site


def _import_site(root: Path, site: Path) -> None:
    imported = cstate.read_site(site, NOW)
    apply.write(root, apply.plan(root, imported, NOW).changes)


@pytest.mark.slow
@settings(max_examples=10, deadline=None)
@given(st.integers(0, len(ISSUES)), st.integers(0, len(ISSUES)))
def test_a_site_imported_as_it_grew_is_the_site_imported_once(first: int, second: int) -> None:
    first, second = min(first, second), max(first, second)
    with tempfile.TemporaryDirectory() as work:
        grown, once = Path(work) / "grown", Path(work) / "once"
        grown.mkdir()
        once.mkdir()
        _import_site(grown, _site(Path(work) / "a", ISSUES[:first]))
        _import_site(grown, _site(Path(work) / "b", ISSUES[:second]))
        _import_site(once, _site(Path(work) / "c", ISSUES[:second]))
        assert tree(grown) == tree(once)
        assert errors(grown) == []


def test_an_edited_file_keeps_its_edits_and_gains_only_the_new_updates(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _import_docs(tmp_path, _export(3))
    path = tmp_path / "incidents" / "2022-11-25-incident-with-packages-and-pages.md"
    edited = path.read_text(encoding="utf-8").replace(
        "title: Incident with Packages and Pages\n",
        "title: Packages and Pages degraded  # our words\n") + "\nWhat we learned.\n"
    path.write_text(edited, encoding="utf-8")
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(_export(UPDATES)), encoding="utf-8")
    code, out, _ = run(capsys, "statuspage", str(newer), "--root", str(tmp_path))
    assert code == 0
    assert "0 new, 1 changed" in out
    text = path.read_text(encoding="utf-8")
    assert text.endswith(edited[edited.index("  - at: 2022-11-25T15:06:53Z"):])
    assert text.startswith(edited[:edited.index("updates:\n") + len("updates:\n")])
    assert text.count("  - at: ") == UPDATES
    assert errors(tmp_path) == []


USER_COMPONENTS = """\
# Our page. Keep the order: support reads it top to bottom.
page:
  title: Acme Status
  url: https://status.acme.example/
components:
    # the two that matter
    -   id: website
        name: Website
    -   id: pages
        name: Pages          # GitHub's Pages component lands here, by name
# trailing remark
"""


def test_new_components_are_appended_and_nothing_of_the_users_changes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "components.yml").write_text(USER_COMPONENTS, encoding="utf-8")
    code, out, _ = run(capsys, "statuspage", str(GITHUB), "--root", str(tmp_path))
    assert code == 0, out
    text = (tmp_path / "components.yml").read_text(encoding="utf-8")
    head = USER_COMPONENTS.split("# trailing remark\n")[0]
    assert text.startswith(head)
    assert text.endswith("# trailing remark\n")
    assert "    -   id: git-operations\n        name: Git Operations\n" in text
    assert text.count("id: pages") == 1  # matched by name, not added again
    assert errors(tmp_path) == []
    incident = next((tmp_path / "incidents").iterdir()).read_text(encoding="utf-8")
    assert "{pages: partial_outage}" in incident
