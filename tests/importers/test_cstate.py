"""Importing real cState sites: packit's status page and cState's own example."""

from __future__ import annotations

from pathlib import Path

import pytest

from statusgen.importers.cstate import read_site
from statusgen.source.load import read_config
from statusgen.source.tree import DiskSource
from tests.helpers import tree
from tests.importers.support import EXAMPLE, NOW, PACKIT, api, errors, run


@pytest.mark.parametrize("site", [PACKIT, EXAMPLE], ids=["packit", "example"])
def test_a_real_site_imports_validates_and_a_second_run_changes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path) -> None:
    code, out, _ = run(capsys, "cstate", str(site), "--root", str(tmp_path))
    assert code == 0, out
    assert errors(tmp_path) == []
    before = tree(tmp_path)
    code, out, _ = run(capsys, "cstate", str(site), "--root", str(tmp_path))
    assert code == 0
    assert tree(tmp_path) == before
    assert " 0 new, 0 changed" in out


def test_systems_become_components_and_categories_groups(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "cstate", str(PACKIT), "--root", str(tmp_path))
    config, _ = read_config(DiskSource(tmp_path))
    assert config is not None
    core = config.get("core")
    assert core is not None and [c.name for c in core.members] == ["API", "Workers", "Dashboard"]
    assert config.page.title == "Packit Service Status"
    assert config.page.url == "https://status.packit.dev/"
    # `affected` names what config.yml does not list: each is added, and said so.
    assert config.get("github") is not None and config.get("all") is not None


def test_the_messes_of_a_real_site_are_repaired_and_listed(capsys: pytest.CaptureFixture[str]) -> None:
    imported = read_site(PACKIT, NOW)
    notes = [str(n) for n in imported.notes]
    by_source = {e.source: e for e in imported.entries}
    # "T015:00:00+02:00": an hour of three digits.
    github = by_source["cstate/2024-08-13-github-outage"]
    assert github.updates[-1].at.isoformat() == "2024-08-13T15:00:00+02:00"
    # "2021-06-28 19:10:40+00:00", with a space and an offset; "2021-06-02 11:16:00" without a zone.
    assert any("2021-06-02-dashboard-unable-to-connect" in n and "read in the site's zone UTC" in n
               for n in notes)
    assert any("2023-09-05-copr-outage" in n and "resolved before it started" in n for n in notes)
    assert any("2023-10-31-release-monitoring.org-outage.md" in n and "not imported" in n
               for n in notes)
    assert any("“GitHub”, which config.yml does not list" in n for n in notes)


def test_severities_map_to_levels_notices_to_maintenance(capsys: pytest.CaptureFixture[str]) -> None:
    by_source = {e.source: e for e in read_site(PACKIT, NOW).entries}
    auth = by_source["cstate/2024-01-23-fedora-auth-problem"]
    assert (auth.kind, auth.impact) == ("incident", "minor")
    assert dict(auth.components) == {"Workers": "partial_outage", "Koji": "partial_outage",
                                     "Bodhi": "partial_outage"}
    assert [u.status for u in auth.updates] == ["resolved", "investigating"]
    assert "track [this issue](https://pagure.io/fedora-infrastructure/issue/11733)" in auth.body
    vacation = by_source["cstate/2021-06-28-vacation"]
    assert vacation.kind == "maintenance"
    assert vacation.window is not None
    assert [str(t) for t in vacation.window] == ["2021-06-25 10:55:00+02:00",
                                                 "2021-06-28 19:10:40+00:00"]


def test_tracked_paragraphs_become_updates_with_their_labels(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "cstate", str(EXAMPLE), "--root", str(tmp_path))
    incidents = api(tmp_path, tmp_path / "site", "incidents.json")["incidents"]
    east = next(i for i in incidents if i["name"] == "US East Connection Issues")
    assert [(u["status"], u["created_at"][:19]) for u in east["incident_updates"]] == [
        ("resolved", "2018-05-25T05:54:00"), ("monitoring", "2018-05-25T04:40:00"),
        ("investigating", "2018-05-25T04:13:00"), ("investigating", "2018-04-25T04:13:00")]
    assert east["incident_updates"][0]["body"] == \
        "We believe all users experiencing issues have been able to connect at this time."
    assert east["impact"] == "major"
    levels = {a["name"]: a["new_status"] for a in east["incident_updates"][-1]["affected_components"]}
    assert levels == {"API": "major_outage", "Media Proxy": "major_outage", "Gateway": "major_outage"}
    informational = next(i for i in incidents if i["name"] == "Testing New cState Features")
    assert (informational["status"], informational["impact"]) == ("resolved", "none")


def test_a_folder_that_is_not_a_cstate_site_is_refused(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    code, _, err = run(capsys, "cstate", str(tmp_path / "nowhere"), "--root", str(root))
    assert code == 1
    assert "has no config.yml" in err
    assert list(root.iterdir()) == []
