"""Writing one file so that it appears whole or not at all: a temporary file beside it,
flushed, then renamed over it (or linked, when it must not exist yet).

Every single-file write of statusgen goes through here: an edited incident, a new
incident, the caches, the dev server's pages.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


class Changed(Exception):
    """The file is not what the writer expected: created or edited meanwhile."""


def _temporary(path: Path, data: bytes | Iterable[bytes], mode: int | None) -> Path:
    """A new file beside ``path`` holding ``data``, or its pieces in turn (made with the umask,
    or ``mode``)."""
    for attempt in range(100):
        temp = path.with_name(f".{path.name}.statusgen-{os.getpid()}-{attempt}.tmp")
        try:
            handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                             0o666)
        except FileExistsError:
            continue
        try:
            with os.fdopen(handle, "wb") as file:
                if isinstance(data, bytes):
                    file.write(data)
                else:  # a large document made piece by piece is never whole in memory
                    for piece in data:
                        file.write(piece)
                file.flush()
                os.fsync(file.fileno())
            if mode is not None:
                os.chmod(temp, mode)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return temp
    raise OSError(f"cannot create a temporary file beside {path}")


def replace_file(path: Path, data: bytes | Iterable[bytes], *, expected: bytes | None = None,
                 keep_mode: bool = False) -> None:
    """Put ``data`` (bytes, or its pieces in order) at ``path`` atomically.

    ``expected``: refuse (:class:`Changed`) unless the file still holds these bytes, as an
    editor that read it would; ``keep_mode``: the new file keeps the old one's mode.
    """
    mode = path.stat().st_mode & 0o7777 if keep_mode and path.exists() else None
    temp = _temporary(path, data, mode)
    try:
        if expected is not None and path.read_bytes() != expected:
            raise Changed(f"{path.name} changed while statusgen was editing it")
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def create_file(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet, atomically; :class:`Changed` if it appeared."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _temporary(path, data, None)
    try:
        os.link(temp, path)  # fails if the name was taken meanwhile
    except FileExistsError as exc:
        raise Changed(f"{path.name} was created meanwhile") from exc
    except OSError:  # a file system without hard links
        if path.exists() or path.is_symlink():
            raise Changed(f"{path.name} was created meanwhile") from None
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
