"""Builds of one folder take turns, and each reports what it wrote."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from statusgen.commands.cli import main
from statusgen.output import write
from statusgen.output.search import indexer
from statusgen.output.write import MARKER, OutputError, SiteUpdater
from statusgen.pipeline import Search, build
from tests.conftest import StatusRepo
from tests.helpers import INCIDENT, MAINTENANCE, NOW, REPO_ROOT, tree

RACER = """
import sys
from statusgen.commands.cli import main
root, out, now, rounds = sys.argv[1:]
sys.stdin.readline()  # start with the other racer
codes = [main(["build", "--root", root, "--out", out, "--now", now]) for _ in range(int(rounds))]
print("exit codes:", *codes)
"""

HOLDER = """
import sys, time
from pathlib import Path
from statusgen.output.write import site_lock
with site_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""

REPORT = re.compile(r"^(?:built the site in .+?: |the site in .+? was up to date: )\d+ pages, "
                    r"(\d+) files \(\d+ KiB; (\d+) written, (\d+) unchanged, (\d+) removed\)")

Site = dict[str, bytes]


def python(code: str, *args: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], cwd=REPO_ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@contextmanager
def holding(out: Path, seconds: float) -> Iterator[subprocess.Popen[str]]:
    """Another process that holds ``out``'s lock for ``seconds``."""
    holder = python(HOLDER, out, seconds)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        yield holder
    finally:
        holder.kill()
        holder.communicate()


def change(before: Site | None, after: Site) -> tuple[int, int, int]:
    """(written, unchanged, removed) of a write of ``after`` over ``before``."""
    before = before or {}
    unchanged = sum(before.get(path) == data for path, data in after.items())
    return len(after) - unchanged, unchanged, len(before.keys() - after.keys())


def site(folder: Path) -> Site:
    return {path: data for path, data in tree(folder).items() if path != MARKER}


def test_concurrent_builds_into_one_folder_take_turns_and_report_truly(
        tmp_path: Path, status_repo: StatusRepo) -> None:
    roots = [status_repo({"incidents/a.md": INCIDENT}),
             status_repo({"incidents/a.md": INCIDENT, "incidents/b.md": MAINTENANCE})]
    sites = []
    for number, root in enumerate(roots):
        # As the command builds: with the search index.
        assert build(root, tmp_path / f"reference{number}", NOW,
                     search_index=Search(indexer())).ok
        sites.append(site(tmp_path / f"reference{number}"))
    assert sites[0].keys() != sites[1].keys()
    out = tmp_path / "site"
    racers = [python(RACER, root, out, NOW.isoformat(), 3) for root in roots]
    for racer in racers:
        assert racer.stdin is not None
        racer.stdin.write("go\n")
        racer.stdin.flush()
    for racer, mine in zip(racers, sites, strict=True):
        printed, errors = racer.communicate(timeout=60)
        assert racer.returncode == 0 and "Traceback" not in errors, errors
        assert printed.splitlines()[-1] == "exit codes: 0 0 0", printed + errors
        reports = [found.groups() for line in printed.splitlines() if (found := REPORT.match(line))]
        assert len(reports) == 3, printed
        possible = {change(before, mine) for before in (None, *sites)}
        for files, *counts in reports:
            assert int(files) == len(mine)
            assert tuple(map(int, counts)) in possible, (counts, possible)
    assert site(out) in sites
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == \
        [".reference0.statusgen", ".reference1.statusgen", ".site.statusgen"]


def test_a_build_that_waits_too_long_is_refused_and_says_why(
        tmp_path: Path, status_repo: StatusRepo, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = status_repo({"incidents/a.md": INCIDENT})
    out = tmp_path / "site"
    command = ["build", "--root", str(root), "--out", str(out), "--now", NOW.isoformat()]
    assert main(command) == 0
    before = tree(out)
    capsys.readouterr()
    monkeypatch.setattr(write, "LOCK_TIMEOUT", 0.3)
    with holding(out, 30) as holder:
        started = time.monotonic()
        assert main([*command, "--no-cache"]) == 1
        waited = time.monotonic() - started
    printed = capsys.readouterr()
    assert f"gave up after waiting 0.3 s for another build (process {holder.pid}) to finish " \
           f"writing {out.resolve()}" in printed.out
    assert printed.err.endswith(f"build failed; {out} was left as it was\n")
    assert 0.3 <= waited < 5
    assert tree(out) == before


def test_a_build_that_has_to_wait_says_so_then_builds(
        tmp_path: Path, status_repo: StatusRepo, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = status_repo({"incidents/a.md": INCIDENT})
    out = tmp_path / "site"
    monkeypatch.setattr(write, "LOCK_PATIENCE", 0.1)
    with holding(out, 0.4) as holder:
        started = time.monotonic()
        assert main(["build", "--root", str(root), "--out", str(out), "--now", NOW.isoformat()]) == 0
        waited = time.monotonic() - started
    printed = capsys.readouterr()
    assert f"another build (process {holder.pid}) is writing {out.resolve()}; waiting" in printed.err
    assert printed.out.startswith(f"built the site in {out}: ")
    assert waited >= 0.25


def test_the_dev_server_writer_takes_the_same_lock(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    monkeypatch.setattr(write, "LOCK_TIMEOUT", 0.1)
    with holding(out, 30), pytest.raises(OutputError, match="gave up after waiting"):
        SiteUpdater()(out, {"index.html": b"x"})
    assert not out.exists()


def test_the_report_says_built_only_for_a_build_that_wrote(
        tmp_path: Path, status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({"incidents/a.md": INCIDENT})
    out = tmp_path / "site"
    command = ["build", "--root", str(root), "--out", str(out), "--now", NOW.isoformat()]

    def report() -> str:
        assert main(command) == 0
        return capsys.readouterr().out.splitlines()[-1]

    assert report().startswith(f"built the site in {out}: ")
    files = len(site(out))
    assert report().startswith(f"the site in {out} was up to date: ")
    (out / "index.html").write_bytes(b"defaced")
    again = report()
    assert again.startswith(f"built the site in {out}: ")
    assert f"; 1 written, {files - 1} unchanged, 0 removed)" in again
