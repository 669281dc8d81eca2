"""The last build: when nothing it read has changed and its output is as it left it, a build
has nothing to do.

A fingerprint of every input (statusgen's code and default theme, ``components.yml``,
``incidents/``, ``themes/``, the clock and the options) is kept in
``ROOT/.statusgen-cache/`` with the list of outputs it wrote; a build that finds both
unchanged skips rendering and writing.  Anything missing, changed or unreadable
means: build.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from statusgen.incremental.parse_cache import CACHE_DIR, code_hash
from statusgen.output.atomic import replace_file
from statusgen.render.theme import BUILTIN

LAST_BUILD = "last-build-{}.json"


def _files_under(folder: Path) -> list[tuple[str, os.stat_result]]:
    """Every regular file under ``folder`` (or ``folder`` itself), relative to it, sorted,
    with what ``lstat`` says of it; in one ``scandir`` per folder, as 10,000 files call for.
    Links are never followed (the loader refuses them, and a link to a FIFO would block)."""
    try:
        info = os.lstat(folder)
    except OSError:
        return []
    if stat.S_ISREG(info.st_mode):
        return [("", info)]
    if not stat.S_ISDIR(info.st_mode):
        return []
    found: list[tuple[str, os.stat_result]] = []
    pending = [("", str(folder))]
    while pending:
        prefix, path = pending.pop()
        with os.scandir(path) as listing:
            for entry in listing:
                name = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    pending.append((name + "/", entry.path))
                elif entry.is_file(follow_symlinks=False):
                    found.append((name, entry.stat(follow_symlinks=False)))
    return sorted(found, key=lambda item: item[0])


def inputs_fingerprint(root: Path, extra: str) -> str:
    """A hash of everything a build reads: statusgen's code and default theme, the
    repository's ``components.yml``, ``incidents/`` and ``themes/``, and ``extra``
    (the clock and the options). Each file counts by its name, size, inode and
    nanosecond modification time, as git's index does, so nothing is read. Empty when
    a file cannot be looked at: then the build runs, and its loader names the file."""
    digest = hashlib.sha256((code_hash() + extra).encode())
    for name, folder in (("", BUILTIN), ("components.yml", root / "components.yml"),
                         ("incidents/", root / "incidents"), ("themes/", root / "themes")):
        try:
            for rel, info in _files_under(folder):
                digest.update(f"{name}{rel}\0{info.st_size}\0{info.st_ino}\0"
                              f"{info.st_mtime_ns}\n".encode())
        except OSError:
            return ""
    return digest.hexdigest()


def _outputs(out: Path) -> dict[str, list[int]]:
    try:
        return {rel: [info.st_size, info.st_mtime_ns] for rel, info in _files_under(out)}
    except OSError:
        return {}


class LastBuild:
    """What the previous build of ``out`` read and wrote, to skip a build that would
    write the same bytes; anything missing, changed or unreadable means: build."""

    def __init__(self, root: Path, out: Path) -> None:
        name = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]
        self.path = root / CACHE_DIR / LAST_BUILD.format(name)
        self.out = out

    def still_valid(self, fingerprint: str) -> dict[str, Any] | None:
        """The record of the last build when its inputs and its output are as they were."""
        if not fingerprint:
            return None
        try:
            record: Any = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.get("fingerprint") != fingerprint:
            return None
        if record.get("outputs") != _outputs(self.out):
            return None
        return record

    def remember(self, fingerprint: str, details: dict[str, Any]) -> None:
        if not fingerprint:
            return
        record = {"fingerprint": fingerprint, "outputs": _outputs(self.out), **details}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            replace_file(self.path, json.dumps(record).encode("utf-8"))
        except OSError:
            pass

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)
