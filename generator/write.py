"""Write: put the rendered bytes on disk without ever losing the previous site or a user's file.

A build renders into a fresh folder beside the output and swaps it in only
when every file is written; unchanged files are hard-linked from the previous
build, so their bytes (and times) stay as they were.  Only folders that
statusgen made, marked by :data:`MARKER`, are ever replaced.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MARKER = ".statusgen-site"
MARKER_TEXT = b"This folder is written by statusgen build; it is replaced on every build.\n"


class OutputError(Exception):
    """The output folder is not one statusgen may write to."""


@dataclass(frozen=True)
class WriteReport:
    """What a write changed."""

    written: int
    unchanged: int
    removed: int


def check_output(out: Path, root: Path) -> None:
    """Refuse an output that is the root, holds the sources, or is a folder the user made."""
    out, root = out.resolve(), root.resolve()
    if out == root or root.is_relative_to(out):
        raise OutputError(f"{out} holds the status repository itself; build into a folder of "
                          "its own such as site/")
    for source in ("incidents", "themes", "components.yml"):
        if out.is_relative_to(root / source):
            raise OutputError(f"{out} is inside the sources ({source}); choose another folder")
    if out.exists():
        if not out.is_dir():
            raise OutputError(f"{out} is a file, not a folder")
        if any(out.iterdir()) and not (out / MARKER).is_file():
            raise OutputError(f"{out} is not empty and was not made by statusgen; refusing to "
                              "replace it. Choose a new or empty folder")


def _safe(path: str) -> PurePosixPath:
    parts = path.split("/")
    if path.startswith("/") or "\\" in path or path == MARKER or \
            any(part in ("", ".", "..") for part in parts):
        raise OutputError(f"refusing to write outside the output folder: {path!r}")
    return PurePosixPath(path)


def _same(existing: Path | str, data: bytes) -> bool:
    try:
        if os.stat(existing).st_size != len(data):
            return False
        with open(existing, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False


def write_site(out: Path, files: Mapping[str, bytes]) -> WriteReport:
    """Replace ``out`` with exactly ``files``, atomically: on any failure ``out`` is untouched."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.statusgen-new"
    retired = out.parent / f".{out.name}.statusgen-old"
    for leftover in (staging, retired):
        if leftover.exists():
            shutil.rmtree(leftover)
    written = unchanged = 0
    # Plain os calls and a set of made folders: 20,000 files through pathlib cost seconds.
    made: set[str] = set()
    had_site = out.is_dir()
    try:
        staging.mkdir()
        for path in sorted(files):
            data = files[path]
            _safe(path)
            target = os.path.join(staging, path)
            folder = os.path.dirname(target)
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            previous = os.path.join(out, path)
            if had_site and _same(previous, data):
                try:
                    os.link(previous, target)
                    unchanged += 1
                    continue
                except OSError:
                    pass
            with open(target, "wb") as handle:
                handle.write(data)
            written += 1
        (staging / MARKER).write_bytes(MARKER_TEXT)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    removed = _count_removed(out, files)
    if out.exists():
        os.rename(out, retired)
    try:
        os.rename(staging, out)
    except BaseException:
        if retired.exists():
            os.rename(retired, out)
        raise
    shutil.rmtree(retired, ignore_errors=True)
    return WriteReport(written, unchanged, removed)


def _count_removed(out: Path, files: Mapping[str, bytes]) -> int:
    if not out.is_dir():
        return 0
    existing = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    return len(existing - set(files) - {MARKER})


def update_site(out: Path, files: Mapping[str, bytes]) -> WriteReport:
    """Make ``out`` hold exactly ``files``, in place, touching only what changed (the dev server).

    Each changed file is replaced atomically (a temporary file beside it, then
    ``os.replace``), outputs that are no longer produced are deleted, and
    unchanged files are left alone, their times included.  Unlike
    :func:`write_site`, a failure part way leaves a mix of old and new files;
    the next build mends it.
    """
    out = out.resolve()
    targets = {path: out.joinpath(*_safe(path).parts) for path in files}
    out.mkdir(parents=True, exist_ok=True)
    wanted = set(files) | {MARKER}
    removed = 0
    for folder, dirs, names in os.walk(out, topdown=False):
        here = Path(folder)
        for name in names:
            file = here / name
            if file.relative_to(out).as_posix() not in wanted:
                file.unlink()
                if not name.endswith(".statusgen-tmp"):  # a leftover of an interrupted write
                    removed += 1
        for name in dirs:
            sub = here / name
            if sub.is_symlink():
                if sub.relative_to(out).as_posix() not in wanted:
                    sub.unlink()
            elif not any(sub.iterdir()):
                sub.rmdir()
    if not (out / MARKER).is_file():
        (out / MARKER).write_bytes(MARKER_TEXT)
    written = unchanged = 0
    for path in sorted(files):
        data, target = files[path], targets[path]
        if not (target.is_dir() and not target.is_symlink()) and _same(target, data):
            unchanged += 1
            continue
        _replace(target, data)
        written += 1
    return WriteReport(written, unchanged, removed)


def _replace(target: Path, data: bytes) -> None:
    """Write one file atomically: a temporary file beside it, then ``os.replace``."""
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.statusgen-tmp")
    try:
        temp.write_bytes(data)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


class SiteUpdater:
    """:func:`update_site` for a process that writes the same folder again and again (the dev
    server): it remembers the bytes it wrote, so a rebuild compares in memory and touches only
    the outputs that changed, instead of reading the whole site back from disk."""

    def __init__(self) -> None:
        self._out: Path | None = None
        self._written: dict[str, bytes] = {}

    def __call__(self, out: Path, files: Mapping[str, bytes]) -> WriteReport:
        out = out.resolve()
        if out != self._out or not (out / MARKER).is_file():
            report = update_site(out, files)
        else:
            report = self._update(out, files)
        self._out, self._written = out, dict(files)
        return report

    def _update(self, out: Path, files: Mapping[str, bytes]) -> WriteReport:
        before = self._written
        changed = [p for p, data in files.items()
                   if (old := before.get(p)) is None or (old is not data and old != data)]
        gone = sorted(set(before) - set(files))
        for path in gone:
            target = out.joinpath(*_safe(path).parts)
            target.unlink(missing_ok=True)
            for folder in target.parents:
                if folder == out or any(folder.iterdir()):
                    break
                folder.rmdir()
        for path in sorted(changed):
            _replace(out.joinpath(*_safe(path).parts), files[path])
        return WriteReport(len(changed), len(files) - len(changed), len(gone))
