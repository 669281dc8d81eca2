"""``statusgen report``: the site's figures on the command line, from the working tree or from a
commit, byte for byte what a build of that commit publishes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from statusgen.commands.cli import main
from statusgen.compute.snapshot import snapshot
from statusgen.render.reports import render_reports
from tests.datasource import repository
from tests.helpers import REPO_ROOT, copy_example

NOW = "2026-11-22T09:00:00Z"
LATER = """\
---
title: Search is slow
impact: minor
reference: INC-7
severity: sev3
components: {api: degraded_performance}
updates:
  - at: 2026-11-21T10:30:00Z
    status: resolved
    message: Search is fast again.
  - at: 2026-11-21T10:00:00Z
    status: investigating
    message: Search takes seconds.
---
"""


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No global or system git config (signing, hooks, default branch) reaches the tests."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path))


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.com",
                           "-c", "commit.gpgsign=false", "-C", str(root), *args],
                          capture_output=True, text=True, check=True).stdout


def commit(root: Path, message: str) -> str:
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def statusgen(*args: str) -> subprocess.CompletedProcess[bytes]:
    """``python -m statusgen …`` as a user runs it: its exit code and exact bytes."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.run([sys.executable, "-m", "statusgen", *args, "--now", NOW], capture_output=True,
                          cwd=REPO_ROOT, env=env, timeout=120, check=False)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["report", *args, "--now", NOW])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_figures_are_the_sites(tmp_path: Path) -> None:
    root = copy_example(tmp_path)  # not in git: no commit to name
    snap = snapshot(repository(root), datetime.fromisoformat(NOW))
    site = render_reports(snap, root / "themes")
    for fmt in ("json", "csv"):
        done = statusgen("report", "--root", str(root), "--period", "2026-Q4", "--format", fmt)
        assert done.returncode == 0, done.stderr
        assert done.stdout == site[f"reports/2026-Q4.{fmt}"]


def test_the_text_says_the_pages_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_example(tmp_path)
    code, out, _ = run(capsys, "--root", str(root), "--period", "2026-11")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Acme Status: Reliability report: November 2026 (2026-11)"
    api = next(line for line in lines if line.startswith("Public API"))
    assert api.split()[2:5] == ["99.86%", "99.9%", "Below"]
    assert lines[lines.index("Incidents") + 1].startswith("3 of 4 resolved. Mean time to resolve: ")
    assert "INC-3  Database unavailable in the EU region  (Resolved in 2 h 20 min)" in out
    assert "statusgen report --period 2026-11." in out  # no commit outside git


def test_the_text_takes_the_words_the_theme_overrides(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_example(tmp_path)
    locales = root / "themes" / "default" / "locales"
    locales.mkdir(parents=True, exist_ok=True)
    (locales / "en.po").write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"'
                                   '\n\nmsgid "Incidents"\nmsgstr "Outages"\n')
    code, out, _ = run(capsys, "--root", str(root), "--period", "2026-11")
    assert code == 0
    lines = out.splitlines()
    assert "Outages" in lines and "Incidents" not in lines


@pytest.mark.parametrize(("args", "code", "said"), [
    (("--period", "2026-13"), 2, "give a month such as 2026-03"),
    (("--period", "2027-01"), 1, "2027-01 has not begun"),
    (("--period", "2026-11", "--at", "main"), 2, "is not in a git repository"),
])
def test_refusals(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], code: int,
                  said: str) -> None:
    root = copy_example(tmp_path)
    found, out, err = run(capsys, "--root", str(root), *args)
    assert (found, out) == (code, "")
    assert said in err


def test_a_broken_repository_has_no_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_example(tmp_path)
    broken = root / "incidents" / "2026-11-10-dns-resolution.md"
    broken.write_text(broken.read_text().replace("severity: sev3", "severity: sev9"))
    code, out, err = run(capsys, "--root", str(root), "--period", "2026-11")
    assert (code, out) == (1, "")
    assert "severity `sev9` is not declared" in err and "no site would be built from it" in err


def test_at_a_commit_it_prints_what_a_build_of_that_commit_publishes(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    git(root, "init", "--quiet", "--initial-branch=main")
    first = commit(root, "The example")
    (root / "incidents" / "2026-11-21-search.md").write_text(LATER)
    second = commit(root, "Search was slow")
    (root / "incidents" / "2026-11-21-search.md").write_text(LATER.replace("minor", "major"))  # uncommitted

    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", str(root), str(clone))
    git(clone, "checkout", "--quiet", first)
    assert statusgen("build", "--root", str(clone), "--no-cache").returncode == 0
    for fmt in ("json", "csv"):
        at = statusgen("report", "--root", str(root), "--period", "2026-11", "--at", first, "--format", fmt)
        assert at.returncode == 0, at.stderr
        assert at.stdout == (clone / "site" / "reports" / f"2026-11.{fmt}").read_bytes()
    built = json.loads((clone / "site" / "reports" / "2026-11.json").read_bytes())
    assert built["source"]["commit"] == first and built["source"]["uncommitted_changes"] is False
    assert built["incidents"]["count"] == 4
    page = (clone / "site" / "reports" / "2026-11" / "index.html").read_text(encoding="utf-8")
    assert f"statusgen report --period 2026-11 --at {first[:12]}" in page

    later = json.loads(statusgen("report", "--root", str(root), "--period", "2026-11", "--at", "main",
                                 "--format", "json").stdout)
    assert later["source"]["commit"] == second and later["incidents"]["count"] == 5
    assert statusgen("build", "--root", str(root), "--no-cache").returncode == 0
    here = json.loads((root / "site" / "reports" / "2026-11.json").read_bytes())
    assert here["source"] == {**later["source"], "uncommitted_changes": True}
    assert here["incidents"]["by_impact"]["major"] == later["incidents"]["by_impact"]["major"] + 1
    text = statusgen("report", "--root", str(root), "--period", "2026-11").stdout.decode()
    assert f"from commit {second[:12]} with uncommitted changes" in text


def test_an_unknown_ref_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_example(tmp_path)
    git(root, "init", "--quiet", "--initial-branch=main")
    commit(root, "The example")
    code, out, err = run(capsys, "--root", str(root), "--period", "2026-11", "--at", "no-such-branch")
    assert (code, out) == (2, "")
    assert "the ref 'no-such-branch' does not exist" in err


def test_the_text_speaks_the_page_s_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_example(tmp_path)
    config = root / "components.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  language: en\n", "  language: de\n"),
                      encoding="utf-8")
    code, out, _ = run(capsys, "--root", str(root), "--period", "2026-11")
    assert code == 0
    lines = out.splitlines()
    assert lines[:2] == ["Acme Status: Zuverlässigkeitsbericht: November 2026 (2026-11)",
                         "Vom 1. November 2026 bis 30. November 2026."]
    assert lines[4].startswith("Komponente  ") and "Verfügbarkeit" in lines[4]
    api = next(line for line in lines if line.startswith("Public API"))
    assert "99,86\xa0%" in api and "Bisher unter dem Ziel" in api
    assert lines[lines.index("Störungen") + 1].startswith("3 von 4 behoben. Mittlere Behebungsdauer: ")
    assert "INC-3  Database unavailable in the EU region  (Behoben nach 2 Std. 20 Min.)" in out
    assert "Wie diese Zahlen berechnet werden" in lines
    assert "- Jede Zahl lässt sich aus dem Repository nachrechnen: statusgen report --period 2026-11." \
        in lines
