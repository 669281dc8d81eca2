"""What every part of the writer agrees on: the marker of statusgen's folders, the error it
raises, and which output paths are allowed."""

from __future__ import annotations

from pathlib import PurePosixPath

MARKER = ".statusgen-site"
MARKER_TEXT = b"This folder is written by statusgen build; it is replaced on every build.\n"


class OutputError(Exception):
    """The output folder is not one statusgen may write to."""


def check(path: str) -> None:
    """Raise :class:`OutputError` unless ``path`` is a relative path inside the output."""
    if path.startswith("/") or "\\" in path or path == MARKER or \
            not {"", ".", ".."}.isdisjoint(path.split("/")):
        raise OutputError(f"refusing to write outside the output folder: {path!r}")


def safe(path: str) -> PurePosixPath:
    """``path`` as a relative path inside the output, or :class:`OutputError`."""
    check(path)
    return PurePosixPath(path)
