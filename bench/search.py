"""Search indexing at N entries: the time Pagefind takes over the built pages, and the index.

    python -m bench.search 10000                   # the "today" shape at N = 10,000
    python -m bench.search 1000 --shape real --json out.json

The repository is made by :mod:`bench.generate`, built once without an index; then
:func:`statusgen.output.search.index` is timed over the built pages, as a build runs it
(pages copied to a temporary folder, Pagefind, its files read back and steadied), then again
as the next build whose entry pages read the same runs it (the index kept by the record, the
pages known by what Pagefind reads of them).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import NOW, SHAPES, write_repo
from statusgen.incremental.record import Record
from statusgen.output import search
from statusgen.pipeline import build
from statusgen.render.paths import SEARCH_BUNDLE, entry_pages


def measure(n: int, shape: str) -> dict[str, float | int]:
    binary = search.indexer()
    if binary is None:
        raise SystemExit("Pagefind is not installed: pip install 'statusgen[search]'")
    with tempfile.TemporaryDirectory(prefix="bench-search-") as temp:
        root = write_repo(Path(temp, "repo"), n, shape)
        out = Path(temp, "site")
        built = build(root, out, NOW, jobs=2)
        if not built.ok:
            raise SystemExit(f"the build failed: {built.diagnostics[:3]}")
        pages = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.html")}
        digests = Path(temp, "search.json")
        record = Record()
        started = time.perf_counter()
        made = search.index(pages, binary, SEARCH_BUNDLE, pages=entry_pages(), out=out,
                            run=record, digests=digests)
        seconds = time.perf_counter() - started
        # The next build with the same entry pages: the index is the record's.
        started = time.perf_counter()
        again = search.index(pages, binary, SEARCH_BUNDLE, pages=entry_pages(), out=out,
                             run=record.start(), digests=digests)
        kept = time.perf_counter() - started
        assert again.files == made.files
    sizes = sorted(len(data) for data in made.files.values())
    fragments = [len(d) for p, d in made.files.items() if "/fragment/" in p]
    return {"entries": n, "pages": made.pages, "seconds": round(seconds, 2),
            "kept_seconds": round(kept, 2),
            "files": len(sizes), "bytes": sum(sizes),
            "fragment_bytes_mean": round(sum(fragments) / max(len(fragments), 1)),
            "largest_file": sizes[-1] if sizes else 0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument("n", type=int, nargs="+")
    parser.add_argument("--shape", choices=sorted(SHAPES), default="today")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    results = [measure(n, args.shape) for n in args.n]
    for r in results:
        print(json.dumps(r))
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
