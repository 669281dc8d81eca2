"""Outputs held in files until the write: a build's memory does not grow with its site."""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from pathlib import Path

from statusgen.incremental.parallel import parallel_map
from statusgen.incremental.stable import fingerprint
from statusgen.output.held import HOLD_FROM, hold
from statusgen.output.kept import Held, materialized, output_size
from statusgen.output.spare import digest
from statusgen.output.write import MARKER, MARKER_TEXT, WriteReport, write_site
from statusgen.pipeline import Session, build
from tests.helpers import NOW, copy_example, tree

BIG = b"<p>" + b"x" * HOLD_FROM + b"</p>"


def test_an_output_is_held_in_a_file_named_by_its_digest(tmp_path: Path) -> None:
    found = hold(str(tmp_path), BIG)
    assert isinstance(found, Held) and bytes(found) == b""  # nothing of it in memory
    assert found.digest == digest(BIG) and (tmp_path / found.digest).read_bytes() == BIG
    assert output_size(found) == len(BIG) and materialized(found) == BIG
    # Known by its contents wherever an input holds it, in every process.
    assert fingerprint((found,)) == fingerprint((hold(str(tmp_path), BIG),))
    assert fingerprint((found,)) != fingerprint((hold(str(tmp_path), BIG + b" "),))
    # Small outputs and what is no output stay as they are.
    assert hold(str(tmp_path), b"small") == b"small"
    assert hold(str(tmp_path), ["a list"]) == ["a list"]
    parts = hold(str(tmp_path), {"a.json": BIG, "b.json": b"{}"})
    assert isinstance(parts["a.json"], Held) and parts["b.json"] == b"{}"


def made(size: int) -> bytes:
    return bytes([size % 251]) * size


def test_outputs_made_in_other_processes_come_back_held(tmp_path: Path) -> None:
    sizes = [HOLD_FROM + n for n in range(500)]
    found = parallel_map(made, sizes, 2, after=lambda value: hold(str(tmp_path), value))
    assert all(isinstance(v, Held) for v in found)
    assert [materialized(v) for v in found] == [made(n) for n in sizes]
    again = pickle.loads(pickle.dumps(found[0]))
    assert isinstance(again, Held) and again.made() == made(HOLD_FROM)


def test_a_build_hands_the_writer_held_pages_and_removes_the_folder(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    seen: dict[str, bytes] = {}

    def writer(out: Path, files: Mapping[str, bytes]) -> WriteReport:
        seen.update(files)
        return write_site(out, files)

    assert build(root, tmp_path / "site", NOW, session=Session(parse=Session.in_memory().parse,
                                                               writer=writer), jobs=2).ok
    held = [path for path, data in seen.items() if isinstance(data, Held)]
    assert "incidents/2026-11-03-database-outage/index.html" in held
    assert sum(len(data) for data in seen.values()) < sum(map(output_size, seen.values())) / 2
    assert not (tmp_path / ".site.statusgen-held").exists()
    # The same bytes as the dev server's build, which holds every output in memory.
    assert build(root, tmp_path / "served", NOW, session=Session.in_memory()).ok
    assert tree(tmp_path / "site") == tree(tmp_path / "served")


def test_what_an_interrupted_build_held_is_removed_and_a_stranger_is_left(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    left = tmp_path / ".site.statusgen-held"
    left.mkdir()
    (left / MARKER).write_bytes(MARKER_TEXT)
    (left / "0123").write_bytes(b"half a page")
    assert build(root, tmp_path / "site", NOW).ok
    assert not left.exists()
    left.mkdir()
    (left / "notes.txt").write_bytes(b"someone's")
    failed = build(root, tmp_path / "site", NOW)
    assert not failed.ok and "in the way" in failed.diagnostics[-1].message
    assert (left / "notes.txt").read_bytes() == b"someone's"

