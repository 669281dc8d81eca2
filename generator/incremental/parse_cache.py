"""The parse cache: parsed incidents kept between builds, keyed by each file's bytes.

:class:`ParseCache` is the loader's :class:`~statusgen.source.parse.ParseMemory`: a
file is parsed only when its path and bytes (or statusgen's code) changed.  With a
repository root it keeps its results in ``ROOT/.statusgen-cache/parse.json``, plain
JSON (:mod:`statusgen.incremental.codec`; an entry is decoded only when a build asks
for it), beside a stamp that records the file's
own inode, size and modification time when it was written.  A cache that was
committed, copied, restored or edited by anyone else has another inode or time, so
it is ignored, never trusted; so is one that does not parse.  Deleting the folder
only makes the next build slower.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from statusgen.incremental.codec import CodecError, decode_parsed, encode_parsed
from statusgen.output.atomic import replace_file
from statusgen.source.parse import Parsed, ParseFn, parse_incident

CACHE_DIR = ".statusgen-cache"
PARSE_FILE = "parse.json"
STAMP_FILE = "parse.stamp"
FORMAT = "statusgen-parse-cache 5"


@functools.cache
def code_hash() -> str:
    """Changes whenever any of statusgen's code does: results of other code are stale."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    # The shipped catalogues too: a page's words are part of what made it.
    for source in sorted([*package.rglob("*.py"), *package.rglob("*.mo")]):
        digest.update(source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def _identity(path: Path) -> str | None:
    try:
        info = path.lstat()
    except OSError:
        return None
    return f"{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}"


class ParseCache:
    """What was parsed, by path and bytes: the loader asks it (:meth:`recall`,
    :meth:`lookup`) and tells it (:meth:`keep`); :meth:`save` (with a root) keeps what this
    build used for the next."""

    def __init__(self, root: Path | None = None, parse: ParseFn = parse_incident) -> None:
        self.parser = parse
        """What parses a file this cache does not have."""
        self.code = code_hash()
        self.folder = root / CACHE_DIR if root is not None else None
        self.stored: dict[str, Any] = self._read() if self.folder is not None else {}
        """Entries read from disk, still as JSON data: decoded when a build asks for one."""
        self.old: dict[str, Parsed] = {}
        self.new: dict[str, Parsed] = {}
        self.paths: dict[str, str] = {}
        self.identities: dict[str, str] = {}
        """The identity each path had when this build asked for it."""
        self.known: dict[str, tuple[str, str]] = {
            found[0]: (found[2], key) for key, found in self.stored.items()
            if isinstance(found, list) and len(found) == 3 and isinstance(found[0], str)
            and isinstance(found[2], str) and found[2]}
        """Path → the identity its file had when it was last parsed, and the cache key."""
        self.on_disk: dict[str, str] = {key: identity for _, (identity, key) in self.known.items()}
        """Key → the identity its file had, as the cache file holds them: a build that used
        exactly these, parsed nothing and saw no identity change has nothing to save."""
        self.parsed = 0
        """Files parsed (not found in the cache) since the last :meth:`begin`."""
        self._built = False

    def _read(self) -> dict[str, Any]:
        assert self.folder is not None
        path, stamp = self.folder / PARSE_FILE, self.folder / STAMP_FILE
        try:
            if self.folder.is_symlink() or stamp.read_text(encoding="ascii") != _identity(path):
                return {}
            data: Any = json.loads(path.read_bytes())
        except (OSError, ValueError, UnicodeDecodeError, RecursionError):
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("code") != self.code:
            return {}
        entries = data.get("entries")
        return entries if isinstance(entries, dict) else {}

    def _stored(self, key: str, path: str) -> Parsed | None:
        found = self.stored.pop(key, None)
        if not isinstance(found, list) or len(found) != 3:
            return None
        try:
            return decode_parsed(found[1], path) if found[0] == path else None
        except CodecError:
            self.stored = {}  # a cache that lies once is not asked again
            return None

    def begin(self) -> None:
        """Start a build: count parses anew; what the build does not ask for is forgotten."""
        if self._built:  # keep only what the last build used: files that went away are forgotten
            self.old = self.new
        self._built = True
        self.new = {}
        self.parsed = 0

    def recall(self, path: str, identity: str) -> Parsed | None:
        """What was parsed for ``path`` when it had this ``identity``: the file is not read."""
        self.identities[path] = identity
        known = self.known.get(path)
        if known is None or known[0] != identity:
            return None
        key = known[1]
        found = self.new.get(key) or self.old.get(key) or self._stored(key, path)
        if found is None:
            return None
        self.new[key] = found
        self.paths[key] = path
        incident, problems = found
        return incident, list(problems)

    def key_of(self, path: str, raw: bytes) -> str:
        return hashlib.sha256(f"{self.code}\0{path}\0".encode() + raw).hexdigest()

    def lookup(self, path: str, raw: bytes) -> Parsed | None:
        """What ``path`` with these bytes parsed to, if this cache has it."""
        key = self.key_of(path, raw)
        found = self.new.get(key) or self.old.get(key) or self._stored(key, path)
        if found is None:
            return None
        self._used(path, key, found)
        incident, problems = found
        return incident, list(problems)

    def keep(self, path: str, raw: bytes, parsed: Parsed) -> None:
        """Remember a file this cache did not have, as it was parsed."""
        self.parsed += 1
        incident, problems = parsed
        self._used(path, self.key_of(path, raw), (incident, list(problems)))

    def _used(self, path: str, key: str, found: Parsed) -> None:
        self.paths[key] = path
        identity = self.identities.get(path)
        if identity:
            self.known[path] = (identity, key)
        self.new[key] = found

    def parse(self, path: str, raw: bytes) -> Parsed:
        """What ``parse_incident(path, raw)`` returns, from the cache when it has it."""
        found = self.lookup(path, raw)
        if found is None:
            found = self.parser(path, raw)
            self.keep(path, raw, found)
        return found[0], list(found[1])

    def _document(self) -> Iterator[bytes]:
        """The cache file, one entry at a time: the whole document as JSON data and then as
        text was the peak of a first build's memory (800 MB more for 10,000 long entries)."""
        head = json.dumps({"format": FORMAT, "code": self.code}, separators=(",", ":"))
        yield f'{head[:-1]},"entries":{{'.encode()
        comma = b""
        for key, (incident, problems) in self.new.items():
            path = self.paths[key]
            entry = [path, encode_parsed(incident, problems), self.identities.get(path, "")]
            yield comma + json.dumps(key).encode() + b":" + \
                json.dumps(entry, separators=(",", ":")).encode()
            comma = b","
        yield b"}}"

    def save(self) -> None:
        """Keep what this build used; an unwritable cache is left alone."""
        unchanged = self.parsed == 0 and (
            self.new.keys() == self.old.keys() if not self.on_disk else
            self.new.keys() == self.on_disk.keys() and all(
                self.identities.get(self.paths[key], "") == identity
                for key, identity in self.on_disk.items()))
        if self.folder is None or unchanged:
            return
        path = self.folder / PARSE_FILE
        try:
            self.folder.mkdir(exist_ok=True)
            replace_file(path, self._document())
            identity = _identity(path)
            if identity is not None:
                replace_file(self.folder / STAMP_FILE, identity.encode("ascii"))
        except (OSError, CodecError):
            pass
        else:
            self.on_disk = {key: self.identities.get(self.paths[key], "") for key in self.new}
        self.old = self.new
