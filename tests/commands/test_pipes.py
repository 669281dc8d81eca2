"""A reader that goes away (``statusgen ... | head``) ends a command quietly, exit 141.

Every command of the parser is run with its standard output a pipe whose reader has
already gone, so the first write fails however little the command prints; the ones that
print a lot also run for real, buffered and unbuffered, and one is cut after a byte, as
``head -c1`` does.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from statusgen.commands import validate
from statusgen.commands.cli import EXIT_CLOSED, build_parser, main
from tests.helpers import INCIDENT, REPO_ROOT, incident

NOW = "2026-11-22T09:00:00Z"
STATUSPAGE = REPO_ROOT / "tests" / "fixtures" / "statuspage" / "github-summary.json"
REQUEST = {"title": "Login errors", "status": "major", "description": "Some logins fail.",
           "components": ["api"]}


def command_names() -> list[str]:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(commands.choices)


def closed_early(argv: list[str], *, read: int = 0, stdin: bytes = b"", unbuffered: bool = False,
                 cwd: Path = REPO_ROOT) -> tuple[int, str]:
    """Run ``statusgen argv`` with its output a pipe closed after ``read`` bytes (at once
    when 0, before the command can write); its exit code and standard error."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONUNBUFFERED", "SOURCE_DATE_EPOCH")}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    reader, writer = os.pipe()
    with subprocess.Popen([sys.executable, "-m", "statusgen", *argv], stdin=subprocess.PIPE,
                          stdout=writer, stderr=subprocess.PIPE, cwd=cwd, env=env) as proc:
        os.close(writer)
        if read:
            assert len(os.read(reader, read)) == read
        os.close(reader)
        _, err = proc.communicate(stdin, timeout=120)
    return proc.returncode, err.decode("utf-8", "replace")


def assert_quiet(err: str) -> None:
    for sign in ("Traceback", "BrokenPipeError", "Exception ignored"):
        assert sign not in err, err


@pytest.mark.parametrize("command", [None, *command_names()])
def test_help_into_a_closed_pipe(command: str | None) -> None:
    code, err = closed_early([command, "--help"] if command else ["--help"])
    assert_quiet(err)
    assert code == EXIT_CLOSED


def test_version_into_a_closed_pipe() -> None:
    code, err = closed_early(["--version"])
    assert_quiet(err)
    assert code == EXIT_CLOSED


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example repository, committed in git, with one incident more in the working
    tree (so that ``diff`` has something to say) and many broken files in a copy beside it."""
    root = tmp_path_factory.mktemp("example")
    shutil.copy(REPO_ROOT / "components.yml", root)
    shutil.copytree(REPO_ROOT / "incidents", root / "incidents")
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com",
           "-c", "commit.gpgsign=false", "-C", str(root)]
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    for args in (["init", "--quiet", "--initial-branch=main"], ["add", "--all"],
                 ["commit", "--quiet", "-m", "Start"]):
        subprocess.run([*git, *args], check=True, env=env, capture_output=True)
    (root / "incidents" / "2026-11-22-api-errors.md").write_text(INCIDENT, encoding="utf-8")
    broken = root / "broken"
    (broken / "incidents").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "components.yml", broken)
    bad = incident("impact: minor", "impact: huge")
    for n in range(400):  # about 150 KB of JSON: more than a pipe holds
        (broken / "incidents" / f"2026-11-{n:03}.md").write_text(bad, encoding="utf-8")
    return root


REAL_RUNS: dict[str, list[str]] = {
    "validate": ["validate", "--root", "broken", "--format", "json"],
    "new": ["new", "--from-json", "-"],
    "diff": ["diff", "--base", "HEAD"],
    "report": ["report", "--period", "2026-11"],
    "import": ["import", "statuspage", str(STATUSPAGE), "--dry-run"],
}


@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "unbuffered"])
@pytest.mark.parametrize("name", list(REAL_RUNS))
def test_commands_that_print_a_lot(example: Path, name: str, unbuffered: bool) -> None:
    argv = [*REAL_RUNS[name], "--now", NOW]
    if "--root" not in argv:
        argv += ["--root", "."]
    stdin = json.dumps(REQUEST | {"title": f"Login errors {unbuffered}"}).encode()
    code, err = closed_early(argv, stdin=stdin, unbuffered=unbuffered, cwd=example)
    assert_quiet(err)
    assert code == EXIT_CLOSED, err


def test_cut_after_a_byte_like_head(example: Path) -> None:
    code, err = closed_early(["validate", "--root", "broken", "--format", "json", "--now", NOW],
                             read=1, cwd=example)
    assert_quiet(err)
    assert code == EXIT_CLOSED, err


def test_other_broken_pipes_are_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pipe of the command's own breaking (a socket, a child's input) is a bug to see,
    not a reader gone: it is raised as it was."""
    def broken(args: argparse.Namespace, now: object) -> int:
        raise BrokenPipeError("a child went away")

    monkeypatch.setattr(validate, "run", broken)
    with pytest.raises(BrokenPipeError):
        main(["validate", "--root", str(REPO_ROOT)])
