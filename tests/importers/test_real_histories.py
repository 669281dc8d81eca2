"""Two real histories imported and built: Jenkins' cState site and GitHub's Statuspage.

The front page shows the source's own components and no more; a component only old
entries name is retired, with its page; every entry names every component its source
names, in its file and in the built API; and the printed notes list every repair, with
counts per kind.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from collections import Counter
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from statusgen.commands.cli import main
from statusgen.pipeline import build
from statusgen.source.load import read_config
from statusgen.source.parse import parse_incident
from statusgen.source.tree import DiskSource
from tests.helpers import tree
from tests.importers.support import FIXTURES, GITHUB, NOW, STAMP, errors

JENKINS = FIXTURES / "cstate" / "jenkins"
GITHUB_HISTORY = FIXTURES / "statuspage" / "github-history" / "incidents.json"


@dataclass
class Imported:
    root: Path
    site: Path
    printed: str
    named: dict[str, set[str]]
    """Source key → the names of the components the source's entry names."""
    own: set[str]
    """The names of the source's own components (not groups)."""


def _import(tmp: Path, system: str, source: Path) -> tuple[Path, Path, str]:
    root, site = tmp / "repo", tmp / "site"
    root.mkdir()
    printed = io.StringIO()
    with redirect_stdout(printed):
        code = main(["import", system, str(source), "--root", str(root), "--now", STAMP])
    assert code == 0, printed.getvalue()
    assert errors(root) == []
    result = build(root, site, NOW)
    assert result.ok, [str(d) for d in result.diagnostics]
    return root, site, printed.getvalue()


@pytest.fixture(scope="module")
def jenkins(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    root, site, printed = _import(tmp_path_factory.mktemp("jenkins"), "cstate", JENKINS)
    config = yaml.safe_load((JENKINS / "config.yml").read_text(encoding="utf-8"))
    named = {}
    for path in (JENKINS / "content" / "issues").glob("*.md"):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        affected = front.get("affected") or []
        named[f"cstate/{path.stem}"] = {str(a) for a in
                                        ([affected] if isinstance(affected, str) else affected)}
    return Imported(root, site, printed, named, {s["name"] for s in config["params"]["systems"]})


@pytest.fixture(scope="module")
def github(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    tmp = tmp_path_factory.mktemp("github")
    source = tmp / "export"
    source.mkdir()
    shutil.copy(GITHUB, source / "summary.json")
    shutil.copy(GITHUB_HISTORY, source / "incidents.json")
    root, site, printed = _import(tmp, "statuspage", source)
    history = json.loads(GITHUB_HISTORY.read_text(encoding="utf-8"))["incidents"]
    summary = json.loads(GITHUB.read_text(encoding="utf-8"))
    named = {f"statuspage/{i['id']}": {c["name"] for c in i["components"]} for i in history}
    return Imported(root, site, printed, named, {c["name"] for c in summary["components"]})


@pytest.fixture(params=["jenkins", "github"])
def imported(request: pytest.FixtureRequest) -> Imported:
    found: Imported = request.getfixturevalue(request.param)
    return found


def test_a_second_import_changes_no_byte(imported: Imported, tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(imported.root, copy)
    before = tree(copy)
    source = JENKINS if imported.root.parent.name.startswith("jenkins") else \
        imported.root.parent / "export"
    system = "cstate" if source == JENKINS else "statuspage"
    printed = io.StringIO()
    with redirect_stdout(printed):
        assert main(["import", system, str(source), "--root", str(copy), "--now", STAMP]) == 0
    assert tree(copy) == before
    assert " 0 new, 0 changed" in printed.getvalue()


def _front_page(site: Path) -> list[str]:
    """The names of the components (not groups) the front page lists."""
    soup = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    rows = soup.select("ul.components li.component:not(.group)")
    return [name.get_text(strip=True) for row in rows if (name := row.select_one(".c-name"))]


def test_the_front_page_lists_the_sources_own_components_and_no_more(imported: Imported) -> None:
    config, _ = read_config(DiskSource(imported.root))
    assert config is not None
    shown = _front_page(imported.site)
    assert len(shown) == len(imported.own)
    assert {c.name for c in config.leaves() if not c.retired} == imported.own
    retired = [c for c in config.leaves() if c.retired]
    assert retired, "both histories name components their source no longer lists"
    for component in retired:
        assert component.name not in shown
        page = imported.site / "components" / component.id / "index.html"
        assert page.is_file()
        assert "/incidents/" in page.read_text(encoding="utf-8"), component.id


def test_jenkins_has_82_components_of_which_the_old_ones_are_retired(jenkins: Imported) -> None:
    config, _ = read_config(DiskSource(jenkins.root))
    assert config is not None
    assert len(jenkins.own) == 14
    # 82 on top, as before: 4 categories holding the 14 systems, and 78 names only old
    # issues use, now retired, so that the front page shows 4 groups of 14 components.
    assert len(config.components) == 82
    assert sum(c.retired for c in config.components) == 78
    assert len(_front_page(jenkins.site)) == 14


def _ids_by_name(root: Path) -> dict[str, str]:
    config, _ = read_config(DiskSource(root))
    assert config is not None
    return {c.name.lower(): c.id for c in config.leaves()}


def test_every_entry_names_every_component_its_source_names(imported: Imported) -> None:
    ids = _ids_by_name(imported.root)
    checked = 0
    for path in sorted((imported.root / "incidents").glob("*.md")):
        incident, _ = parse_incident(f"incidents/{path.name}", path.read_bytes())
        assert incident is not None
        wanted = {ids[name.strip().lower()] for name in imported.named.get(incident.source, ())
                  if name.strip()}
        in_file = {r.id for r in incident.components} | \
            {r.id for u in incident.updates for r in u.components or ()}
        assert wanted <= in_file, (path.name, wanted - in_file)
        document = json.loads((imported.site / "api" / "v2" / "incidents" / f"{path.stem}.json")
                              .read_text(encoding="utf-8"))
        in_api = {c["id"] for c in document["incident"]["components"]}
        assert wanted <= in_api, (path.name, wanted - in_api)
        checked += bool(wanted)
    assert checked > 100


def test_no_outage_is_invented_for_a_component_named_only_at_operational(github: Imported) -> None:
    # Incident 00km0kwpz23b's updates give Actions `operational` → `operational` only.
    path = next(p for p in (github.root / "incidents").glob("*.md")
                if "statuspage/00km0kwpz23b" in p.read_text(encoding="utf-8"))
    document = json.loads((github.site / "api" / "v2" / "incidents" / f"{path.stem}.json")
                          .read_text(encoding="utf-8"))["incident"]
    assert {c["name"] for c in document["components"]} == {"Git Operations", "Actions"}
    levels = {(a["name"], a["new_status"]) for u in document["incident_updates"]
              for a in u["affected_components"] or ()}
    assert ("Git Operations", "partial_outage") in levels
    assert not any(name == "Actions" and level != "operational" for name, level in levels)
    incident, _ = parse_incident(f"incidents/{path.name}", path.read_bytes())
    assert incident is not None
    assert [(r.id, r.level) for u in incident.updates for r in u.components or ()
            if r.id == "actions"] == [("actions", "operational")]


_NOTE = re.compile(r"(repaired|not mapped|not imported|to review): ")
_COUNT = re.compile(r"\s+(\d+) (repaired|not mapped|not imported|to review): (.*)")


def _printed(printed: str) -> tuple[list[str], Counter[str], int]:
    """The note lines, the counts by kind printed after them, and the total in the summary."""
    lines = printed.splitlines()
    notes = [line for line in lines if _NOTE.match(line)]
    start = lines.index("notes by kind:")
    counts: Counter[str] = Counter()
    for line in lines[start + 1:]:
        found = _COUNT.match(line)
        if found is None:
            break
        counts[found.group(2)] += int(found.group(1))
    total = re.search(r"; (\d+) notes? \(", lines[-1])
    assert total is not None, lines[-1]
    return notes, counts, int(total.group(1))


def test_the_printed_notes_list_every_repair_with_counts_per_kind(imported: Imported) -> None:
    notes, counts, total = _printed(imported.printed)
    assert len(notes) == total == sum(counts.values())
    assert counts == Counter(_NOTE.match(n).group(1) for n in notes)  # type: ignore[union-attr]
    retired = [n for n in notes if "it is added retired" in n]
    config, _ = read_config(DiskSource(imported.root))
    assert config is not None
    assert len({re.search(r"“([^”]*)”", n.split(": ", 2)[2]).group(1)  # type: ignore[union-attr]
                for n in retired}) == sum(c.retired for c in config.walk())


def test_github_lists_each_kept_component_as_a_repair(github: Imported) -> None:
    notes, _, _ = _printed(github.printed)
    kept = [n for n in notes if "listed at `operational`" in n]
    assert len(kept) > 150  # most of GitHub's incidents name components only at operational


def test_near_duplicate_names_are_reported_with_a_merge(jenkins: Imported) -> None:
    notes, _, _ = _printed(jenkins.printed)
    merge = [n for n in notes if n.startswith("to review: ") and "repo.jenkins-ci.org" in n]
    assert len(merge) == 1
    assert "“repo-jenkins-ci.org”" in merge[0] and "merge them" in merge[0]


def test_a_markdown_description_is_written_as_plain_text(jenkins: Imported) -> None:
    config, _ = read_config(DiskSource(jenkins.root))
    assert config is not None
    description = config.page.description
    assert "](" not in description and "[here]" not in description
    assert "contribute to this page here (https://github.com/jenkins-infra/status)" in description
    banner = BeautifulSoup((jenkins.site / "index.html").read_text(encoding="utf-8"),
                           "html.parser").select_one(".banner p")
    assert banner is not None and "](" not in banner.get_text()


def _export(tmp_path: Path, code: str, name: str = "") -> Path:
    """GitHub's summary with one incident whose update names a component by ``code``."""
    data: dict[str, Any] = json.loads(GITHUB.read_text(encoding="utf-8"))
    incident = data["incidents"][0]
    incident["incident_updates"][0]["affected_components"] = [
        {"code": code, "name": name, "old_status": "operational", "new_status": "major_outage"}]
    path = tmp_path / "summary.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("code", ["evil\ncode: x", "\n", "\u202eabc\x00"])
def test_a_component_named_only_by_a_hostile_code_is_cleaned_not_fatal(
        tmp_path: Path, code: str) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    printed = io.StringIO()
    with redirect_stdout(printed):
        status = main(["import", "statuspage", str(_export(tmp_path, code)), "--root", str(root),
                       "--now", STAMP])
    assert status == 0, printed.getvalue()
    assert errors(root) == []
    config, _ = read_config(DiskSource(root))
    assert config is not None
    added = [c for c in config.leaves() if c.retired]
    assert len(added) == 1
    assert "\n" not in added[0].name and "\x00" not in added[0].name and added[0].name
