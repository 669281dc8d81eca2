"""The output memo: what a build of the command line need not render again.

A page is the same bytes when what it was made from is the same: the render memo's key
(the entry, the clock while it runs, the entries it links to) in the same context (the
site's settings, the components, the theme).  The last build's keys are kept beside the
parse cache, with each file it wrote (size, time, inode); a page whose key is there and
whose file is still as that build left it is not rendered: the render step gets
:class:`Kept` in its place, and the writer links the file into the new site.  Anything
else — another key, a file touched, removed or replaced, another version of statusgen,
another output folder — is rendered as usual.  Deleting the record only makes the next
build slower.

Only the scopes whose values are files are kept (:data:`SCOPES`): an entry's page, its
JSON, a history page, a report's files.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from statusgen.caching import NO_CACHE, Cache, Store
from statusgen.incremental.parse_cache import CACHE_DIR, code_hash
from statusgen.incremental.stable import Memo, stable
from statusgen.output.atomic import replace_file
from statusgen.output.kept import Kept, kept

V = TypeVar("V")
K = TypeVar("K", bound=Hashable)

SCOPES = frozenset({"pages", "api", "report files"})
"""The render memo's scopes whose values are output files (bytes, or path → bytes)."""
FORMAT = "statusgen-outputs 1"


class Keyed(bytes):
    """Bytes rendered in a kept scope, with the key they were made from."""

    key: str
    name: str


def _keyed(key: str, name: str, data: bytes) -> Keyed:
    keyed = Keyed(data)
    keyed.key, keyed.name = key, name
    return keyed


def _identity(path: str) -> tuple[int, int, int] | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino


class OutputMemo:
    """A :class:`~statusgen.caching.Cache` that hands back :class:`Kept` for outputs the last
    build into ``out`` wrote from the same key; other scopes go to ``inner``."""

    def __init__(self, root: Path, out: Path, inner: Cache = NO_CACHE) -> None:
        self.out = os.path.abspath(out)
        self.inner = inner
        name = hashlib.sha256(self.out.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        self.file = root / CACHE_DIR / f"outputs-{name}.json"
        self.memo: Memo = {}
        self.previous: dict[str, dict[str, tuple[str, int, int, int]]] = self._read()
        """Key → the files it made: path → (name within the value, size, time, inode)."""

    def _read(self) -> dict[str, dict[str, tuple[str, int, int, int]]]:
        try:
            document: Any = json.loads(self.file.read_bytes())
        except (OSError, ValueError, UnicodeDecodeError, RecursionError):
            return {}
        if not isinstance(document, dict) or document.get("format") != FORMAT \
                or document.get("code") != code_hash() or document.get("out") != self.out:
            return {}
        found: dict[str, dict[str, tuple[str, int, int, int]]] = {}
        files = document.get("files")
        for path, row in (files.items() if isinstance(files, dict) else ()):
            if isinstance(row, list) and len(row) == 5 and all(isinstance(x, str) for x in row[:2]) \
                    and all(isinstance(x, int) for x in row[2:]):
                found.setdefault(row[0], {})[path] = (row[1], row[2], row[3], row[4])
        return found

    def scope(self, name: str, context: Hashable) -> Store:
        if name not in SCOPES:
            return self.inner.scope(name, context)
        digest = stable(context, self.memo)
        if digest is None:
            return self.inner.scope(name, context)
        return _Scope(self, f"{name}\0{digest}")

    def hit(self, key: str, make: Callable[[], Any]) -> Any:
        """What the last build made for ``key``, as :class:`Kept`, if every file it made is
        still as it was written; else ``None``."""
        made = self.previous.get(key)
        if not made:
            return None
        parts = {}
        for path, (name, size, mtime, inode) in made.items():
            if _identity(os.path.join(self.out, path)) != (size, mtime, inode):
                return None
            parts[name] = kept(key, name, size, make)
        if "" in parts:
            return parts[""] if len(parts) == 1 else None
        return parts

    def record(self, files: Mapping[str, bytes]) -> None:
        """Keep the key of every output of ``files`` (now written into the output folder) for
        the next build; a record that cannot be written is left alone."""
        rows = {}
        for path, data in files.items():
            if isinstance(data, Kept | Keyed):
                identity = _identity(os.path.join(self.out, path))
                if identity is not None:
                    rows[path] = [data.key, data.name, *identity]
        document = {"format": FORMAT, "code": code_hash(), "out": self.out, "files": rows}
        try:
            self.file.parent.mkdir(exist_ok=True)
            replace_file(self.file, json.dumps(document, separators=(",", ":")).encode("utf-8"))
        except OSError:
            pass


class _Scope:
    """One kept scope of one build."""

    def __init__(self, memo: OutputMemo, prefix: str) -> None:
        self.memo = memo
        self.prefix = prefix

    def _key(self, key: Hashable) -> str | None:
        digest = stable(key, self.memo.memo)
        if digest is None:
            return None
        return hashlib.sha256(f"{self.prefix}\0{digest}".encode()).hexdigest()

    def cached(self, key: Hashable, make: Callable[[], V]) -> V:
        full = self._key(key)
        if full is None:
            return make()
        found = self.memo.hit(full, make)
        if found is not None:
            return found  # type: ignore[no-any-return]
        return _mark(full, make())

    def cached_all(self, keys: Sequence[K], make: Callable[[list[K]], list[V]]) -> list[V]:
        fulls = [self._key(k) for k in keys]
        found: list[Any] = []
        missing: list[int] = []
        for index, (key, full) in enumerate(zip(keys, fulls, strict=True)):
            def one(key: K = key) -> V:
                return make([key])[0]
            hit = self.memo.hit(full, one) if full is not None else None
            found.append(hit)
            if hit is None:
                missing.append(index)
        if missing:
            made = make([keys[i] for i in missing])
            for index, value in zip(missing, made, strict=True):
                full = fulls[index]
                found[index] = value if full is None else _mark(full, value)
        return found


def _mark(key: str, value: V) -> V:
    """``value`` with its key on each of its bytes (a value of a kept scope is bytes or a
    mapping of names to bytes)."""
    if isinstance(value, bytes):
        return _keyed(key, "", value)  # type: ignore[return-value]
    if isinstance(value, dict) and all(isinstance(v, bytes) for v in value.values()):
        return {name: _keyed(key, name, data) for name, data in value.items()}  # type: ignore[return-value]
    return value
