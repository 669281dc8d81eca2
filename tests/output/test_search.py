"""The search index: made from the entry pages only, the same bytes for the same pages, and a
warning (never a failed build) without Pagefind."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statusgen.output import cbor, search
from statusgen.pipeline import Search, Session, build
from statusgen.render.paths import entry_pages
from tests.helpers import NOW, copy_example

BINARY = search.indexer()
ENTRY = entry_pages()
needs_pagefind = pytest.mark.skipif(BINARY is None, reason="Pagefind is not installed")


def page(title: str, year: int, component: str, lang: str = "en") -> bytes:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><title>{title}</title></head><body>'
            f'<nav data-pagefind-ignore="all">History</nav>'
            f'<article data-pagefind-body data-pagefind-filter="Year:{year}"><h1>{title}</h1>'
            f'<bdi data-pagefind-filter="Component">{component}</bdi></article></body></html>'
            ).encode()


PAGES = {f"incidents/i{n}/index.html": page(f"Outage number {n}", 2020 + n % 5, f"c{n % 7}")
         for n in range(40)}


@needs_pagefind
def test_the_index_holds_the_entry_pages_under_its_folder() -> None:
    made = search.index({**PAGES, "index.html": b"<html lang=en><body>front</body></html>"},
                        BINARY, "pagefind/", pages=ENTRY)
    assert made.pages == len(PAGES)
    assert all(path.startswith("pagefind/") for path in made.files)
    entry = json.loads(made.files["pagefind/pagefind-entry.json"])
    assert entry["languages"]["en"]["page_count"] == len(PAGES)


@needs_pagefind
def test_the_same_pages_give_the_same_bytes() -> None:
    # Pagefind alone names its filter files differently from one run to the next.
    runs = [search.index(PAGES, BINARY, "pagefind/", pages=ENTRY).files for _ in range(4)]
    assert all(run == runs[0] for run in runs)
    filters = [p for p in runs[0] if p.endswith(".pf_filter")]
    assert len(filters) == 2
    for path in filters:
        value, _ = cbor.decode(gzip.decompress(runs[0][path]), len(search.SIGNATURE))
        assert isinstance(value, list) and isinstance(value[1], list)
        names = [str(pair[0]) for pair in value[1] if isinstance(pair, list)]
        assert names == sorted(names)


def test_without_pagefind_the_index_is_refused_with_how_to_install() -> None:
    with pytest.raises(search.Unindexed, match=r"statusgen\[search\]"):
        search.index(PAGES, None, "pagefind/", pages=ENTRY)


def test_a_failing_indexer_is_refused(tmp_path: Path) -> None:
    with pytest.raises(search.Unindexed, match="no space left"):
        search.index(PAGES, _broken(tmp_path), "pagefind/", pages=ENTRY)


def _broken(folder: Path) -> Path:
    broken = folder / "pagefind"
    broken.write_text("#!/bin/sh\necho 'Error: no space left' >&2\nexit 3\n")
    broken.chmod(0o755)
    return broken


def _counting(folder: Path) -> Path:
    """Pagefind behind a script that logs each run in ``folder/runs``."""
    wrapper = folder / "counting-pagefind"
    wrapper.write_text(f"#!/bin/sh\necho run >> '{folder / 'runs'}'\nexec '{BINARY}' \"$@\"\n")
    wrapper.chmod(0o755)
    return wrapper


def _runs(folder: Path) -> int:
    runs = folder / "runs"
    return len(runs.read_text().splitlines()) if runs.exists() else 0


@needs_pagefind
def test_a_rebuild_keeps_the_index_of_unchanged_entry_pages_and_redoes_it_for_a_new_one(
        tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    out = tmp_path / "site"
    binary = _counting(tmp_path)

    def index_of(now: datetime, strict: bool = False) -> tuple[dict[str, bytes], int]:
        result = build(root, out, now, session=Session.on_disk(root), search_index=Search(binary),
                       strict=strict)
        assert result.ok and result.diagnostics == [], result.diagnostics
        files = {p.relative_to(out).as_posix(): p.read_bytes()
                 for p in (out / "pagefind").rglob("*") if p.is_file()}
        entry = json.loads(files["pagefind/pagefind-entry.json"])
        return files, entry["languages"]["en"]["page_count"]

    first, pages = index_of(NOW)
    assert _runs(tmp_path) == 1
    # Built again (strict: not skipped as up to date), no entry page changes: Pagefind is not
    # run again, and the pages kept from the last build are all in the index.
    assert index_of(NOW, strict=True) == (first, pages)
    # Ten minutes later the open incident's page says it has run ten minutes longer, which
    # the index leaves out: still the same index, and Pagefind still not run.
    assert index_of(NOW + timedelta(minutes=10)) == (first, pages)
    assert _runs(tmp_path) == 1
    (root / "incidents" / "2026-11-21-zebracorn.md").write_text(
        "---\ntitle: Zebracorn stampede\nimpact: minor\ncomponents: {api: degraded_performance}\n"
        "updates:\n  - at: 2026-11-21T10:00:00Z\n    status: resolved\n    message: Gone.\n"
        "  - at: 2026-11-21T09:00:00Z\n    status: investigating\n    message: Hooves.\n---\n",
        encoding="utf-8")
    _, more = index_of(NOW + timedelta(minutes=12))
    assert more == pages + 1
    assert _runs(tmp_path) == 2


def test_what_the_index_reads_of_a_page_leaves_out_only_what_pagefind_ignores() -> None:
    def page(when: str, words: str) -> bytes:
        return (f'<html lang="en"><body><article data-pagefind-body><h1>{words}</h1>'
                f'<dl data-pagefind-ignore="all"><dt>Ongoing for</dt><dd><span>{when}</span>'
                f'<dl><dd>nested</dd></dl></dd></dl><p>{words} again</p>'
                '<img data-pagefind-ignore="all" src="x.png" alt="">'
                '</article></body></html>').encode()

    assert search.searched(page("3 min", "Outage")) == search.searched(page("13 min", "Outage"))
    assert search.searched(page("3 min", "Outage")) != search.searched(page("3 min", "Outrage"))
    # Words after an ignored element count; so does anything in a page whose ignored
    # element never ends (taken whole).
    broken = b'<article data-pagefind-body><div data-pagefind-ignore="all">3 min'
    assert search.searched(broken) != search.searched(broken.replace(b"3", b"4"))
    assert search.searched(b"<html><body>no body marked</body></html>") == ""


def test_a_build_without_pagefind_writes_the_site_and_its_search_page_says_so(tmp_path: Path) -> None:
    # Pagefind is an optional extra: a team that has not installed it is not warned on every
    # build; its search page says search is not available.
    root = copy_example(tmp_path)
    result = build(root, tmp_path / "site", NOW, search_index=Search(None))
    assert result.ok
    assert result.diagnostics == []
    assert (tmp_path / "site" / "search" / "index.html").is_file()
    assert not (tmp_path / "site" / "pagefind").exists()


def _index_text(out: Path) -> bytes:
    """Every file of the index, decompressed where Pagefind compressed it."""
    found = b""
    for path in sorted((out / "pagefind").rglob("*")):
        if path.is_file() and path.suffix != ".js" and path.suffix != ".css":
            data = path.read_bytes()
            found += gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
    return found


@needs_pagefind
def test_an_internal_update_reaches_only_the_internal_index(tmp_path: Path) -> None:
    marker = b"cache-eu-3"  # an internal update of incidents/2026-11-22-api-latency.md
    root = copy_example(tmp_path)
    for internal in (False, True):
        out = tmp_path / f"site-{internal}"
        result = build(root, out, NOW, internal=internal, search_index=Search(BINARY))
        assert result.ok, result.diagnostics
        assert (marker in _index_text(out)) is internal


values = st.recursive(
    st.integers(min_value=-2**63, max_value=2**64 - 1) | st.binary(max_size=300)
    | st.text(max_size=300),
    lambda inner: st.lists(inner, max_size=30), max_leaves=60)


@given(values)
def test_cbor_decodes_what_it_encodes(value: cbor.Value) -> None:
    data = cbor.encode(value)
    assert cbor.decode(data) == (value, len(data))
