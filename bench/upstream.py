"""Upstream fetching at N upstream components, against a fake provider on 127.0.0.1.

    python -m bench.upstream 10000            # the three cases below at N = 10,000
    python -m bench.upstream 40 --json out.json

Three cases, each timed around :func:`statusgen.upstream.fetch.read_upstreams` (the build's
load-side step, with its one HTTP client):

- ``pages``: N components, each on a provider page of its own: N documents fetched;
- ``one page``: N components of one provider's page listing N components: one document
  fetched and searched N times;
- ``gone``: the ``pages`` components again once the provider is gone: every one falls back
  to the status kept by the first case, each with its warning.

The documents are GitHub's real ``summary.json`` (tests/fixtures/statuspage), its component
list grown to the size the case needs.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from copy import deepcopy
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from statusgen import model as m
from statusgen.diagnostics import Location
from statusgen.upstream.fetch import CACHE_DIR, KEPT_FILE, read_upstreams

SUMMARY = Path(__file__).resolve().parent.parent / "tests/fixtures/statuspage/github-summary.json"
NOW = datetime(2026, 11, 22, tzinfo=UTC)
LEVELS = ("operational", "degraded_performance", "partial_outage", "major_outage")


GITHUB: dict[str, Any] = json.loads(SUMMARY.read_bytes())


def summary(names: list[str]) -> bytes:
    """GitHub's summary with these components, one in seven not operational."""
    doc = dict(GITHUB)
    model = doc["components"][0]
    doc["components"] = [{**deepcopy(model), "id": f"c{i}", "name": name,
                          "status": LEVELS[i % 4] if i % 7 == 0 else "operational"}
                         for i, name in enumerate(names)]
    return json.dumps(doc).encode()


class Provider:
    """``/p<i>/api/v2/summary.json``: a page with component ``C<i>``; ``/big/…``: all N."""

    def __init__(self, n: int) -> None:
        big = summary([f"C{i}" for i in range(n)])

        class Handle(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else each answer waits out a delayed ACK

            def do_GET(self) -> None:
                first = self.path.split("/")[1]
                body = big if first == "big" else summary([f"C{first[1:]}"])
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def config(components: list[tuple[str, str]]) -> m.Config:
    """A config of upstream components: (page URL, component name) each."""
    loc = Location("components.yml")
    return m.Config(loc=loc, page=m.Page(loc=loc, title="Bench", url="https://b.example/"),
                    components=tuple(m.Component(loc=loc, id=f"u{i}", name=name, upstream=m.Upstream(
                        loc=loc, kind=m.UpstreamKind.STATUSPAGE, url=url, component=name))
                        for i, (url, name) in enumerate(components)))


def run(n: int) -> dict[str, Any]:
    """The three cases at ``n``: seconds, readings, warnings, and the kept file's size."""
    provider = Provider(n)
    figures: dict[str, Any] = {"n": n}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        pages = config([(f"{provider.url}/p{i}/", f"C{i}") for i in range(n)])
        one = config([(f"{provider.url}/big/", f"C{i}") for i in range(n)])
        for name, cfg in (("pages", pages), ("one page", one)):
            started = time.perf_counter()
            read = read_upstreams(root, cfg, NOW)
            figures[name] = {"seconds": round(time.perf_counter() - started, 3),
                             "readings": len(read.readings), "warnings": len(read.warnings)}
        read_upstreams(root, pages, NOW)  # the kept statuses the next case falls back to
        figures["kept KiB"] = round((root / CACHE_DIR / KEPT_FILE).stat().st_size / 1024)
        provider.close()
        started = time.perf_counter()
        read = read_upstreams(root, pages, NOW)
        figures["gone"] = {"seconds": round(time.perf_counter() - started, 3),
                           "readings": len(read.readings), "warnings": len(read.warnings),
                           "stale": sum(r.stale for r in read.readings.values())}
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Time upstream fetching at N components.")
    parser.add_argument("sizes", type=int, nargs="+", metavar="N")
    parser.add_argument("--json", type=Path, help="write every figure here too")
    args = parser.parse_args(argv)
    found = [run(n) for n in args.sizes]
    for f in found:
        print(f"N={f['n']}: " + "; ".join(
            f"{case} {f[case]['seconds']:.2f} s ({f[case]['readings']} read, "
            f"{f[case]['warnings']} warnings)" for case in ("pages", "one page", "gone"))
            + f"; kept file {f['kept KiB']} KiB")
    if args.json:
        args.json.write_text(json.dumps(found, indent=1) + "\n")


if __name__ == "__main__":
    main()
