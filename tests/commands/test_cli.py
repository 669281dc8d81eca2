"""``statusgen validate``: exit codes, the three report formats and the clock."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from statusgen.commands.cli import main
from tests.conftest import StatusRepo
from tests.helpers import INCIDENT, REPO_ROOT, incident

NOW = "2026-11-22T09:00:00Z"
A = "incidents/a.md"
BAD = incident("impact: minor", "impact: huge")
STALE = incident("at: 2026-11-22T08:00:00Z", "at: 2026-11-01T08:00:00Z")
TEXT_LINE = re.compile(r"^[^:\n]+:\d+:\d+: (error|warning): .+ \[[a-z0-9-]+\]$")


def run(*argv: str | Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def _no_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def test_example_content_validates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run("validate", "--root", REPO_ROOT, "--now", NOW, capsys=capsys)
    files = 1 + len(list((REPO_ROOT / "incidents").glob("*.md")))
    assert (code, out) == (0, f"0 errors, 0 warnings in {files} files\n")


def test_example_content_validates_strictly(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run("validate", "--root", REPO_ROOT, "--now", NOW, "--strict", capsys=capsys)
    assert code == 0, out


def _make_site_command() -> list[str]:
    """What ``make site`` runs to build the example, its prerequisites left out."""
    dry = subprocess.run(["make", "--dry-run", "--silent", "site", "RUNTIME_STAMP="], cwd=REPO_ROOT,
                         capture_output=True, text=True, check=True, timeout=60)
    [command] = [shlex.split(line) for line in dry.stdout.splitlines() if "statusgen build" in line]
    return command


@pytest.mark.parametrize("days", [0, 366], ids=["today", "in a year"])
def test_make_site_finds_no_warning_in_the_example_on_any_date(days: int) -> None:
    command = _make_site_command()
    assert Path(command[0]).name == "statusgen" and command[1] == "build", command
    # The arguments `make site` builds with, validated under a clock of today or a year on.
    clock = datetime.now(UTC) + timedelta(days=days)
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(clock.timestamp()))}
    done = subprocess.run([sys.executable, "-m", "statusgen", "validate", *command[2:]], cwd=REPO_ROOT,
                          env=env, capture_output=True, text=True, check=False, timeout=120)
    files = 1 + len(list((REPO_ROOT / "incidents").glob("*.md")))
    assert (done.returncode, done.stdout) == (0, f"0 errors, 0 warnings in {files} files\n"), done.stderr


def test_clean_repository_exits_0(status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run("validate", "--root", status_repo({A: INCIDENT}), "--now", NOW, capsys=capsys)
    assert (code, out, err) == (0, "0 errors, 0 warnings in 2 files\n", "")


def test_errors_exit_1_with_text_lines(status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({A: BAD, "incidents/b.md": STALE.replace("API errors", "Other")})
    code, out, _ = run("validate", "--root", root, "--now", NOW, capsys=capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[:-1] == [
        "incidents/a.md:3:9: error: `huge` is not one of none, minor, major, critical [choice]",
        "incidents/b.md:8:13: warning: open for 21 days; forgot to resolve? add a `resolved` update "
        "[stale-open]",
    ]
    assert all(TEXT_LINE.match(line) for line in lines[:-1])
    assert lines[-1] == "1 error, 1 warning in 3 files"


def test_warnings_exit_0_without_strict_and_1_with_it(
    status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    root = status_repo({A: STALE})
    code, out, _ = run("validate", "--root", root, "--now", NOW, capsys=capsys)
    assert code == 0
    assert out.endswith("0 errors, 1 warning in 2 files\n")
    code, out, _ = run("validate", "--root", root, "--now", NOW, "--strict", capsys=capsys)
    assert code == 1
    assert "incidents/a.md:8:13: error: open for 21 days" in out
    assert out.endswith("1 error, 0 warnings in 2 files\n")


def test_github_format(status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({A: BAD})
    code, out, err = run("validate", "--root", root, "--now", NOW, "--format", "github", capsys=capsys)
    assert code == 1
    assert out == ("::error file=incidents/a.md,line=3,col=9,title=statusgen choice::`huge` is not one of "
                   "none, minor, major, critical\n")
    assert re.fullmatch(r"::(error|warning) file=[^,]+,line=\d+,col=\d+,title=[^:]+::.+\n", out)
    assert err == "1 error, 0 warnings in 2 files\n"


def test_json_format(status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({A: BAD, "incidents/b.md": STALE.replace("API errors", "Other")})
    code, out, err = run("validate", "--root", root, "--now", NOW, "--format", "json", capsys=capsys)
    assert code == 1
    data = json.loads(out)
    assert [set(d) for d in data] == [{"path", "line", "column", "severity", "code", "message"}] * 2
    assert [(d["path"], d["line"], d["column"], d["severity"], d["code"]) for d in data] == [
        ("incidents/a.md", 3, 9, "error", "choice"), ("incidents/b.md", 8, 13, "warning", "stale-open")]
    assert err == "1 error, 1 warning in 3 files\n"


def test_json_format_when_clean(status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run("validate", "--root", status_repo({A: INCIDENT}), "--now", NOW, "--format", "json",
                       capsys=capsys)
    assert (code, json.loads(out)) == (0, [])


def test_source_date_epoch_fixes_the_clock(
    status_repo: StatusRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = status_repo({A: INCIDENT})  # its update is at 2026-11-22T08:00:00Z
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795338000")  # 2026-11-22T09:00:00Z
    assert run("validate", "--root", root, capsys=capsys)[0] == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795330800")  # 2026-11-22T07:00:00Z
    code, out, _ = run("validate", "--root", root, capsys=capsys)
    assert code == 1
    assert "is in the future (now is 2026-11-22T07:00:00Z)" in out
    # --now still wins.
    assert run("validate", "--root", root, "--now", NOW, capsys=capsys)[0] == 0


@pytest.mark.parametrize("argv", [
    pytest.param(["validate", "--now", "yesterday"], id="bad-now"),
    pytest.param(["validate", "--now", "2026-11-22T09:00:00"], id="now-without-zone"),
    pytest.param(["validate", "--now", "0001-01-01T00:00:00+01:00"], id="now-out-of-range"),
    pytest.param(["validate", "--format", "xml"], id="bad-format"),
    pytest.param([], id="no-command"),
    pytest.param(["frobnicate"], id="unknown-command"),
])
def test_usage_errors_exit_2(argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(*argv, "--root", tmp_path, capsys=capsys) if argv else run(capsys=capsys)
    assert code == 2
    assert out == ""
    assert "usage: statusgen" in err and "Traceback" not in err


def test_missing_root_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run("validate", "--root", tmp_path / "nope", "--now", NOW, capsys=capsys)
    assert code == 2
    assert "no such folder" in err


def test_root_that_is_a_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("x")
    assert run("validate", "--root", tmp_path / "file", "--now", NOW, capsys=capsys)[0] == 2


def test_bad_source_date_epoch_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    code, _, err = run("validate", "--root", tmp_path, capsys=capsys)
    assert code == 2
    assert "SOURCE_DATE_EPOCH='soon'" in err


def test_empty_folder_is_reported_not_raised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run("validate", "--root", tmp_path, "--now", NOW, capsys=capsys)
    assert code == 1
    assert out.startswith("components.yml:1:1: error: there is no components.yml")


def test_odd_characters_in_messages_print(
    status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    root = status_repo({A: incident("impact: minor", 'impact: "\\ud800"')})
    for fmt in ("text", "github", "json"):
        code, out, _ = run("validate", "--root", root, "--now", NOW, "--format", fmt, capsys=capsys)
        assert code == 1
        # libyaml refuses the lone surrogate itself; pure PyYAML passes it into the
        # message. Either way every format prints, and names the file.
        assert "a.md" in out
        out.encode("utf-8")


@pytest.mark.parametrize(("argv", "expected"), [
    pytest.param(["--root", "{root}", "--now", NOW], 0, id="clean"),
    pytest.param(["--root", "{root}/missing", "--now", NOW], 2, id="missing-root"),
    pytest.param(["--root", "{root}", "--now", "later"], 2, id="bad-now"),
])
def test_command_line_never_shows_a_traceback(
    argv: list[str], expected: int, status_repo: StatusRepo
) -> None:
    root = status_repo({A: INCIDENT})
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    command = [sys.executable, "-m", "statusgen", "validate", *(a.format(root=root) for a in argv)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, env=env, timeout=60,
                          check=False)
    assert done.returncode == expected
    assert "Traceback" not in done.stderr
