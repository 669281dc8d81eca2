"""Reading files of the status repository without ever leaving it.

Every file statusgen publishes or parses is read here: a regular file, reached
from the repository's root without passing a symbolic link, no larger than a
stated limit (checked before reading).  A link that points at ``/etc/passwd``
or ``/proc/self/environ``, a folder where a file should be, a FIFO that would
block, or a 24 MB file are answered with a clear :class:`Unreadable`, never
followed, never read and never a traceback.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from statusgen import rules
from statusgen.diagnostics import Rule

MAX_SOURCE_BYTES = 1024 * 1024
"""Largest ``components.yml`` or incident file: far above any real one (a long post-mortem
is 50 KB), far below what makes parsing slow."""
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
"""Largest file an incident may attach (an image, a PDF)."""

_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | \
    getattr(os, "O_CLOEXEC", 0)
_DIRECTORY = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | \
    getattr(os, "O_CLOEXEC", 0)
_WALK_FDS = os.open in os.supports_dir_fd and hasattr(os, "O_NOFOLLOW")


class Unreadable(Exception):
    """A file that may not or cannot be read, and the rule it breaks."""

    def __init__(self, rule: Rule, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


def size_text(size: int) -> str:
    """``1.5 MiB``, ``12 KiB``."""
    return f"{size / 1048576:.1f} MiB" if size >= 1048576 else f"{size / 1024:.0f} KiB"


def _refuse(path: Path, error: OSError) -> Unreadable:
    """The reason a component of a path could not be opened, in words."""
    try:
        info = path.lstat()
    except OSError:
        info = None
    if info is not None and stat.S_ISLNK(info.st_mode):
        return Unreadable(rules.SYMLINK, "is a symbolic link; statusgen never follows links, so that "
                          "nothing outside the repository is read or published: put the file "
                          "itself here")
    if error.errno == errno.ENOENT:
        return Unreadable(rules.IO, "does not exist")
    if error.errno == errno.ENOTDIR:
        return Unreadable(rules.IO, "a part of this path is a file, not a folder")
    return Unreadable(rules.IO, f"cannot read: {error.strerror or error}")


def _check(info: os.stat_result, limit: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise Unreadable(rules.IO, "cannot read: it is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise Unreadable(rules.IO, "cannot read: it is not a regular file (a device, socket or pipe)")
    if info.st_size > limit:
        raise Unreadable(rules.SIZE, f"is {size_text(info.st_size)}; statusgen reads files of at most "
                         f"{size_text(limit)} here")


def read_inside(root: Path, relative: str, limit: int) -> bytes:
    """The bytes of ``root/relative`` (a ``/``-separated path below ``root``).

    Raises :class:`Unreadable` for a symbolic link anywhere below ``root``, anything
    but a regular file, a file over ``limit`` bytes, or any error of the system.
    """
    parts = [p for p in relative.split("/") if p]
    if not parts or any(p in (".", "..") for p in parts):
        raise Unreadable(rules.IO, "is not a path inside the repository")
    if not _WALK_FDS:
        return _read_by_path(root, parts, limit)
    try:
        folder = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise Unreadable(rules.IO, f"cannot open the repository: {exc.strerror}") from exc
    try:
        here = root
        for part in parts[:-1]:
            here = here / part
            try:
                inner = os.open(part, _DIRECTORY, dir_fd=folder)
            except OSError as exc:
                raise _refuse(here, exc) from exc
            os.close(folder)
            folder = inner
        try:
            handle = os.open(parts[-1], _FLAGS, dir_fd=folder)
        except OSError as exc:
            raise _refuse(here / parts[-1], exc) from exc
        try:
            _check(os.fstat(handle), limit)
        except BaseException:
            os.close(handle)
            raise
        with os.fdopen(handle, "rb") as file:
            try:
                data = file.read(limit + 1)
            except OSError as exc:
                raise Unreadable(rules.IO, f"cannot read: {exc.strerror}") from exc
            if len(data) > limit:  # it grew since fstat
                raise Unreadable(rules.SIZE, f"is over {size_text(limit)}")
            return data
    finally:
        os.close(folder)


def _read_by_path(root: Path, parts: list[str], limit: int) -> bytes:
    """The same rules where the system cannot open relative to a folder (Windows)."""
    here = root
    for part in parts:
        here = here / part
        try:
            info = here.lstat()
        except OSError as exc:
            raise _refuse(here, exc) from exc
        if stat.S_ISLNK(info.st_mode):
            raise _refuse(here, OSError(errno.ELOOP, "link"))
    _check(here.lstat(), limit)
    try:
        return here.read_bytes()
    except OSError as exc:
        raise Unreadable(rules.IO, f"cannot read: {exc.strerror}") from exc


def is_real_folder(path: Path) -> bool:
    """A folder that is not a symbolic link."""
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except OSError:
        return False


def is_link(path: Path) -> bool:
    """A symbolic link (to anything, or to nothing)."""
    try:
        return stat.S_ISLNK(path.lstat().st_mode)
    except OSError:
        return False
