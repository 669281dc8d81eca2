"""Where a repository's files come from: the working tree, a git commit, or either with some
files replaced.  The loader asks a :class:`Source` for what it needs and applies the same
rules whatever answers, so a commit in ``statusgen diff`` is read exactly as the working
tree in ``statusgen build``.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from statusgen import rules
from statusgen.source.files import Unreadable, read_inside, size_text


class Kind(StrEnum):
    """What a name in a folder is; only files are ever read."""

    FILE = "file"
    FOLDER = "folder"
    LINK = "link"
    OTHER = "other"
    """A device, socket, pipe, or a git submodule."""


@dataclass(frozen=True)
class Listed:
    """One name in a folder, and what it is."""

    name: str
    kind: Kind


class Source(Protocol):
    """The files of a status repository, read by ``/``-separated paths from its root."""

    def describe(self) -> str:
        """Where the files are, for messages (``/srv/status``, ``origin/main (1a2b3c4)``)."""

    def kind(self, path: str) -> Kind | None:
        """What ``path`` is, without following a link; ``None`` when it does not exist."""

    def listing(self, folder: str) -> list[Listed]:
        """The names in ``folder``, sorted; :class:`Unreadable` if it cannot be listed."""

    def read(self, path: str, limit: int) -> bytes:
        """The bytes of a regular file reached without links, at most ``limit`` of them;
        :class:`Unreadable` otherwise."""

    def read_many(self, paths: Iterable[str], limit: int) -> dict[str, bytes | Unreadable]:
        """:meth:`read` of several files at once (one ``git cat-file`` for a commit)."""

    def identity(self, path: str) -> str | None:
        """A string that changes whenever the file's bytes do (without reading them), or
        ``None``: a cache may then skip reading the file."""


@dataclass(frozen=True)
class DiskSource:
    """The working tree under ``root``."""

    root: Path

    def describe(self) -> str:
        return str(self.root)

    def kind(self, path: str) -> Kind | None:
        try:
            mode = (self.root / path).lstat().st_mode
        except OSError:
            return None
        if stat.S_ISLNK(mode):
            return Kind.LINK
        if stat.S_ISDIR(mode):
            return Kind.FOLDER
        return Kind.FILE if stat.S_ISREG(mode) else Kind.OTHER

    def listing(self, folder: str) -> list[Listed]:
        try:
            entries = list(os.scandir(self.root / folder))
        except OSError as exc:
            raise Unreadable(rules.IO, f"cannot list the folder: {exc.strerror}") from exc
        return sorted((Listed(e.name, _kind_of(e)) for e in entries), key=lambda e: e.name)

    def read(self, path: str, limit: int) -> bytes:
        return read_inside(self.root, path, limit)

    def identity(self, path: str) -> str | None:
        # What git's index compares: the same inode, size and nanosecond modification time
        # mean the same bytes, short of someone forging the time back.
        try:
            info = (self.root / path).lstat()
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        return f"{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}"

    def read_many(self, paths: Iterable[str], limit: int) -> dict[str, bytes | Unreadable]:
        found: dict[str, bytes | Unreadable] = {}
        for path in paths:
            try:
                found[path] = self.read(path, limit)
            except Unreadable as exc:
                found[path] = exc
        return found


def _kind_of(entry: os.DirEntry[str]) -> Kind:
    if entry.is_symlink():
        return Kind.LINK
    if entry.is_dir(follow_symlinks=False):
        return Kind.FOLDER
    return Kind.FILE if entry.is_file(follow_symlinks=False) else Kind.OTHER


@dataclass(frozen=True)
class Overlay:
    """``base`` with some files' bytes replaced or added: the repository as it would be after
    an edit, for validating an edit before it is written."""

    base: Source
    files: Mapping[str, bytes]

    def describe(self) -> str:
        return self.base.describe()

    def kind(self, path: str) -> Kind | None:
        if path in self.files:
            return Kind.FILE
        found = self.base.kind(path)
        # A file added in a folder the base does not have yet (the first incident of a new
        # repository) brings the folder with it: without it the loader would not see the file.
        if found is None and any(p.startswith(f"{path}/") for p in self.files):
            return Kind.FOLDER
        return found

    def listing(self, folder: str) -> list[Listed]:
        prefix = f"{folder}/"
        added = {p[len(prefix):] for p in self.files if p.startswith(prefix) and "/" not in p[len(prefix):]}
        try:
            listed = self.base.listing(folder)
        except Unreadable:
            if not added:
                raise
            listed = []
        kept = [e for e in listed if e.name not in added]
        return sorted([*kept, *(Listed(name, Kind.FILE) for name in added)], key=lambda e: e.name)

    def identity(self, path: str) -> str | None:
        if path in self.files:
            return "sha256:" + hashlib.sha256(self.files[path]).hexdigest()
        return self.base.identity(path)

    def read(self, path: str, limit: int) -> bytes:
        if path not in self.files:
            return self.base.read(path, limit)
        if len(self.files[path]) > limit:
            raise Unreadable(rules.SIZE, f"is {size_text(len(self.files[path]))}; statusgen reads "
                             f"files of at most {size_text(limit)} here")
        return self.files[path]

    def read_many(self, paths: Iterable[str], limit: int) -> dict[str, bytes | Unreadable]:
        wanted = list(paths)
        found = self.base.read_many([p for p in wanted if p not in self.files], limit)
        for path in wanted:
            if path in self.files:
                try:
                    found[path] = self.read(path, limit)
                except Unreadable as exc:
                    found[path] = exc
        return {p: found[p] for p in wanted}
