"""The record: what each step made, by the digest of everything it read.

A step reads only its input (:mod:`statusgen.steps`), so a step's result is a function of
the step (its module and name; statusgen's code is part of every record) and of its input's
contents (:func:`~statusgen.incremental.stable.fingerprint`).  :class:`Record` is the one
:class:`~statusgen.steps.Runner` that keeps results: it digests each input, hands back what
was made from the same digest, and runs only the rest (on ``inner``, which may use
several processes).  Nobody declares what a value depends on: the input is the record of
it, and a page that starts reading something new must be given it in its input.

Two kinds of memory, one mechanism:

- **in memory** (the dev server): every step's results, from one build to the next; what
  a build does not ask for is dropped at the start of the next (:meth:`Record.start`);
- **on disk** (the command line, :class:`Written`): for the steps whose results are output
  files, the digest each file was made from and what the file was when written.  A file
  whose digest is asked for again and that is still as that build left it is handed back
  as :class:`~statusgen.output.kept.Kept`, and the writer keeps it instead of rendering it.

Anything else — another digest, a file touched, removed or replaced, another version of
statusgen, another output folder — is made again.  Deleting the record only costs time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from statusgen.incremental.parse_cache import CACHE_DIR, code_hash
from statusgen.incremental.stable import known_by, stable
from statusgen.output.atomic import replace_file
from statusgen.output.kept import Held, Kept, kept
from statusgen.output.spare import digest as file_digest
from statusgen.steps import Later, Runner, direct, step_name

A = TypeVar("A")
R = TypeVar("R")

FORMAT = "statusgen-outputs 2"


class Keyed(bytes):
    """An output made now by a step, with the digest of the input it was made from."""

    key: str
    name: str


def _keyed(key: str, name: str, data: bytes) -> Keyed | Held:
    keyed = data if isinstance(data, Held) else Keyed(data)
    keyed.key, keyed.name = key, name
    return keyed


def _mark(key: str, value: Any) -> Any:
    """``value`` with its key on each of its bytes, when it is an output (bytes, or a
    mapping of names to bytes)."""
    if isinstance(value, bytes) and not isinstance(value, Kept):
        return _keyed(key, "", value)
    if isinstance(value, dict) and value and all(isinstance(v, bytes) for v in value.values()):
        return {name: _keyed(key, name, data) for name, data in value.items()}
    return value


def _identity(path: str) -> tuple[int, int, int] | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino


Row = tuple[str, int, int, int, str]
"""A file as a build left it: its name within the step's result, size, time (ns), inode,
and the digest of its bytes."""


class Written:
    """The outputs the last build of the command line wrote into ``out``, by the digest each
    was made from; kept in ``ROOT/.statusgen-cache/outputs-*.json``."""

    def __init__(self, root: Path, out: Path) -> None:
        self.out = os.path.abspath(out)
        name = hashlib.sha256(self.out.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        self.file = root / CACHE_DIR / f"outputs-{name}.json"
        self.written = 0
        """When the record was written (ns): a file of that time or later may have been
        edited in the same tick, unseen by its time, so its bytes are checked."""
        self.previous: dict[str, dict[str, Row]] = self._read()
        """Key → the files it made: path → row."""

    def _read(self) -> dict[str, dict[str, Row]]:
        try:
            self.written = os.lstat(self.file).st_mtime_ns
            document: Any = json.loads(self.file.read_bytes())
        except (OSError, ValueError, UnicodeDecodeError, RecursionError):
            return {}
        if not isinstance(document, dict) or document.get("format") != FORMAT \
                or document.get("code") != code_hash() or document.get("out") != self.out:
            return {}
        found: dict[str, dict[str, Row]] = {}
        files = document.get("files")
        for path, row in (files.items() if isinstance(files, dict) else ()):
            if isinstance(row, list) and len(row) == 6 and all(isinstance(x, str) for x in row[:2]) \
                    and all(isinstance(x, int) for x in row[2:5]) and isinstance(row[5], str):
                found.setdefault(row[0], {})[path] = (row[1], row[2], row[3], row[4], row[5])
        return found

    def _intact(self, path: str, row: Row) -> bool:
        full = os.path.join(self.out, path)
        if _identity(full) != row[1:4]:
            return False
        if row[2] < self.written:
            return True
        try:  # written in the record's own tick: an edit would not show in its time
            with open(full, "rb") as file:
                return file_digest(file.read()) == row[4]
        except OSError:
            return False

    def hit(self, key: str, make: Callable[[], Any]) -> Any:
        """What the last build made for ``key``, as :class:`Kept`, if every file it made is
        still as it was written; else ``None``."""
        made = self.previous.get(key)
        if not made or not all(self._intact(path, row) for path, row in made.items()):
            return None
        parts = {row[0]: kept(key, row[0], row[1], make) for row in made.values()}
        if "" in parts:
            return parts[""] if len(parts) == 1 else None
        return parts

    def save(self, files: Mapping[str, bytes]) -> None:
        """Keep the key of every output of ``files`` (now written into the output folder)
        for the next build; a record that cannot be written is left alone."""
        rows = {}
        before = {path: row for made in self.previous.values() for path, row in made.items()}
        for path, data in files.items():
            if not isinstance(data, Kept | Keyed | Held) or not data.key:
                continue
            identity = _identity(os.path.join(self.out, path))
            if identity is None:
                continue
            if isinstance(data, Kept) and path in before and before[path][1:4] == identity:
                digest = before[path][4]
            elif isinstance(data, Held):
                digest = data.digest  # the writer put exactly those bytes there
            else:
                try:
                    with open(os.path.join(self.out, path), "rb") as file:
                        digest = file_digest(file.read())
                except OSError:
                    continue
            rows[path] = [data.key, data.name, *identity, digest]
        document = {"format": FORMAT, "code": code_hash(), "out": self.out, "files": rows}
        try:
            self.file.parent.mkdir(exist_ok=True)
            # Written after every file it lists: a file written in the record's own tick has a
            # time no older than the record's, and is read before it is trusted.
            replace_file(self.file, json.dumps(document, separators=(",", ":")).encode("utf-8"))
        except OSError:
            pass


class Record:
    """The one memo of statusgen: a :class:`~statusgen.steps.Runner` that hands back what a
    step made before from an input of the same digest, in memory and, given ``written``,
    from the output folder."""

    def __init__(self, inner: Runner = direct, written: Written | None = None) -> None:
        self.inner = inner
        self.written = written
        self.kept: dict[str, Any] = {}
        self.used: dict[str, Any] = {}

    def start(self, inner: Runner | None = None, written: Written | None = None) -> Record:
        """A build begins: only what the last one used is kept, so that deleted entries do not
        linger; ``inner`` and ``written`` are this build's."""
        self.kept, self.used = self.used, {}
        if inner is not None:
            self.inner = inner
        self.written = written
        return self

    def _keys(self, step: Callable[[A], R], inputs: Sequence[A]) -> list[str | None]:
        name = step_name(step)
        keys = []
        for item in inputs:
            digest = stable(item)
            keys.append(None if digest is None else
                        hashlib.sha256(f"{name}\0{digest}".encode()).hexdigest())
        return keys

    def later(self, step: Callable[[A], R], inputs: Sequence[A]) -> list[Later[R]]:
        """:func:`~statusgen.steps.later`: each result known by its key at once, and made (or
        taken from what this record keeps) only when read."""
        found = []
        for item, key in zip(inputs, self._keys(step, inputs), strict=True):
            value = _MISSING if key is None else self.used.get(key, self.kept.get(key, _MISSING))
            if value is not _MISSING:
                assert key is not None
                self.used[key] = value
                made: Later[R] = Later(functools.partial(_known, value), key)
            else:
                made = Later(functools.partial(_one, self, step, item), key or "")
            found.append(made)
        return found

    def __call__(self, step: Callable[[A], R], inputs: Sequence[A], /) -> list[R]:
        keys = self._keys(step, inputs)
        found: list[Any] = []
        missing: list[int] = []
        for index, key in enumerate(keys):
            value = _MISSING if key is None else self.used.get(key, self.kept.get(key, _MISSING))
            if value is _MISSING and key is not None and self.written is not None:
                hit = self.written.hit(key, _remake(step, inputs[index]))
                value = _MISSING if hit is None else hit
            found.append(value)
            if value is _MISSING:
                missing.append(index)
        if missing:
            made = self.inner(step, [inputs[i] for i in missing])
            for index, value in zip(missing, made, strict=True):
                key = keys[index]
                found[index] = value if key is None else _mark(key, value)
        for key, value in zip(keys, found, strict=True):
            if key is not None:
                self.used[key] = value
                known_by(value, key)
        return found

    def save(self, files: Mapping[str, bytes]) -> None:
        """The build wrote ``files``: keep what the next build may take from the folder."""
        if self.written is not None:
            self.written.save(files)


_MISSING: Any = object()


def _known(value: R) -> R:
    return value


def _one(run: Runner, step: Callable[[A], R], item: A) -> R:
    return run(step, [item])[0]


def _remake(step: Callable[[A], R], item: A) -> Callable[[], R]:
    """The step again, for a kept file the writer cannot keep after all."""
    return lambda: step(item)
