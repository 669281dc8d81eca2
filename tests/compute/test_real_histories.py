"""Metrics and reports of real status histories we did not write (``tests/fixtures``), against
figures taken from the source documents themselves: Packit's cState issues (when each started
and was resolved) and GitHub's Statuspage incident (when each component changed level)."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from statusgen.commands.cli import main
from tests.importers.support import GITHUB, PACKIT, STAMP

SITE = "site"


def imported(tmp_path: Path, kind: str, source: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The source imported into a new repository and built at the importer tests' clock."""
    root = tmp_path / "repo"
    root.mkdir()
    assert main(["import", kind, str(source), "--root", str(root), "--now", STAMP]) == 0
    assert main(["build", "--root", str(root), "--now", STAMP, "--no-cache"]) == 0
    capsys.readouterr()
    return root


def front_matter(path: Path) -> dict[str, Any]:
    """An issue's front matter, read by PyYAML."""
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
    return loaded


def moment(value: str) -> datetime | None:
    """A cState time as its author meant it (``T9:06`` is 09:06); ``None`` without a zone or
    when it cannot be read (``T015:00``)."""
    try:
        parsed = datetime.fromisoformat(re.sub(r"([T ])(\d):", r"\g<1>0\2:", str(value).strip()))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def test_packits_months_count_and_time_their_incidents_as_the_issues_say(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = imported(tmp_path, "cstate", PACKIT, capsys)
    # One issue lacks its opening `---`: cState (Hugo) does not read it, nor does the importer.
    issues = [front_matter(p) for p in sorted((PACKIT / "content" / "issues").glob("*.md"))
              if p.read_text(encoding="utf-8").startswith("---")]
    # Notices are announcements, imported as maintenance: the reports count incidents.
    incidents = [i for i in issues if i.get("severity") != "notice" and i.get("resolved")]
    per_month = Counter(str(i["date"])[:7] for i in incidents)
    checked = 0
    for month, count in per_month.items():
        doc = json.loads((root / SITE / "reports" / f"{month}.json").read_text(encoding="utf-8"))
        assert doc["incidents"]["count"] == count, month
        said = {item["name"]: item["time_to_resolve_seconds"] for item in doc["incident_list"]}
        for issue in incidents:
            start, end = moment(issue["date"]), moment(issue["resolvedWhen"])
            if str(issue["date"])[:7] == month and start and end and end > start:
                assert said[issue["title"]] == (end - start).total_seconds(), issue["title"]
                checked += 1
    assert checked == 6  # the others have no zone, a resolution before the start, or hour `015`
    quarters = json.loads((root / SITE / "reports" / "index.json").read_text(encoding="utf-8"))
    assert {r["id"] for r in quarters["reports"] if r["kind"] == "month"} >= set(per_month)


def level_seconds(updates: list[dict[str, Any]], name: str, level: str) -> int:
    """How long component ``name`` was at ``level`` by the source's own affected_components,
    oldest update first, to the second (as imported)."""
    total = 0
    since: datetime | None = None
    for update in reversed(updates):
        at = datetime.fromisoformat(update["created_at"]).replace(microsecond=0)
        for change in update["affected_components"] or []:
            if change["name"] != name:
                continue
            if since is not None and change["new_status"] != level:
                total += int((at - since).total_seconds())
                since = None
            elif since is None and change["new_status"] == level:
                since = at
    assert since is None, "still at that level: the test needs a level that ended"
    return total


def test_githubs_time_at_each_level_is_what_its_updates_say(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = imported(tmp_path, "statuspage", GITHUB, capsys)
    [theirs] = json.loads(GITHUB.read_text(encoding="utf-8"))["incidents"]
    [path] = (root / SITE / "api" / "v2" / "incidents").glob("2022-*.json")
    ours = json.loads(path.read_text(encoding="utf-8"))["incident"]
    impact = {(i["component"]["name"], i["level"]): i["seconds"] for i in ours["component_impact"]}
    pages = level_seconds(theirs["incident_updates"], "Pages", "partial_outage")
    packages = level_seconds(theirs["incident_updates"], "Packages", "partial_outage")
    assert (pages, packages) == (2591, 3677)  # 15:06:53-15:50:04 and 14:39:29-15:40:46
    assert impact[("Pages", "partial_outage")] == pages
    assert impact[("Packages", "partial_outage")] == packages
    metrics = {m["duration_metric"]["id"]: m["value_seconds"] for m in ours["duration_metrics"]}
    assert metrics == {"time_to_identify": None, "time_to_mitigate": None, "time_to_resolve": None}
    assert theirs["resolved_at"] is None and theirs["monitoring_at"] is None
