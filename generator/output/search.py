"""Search: Pagefind's index of the rendered pages, added to the site before it is written.

Pagefind indexes built HTML, so it runs after render and before the write: the pages are
copied to a temporary folder, indexed there, and the index comes back as more output files
in one folder (``pagefind/``, where the search page looks).  The site on disk is therefore
swapped in whole with its index or not at all, like every other file.  Only pages marked
``data-pagefind-body`` (the entry pages) are indexed; Pagefind makes one index per
``<html lang>``, so each language edition searches its own words.  The index is a step
(:mod:`statusgen.steps`) whose input is what Pagefind reads of each page (:func:`searched`:
the page without its parts marked ``data-pagefind-ignore="all"``, where the entry page keeps
what moves with the clock), so a build whose pages read the same as the last build's keeps
that index, however its clock moved (Pagefind takes tens of seconds at 10,000 entries), and
:func:`steady` makes the same pages give the same bytes.

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
from statusgen.output.spare import digest as file_digest
from statusgen.steps import Runner, direct

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


@dataclass(frozen=True)
class Indexer:
    """Pagefind's binary, known by its path, size and time: another Pagefind makes another
    index, so an index is never kept across an upgrade of it."""

    path: Path
    digest: str


def indexer_of(binary: Path | None) -> Indexer | None:
    """``binary`` as an :class:`Indexer`; ``None`` when there is none.  One that cannot be
    looked at is known by its path alone, and running it says why it fails."""
    if binary is None:
        return None
    try:
        info = os.stat(binary)
    except OSError:
        return Indexer(binary, str(binary))
    return Indexer(binary, f"{binary}\0{info.st_size}\0{info.st_mtime_ns}")


@dataclass(frozen=True)
class Page:
    """An entry page as the index reads it, known by the digest of what Pagefind reads of it
    (:func:`searched`): a page whose clock moved but whose indexed words did not is the same
    page to the index."""

    path: str
    data: bytes
    """Its bytes; a page kept from the last build (:class:`~statusgen.output.kept.Kept`) is read
    from ``IndexInput.out`` only if the index must be made again."""
    digest: str


@dataclass(frozen=True)
class IndexInput:
    """What the index is made from: the binary, where its files go, the pages and the site
    the kept pages are read from."""

    binary: Indexer
    folder: str
    pages: tuple[Page, ...]
    out: str | None


def index_step(item: IndexInput) -> dict[str, bytes]:
    """The step that makes the index: Pagefind run over the pages, its bytes made steady."""
    out = Path(item.out) if item.out is not None else None
    texts = {page.path: _bytes(page.path, page.data, out) for page in item.pages}
    return steady(_run(texts, item.binary.path, item.folder), item.folder)


def index(files: Mapping[str, bytes], binary: Path | None, folder: str, *,
          pages: re.Pattern[str], out: Path | None = None, run: Runner = direct,
          digests: Path | None = None, code: str = "") -> Indexed:
    """The search index of the entry pages among ``files``, its files under ``folder``
    (ending in ``/``); :class:`Unindexed` when ``binary`` is missing or fails.

    ``pages`` matches the paths of the pages that may be indexed (those holding
    ``data-pagefind-body`` are).  The index is a step run by ``run``: a build whose pages
    read the same to Pagefind as the last build's gets that build's index back without
    running Pagefind (tens of seconds at 10,000 entries), however their clocks moved.
    ``out`` is the site the build replaces, where a page the build keeps from it is read.
    ``digests`` is a file that keeps, by the key each page was made from, what Pagefind
    reads of it, so that a kept page need not be read to know it; ``code`` names the code
    that made the pages (a key made by other code may have made other bytes).
    """
    found = indexer_of(binary)
    if found is None:
        raise Unindexed("Pagefind is not installed (pip install 'statusgen[search]')")
    known = _load(digests, code)
    used: dict[str, str] = {}
    chosen = []
    for path, data in sorted(files.items()):
        if not pages.fullmatch(path):
            continue
        key = getattr(data, "key", None)
        made_by = f"{key}/{getattr(data, 'name', '')}" if isinstance(key, str) else None
        digest = known.get(made_by) if made_by is not None else None
        if digest is None:
            digest = searched(_bytes(path, data, out))
        if made_by is not None:
            used[made_by] = digest
        if digest:
            chosen.append(Page(path, data, f"{path}\0{digest}"))
    item = IndexInput(found, folder, tuple(chosen), None if out is None else str(out))
    made = run(index_step, [item])[0]
    if used != known:
        _save(digests, code, used)
    return Indexed(made, len(chosen))


_IGNORED = re.compile(rb"<([A-Za-z][A-Za-z0-9-]*)\b[^>]*\sdata-pagefind-ignore=[\"']?all[\"']?[^>]*>")
_VOID = frozenset(b"area base br col embed hr img input link meta source track wbr".split())


def searched(data: bytes) -> str:
    """A digest of what Pagefind reads of a page: its bytes without the elements marked
    ``data-pagefind-ignore="all"`` (where Pagefind reads no word, filter or metadata); empty
    for a page Pagefind does not index (no ``data-pagefind-body``).  A page whose ignored
    parts cannot be told apart is taken whole: it is then only indexed more often."""
    if BODY not in data:
        return ""
    kept, start = [], 0
    for found in _IGNORED.finditer(data):
        if found.start() < start:
            continue  # inside an element already left out
        end = _end_of(data, found)
        if end is None:
            return file_digest(data)
        kept.append(data[start:found.start()])
        start = end
    kept.append(data[start:])
    return file_digest(b"\0".join(kept))


def _end_of(data: bytes, opening: re.Match[bytes]) -> int | None:
    """Where the element that ``opening`` starts ends, counting its nested namesakes."""
    name = opening[1].lower()
    if name in _VOID or opening[0].endswith(b"/>"):
        return opening.end()
    tags = re.compile(rb"<(/?)" + re.escape(name) + rb"\b[^>]*>", re.IGNORECASE)
    depth = 1
    for tag in tags.finditer(data, opening.end()):
        depth += -1 if tag[1] else 1
        if depth == 0:
            return tag.end()
    return None


def _load(digests: Path | None, code: str) -> dict[str, str]:
    if digests is None:
        return {}
    try:
        found = json.loads(digests.read_bytes())
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return {}
    if not isinstance(found, dict) or found.get("code") != code \
            or not isinstance(pages := found.get("pages"), dict):
        return {}
    return {k: v for k, v in pages.items() if isinstance(k, str) and isinstance(v, str)}


def _save(digests: Path | None, code: str, known: Mapping[str, str]) -> None:
    if digests is None:
        return
    try:
        digests.parent.mkdir(exist_ok=True)
        replace_file(digests, json.dumps({"code": code, "pages": dict(sorted(known.items()))},
                                         separators=(",", ":")).encode("utf-8"))
    except OSError:
        pass  # only costs the next build the reading of its kept pages


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
