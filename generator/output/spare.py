"""The spare tree: the site as it was one build ago, kept beside the output, so that a build
writes what changed instead of the whole site.

Beside ``out`` statusgen keeps ``.NAME.statusgen/``: ``spare/`` (the site the last
build swapped out), ``record.json`` (what both trees hold) and a ``.gitignore`` that keeps
the folder out of the repository.  The record lists, for each tree, the folder's identity
and every file with the digest of its bytes and what ``lstat`` says of it (inode, size,
time).  A build that finds the record true of both folders, and every file of the spare
tree as recorded, brings the spare tree up to the new site (the files that changed in the
last build and those that change now: its digests say which), then exchanges the two
folders.  Anything else (no record, a record of another folder, a tree deleted or
replaced, a file edited, added or removed by hand) and the build writes the site whole.
A hand edit in the output is found when that tree is the spare one, a build later, or
at once if the build would link the edited file: nothing stale is ever published.

The record is removed before the spare tree is touched and written again only once the new
site is in place, so a build stopped half-way leaves no record, and the next one writes the
site whole.  Unchanged files are hard links between the two trees: statusgen never writes
into a file in place (always a new file renamed over the name), so writing one tree never
changes the other; an edit in place by hand changes both, and the file's time gives it away.

A file system keeps times to a tick (a second on some), so an edit of the same size in the
tick the file was written leaves its time as recorded.  A file whose time is not older than
the record's own (the record is written after both trees) may be such: its bytes are read
and checked against the digest before it is trusted, as git does with "racily clean" files.
Any later edit gives the file a later time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statusgen.output.atomic import Changed, create_file, replace_file
from statusgen.output.kept import Held, Kept, materialized
from statusgen.output.paths import MARKER, MARKER_TEXT, OutputError

FORMAT = "statusgen-spare 1"
TREE, RECORD = "spare", "record.json"
IGNORE = b"# statusgen's copy of the previous site; never part of the repository\n*\n"
UNKNOWN = ""
"""The digest of a file whose bytes are not known: it matches no output."""

Identity = tuple[int, int, int]
"""A file's inode, size and modification time (ns): what a file as statusgen left it keeps."""
Entry = tuple[str, int, int, int]
"""A file's digest, then its identity."""
Manifest = dict[str, Entry]
"""Every file of a tree (its marker included), by path relative to the tree."""


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


MARKER_DIGEST = digest(MARKER_TEXT)


def identity(path: str) -> Identity | None:
    """The identity of a regular file at ``path`` (links not followed), or None."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


def regular_bytes(path: str, size: int | None = None) -> bytes | None:
    """The bytes of the regular file at ``path`` (a symbolic link is not followed: one planted
    in a tree could point anywhere), or None; None too when its size is not ``size``."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        found = os.fstat(descriptor)
        if not stat.S_ISREG(found.st_mode) or (size is not None and found.st_size != size):
            return None
        with open(descriptor, "rb", closefd=False) as handle:
            return handle.read()
    except OSError:
        return None
    finally:
        os.close(descriptor)


def holds(path: str, name: str) -> bool:
    """Whether the regular file at ``path`` has the digest ``name``."""
    data = regular_bytes(path)
    return data is not None and digest(data) == name


def folder_identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISDIR(info.st_mode) else None


def listing(root: str) -> dict[str, Identity | None]:
    """Every file under ``root`` by relative path, with its identity (None: not a regular
    file); one ``scandir`` per folder."""
    found: dict[str, Identity | None] = {}
    pending = [""]
    while pending:
        relative = pending.pop()
        with os.scandir(os.path.join(root, relative)) as entries:
            for entry in entries:
                path = f"{relative}/{entry.name}" if relative else entry.name
                if entry.is_dir(follow_symlinks=False):
                    pending.append(path)
                    continue
                info = entry.stat(follow_symlinks=False)
                found[path] = (info.st_ino, info.st_size, info.st_mtime_ns) \
                    if stat.S_ISREG(info.st_mode) else None
    return found


def _folders(paths: Iterable[str]) -> set[str]:
    """Every folder the files at ``paths`` need, relative to the tree."""
    found: set[str] = set()
    for path in paths:
        cut = path.rfind("/")
        while cut > 0:
            folder = path[:cut]
            if folder in found:
                break
            found.add(folder)
            cut = folder.rfind("/")
    return found


@dataclass(frozen=True)
class Record:
    """What the two trees hold: the output (the last build's site) and the spare tree."""

    out: tuple[int, int]
    spare: tuple[int, int]
    published: Manifest
    kept: Manifest
    written: int = 0
    """The record's time (ns): a file of that time or later may have been edited unseen."""

    def trusted(self, path: str, entry: Entry) -> bool:
        """Whether the regular file at ``path``, whose identity is that of ``entry``, holds the
        bytes of ``entry``'s digest: known by its time, or else read."""
        return entry[3] < self.written or holds(path, entry[0])


class Spare:
    """The spare tree and its record, beside ``out``."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.home = out.parent / f".{out.name}.statusgen"
        self.tree = self.home / TREE
        self.record = self.home / RECORD

    # ---- the record ------------------------------------------------------

    def take(self) -> Record | None:
        """The record, if it is true of both folders; removed either way, since the spare
        tree is about to change."""
        found = self._read()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.record)
        if found is None or MARKER not in found.kept or folder_identity(self.out) != found.out or \
                folder_identity(self.tree) != found.spare:
            return None
        try:
            on_disk = listing(str(self.tree))
        except OSError:
            return None
        if len(on_disk) != len(found.kept) or \
                any(on_disk.get(path) != entry[1:] for path, entry in found.kept.items()):
            return None
        # A file of unknown bytes is never kept as it is (no output has its digest).
        if not all(entry[0] == UNKNOWN or found.trusted(os.path.join(self.tree, path), entry)
                   for path, entry in found.kept.items()):
            return None
        return found

    def _read(self) -> Record | None:
        try:
            written = os.lstat(self.record).st_mtime_ns
            document: Any = json.loads(regular_bytes(str(self.record)) or b"")
            if document["format"] != FORMAT or document["path"] != str(self.out):
                return None
            published = _manifest(document["published"], absent=False)
            kept = dict(published)
            for path, entry in _manifest(document["differs"], absent=True).items():
                if entry[0] is None:
                    del kept[path]
                else:
                    kept[path] = entry
            return Record(_pair(document["out"]), _pair(document["spare"]), published, kept,
                          written)
        except (OSError, ValueError, UnicodeDecodeError, RecursionError, KeyError, TypeError,
                IndexError):
            return None

    def remember(self, published: Manifest, kept: Manifest) -> None:
        """Record the two trees as they are now: ``published`` at ``out``, ``kept`` spare."""
        out, spare = folder_identity(self.out), folder_identity(self.tree)
        if out is None or spare is None:
            return
        # The spare tree as it differs from the site (mostly the files the last build
        # changed): half the record to read and write.
        differs: dict[str, Entry | tuple[None, int, int, int]] = {
            path: entry for path, entry in kept.items() if published.get(path) != entry}
        differs.update((path, (None, 0, 0, 0)) for path in published.keys() - kept.keys())
        document = {"format": FORMAT, "path": str(self.out), "out": out, "spare": spare,
                    "published": published, "differs": differs}
        replace_file(self.record, json.dumps(document, separators=(",", ":")).encode())

    # ---- the folder ------------------------------------------------------

    def prepare(self) -> None:
        """Make the spare's folder, or refuse one in its place that statusgen did not make."""
        try:
            os.mkdir(self.home)
        except FileExistsError:
            info = os.lstat(self.home)
            names = set(os.listdir(self.home)) if stat.S_ISDIR(info.st_mode) else {""}
            if any(name not in (TREE, RECORD, ".gitignore") and not name.endswith(".tmp")
                   for name in names):
                raise OutputError(f"{self.home} is in the way: statusgen keeps the previous site "
                                  "there, and this one was not made by statusgen. Move it "
                                  "away") from None
        ignore = self.home / ".gitignore"
        if not os.path.lexists(ignore):
            with contextlib.suppress(Changed):
                create_file(ignore, IGNORE)


def _pair(value: Any) -> tuple[int, int]:
    first, second = value
    if not isinstance(first, int) or not isinstance(second, int):
        raise TypeError("not a folder's identity")
    return first, second


def _manifest(value: Any, absent: bool) -> Any:
    """``value`` as a manifest; if ``absent``, a digest of None says: no such file."""
    if not isinstance(value, dict):
        raise TypeError("not a manifest")
    found = {}
    for path, entry in value.items():
        name, inode, size, mtime = entry
        if not (type(name) is str or (absent and name is None)) or type(inode) is not int or \
                type(size) is not int or type(mtime) is not int:
            raise TypeError("not a file's entry")
        found[path] = (name, inode, size, mtime)
    return found


# --------------------------------------------------------------------------
# Bringing the spare tree up to the new site
# --------------------------------------------------------------------------

@dataclass
class Update:
    """The spare tree brought up to a site: what it now holds, and what changed against the
    published site."""

    manifest: Manifest
    written: int = 0
    unchanged: int = 0
    removed: int = 0


def write_new(target: str, data: bytes) -> None:
    """Make the new file ``target`` hold an output: a held one linked (copied where links are
    refused), a kept one rendered, any other written."""
    if isinstance(data, Held):
        data.place(target)
        return
    with open(target, "xb") as handle:
        handle.write(materialized(data))


def bring_up(spare: Path, out: Path, record: Record, files: Mapping[str, bytes]) -> Update:
    """Make ``spare`` hold exactly ``files`` (and the marker), touching only the files that
    differ from what it holds: those linked from ``out`` when it holds the same bytes as
    recorded, the others written.  The paths of ``files`` are checked already."""
    published, kept = record.published, record.kept
    root, source = str(spare), str(out)
    wanted = _folders(files)
    for path in kept.keys() - files.keys() - {MARKER}:
        os.unlink(os.path.join(root, path))
    for folder in sorted(_folders(kept) - wanted, key=lambda f: f.count("/"), reverse=True):
        os.rmdir(os.path.join(root, folder))
    update = Update({MARKER: kept[MARKER]})
    made = _folders(kept) & wanted
    for path in sorted(files):
        data, before = files[path], published.get(path)
        if isinstance(data, Kept) and before is not None:
            # The record of outputs found the file as the last build left it: as recorded here.
            name = before[0]
        elif isinstance(data, Held):
            name = data.digest  # read only if it is written
        else:
            data = materialized(data)
            name = digest(data)
        if before is not None and before[0] == name:
            update.unchanged += 1
        else:
            update.written += 1
        now = kept.get(path)
        if now is not None and now[0] == name:
            update.manifest[path] = now
            continue
        target = os.path.join(root, path)
        folder = os.path.dirname(path)
        if folder and folder not in made:
            os.makedirs(os.path.join(root, folder), exist_ok=True)
            made.update(_folders([path]))
        temporary = target + ".statusgen-tmp"
        if before is not None and before[0] == name:
            with contextlib.suppress(FileNotFoundError):
                os.link(os.path.join(source, path), temporary)
            if identity(temporary) == before[1:] and record.trusted(temporary, before):
                os.replace(temporary, target)
                update.manifest[path] = before
                continue
            # The site's file is not as the record says (edited or removed by hand).
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            data = materialized(data)
        # A new file, never one that is there: a file of the site by that name would be
        # written into, and it may be a link of the published site's.
        write_new(temporary, data)
        os.replace(temporary, target)
        found = identity(target)
        if found is None:
            raise OSError(f"{target} vanished as it was written")
        update.manifest[path] = (name, *found)
    update.removed = len(published.keys() - files.keys() - {MARKER})
    return update


def clone(source: Path, target: Path, manifest: Manifest) -> None:
    """Make ``target`` a copy of the tree ``source`` of hard links (same inodes, no bytes)."""
    os.mkdir(target)
    # The marker first: a copy cut short is still known as statusgen's.
    os.link(os.path.join(source, MARKER), os.path.join(target, MARKER))
    for folder in sorted(_folders(manifest)):
        os.mkdir(os.path.join(target, folder))
    for path in manifest.keys() - {MARKER}:
        os.link(os.path.join(source, path), os.path.join(target, path))


def retired(listed: Mapping[str, Identity | None], published: Manifest) -> Manifest:
    """The manifest of a site that was just replaced by ``published``, from its listing:
    a file still shared with the new site has its digest, any other is unknown."""
    found: Manifest = {}
    for path, ident in listed.items():
        if ident is None:
            found[path] = (UNKNOWN, 0, -1, 0)  # not a regular file: matches nothing on disk
            continue
        new = published.get(path)
        found[path] = (new[0] if new is not None and new[1:] == ident else UNKNOWN, *ident)
    return found
