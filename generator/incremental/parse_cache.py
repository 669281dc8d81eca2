"""The parse cache: parsed incidents kept between builds, keyed by each file's bytes.

:class:`ParseCache` stands in for :func:`~generator.source.parse.parse_incident`: it
parses a file only when its path and bytes (or statusgen's code) changed.  With a
repository root it keeps its results in ``ROOT/.statusgen-cache/parse.json``, plain
JSON (:mod:`generator.incremental.codec`), beside a stamp that records the file's
own inode, size and modification time when it was written.  A cache that was
committed, copied, restored or edited by anyone else has another inode or time, so
it is ignored, never trusted; so is one that does not parse.  Deleting the folder
only makes the next build slower.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from generator.incremental.codec import CodecError, encode, object_hook
from generator.output.atomic import replace_file
from generator.source.parse import Parsed, ParseFn, parse_incident

CACHE_DIR = ".statusgen-cache"
PARSE_FILE = "parse.json"
STAMP_FILE = "parse.stamp"
FORMAT = "statusgen-parse-cache 2"


def code_hash() -> str:
    """Changes whenever any of statusgen's code does: results of other code are stale."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def _identity(path: Path) -> str | None:
    try:
        info = path.lstat()
    except OSError:
        return None
    return f"{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}"


class ParseCache:
    """A caching :data:`~generator.source.parse.ParseFn`: call :meth:`parse` for each file,
    then :meth:`save` (with a root) to keep what this build used."""

    def __init__(self, root: Path | None = None, parse: ParseFn = parse_incident) -> None:
        self._parse = parse
        self.code = code_hash()
        self.folder = root / CACHE_DIR if root is not None else None
        self.old: dict[str, Parsed] = self._read() if self.folder is not None else {}
        self.new: dict[str, Parsed] = {}
        self.parsed = 0
        """Files parsed (not found in the cache) since the last :meth:`begin`."""
        self._built = False

    def _read(self) -> dict[str, Parsed]:
        assert self.folder is not None
        path, stamp = self.folder / PARSE_FILE, self.folder / STAMP_FILE
        try:
            if self.folder.is_symlink() or stamp.read_text(encoding="ascii") != _identity(path):
                return {}
            data: Any = json.loads(path.read_bytes(), object_hook=object_hook)
        except (OSError, ValueError, UnicodeDecodeError, CodecError, RecursionError):
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("code") != self.code:
            return {}
        entries = data.get("entries")
        if not isinstance(entries, dict):
            return {}
        return {key: (found[0], list(found[1])) for key, found in entries.items()}

    def begin(self) -> None:
        """Start a build: count parses anew; what the build does not ask for is forgotten."""
        if self._built:  # keep only what the last build used: files that went away are forgotten
            self.old = self.new
        self._built = True
        self.new = {}
        self.parsed = 0

    def key_of(self, path: str, raw: bytes) -> str:
        return hashlib.sha256(f"{self.code}\0{path}\0".encode() + raw).hexdigest()

    def parse(self, path: str, raw: bytes) -> Parsed:
        """What ``parse_incident(path, raw)`` returns, from the cache when it has it."""
        key = self.key_of(path, raw)
        found = self.new.get(key) or self.old.get(key)
        if found is None:
            self.parsed += 1
            found = self._parse(path, raw)
        self.new[key] = found
        incident, problems = found
        return incident, list(problems)

    def save(self) -> None:
        """Keep what this build used; an unwritable cache is left alone."""
        if self.folder is None or (self.new.keys() == self.old.keys() and self.parsed == 0):
            return
        document = {"format": FORMAT, "code": self.code,
                    "entries": {k: [encode(i), encode(p)] for k, (i, p) in self.new.items()}}
        path = self.folder / PARSE_FILE
        try:
            self.folder.mkdir(exist_ok=True)
            replace_file(path, json.dumps(document, separators=(",", ":")).encode("utf-8"))
            identity = _identity(path)
            if identity is not None:
                replace_file(self.folder / STAMP_FILE, identity.encode("ascii"))
        except (OSError, CodecError):
            pass
        self.old = self.new
