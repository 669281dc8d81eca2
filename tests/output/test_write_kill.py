"""A build killed at any step leaves the previous complete site or the new one, never less."""

from __future__ import annotations

import itertools
import os
import shutil
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from statusgen.output import write
from statusgen.output.write import MARKER, MARKER_TEXT, site_lock, write_site
from statusgen.pipeline import build
from tests.conftest import StatusRepo
from tests.helpers import INCIDENT, NOW, tree

EARLIER = {"index.html": b"earlier index", "same.css": b"kept", "nested": b"a file, later a folder",
           "gone/page.html": b"removed by the new"}
OLD = {"index.html": b"old index", "same.css": b"kept", "gone/page.html": b"removed by the new",
       "nested/deep/b.html": b"old b"}
NEW = {"index.html": b"new index, longer", "same.css": b"kept", "nested/deep/b.html": b"new b",
       "added/x.json": b"{}"}
LATER = {"index.html": b"later index", "same.css": b"kept", "added": b"a folder, later a file"}
SWAP_CALLS = ("rename", "replace", "unlink", "rmdir", "link")
"""The os functions counted as steps (with shutil.rmtree and the exchange); unlink and rmdir
too, so that a kill also lands inside the removal of the previous site and of the files the
spare tree no longer holds, and link inside the files it takes from the site."""
HISTORIES = {"first-build": [], "rebuild": [OLD], "after-two": [EARLIER, OLD]}
"""The sites written before the killed one: none, one (the spare tree is a copy of it), or two
(the spare tree is one build behind, and must catch up with both builds' changes)."""


def whole(files: dict[str, bytes]) -> dict[str, bytes]:
    return {**files, MARKER: MARKER_TEXT}


def state(out: Path) -> str:
    """What a reader finds at ``out``: the old site, the new one, none, or anything else."""
    if not out.exists():
        retired = out.parent / f".{out.name}.statusgen-old"
        return "set aside" if retired.exists() and tree(retired) == whole(OLD) else "missing"
    found = tree(out)
    return "old" if found == whole(OLD) else "new" if found == whole(NEW) else f"mixed: {found}"


def counted(real: Callable[..., Any], stop: int, calls: Iterator[int]) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        if next(calls) == stop:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return call


def write_killed_at(out: Path, stop: int, fallback: bool, changes_only: bool = False) -> bool:
    """Write NEW into ``out`` in a child process killed at its ``stop``-th step; True if it
    finished instead.  ``changes_only``: the write must not stage the whole site."""
    pid = os.fork()
    if pid == 0:  # the child: count the steps, die at one, never return into pytest
        code = 1
        try:
            if changes_only:
                write._stage = lambda *args: os._exit(3)
            calls = itertools.count(1)
            for name in SWAP_CALLS:
                setattr(os, name, counted(getattr(os, name), stop, calls))
            shutil.rmtree = counted(shutil.rmtree, stop, calls)  # type: ignore[assignment]
            write.exchange = None if fallback or write.exchange is None else \
                counted(write.exchange, stop, calls)
            write_site(out, NEW)
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return False
    assert os.waitstatus_to_exitcode(status) == 0
    return True


@pytest.mark.parametrize("history", HISTORIES)
@pytest.mark.parametrize("fallback", [False, True], ids=["exchange", "renames"])
def test_a_write_killed_at_any_step_leaves_the_old_site_or_the_new(
        tmp_path: Path, fallback: bool, history: str) -> None:
    if not fallback and write.exchange is None:
        pytest.skip("this system has no atomic exchange of folders")
    first = not HISTORIES[history]
    seen = []
    for stop in itertools.count(1):
        out = tmp_path / str(stop) / "site"
        for files in HISTORIES[history]:
            write_site(out, files)
        if write_killed_at(out, stop, fallback, changes_only=not first):
            assert state(out) == "new"
            break
        seen.append(state(out))
        with site_lock(out):  # what every build and the dev server do first
            assert state(out) in (("missing", "new") if first else ("old", "new"))
        report = write_site(out, NEW)
        assert state(out) == "new"
        assert sorted(p.name for p in out.parent.iterdir()) == [".site.statusgen", "site"], \
            "leftovers removed"
        assert report.written + report.unchanged == len(NEW)
        # The build after it finds its spare tree as it should be, or knows it is not.
        write_site(out, LATER)
        assert tree(out) == whole(LATER)
    before_swap = "missing" if first else "old"
    expected = {before_swap, "new"} | ({"set aside"} if fallback and not first else set())
    assert set(seen) == expected, seen


def test_a_failing_build_still_puts_a_set_aside_site_back(
        tmp_path: Path, status_repo: StatusRepo) -> None:
    for stop in itertools.count(1):  # the step between the two renames
        out = tmp_path / str(stop) / "site"
        write_site(out, OLD)
        assert not write_killed_at(out, stop, fallback=True)
        if state(out) == "set aside":
            break
    broken = status_repo({"incidents/a.md": INCIDENT.replace("impact: minor", "impact: big")})
    result = build(broken, out, NOW)
    assert not result.ok
    assert state(out) == "old"
