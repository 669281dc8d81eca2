"""Writing the site: atomic, never into the user's files, unchanged bytes left alone."""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from statusgen.output import write
from statusgen.output.write import MARKER, OutputError, SiteUpdater, check_output, write_site
from statusgen.pipeline import build
from tests.conftest import StatusRepo
from tests.helpers import NOW, tree


def test_writes_exactly_the_files_and_a_marker(tmp_path: Path) -> None:
    out = tmp_path / "site"
    report = write_site(out, {"index.html": b"<p>a</p>", "api/v2/status.json": b"{}"})
    assert tree(out) == {"index.html": b"<p>a</p>", "api/v2/status.json": b"{}",
                         MARKER: (out / MARKER).read_bytes()}
    assert (report.written, report.unchanged, report.removed) == (2, 0, 0)


def test_second_write_keeps_unchanged_files_and_removes_stale_ones(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, {"a.html": b"same", "b.html": b"old", "gone.html": b"x",
                     "deep/er/gone.json": b"{}", "deep/kept.json": b"[]"})
    before = (out / "a.html").stat()
    report = write_site(out, {"a.html": b"same", "b.html": b"new", "deep/kept.json": b"[]"})
    assert (report.written, report.unchanged, report.removed) == (1, 2, 2)
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


def test_a_lock_file_that_is_a_symbolic_link_is_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "file"
    target.parent.mkdir()
    (tmp_path / ".site.statusgen-lock").symlink_to(target)
    with pytest.raises(OutputError, match="is a symbolic link"):
        write_site(tmp_path / "site", {"index.html": b"x"})
    assert not target.exists()
    assert not (tmp_path / "site").exists()


def test_a_folder_in_the_way_that_statusgen_did_not_make_is_kept(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, {"index.html": b"first"})
    mine = tmp_path / ".site.statusgen-new"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="is in the way"):
        write_site(out, {"index.html": b"second"})
    assert tree(mine) == {"notes.txt": b"mine"}
    assert (out / "index.html").read_bytes() == b"first"


def test_the_dev_server_writer_notices_that_a_build_replaced_its_folder(tmp_path: Path) -> None:
    out = tmp_path / "site"
    served = {"index.html": b"served", "a.css": b"css"}
    update = SiteUpdater()
    update(out, served)
    write_site(out, {"index.html": b"built", "b.css": b"other"})
    update(out, served)
    assert tree(out) == {**served, MARKER: (out / MARKER).read_bytes()}


Raw = Callable[[bytes, bytes], int]


def _library_call(libc: ctypes.CDLL) -> Raw | None:
    return write._renameat2(libc) if hasattr(libc, "renameat2") else None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
@pytest.mark.parametrize("make", [_library_call, write._renameat2_syscall],
                         ids=["library", "system-call"])
def test_renameat2_exchanges_two_folders(tmp_path: Path,
                                         make: Callable[[ctypes.CDLL], Raw | None]) -> None:
    call = make(ctypes.CDLL(None))
    if call is None:
        pytest.skip("not available here")
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    (one / "a").write_bytes(b"1")
    (two / "b").write_bytes(b"2")
    assert call(os.fsencode(one), os.fsencode(two)) == 0
    assert tree(one) == {"b": b"2"} and tree(two) == {"a": b"1"}
    assert call(os.fsencode(one), os.fsencode(tmp_path / "missing")) != 0
    assert tree(one) == {"b": b"2"}


def test_an_output_whose_parent_cannot_be_made_is_a_clear_error(
        tmp_path: Path, status_repo: StatusRepo) -> None:
    root = status_repo({})
    (tmp_path / "file").write_text("not a folder")
    result = build(root, tmp_path / "file" / "site", NOW)
    assert [(d.code, d.message) for d in result.diagnostics] == [
        ("output", f"cannot make the folder {tmp_path / 'file'}: File exists")]


def test_the_dev_server_writer_never_writes_nor_deletes_through_a_planted_link(
        tmp_path: Path) -> None:
    out = tmp_path / "site"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "old.html").write_bytes(b"the user's")
    update = SiteUpdater()
    update(out, {"index.html": b"1", "nested/old.html": b"old", "nested/page.html": b"1"})
    (out / "nested" / "old.html").unlink()
    (out / "nested" / "page.html").unlink()
    (out / "nested").rmdir()
    (out / "nested").symlink_to(outside)
    files = {"index.html": b"2", "nested/page.html": b"2"}
    update(out, files)
    assert sorted(p.name for p in outside.iterdir()) == ["old.html"]
    assert (outside / "old.html").read_bytes() == b"the user's"
    assert tree(out) == {**files, MARKER: (out / MARKER).read_bytes()}


@pytest.mark.parametrize("marker", ["link", "folder"])
def test_a_marker_that_is_not_a_plain_file_does_not_make_a_folder_statusgen_s(
        tmp_path: Path, marker: str) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "thesis.txt").write_text("precious")
    if marker == "link":
        (mine / MARKER).symlink_to(mine / "thesis.txt")
    else:
        (mine / MARKER).mkdir()
    with pytest.raises(OutputError, match="not made by statusgen"):
        check_output(mine, root)
