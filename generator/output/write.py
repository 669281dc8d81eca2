"""Write: put the rendered bytes on disk without ever losing the previous site or a user's file.

A build makes the new site in a folder beside the output and puts it in place
only when every file is written, by one atomic exchange of the two folders:
Linux ``renameat2(RENAME_EXCHANGE)``, macOS ``renamex_np(RENAME_SWAP)``.  A
reader, or a build killed at any instant, finds the previous complete site or
the new one.  Only folders that statusgen made, marked by :data:`MARKER` (or
empty), are ever replaced or deleted.

The folder beside is the spare tree (:mod:`statusgen.output.spare`): the site
the last build swapped out, one build behind, kept in ``.NAME.statusgen/``.  A
build brings it up to the new site by the files that differ (those the last
build changed and those changing now, by a record of both trees) and exchanges
it with the output, which becomes the spare tree of the next build: what a build
writes and deletes is what changed, not what exists (20 changed files of a
20,000-file site: one second instead of fifteen to forty on the same loaded
machine).  Unchanged files are hard links between the two trees, so the second
tree costs folders, not bytes.  Without a record true of both trees (a first
build, a tree deleted, replaced or edited by hand, a build stopped half-way), a
build stages the whole site in ``.NAME.statusgen-new`` (unchanged files
hard-linked from the previous build, so their bytes and times stay as they were)
and keeps the site it replaced as the spare tree; a first build keeps a copy of
links of the new one.

Where there is no exchange (another system, or a file system such as NFS that
refuses it) two renames do the work: the previous site is set aside as
``.NAME.statusgen-old``, then the new one is renamed in.  A build killed between
the two leaves the output missing and the previous site set aside; whoever
takes the folder's lock next (any build, the dev server) puts it back first,
and a set-aside site is never deleted while the output is missing.

Builds in folders behind a symbolic link flipped with ``os.replace`` would avoid
that gap and the spare tree, but the output would no longer be a plain folder:
``tar -cf site.tar site``, ``cp -r site dest`` and ``rsync -a site dest`` copy
the link, not the site (``tar -C site .``, as actions/upload-pages-artifact
runs it, and ``rsync -a site/ dest`` follow it), and turning an existing
folder into a link needs the same two renames anyway.

Builds of one folder take turns: :func:`site_lock` holds ``flock`` on
``.NAME.statusgen-lock`` beside it, and the build holds it across the
no-change check, the write and the record of the last build, so what a build
reports is what it left on disk.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import fcntl
import os
import platform
import shutil
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from statusgen.output.atomic import replace_file
from statusgen.output.kept import Held, Kept, materialized, output_size
from statusgen.output.paths import MARKER as MARKER
from statusgen.output.paths import MARKER_TEXT as MARKER_TEXT
from statusgen.output.paths import OutputError as OutputError
from statusgen.output.paths import check
from statusgen.output.paths import safe as _safe
from statusgen.output.spare import (
    MARKER_DIGEST,
    Identity,
    Manifest,
    Spare,
    bring_up,
    clone,
    digest,
    identity,
    listing,
    regular_bytes,
    write_new,
)
from statusgen.output.spare import retired as retired_manifest

LOCK_TIMEOUT = 300.0
"""Seconds a build waits for another build of the same folder before giving up."""
LOCK_PATIENCE = 1.0
"""Seconds a build waits for the lock before saying so."""


@dataclass(frozen=True)
class WriteReport:
    """What a write changed."""

    written: int
    unchanged: int
    removed: int
    up_to_date: bool = False
    """True when the folder already held this build's output and nothing was written."""


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
        if not _ours(out):  # the marker a plain file: a link to any file is not one
            raise OutputError(f"{out} is not empty and was not made by statusgen; refusing to "
                              "replace it. Choose a new or empty folder")


def _same(existing: Path | str, data: bytes) -> bool:
    """Whether ``existing`` is a regular file holding ``data`` (a symbolic link not followed)."""
    return regular_bytes(str(existing), len(data)) == data


def _link(existing: str, target: str, expected: Identity | None) -> bool:
    """Hard-link ``existing`` at ``target`` if it is the regular file ``expected`` (as a
    listing that follows no link found it); False, and nothing at ``target``, otherwise.
    ``link`` links a symbolic link itself, and follows one among the folders of the path: the
    new site would hold a link, or a file, from anywhere."""
    if expected is None:
        return False
    try:
        os.link(existing, target)
    except OSError:
        return False
    if identity(target) != expected:
        os.unlink(target)
        return False
    return True


def _beside(out: Path, role: str) -> Path:
    """The folder (``new``, ``old``) or lock file statusgen keeps next to ``out``."""
    return out.parent / f".{out.name}.statusgen-{role}"


# --------------------------------------------------------------------------
# The atomic exchange of two folders
# --------------------------------------------------------------------------

Exchange = Callable[[str, str], bool]
_Raw = Callable[[bytes, bytes], int]

AT_FDCWD = -100
RENAME_EXCHANGE = 2  # Linux, <linux/fs.h>
RENAME_SWAP = 2  # macOS, <stdio.h>
RENAMEAT2_SYSCALL = {"x86_64": 316, "aarch64": 276, "riscv64": 276, "armv7l": 382, "i686": 353,
                     "ppc64le": 357, "s390x": 347}
"""renameat2's system call number, for a C library that does not wrap it (glibc < 2.28)."""


def _renameat2(libc: ctypes.CDLL) -> _Raw:
    call = libc.renameat2
    call.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]

    def run(first: bytes, second: bytes) -> int:
        return int(call(AT_FDCWD, first, AT_FDCWD, second, RENAME_EXCHANGE))
    return run


def _renameat2_syscall(libc: ctypes.CDLL) -> _Raw | None:
    number = RENAMEAT2_SYSCALL.get(platform.machine())
    if number is None:
        return None
    call, word = libc.syscall, ctypes.c_long  # variadic: every integer passed as a full word

    def run(first: bytes, second: bytes) -> int:
        return int(call(word(number), word(AT_FDCWD), first, word(AT_FDCWD), second,
                        word(RENAME_EXCHANGE)))
    return run


def _renamex_np(libc: ctypes.CDLL) -> _Raw:
    call = libc.renamex_np
    call.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]

    def run(first: bytes, second: bytes) -> int:
        return int(call(first, second, RENAME_SWAP))
    return run


def _raw_exchange() -> _Raw | None:
    try:
        if sys.platform == "darwin":
            return _renamex_np(ctypes.CDLL(ctypes.util.find_library("c")))
        if sys.platform.startswith("linux"):
            libc = ctypes.CDLL(None)
            return _renameat2(libc) if hasattr(libc, "renameat2") else _renameat2_syscall(libc)
    except (OSError, AttributeError):
        pass
    return None


def _system_exchange() -> Exchange | None:
    raw = _raw_exchange()
    if raw is None:
        return None

    def swap(first: str, second: str) -> bool:
        # A failed exchange changes nothing, whatever the reason; the caller then falls back
        # to renames, which report a real problem (permissions, a vanished folder) themselves.
        return raw(os.fsencode(first), os.fsencode(second)) == 0
    return swap


exchange: Exchange | None = _system_exchange()
"""Swap two paths atomically (True) or leave both as they were (False); None where the system
has no such call. Tests set it to None to exercise the fallback."""


# --------------------------------------------------------------------------
# The lock: one writer of a folder at a time
# --------------------------------------------------------------------------

@dataclass
class _Hold:
    descriptor: int
    depth: int = 1


class _Holds(threading.local):
    def __init__(self) -> None:
        self.locks: dict[str, _Hold] = {}


_holds = _Holds()


@contextlib.contextmanager
def site_lock(out: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold ``out``'s lock: one build or dev-server write of a folder at a time, across processes.

    Re-entrant within a thread: a build holds it around its writer, which takes it again.
    Waits up to ``timeout`` seconds (default :data:`LOCK_TIMEOUT`), saying so on stderr after
    :data:`LOCK_PATIENCE`, then raises :class:`OutputError`.  On taking it, puts back a site
    that a build killed half-way through a swap had set aside, so the holder finds the
    previous site in place.
    """
    out = out.resolve()
    key, lock = str(out), _beside(out, "lock")
    hold = _holds.locks.get(key)
    first = hold is None
    if hold is None:
        hold = _holds.locks[key] = _Hold(
            _acquire(lock, out, LOCK_TIMEOUT if timeout is None else timeout))
    else:
        hold.depth += 1
    try:
        if first:
            _recover(out)
        yield
    finally:
        hold.depth -= 1
        if hold.depth == 0:
            del _holds.locks[key]
            _release(lock, hold.descriptor)


def _acquire(lock: Path, out: Path, timeout: float) -> int:
    started = time.monotonic()
    told = False
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot make the folder {lock.parent}: {exc.strerror}") from None
    while True:
        descriptor = _open_lock(lock)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(descriptor)
            os.close(descriptor)
            waited = time.monotonic() - started
            if waited >= timeout:
                raise OutputError(f"gave up after waiting {timeout:g} s for another build ({holder}) "
                                  f"to finish writing {out}; try again when it has finished (its "
                                  f"lock is {lock})") from None
            if waited >= LOCK_PATIENCE and not told:
                print(f"statusgen: another build ({holder}) is writing {out}; waiting for it "
                      f"to finish (at most {timeout:g} s)", file=sys.stderr, flush=True)
                told = True
            time.sleep(0.02)
            continue
        if _still_there(descriptor, lock):
            _sign(descriptor)
            return descriptor
        # The holder removed the file as it let go: this lock guards nothing; take the next one.
        os.close(descriptor)


def _open_lock(lock: Path) -> int:
    try:
        # Never through a symbolic link: it could point at any file of whoever builds.
        return os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if os.path.islink(lock):
            raise OutputError(f"{lock} is a symbolic link; statusgen keeps its lock there and "
                              "does not follow links. Remove it") from None
        raise OutputError(f"cannot open the lock file {lock}: {exc.strerror}") from None


def _still_there(descriptor: int, lock: Path) -> bool:
    try:
        on_disk = os.lstat(lock)
    except FileNotFoundError:
        return False
    mine = os.fstat(descriptor)
    return (mine.st_dev, mine.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _sign(descriptor: int) -> None:
    """Write this process's id into the lock, for the message of a build that waits."""
    with contextlib.suppress(OSError):
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)


def _holder(descriptor: int) -> str:
    try:
        pid = os.pread(descriptor, 20, 0).strip()
    except OSError:
        pid = b""
    return f"process {int(pid)}" if pid.isdigit() else "another process"


def _release(lock: Path, descriptor: int) -> None:
    # Removed while still held, so no lock file is left behind; a process waiting on it finds
    # it gone once it gets it and starts again (see _acquire).
    with contextlib.suppress(OSError):
        if _still_there(descriptor, lock):
            os.unlink(lock)
    fcntl.flock(descriptor, fcntl.LOCK_UN)
    os.close(descriptor)


# --------------------------------------------------------------------------
# The folders beside the output
# --------------------------------------------------------------------------

def _ours(folder: Path) -> bool:
    """Whether statusgen made ``folder``: a real folder holding the marker, or an empty one."""
    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            return False
        with os.scandir(folder) as entries:
            found = {entry.name: entry.is_file(follow_symlinks=False) for entry in entries}
    except OSError:
        return False
    return not found or found.get(MARKER, False)


def _claim(folder: Path) -> None:
    if os.path.lexists(folder) and not _ours(folder):
        raise OutputError(f"{folder} is in the way: statusgen uses that name while it builds, and "
                          "this one was not made by statusgen. Move it away")


def _discard(folder: Path) -> None:
    """Delete a folder statusgen made, its marker last: one cut short is still known as ours."""
    if not os.path.lexists(folder):
        return
    _claim(folder)
    with os.scandir(folder) as found:
        entries = list(found)
    for entry in entries:
        if entry.name == MARKER:
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(folder / MARKER)
    os.rmdir(folder)


def _recover(out: Path) -> None:
    """Put back the site a build set aside when it was stopped before the new one was in."""
    retired = _beside(out, "old")
    if os.path.lexists(out) or not _ours(retired):
        return
    try:
        os.rename(retired, out)
    except OSError as exc:
        raise OutputError(f"{out} is missing and the previous site is kept in {retired}, but it "
                          f"cannot be put back: {exc.strerror}") from None


def _clear_leftovers(out: Path, staging: Path, retired: Path) -> None:
    """Remove what an interrupted build left beside ``out``, never the only copy of a site."""
    _claim(staging)
    _claim(retired)
    _discard(staging)
    if os.path.lexists(retired) and os.path.lexists(out):
        # Renamed before it is deleted: a site at the ``old`` name is always whole, so a
        # deletion cut short can never be put back as the site.
        os.rename(retired, staging)
        _discard(staging)


# --------------------------------------------------------------------------
# Writing a whole site, and updating one in place
# --------------------------------------------------------------------------

def write_site(out: Path, files: Mapping[str, bytes]) -> WriteReport:
    """Replace ``out`` with exactly ``files``: at every instant ``out`` is the previous complete
    site or the new one, and on any failure the previous one (see the module's notes).

    Writes what changed into the spare tree and exchanges it with ``out`` when the record of
    the two trees holds; otherwise stages the whole site (:func:`_publish_whole`)."""
    out = out.resolve()
    for path in files:
        check(path)
    staging, retired = _beside(out, "new"), _beside(out, "old")
    with site_lock(out):
        _clear_leftovers(out, staging, retired)
        spare = Spare(out)
        spare.prepare()
        record = spare.take()
        if record is not None:
            try:
                update = bring_up(spare.tree, out, record, files)
            except OSError:
                pass  # the spare tree is in doubt now: it is set aside, and the site staged whole
            else:
                _swap(spare.tree, out, retired)
                _remember(spare, update.manifest, record.published)
                return WriteReport(update.written, update.unchanged, update.removed)
        return _publish_whole(out, spare, staging, retired, files)


@contextlib.contextmanager
def holding(out: Path) -> Iterator[str]:
    """A folder beside ``out`` for the outputs a build holds until it writes them
    (:mod:`statusgen.output.held`), removed after it; one an interrupted build left is
    removed first.  Never part of the site."""
    out = out.resolve()
    folder = _beside(out, "held")
    with site_lock(out):
        _discard(folder)
        os.mkdir(folder)
        (folder / MARKER).write_bytes(MARKER_TEXT)
        try:
            yield str(folder)
        finally:
            with contextlib.suppress(OSError, OutputError):
                _discard(folder)


def _publish_whole(out: Path, spare: Spare, staging: Path, retired: Path,
                   files: Mapping[str, bytes]) -> WriteReport:
    """Stage the whole site and swap it in; keep the site it replaced (or, on a first build, a
    copy of links of the new one) as the spare tree for the next build."""
    _discard(spare.tree)
    before: dict[str, Identity | None] | None = None
    try:
        before = listing(str(out)) if os.path.isdir(out) else None
        published, written, unchanged = _stage(out, staging, files, before or {})
        _swap(staging, out, retired)
        # The site is in place: what follows only saves the next build work, and if it
        # fails that build stages the site whole again.
        with contextlib.suppress(OSError):
            if before is None:
                clone(out, spare.tree, published)
                _remember(spare, published, published)
            elif os.path.lexists(staging):
                os.rename(staging, spare.tree)
                _remember(spare, published, retired_manifest(before, published))
    finally:
        # The new site that failed, or the previous one it replaced: either way not the
        # site, and if it cannot go now the next build removes it.
        with contextlib.suppress(OSError, OutputError):
            _discard(staging)
    removed = len(before.keys() - files.keys() - {MARKER}) if before is not None else 0
    return WriteReport(written, unchanged, removed)


def _remember(spare: Spare, published: Manifest, kept: Manifest) -> None:
    with contextlib.suppress(OSError):  # without a record the next build stages the site whole
        spare.remember(published, kept)


def _stage(out: Path, staging: Path, files: Mapping[str, bytes],
           previous_site: Mapping[str, Identity | None]) -> tuple[Manifest, int, int]:
    """Write ``files`` into the new folder ``staging``, linking the ones ``out`` already holds
    (its regular files, by ``previous_site``, its listing); what it then holds, and how many
    files were written and linked."""
    os.mkdir(staging)
    # The marker first: a folder cut short by a crash is still known as statusgen's.
    (staging / MARKER).write_bytes(MARKER_TEXT)
    manifest: Manifest = {MARKER: (MARKER_DIGEST, *_known(os.path.join(staging, MARKER)))}
    written = unchanged = 0
    # Plain os calls and a set of made folders: 20,000 files through pathlib cost seconds.
    made: set[str] = set()
    for path in sorted(files):
        data = files[path]
        target = os.path.join(staging, path)
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        # Linked first, then read: the bytes compared are those of the file published.
        linked = _link(os.path.join(out, path), target, previous_site.get(path))
        if linked:
            found = regular_bytes(target) if isinstance(data, Kept) else \
                regular_bytes(target, output_size(data))
            if found is None or not (isinstance(data, Kept) or _as_made(found, data)):
                os.unlink(target)  # never written into: it is the previous site's file
                linked = False
            else:
                name = digest(found)
                unchanged += 1
        if not linked:
            name = data.digest if isinstance(data, Held) else digest(data := materialized(data))
            write_new(target, data)
            written += 1
        manifest[path] = (name, *_known(target))
    return manifest, written, unchanged


def _as_made(found: bytes, data: bytes) -> bool:
    """Whether a file's bytes are those of an output."""
    return digest(found) == data.digest if isinstance(data, Held) else found == data


def _known(path: str) -> Identity:
    found = identity(path)
    if found is None:
        raise OSError(f"{path} vanished as it was written")
    return found


def _swap(staging: Path, out: Path, retired: Path) -> None:
    """Put ``staging`` at ``out``; the previous site, if any, ends up at ``staging``."""
    if not os.path.lexists(out):
        os.rename(staging, out)
    elif exchange is None or not exchange(str(staging), str(out)):
        _swap_by_renames(staging, out, retired)


def _swap_by_renames(staging: Path, out: Path, retired: Path) -> None:
    os.rename(out, retired)
    try:
        os.rename(staging, out)
    except BaseException as exc:
        if not os.path.lexists(out):
            _put_back(retired, out, exc)
        raise
    with contextlib.suppress(OSError):  # left at ``old``, it is removed by the next build
        os.rename(retired, staging)


def _put_back(retired: Path, out: Path, failure: BaseException) -> None:
    try:
        os.rename(retired, out)
    except OSError as exc:
        raise OutputError(f"cannot put the new site in place ({failure}) nor the previous one "
                          f"back ({exc.strerror}); the previous site is kept in {retired} and "
                          "the next build puts it back") from failure


def update_site(out: Path, files: Mapping[str, bytes]) -> WriteReport:
    """Make ``out`` hold exactly ``files``, in place, touching only what changed (the dev server).

    Each changed file is replaced atomically (a temporary file beside it, then
    ``os.replace``), outputs that are no longer produced are deleted, and
    unchanged files are left alone, their times included.  Unlike
    :func:`write_site`, a failure part way leaves a mix of old and new files;
    the next build mends it.  Holds the folder's lock while it writes.
    """
    out = out.resolve()
    targets = {path: out.joinpath(*_safe(path).parts) for path in files}
    with site_lock(out):
        out.mkdir(parents=True, exist_ok=True)
        removed = _prune(out, set(files) | {MARKER})
        if not (out / MARKER).is_file():
            (out / MARKER).write_bytes(MARKER_TEXT)
        written = unchanged = 0
        for path in sorted(files):
            data, target = materialized(files[path]), targets[path]
            if not (target.is_dir() and not target.is_symlink()) and _same(target, data):
                unchanged += 1
                continue
            _replace(target, data)
            written += 1
    return WriteReport(written, unchanged, removed)


def _prune(out: Path, wanted: set[str]) -> int:
    """Delete what ``out`` holds beyond ``wanted`` and empty folders; the outputs removed."""
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
    return removed


def _replace(target: Path, data: bytes) -> None:
    """Write one output atomically, where a folder of an older build may stand."""
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    replace_file(target, data)


def _through_link(out: Path, paths: list[str]) -> bool:
    """Whether a folder of one of ``paths`` inside ``out`` is not a real folder."""
    real: set[str] = set()
    for path in paths:
        parts = path.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            if folder in real:
                continue
            try:
                if not stat.S_ISDIR(os.lstat(os.path.join(out, folder)).st_mode):
                    return True
            except FileNotFoundError:
                break  # made afresh as a real folder
            except OSError:
                return True
            real.add(folder)
    return False


def _identity(folder: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(folder)
    except OSError:
        return None
    return found.st_dev, found.st_ino


class SiteUpdater:
    """:func:`update_site` for a process that writes the same folder again and again (the dev
    server): it remembers the bytes it wrote, so a rebuild compares in memory and touches only
    the outputs that changed, instead of reading the whole site back from disk.  A folder that
    a build replaced meanwhile is another folder: it is compared on disk again."""

    def __init__(self) -> None:
        self._out: Path | None = None
        self._folder: tuple[int, int] | None = None
        self._written: dict[str, bytes] = {}

    def __call__(self, out: Path, files: Mapping[str, bytes]) -> WriteReport:
        out = out.resolve()
        with site_lock(out):
            if out != self._out or _identity(out) != self._folder or \
                    not (out / MARKER).is_file():
                report = update_site(out, files)
            else:
                report = self._update(out, files)
            self._out, self._folder, self._written = out, _identity(out), dict(files)
        return report

    def _update(self, out: Path, files: Mapping[str, bytes]) -> WriteReport:
        before = self._written
        changed = [p for p, data in files.items()
                   if (old := before.get(p)) is None or (old is not data and old != data)]
        gone = sorted(set(before) - set(files))
        if _through_link(out, [*changed, *gone]):
            # A folder replaced by a link since the last write: written and deleted here, the
            # files would be somewhere else. update_site removes the link first.
            return update_site(out, files)
        for path in gone:
            target = out.joinpath(*_safe(path).parts)
            target.unlink(missing_ok=True)
            for folder in target.parents:
                if folder == out or any(folder.iterdir()):
                    break
                folder.rmdir()
        for path in sorted(changed):
            _replace(out.joinpath(*_safe(path).parts), materialized(files[path]))
        return WriteReport(len(changed), len(files) - len(changed), len(gone))
