"""The spare tree: a build writes what changed, and any doubt about the spare means a whole write."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from statusgen.output import write
from statusgen.output.kept import kept
from statusgen.output.spare import Spare
from statusgen.output.write import MARKER, MARKER_TEXT, OutputError, write_site
from tests.helpers import tree

A = {"index.html": b"a", "same.css": b"kept", "nested": b"a file, later a folder",
     "gone/deep/page.html": b"removed later"}
B = {"index.html": b"b", "same.css": b"kept", "nested/deep/x.html": b"x", "new.json": b"{}"}
C = {"index.html": b"c", "same.css": b"kept", "nested/deep/x.html": b"x", "nested/y.html": b"y"}
D = {"index.html": b"d", "same.css": b"kept", "nested": b"a file again", "new.json": b"{}"}


def whole(files: dict[str, bytes]) -> dict[str, bytes]:
    return {**files, MARKER: MARKER_TEXT}


@pytest.fixture(params=[False, True], ids=["exchange", "renames"])
def renames(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    if request.param:
        monkeypatch.setattr(write, "exchange", None)
    elif write.exchange is None:
        pytest.skip("this system has no atomic exchange of folders")
    return bool(request.param)


@pytest.fixture
def whole_writes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many writes staged the whole site."""
    count: list[int] = []
    real = write._stage

    def counted(*args: Any) -> Any:
        count.append(1)
        return real(*args)
    monkeypatch.setattr(write, "_stage", counted)
    return count


def test_each_build_after_the_first_writes_only_what_changed(
        tmp_path: Path, renames: bool, whole_writes: list[int]) -> None:
    out = tmp_path / "site"
    spare = Spare(out.resolve()).tree
    previous: dict[str, bytes] = {}
    for files in (A, B, C, D, A, A):
        report = write_site(out, files)
        assert tree(out) == whole(files)
        if previous:
            assert tree(spare) == whole(previous), "the spare tree is the site one build behind"
            changed = sum(previous.get(p) != data for p, data in files.items())
            assert (report.written, report.unchanged, report.removed) == \
                (changed, len(files) - changed, len(previous.keys() - files.keys()))
        previous = files
    assert len(whole_writes) == 1, "only the first build stages the whole site"
    assert (spare / "same.css").stat().st_ino == (out / "same.css").stat().st_ino, \
        "an unchanged file is one file in both trees"
    assert (tmp_path / ".site.statusgen" / ".gitignore").read_text().endswith("*\n")


def test_a_kept_output_is_linked_from_the_site(tmp_path: Path, whole_writes: list[int]) -> None:
    out = tmp_path / "site"
    write_site(out, A)
    write_site(out, B)
    inode = (out / "same.css").stat().st_ino

    def never() -> bytes:
        raise AssertionError("a kept output whose file is as it was is not rendered")
    write_site(out, {**C, "same.css": kept("k", "", 4, never)})
    assert tree(out) == whole(C)
    assert (out / "same.css").stat().st_ino == inode
    assert len(whole_writes) == 1


def edit_in_place(file: Path) -> None:
    with open(file, "r+b") as handle:  # as an editor that writes into the file would
        handle.write(b"HAND")


def replace_by_hand(file: Path) -> None:
    temporary = file.with_name("by-hand")
    temporary.write_bytes(b"replaced by hand")
    os.replace(temporary, file)


def add_by_hand(out: Path) -> None:
    (out / "nested" / "extra.html").write_bytes(b"added by hand")


def remove_by_hand(out: Path) -> None:
    (out / "same.css").unlink()


@pytest.mark.parametrize("edit", [
    lambda out: edit_in_place(out / "same.css"),
    lambda out: replace_by_hand(out / "same.css"),
    add_by_hand,
    remove_by_hand,
], ids=["edited in place", "replaced", "added", "removed"])
def test_a_site_edited_by_hand_is_never_served_stale(tmp_path: Path, renames: bool,
                                                      edit: Any) -> None:
    out = tmp_path / "site"
    for files in (A, B):
        write_site(out, files)
    edit(out)
    for files in (C, C, D, A):  # the edited tree is the spare one of the second of these
        write_site(out, files)
        assert tree(out) == whole(files)


def copied(folder: Path) -> None:
    """Put a copy in place of ``folder``: the same bytes and times, other files."""
    copy = folder.with_name("copy")
    shutil.copytree(folder, copy)
    shutil.rmtree(folder)
    os.rename(copy, folder)


@pytest.mark.parametrize("damage", [
    lambda spare: (spare.tree / "index.html").unlink(),
    lambda spare: shutil.rmtree(spare.tree),
    lambda spare: copied(spare.tree),
    lambda spare: spare.record.unlink(),
    lambda spare: spare.record.write_bytes(b"{\"format\": \"statusgen-spare 1\", \"path\""),
    lambda spare: spare.record.write_bytes(spare.record.read_bytes().replace(b"[", b"[1,")),
    lambda spare: spare.record.write_bytes(b"\xff" * 100),
], ids=["a file gone", "tree gone", "tree copied", "no record", "record cut short", "record changed",
        "record not text"])
def test_any_doubt_about_the_spare_tree_means_a_whole_write(
        tmp_path: Path, damage: Any, whole_writes: list[int]) -> None:
    out = tmp_path / "site"
    for files in (A, B):
        write_site(out, files)
    damage(Spare(out.resolve()))
    write_site(out, C)
    assert tree(out) == whole(C)
    assert len(whole_writes) == 2
    write_site(out, D)
    assert tree(out) == whole(D)
    assert len(whole_writes) == 2, "and the build after it writes only what changed again"


def test_a_site_made_again_by_hand_is_written_whole(tmp_path: Path,
                                                    whole_writes: list[int]) -> None:
    out = tmp_path / "site"
    write_site(out, A)
    os.rename(out, tmp_path / "moved")
    out.mkdir()
    write_site(out, B)
    assert tree(out) == whole(B)
    assert len(whole_writes) == 2


def test_a_folder_of_the_user_where_the_spare_goes_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "site"
    mine = tmp_path / ".site.statusgen"
    mine.mkdir()
    (mine / "notes.txt").write_text("precious")
    with pytest.raises(OutputError, match="in the way"):
        write_site(out, A)
    assert (mine / "notes.txt").read_text() == "precious"
    assert not out.exists()


@pytest.mark.parametrize("edit", [replace_by_hand, lambda file: file.unlink()],
                         ids=["replaced", "removed"])
def test_a_file_of_the_site_edited_by_hand_is_not_linked_into_the_next(
        tmp_path: Path, edit: Any) -> None:
    out = tmp_path / "site"
    for files in (A, B):
        write_site(out, files)
    edit(out / "index.html")  # changed by the last build, so the spare tree needs it
    write_site(out, {**B, "new.json": b"[]"})
    assert tree(out) == whole({**B, "new.json": b"[]"})


@pytest.mark.parametrize("output", [b"kept", kept("k", "", 4, lambda: b"kept")],
                         ids=["same bytes", "kept output"])
def test_a_symbolic_link_planted_in_the_site_is_never_followed_nor_published(
        tmp_path: Path, output: bytes) -> None:
    out = tmp_path / "site"
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"kept")  # the very bytes the build would write there
    write_site(out, A)
    (out / "same.css").unlink()
    (out / "same.css").symlink_to(outside)
    shutil.rmtree(Spare(out.resolve()).home)  # no record: the site is staged whole
    write_site(out, {**A, "same.css": output})
    assert not (out / "same.css").is_symlink(), "a link out of the tree is published"
    assert tree(out) == whole(A)
    outside.write_bytes(b"SECRET")
    assert (out / "same.css").read_bytes() == b"kept"



def test_a_hand_edit_in_the_tick_of_the_build_is_never_served_stale(tmp_path: Path) -> None:
    """A file system keeps times to a tick (a second on some): an edit of the same size in
    the tick the build wrote the file leaves its time as recorded."""
    out = tmp_path / "site"
    for files in (A, B):
        write_site(out, files)
    record = Spare(out.resolve()).record
    # same.css is shared by both trees; new.json, written by the last build, is the site's only.
    for file in (out / "same.css", out / "new.json"):
        before = file.stat()
        file.write_bytes(b"X" * before.st_size)  # in place, the same size
        os.utime(file, ns=(before.st_atime_ns, before.st_mtime_ns))
    # On a file system that keeps times to the second, two quick builds, the record and the
    # edit all fall in one.
    first = min((out / "same.css").stat().st_mtime_ns, (out / "new.json").stat().st_mtime_ns)
    os.utime(record, ns=(first, first))
    for files in (D, C, D, A):
        write_site(out, files)
        assert tree(out) == whole(files)


def test_a_folder_of_the_site_replaced_by_a_link_out_of_the_tree_is_not_read_through(
        tmp_path: Path) -> None:
    out = tmp_path / "site"
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "x.html").write_bytes(b"x")  # the very bytes the build would write
    write_site(out, B)
    shutil.rmtree(out / "nested")
    (out / "nested").symlink_to(outside)
    shutil.rmtree(Spare(out.resolve()).home)  # no record: the site is staged whole
    write_site(out, B)
    assert tree(out) == whole(B)
    assert not (out / "nested").is_symlink()
    assert (out / "nested" / "deep" / "x.html").stat().st_ino != \
        (outside / "deep" / "x.html").stat().st_ino, "a file out of the tree is published"


def test_an_output_named_as_a_temporary_file_is_never_written_into(tmp_path: Path) -> None:
    out = tmp_path / "site"
    for files in ({"a.html": b"1", "a.html.statusgen-tmp": b"t"},
                  {"a.html": b"2", "a.html.statusgen-tmp": b"t"},
                  {"a.html": b"3", "a.html.statusgen-tmp": b"t"}):
        write_site(out, files)
        assert tree(out) == whole(files)
