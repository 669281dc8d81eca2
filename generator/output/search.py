"""Search: Pagefind's index of the rendered pages, added to the site before it is written.

Pagefind indexes built HTML, so it runs after render and before the write: the pages are
copied to a temporary folder, indexed there, and the index comes back as more output files
in one folder (``pagefind/``, where the search page looks).  The site on disk is therefore
swapped in whole with its index or not at all, like every other file.  Only pages marked
``data-pagefind-body`` (the entry pages) are indexed; Pagefind makes one index per
``<html lang>``, so each language edition searches its own words.  A build whose entry pages
are those the last index was made from keeps that index (Pagefind takes tens of seconds at
10,000 entries), and :func:`steady` makes the same pages give the same bytes.

The indexer is Pagefind's binary, from the ``pagefind[extended]`` wheel (the ``search``
extra) or a ``pagefind`` on ``PATH``.  Without it the site is built without an index and the
search page says search is not available (its script finds no bundle).
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from statusgen.output import cbor
from statusgen.output.atomic import replace_file
from statusgen.output.kept import Kept, materialized

BODY = b"data-pagefind-body"
TIMEOUT = 1800.0
"""Seconds the indexer may take: minutes at 10,000 entries on a slow runner, never forever."""


class Unindexed(Exception):
    """The index could not be made: the message says why, for a warning."""


@dataclass(frozen=True)
class Indexed:
    """The index's files by output path, and how many pages it holds."""

    files: dict[str, bytes]
    pages: int


def indexer() -> Path | None:
    """Pagefind's binary: the ``pagefind[extended]`` wheel's, else ``pagefind`` on ``PATH``."""
    for wheel in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            found = importlib.import_module(wheel).get_executable()
        except (ImportError, OSError):
            continue
        return Path(found)
    on_path = shutil.which("pagefind")
    return Path(on_path) if on_path else None


def index(files: Mapping[str, bytes], binary: Path | None, folder: str, *,
          pages: re.Pattern[str], out: Path | None = None, memo: Path | None = None) -> Indexed:
    """The search index of the entry pages among ``files``, its files under ``folder``
    (ending in ``/``); :class:`Unindexed` when ``binary`` is missing or fails.

    ``pages`` matches the paths of the pages that may be indexed.  ``out`` is the site the
    build replaces: a page the build keeps from it (:class:`~statusgen.output.kept.Kept`) is
    read from there.  ``memo`` is a file naming the pages the last index was made from: when
    they are the same and ``out`` still holds that index, it is handed back without running
    Pagefind (tens of seconds at 10,000 entries).
    """
    chosen = {path: data for path, data in files.items() if pages.fullmatch(path)}
    digest = _identity(chosen)
    again = _again(memo, digest, out) if memo is not None and out is not None else None
    if again is not None:
        return Indexed(again, len(chosen))
    if binary is None:
        raise Unindexed("Pagefind is not installed (pip install 'statusgen[search]')")
    texts = {path: _bytes(path, data, out) for path, data in chosen.items()}
    texts = {path: data for path, data in texts.items() if BODY in data}
    made = steady(_run(texts, binary, folder), folder)
    if memo is not None:
        _remember(memo, digest, made)
    return Indexed(made, len(texts))


def _run(pages: Mapping[str, bytes], binary: Path, folder: str) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory(prefix="statusgen-search-") as temp:
        site, out = Path(temp, "site"), Path(temp, "index")
        for path, data in pages.items():
            target = site / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        site.mkdir(exist_ok=True)
        try:
            done = subprocess.run(
                [str(binary), "--site", str(site), "--output-path", str(out), "--quiet"],
                capture_output=True, timeout=TIMEOUT, check=False, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise Unindexed(f"Pagefind could not run: {exc}") from exc
        if done.returncode != 0:
            said = (done.stderr or done.stdout).decode("utf-8", "replace").strip()
            raise Unindexed(f"Pagefind failed: {said.splitlines()[-1] if said else done.returncode}")
        made = {}
        for where, _, names in os.walk(out):
            for name in names:
                found = Path(where, name)
                made[folder + found.relative_to(out).as_posix()] = found.read_bytes()
    return made


def _bytes(path: str, data: bytes, out: Path | None) -> bytes:
    """A page's bytes: a kept page is the previous site's file, still as it was written."""
    if isinstance(data, Kept):
        try:
            if out is not None:
                return (out / path).read_bytes()
        except OSError:
            pass
    return materialized(data)


def _identity(pages: Mapping[str, bytes]) -> str:
    """A digest of the pages: a page a step made is known by the digest of what it read."""
    parts = []
    for path, data in sorted(pages.items()):
        key = getattr(data, "key", None)
        ident = f"{key}/{getattr(data, 'name', '')}" if isinstance(key, str) else \
            hashlib.blake2b(data, digest_size=16).hexdigest()
        parts.append(f"{path}\0{ident}")
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _remember(memo: Path, digest: str, made: Mapping[str, bytes]) -> None:
    files = {path: hashlib.blake2b(data, digest_size=16).hexdigest() for path, data in made.items()}
    try:
        memo.parent.mkdir(exist_ok=True)
        replace_file(memo, json.dumps({"pages": digest, "files": files}).encode("utf-8"))
    except OSError:
        pass  # only costs the next build an index


def _again(memo: Path, digest: str, out: Path) -> dict[str, bytes] | None:
    """The index in ``out``, if it was made from pages of ``digest`` and is as written."""
    try:
        record = json.loads(memo.read_bytes())
        if record.get("pages") != digest:
            return None
        found = {}
        for path, want in record["files"].items():
            data = (out / path).read_bytes()
            if hashlib.blake2b(data, digest_size=16).hexdigest() != want:
                return None
            found[path] = data
    except (OSError, ValueError, UnicodeDecodeError, KeyError, TypeError, AttributeError):
        return None
    return found or None


SIGNATURE = b"pagefind_dcd"
"""What every index file of Pagefind starts with once decompressed."""
_FILTER = re.compile(r"filter/(?P<name>[\w-]+_[0-9a-f]+)\.pf_filter")
_META = re.compile(r"pagefind\.(?P<name>[\w-]+_[0-9a-f]+)\.pf_meta")


def steady(made: dict[str, bytes], folder: str) -> dict[str, bytes]:
    """Pagefind's index with its filters in one order, so the same pages give the same bytes.

    Pagefind writes a filter's values, and the list of filters, in the order of a hash
    table seeded at random (Pagefind issue #638): each run names and fills its filter files,
    its metadata and ``pagefind-entry.json`` differently.  Here the values are sorted, and
    each file changed is named again by a digest of its contents as Pagefind names it (the
    name is only for caches: the script checks no digest).  Anything not of the expected
    shape is left as Pagefind wrote it.
    """
    renamed: dict[str, str] = {}
    out: dict[str, bytes] = {}
    for path, data in made.items():
        found = _FILTER.fullmatch(path[len(folder):])
        value = _read(data) if found else None
        if found and isinstance(value, list) and len(value) == 2 and isinstance(value[1], list):
            value[1].sort(key=lambda pair: str(pair[0]) if isinstance(pair, list) and pair else "")
            name = _rename(found["name"], value, 7)
            renamed[found["name"]] = name
            out[f"{folder}filter/{name}.pf_filter"] = _write(value)
        else:
            out[path] = data
    for path, data in list(out.items()):
        found = _META.fullmatch(path[len(folder):])
        value = _read(data) if found else None
        if found and isinstance(value, list) and len(value) > 3 and isinstance(value[3], list):
            filters = [[f[0], renamed.get(str(f[1]), f[1])] if isinstance(f, list) and len(f) == 2
                       else f for f in value[3]]
            value[3] = sorted(filters, key=str)
            name = _rename(found["name"], value, 10)
            renamed[found["name"]] = name
            del out[path]
            out[f"{folder}pagefind.{name}.pf_meta"] = _write(value)
    entry = f"{folder}pagefind-entry.json"
    if entry in out:
        manifest = json.loads(out[entry])
        languages = manifest.get("languages", {})
        for language in languages.values():
            language["hash"] = renamed.get(language.get("hash"), language.get("hash"))
        manifest["languages"] = dict(sorted(languages.items()))
        out[entry] = json.dumps(manifest, ensure_ascii=False, separators=(",", ":")).encode()
    return dict(sorted(out.items()))


def _read(data: bytes) -> cbor.Value | None:
    try:
        raw = gzip.decompress(data)
        if not raw.startswith(SIGNATURE):
            return None
        value, end = cbor.decode(raw, len(SIGNATURE))
    except (OSError, EOFError, ValueError, UnicodeDecodeError):
        return None
    return value if end == len(raw) else None


def _write(value: cbor.Value) -> bytes:
    return gzip.compress(SIGNATURE + cbor.encode(value), mtime=0)


def _rename(name: str, value: cbor.Value, digits: int) -> str:
    """``en_1a2b3c4``: the language of ``name`` and a digest of ``value``."""
    language = name.rpartition("_")[0]
    return f"{language}_{hashlib.sha256(cbor.encode(value)).hexdigest()[:digits]}"
