"""``statusgen.gitsource`` and ``statusgen diff`` on temporary git repositories with real commits."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from statusgen.commands.cli import main
from statusgen.pipeline import run_checks
from statusgen.render.diff import NO_CHANGE
from statusgen.source.git import GitError, GitSource, read_ref, resolve
from statusgen.source.load import load
from tests.compute.test_pagediff import INTERNAL_UPDATE, RESOLVED, UPDATED
from tests.conftest import StatusRepo
from tests.helpers import COMPONENTS, INCIDENT, MAINTENANCE, dedent
from tests.helpers import NOW as HELPERS_NOW

NOW = "2026-11-22T09:00:00Z"


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No global or system git config (signing, hooks, default branch) leaks into the tests."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path))


def git(root: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", "-c", "user.name=Test Author", "-c", "user.email=test@example.com",
         "-c", "commit.gpgsign=false", "-C", str(root), *args],
        capture_output=True, text=True, check=True)
    return proc.stdout


def init_repo(root: Path) -> Path:
    git(root, "init", "--quiet", "--initial-branch=main")
    commit(root, "Start the status page")
    return root


def commit(root: Path, message: str) -> str:
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--allow-empty", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dedent(text), encoding="utf-8")


def run_diff(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    code = main(["diff", "--root", str(root), "--now", NOW, *args])
    out, err = capsys.readouterr()
    return code, out, err


# --- reading a ref -----------------------------------------------------------------------

def test_read_ref_reads_git_objects_not_the_working_tree(status_repo: StatusRepo) -> None:
    root = init_repo(status_repo({"incidents/a.md": INCIDENT}))
    write(root, "incidents/a.md", RESOLVED)
    write(root, "incidents/b.md", MAINTENANCE)
    source = read_ref(root, "HEAD")
    assert source.repository is not None
    [incident] = source.repository.incidents
    assert (incident.id, incident.path, incident.terminal) == ("a", "incidents/a.md", None)
    assert not source.broken and not source.diagnostics
    assert source.commit == git(root, "rev-parse", "HEAD").strip()
    assert [c.id for c in source.repository.config.walk()] == ["api", "platform", "db", "queue"]
    # The working tree is as it was left: nothing was checked out.
    assert (root / "incidents/a.md").read_text(encoding="utf-8") == dedent(RESOLVED)
    assert git(root, "status", "--porcelain") == " M incidents/a.md\n?? incidents/b.md\n"


def test_read_ref_in_a_subfolder_of_the_repository(tmp_path: Path, status_repo: StatusRepo) -> None:
    outer = tmp_path / "monorepo"
    outer.mkdir()
    status = status_repo({"incidents/a.md": INCIDENT})
    status.rename(outer / "status")
    init_repo(outer)
    source = read_ref(outer / "status", "HEAD")
    assert source.repository is not None
    assert [i.path for i in source.repository.incidents] == ["incidents/a.md"]


def test_read_ref_without_incidents_folder_or_config(tmp_path: Path) -> None:
    root = tmp_path / "empty"
    root.mkdir()
    init_repo(root)
    source = read_ref(root, "HEAD")
    assert source.repository is None
    assert "components.yml" in source.broken


def test_a_broken_file_at_the_ref_is_noted_not_raised(status_repo: StatusRepo) -> None:
    root = init_repo(status_repo({"incidents/a.md": "---\ntitle: [unclosed\n---\n",
                                  "incidents/b.md": INCIDENT}))
    source = read_ref(root, "HEAD")
    assert source.repository is not None
    assert [i.id for i in source.repository.incidents] == ["b"]
    assert list(source.broken) == ["incidents/a.md"]


def test_bad_refs_and_folders(status_repo: StatusRepo, tmp_path: Path) -> None:
    root = init_repo(status_repo({}))
    with pytest.raises(GitError, match="does not exist"):
        resolve(root, "no-such-branch")
    with pytest.raises(GitError, match="not a git ref"):
        resolve(root, "--output=/tmp/x")
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(GitError, match="not in a git repository"):
        resolve(plain, "HEAD")


# --- statusgen diff, commit by commit ---------------------------------------------------------

def test_diff_through_an_incident_and_a_maintenance(status_repo: StatusRepo,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    root = init_repo(status_repo({}))

    write(root, "incidents/2026-11-22-api-errors.md", INCIDENT)
    commit(root, "Open an incident")
    code, out, _ = run_diff(capsys, root, "--base", "HEAD~1")
    assert code == 0
    assert "**Banner:** All Systems Operational → Minor Service Outage" in out
    assert "| API | Operational | Partial outage |" in out
    assert "**Added:** API errors (`incidents/2026-11-22-api-errors.md`)" in out
    assert "**Investigating** at 22 Nov 2026, 08:00 UTC: We are looking into it." in out

    write(root, "incidents/2026-11-22-api-errors.md", UPDATED)
    commit(root, "Update the incident")
    code, out, _ = run_diff(capsys, root, "--base", "HEAD~1")
    assert code == 0
    assert "**Updated:** API errors" in out
    assert "status Investigating → Identified" in out
    assert "A bad deploy; we are rolling it back." in out
    assert "| API | Partial outage | Degraded performance |" in out
    assert "Minor Service Outage (unchanged)" in out

    write(root, "incidents/2026-11-22-api-errors.md", RESOLVED)
    commit(root, "Resolve the incident")
    code, out, _ = run_diff(capsys, root, "--base", "HEAD~1", "--format", "text")
    assert code == 0
    assert "Banner: Minor Service Outage → All Systems Operational" in out
    assert "  API: Degraded performance → Operational" in out
    assert "  Resolved: API errors (incidents/2026-11-22-api-errors.md)" in out
    assert "Resolved at 22 Nov 2026, 08:45 UTC: Requests succeed again." in out

    write(root, "incidents/2026-11-30-db-upgrade.md", MAINTENANCE)
    commit(root, "Schedule maintenance")
    code, out, _ = run_diff(capsys, root, "--base", "HEAD~1")
    assert code == 0
    assert "### Maintenance" in out
    assert "**Added:** Database upgrade (`incidents/2026-11-30-db-upgrade.md`)" in out
    assert "window 30 Nov 2026, 02:00 to 04:00 UTC, Scheduled" in out
    assert "### Components" not in out and "### Incidents" not in out

    # The whole story at once: from the first commit to now.
    code, out, _ = run_diff(capsys, root, "--base", "HEAD~4", "--format", "text")
    assert code == 0
    assert "Banner: All Systems Operational (unchanged)" in out
    assert "Added: API errors" in out and "Added: Database upgrade" in out


def test_an_internal_only_change_is_no_change(status_repo: StatusRepo,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    root = init_repo(status_repo({"incidents/a.md": INCIDENT}))
    write(root, "incidents/a.md", INTERNAL_UPDATE)
    write(root, "incidents/b.md", INCIDENT.replace("title: API errors", "title: Secret thing")
          .replace("impact: minor\n", "impact: minor\nvisibility: internal\n"))
    commit(root, "Internal notes")
    for fmt in ("markdown", "text"):
        code, out, _ = run_diff(capsys, root, "--base", "HEAD~1", "--format", fmt)
        assert code == 0
        assert NO_CHANGE in out
        for secret in ("ACME-42", "api-7", "Secret thing", "Major outage"):
            assert secret not in out


def test_the_working_tree_is_compared_uncommitted(status_repo: StatusRepo,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    root = init_repo(status_repo({}))
    write(root, "incidents/a.md", INCIDENT)
    code, out, _ = run_diff(capsys, root, "--base", "HEAD")
    assert code == 0
    assert "**Added:** API errors" in out


def test_a_bad_ref_exits_2(status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = init_repo(status_repo({}))
    code, out, err = run_diff(capsys, root, "--base", "origin/nope")
    assert code == 2
    assert out == ""
    assert "the ref 'origin/nope' does not exist" in err
    assert "fetch-depth: 0" in err


def test_not_a_git_repository_exits_2(status_repo: StatusRepo,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_diff(capsys, status_repo({}), "--base", "HEAD")
    assert code == 2
    assert "not in a git repository" in err


def test_working_tree_errors_exit_1(status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = init_repo(status_repo({}))
    write(root, "incidents/a.md", INCIDENT.replace("status: investigating", "status: resolving"))
    code, out, err = run_diff(capsys, root, "--base", "HEAD")
    assert code == 1
    assert out == ""
    assert "incidents/a.md:" in err and "error" in err


def test_a_file_broken_at_the_base_is_not_comparable(status_repo: StatusRepo,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    broken = INCIDENT.replace("updates:\n", "updates: [\n")
    root = init_repo(status_repo({"incidents/a.md": broken}))
    write(root, "incidents/a.md", INCIDENT)
    commit(root, "Fix the YAML")
    code, out, _ = run_diff(capsys, root, "--base", "HEAD~1")
    assert code == 0
    assert "**Not comparable:** API errors (`incidents/a.md`)" in out
    assert "could not be read at the base" in out
    assert r"incidents/a.md could not be read at HEAD\~1 (" in out
    assert "**Added:**" not in out


def test_an_entry_breaking_a_rule_at_the_base_is_not_comparable(
        status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]) -> None:
    window = "window:\n  start: 2026-11-30T02:00:00Z\n  end: 2026-11-30T04:00:00Z\n"
    no_window = MAINTENANCE.replace(window, "")
    root = init_repo(status_repo({"incidents/m.md": no_window}))
    write(root, "incidents/m.md", MAINTENANCE)
    commit(root, "Add the window")
    code, out, _ = run_diff(capsys, root, "--base", "HEAD~1")
    assert code == 0
    assert "**Not comparable:** Database upgrade" in out
    assert "window" in out


def test_components_yml_broken_at_the_base(status_repo: StatusRepo,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    root = init_repo(status_repo({"components.yml": "page: [\n", "incidents/a.md": INCIDENT}))
    write(root, "components.yml", COMPONENTS)
    commit(root, "Fix components.yml")
    code, out, _ = run_diff(capsys, root, "--base", "HEAD~1")
    assert code == 0
    assert r"components.yml could not be read at HEAD\~1 (" in out
    assert "the base cannot be computed" in out
    assert "Minor Service Outage" in out


# --- the same rules at a commit as in the working tree ------------------------------------


def test_a_commit_is_read_by_the_working_tree_rules(status_repo: StatusRepo, tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG secret")
    root = status_repo({
        "incidents/a.md": INCIDENT.replace("Some **Markdown**.", "![chart](chart.png) ![x](x.html)"),
        "incidents/x.html": "<script>alert(1)</script>",
        "incidents/Bad_Name.md": INCIDENT.replace("api:", "db:"),
        "incidents/notes.yml": "---\ntitle: meant as an incident\n",
    })
    (root / "incidents" / "chart.png").symlink_to(secret)
    (root / "incidents" / "linked.md").symlink_to(root / "incidents" / "a.md")
    init_repo(root)
    working = {(d.location.path, d.code) for d in run_checks(root, HELPERS_NOW).diagnostics}
    commit_id = resolve(root, "HEAD")
    at_ref = {(d.location.path, d.code) for d in load(GitSource(root, commit_id, "HEAD")).diagnostics}
    expected = {("incidents/a.md", "attachment"), ("incidents/Bad_Name.md", "slug"),
                ("incidents/notes.yml", "extension"), ("incidents/linked.md", "symlink")}
    assert expected <= at_ref
    assert at_ref <= working


def test_an_incident_over_the_size_limit_at_a_commit_is_not_read(status_repo: StatusRepo) -> None:
    root = status_repo({"incidents/a.md": INCIDENT + "x" * (1024 * 1024)})
    init_repo(root)
    source = read_ref(root, "HEAD")
    assert "incidents/a.md" in source.broken
    assert "at most 1.0 MiB" in source.broken["incidents/a.md"]
