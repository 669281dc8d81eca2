"""Writing the site: atomic, never into the user's files, unchanged bytes left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.write import MARKER, OutputError, check_output, write_site
from tests.helpers import tree


def test_writes_exactly_the_files_and_a_marker(tmp_path: Path) -> None:
    out = tmp_path / "site"
    report = write_site(out, {"index.html": b"<p>a</p>", "api/v2/status.json": b"{}"})
    assert tree(out) == {"index.html": b"<p>a</p>", "api/v2/status.json": b"{}",
                         MARKER: (out / MARKER).read_bytes()}
    assert (report.written, report.unchanged, report.removed) == (2, 0, 0)


def test_second_write_keeps_unchanged_files_and_removes_stale_ones(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, {"a.html": b"same", "b.html": b"old", "gone.html": b"x"})
    before = (out / "a.html").stat()
    report = write_site(out, {"a.html": b"same", "b.html": b"new"})
    assert (report.written, report.unchanged, report.removed) == (1, 1, 1)
    assert (out / "a.html").stat().st_ino == before.st_ino
    assert (out / "a.html").stat().st_mtime_ns == before.st_mtime_ns
    assert not (out / "gone.html").exists()
    assert (out / "b.html").read_bytes() == b"new"
    assert not list(tmp_path.glob(".site.statusgen-*"))


def test_a_failed_write_leaves_the_previous_site_exactly_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, {"index.html": b"good"})
    before = tree(out)
    with pytest.raises(OutputError):
        write_site(out, {"index.html": b"new", "../escape.html": b"x"})
    assert tree(out) == before
    assert not (tmp_path / "escape.html").exists()
    assert not list(tmp_path.glob(".site.statusgen-*"))


@pytest.mark.parametrize("where", [".", "..", "incidents", "incidents/site", "themes/default"])
def test_refuses_outputs_that_hold_or_sit_in_the_sources(tmp_path: Path, where: str) -> None:
    root = tmp_path / "repo"
    (root / "incidents").mkdir(parents=True)
    (root / "themes" / "default").mkdir(parents=True)
    with pytest.raises(OutputError):
        check_output(root / where, root)


def test_refuses_a_folder_the_user_made(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "thesis.txt").write_text("precious")
    with pytest.raises(OutputError, match="not made by statusgen"):
        check_output(mine, root)
    assert (mine / "thesis.txt").read_text() == "precious"


def test_accepts_new_empty_or_previous_build_folders(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    check_output(root / "site", root)
    (tmp_path / "empty").mkdir()
    check_output(tmp_path / "empty", root)
    write_site(root / "site", {"index.html": b"x"})
    check_output(root / "site", root)
    with pytest.raises(OutputError, match="is a file"):
        (tmp_path / "file").write_text("x")
        check_output(tmp_path / "file", root)
