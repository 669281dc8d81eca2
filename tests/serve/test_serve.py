"""`statusgen serve`: rebuilds on change, reloads open pages, shows problems, stops cleanly."""

from __future__ import annotations

import gc
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from playwright.sync_api import Page

from statusgen import rules
from statusgen.commands.serve import DEFAULT_OUT
from statusgen.diagnostics import Location
from statusgen.incremental.parse_cache import ParseCache
from statusgen.output.write import MARKER, update_site
from statusgen.serve import builder as builder_module
from statusgen.serve.builder import Builder, Hub
from statusgen.serve.client import CLIENT_JS, inject, overlay_html
from statusgen.serve.watch import relevant
from statusgen.source.parse import parse_incident
from tests.helpers import INCIDENT, NOW, REPO_ROOT, incident

StatusRepo = Callable[[Mapping[str, str | bytes]], Path]
NOW_ARG = "2026-11-22T09:00:00Z"
NAME = "incidents/2026-11-22-api-errors.md"
PAGE = "incidents/2026-11-22-api-errors/"
STARTUP = 90.0
"""Seconds for the server to build and listen (a cold start imports a lot)."""
CHANGE = 30.0
"""Seconds for a change to show: the debounce is 0.15 s and a rebuild well under one."""


class Serve:
    """``python -m statusgen serve`` in a subprocess, its output collected line by line."""

    def __init__(self, root: Path, *extra: str) -> None:
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "statusgen", "serve", "--root", str(root), "--port", "0",
             "--now", NOW_ARG, *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT, env=env)
        self.out: list[str] = []
        self.err: list[str] = []
        self._lock = threading.Lock()
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self._readers = [
            threading.Thread(target=self._read, args=(self.proc.stdout, self.out), daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stderr, self.err), daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        line = self.wait_for(lambda: next((x for x in self.stdout_lines() if " at http://" in x),
                                          None), "the URL line", STARTUP)
        assert isinstance(line, str)
        found = re.search(r" at (http://\S+/) ", line)
        assert found, line
        self.url = found.group(1)

    def _read(self, stream: Iterator[str], into: list[str]) -> None:
        for line in stream:
            with self._lock:
                into.append(line)

    def stdout_lines(self) -> list[str]:
        with self._lock:
            return list(self.out)

    def stderr_text(self) -> str:
        with self._lock:
            return "".join(self.err)

    def wait_for(self, probe: Callable[[], object], what: str, timeout: float = CHANGE) -> object:
        """Poll ``probe`` until it returns something true; fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            value = probe()
            if value:
                return value
            if self.proc.poll() is not None:
                pytest.fail(f"serve exited ({self.proc.returncode}) while waiting for {what}:\n"
                            f"{''.join(self.out)}{self.stderr_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no {what} after {timeout} s:\n{''.join(self.stdout_lines())}"
                            f"{self.stderr_text()}")
            time.sleep(0.05)

    def get(self, path: str = "") -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    def page_shows(self, path: str, *texts: str) -> Callable[[], bool]:
        def probe() -> bool:
            _, body = self.get(path)
            return all(t in body for t in texts)
        return probe

    def rebuilds(self) -> list[str]:
        return [x for x in self.stdout_lines() if x.startswith("rebuilt in ")]

    def stop(self, sig: int = signal.SIGINT) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            pytest.fail("serve did not stop within 30 s of the signal")
        for reader in self._readers:
            reader.join(timeout=10)
        return code


@pytest.fixture
def served(status_repo: StatusRepo) -> Iterator[tuple[Serve, Path]]:
    root = status_repo({NAME: INCIDENT})
    server = Serve(root)
    try:
        yield server, root
    finally:
        if server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait(timeout=10)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, text)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --------------------------------------------------------------------------
# End to end, over HTTP
# --------------------------------------------------------------------------


def test_serve_rebuilds_shows_problems_and_stops(served: tuple[Serve, Path]) -> None:
    server, root = served
    status, body = server.get(PAGE)
    assert status == 200
    assert "We are looking into it." in body
    assert f'<script src="{CLIENT_JS}" data-version="' in body
    assert server.get("incidents/2026-11-22-api-errors")[0] == 200  # redirected to the folder

    # An edit shows up.
    edit(root / NAME, "We are looking into it.", "We found the cause.")
    server.wait_for(server.page_shows(PAGE, "We found the cause."), "the edited message")

    # A broken file: the last good site, with the problems over it, escaped.
    edit(root / NAME, "status: investigating", "status: <b>bogus</b>")
    where = f"{NAME}:8:13: error: `&lt;b&gt;bogus&lt;/b&gt;` is not one of"
    server.wait_for(server.page_shows("", 'id="statusgen-overlay"', where, "[choice]"),
                    "the overlay")
    _, body = server.get(PAGE)
    assert "We found the cause." in body and where in body
    assert "<b>bogus</b>" not in body
    status, missing = server.get("no/such/page")
    assert status == 404 and where in missing
    server.wait_for(lambda: f"{NAME}:8:13: error: `<b>bogus</b>`" in server.stderr_text(),
                    "the diagnostics in the terminal")

    # Fixed: the site is back, without the overlay.
    edit(root / NAME, "status: <b>bogus</b>", "status: investigating")
    edit(root / NAME, "We found the cause.", "A fix is on its way.")
    # The build writes the pages a moment before it clears the problems (then the open page
    # reloads by itself): a request between the two has the new text under the old overlay.
    def fixed() -> bool:
        _, body = server.get(PAGE)
        return "A fix is on its way." in body and "statusgen-overlay" not in body
    server.wait_for(fixed, "the fixed page without the overlay")
    assert server.get("")[0] == 200

    assert server.stop(signal.SIGINT) == 0
    stderr = server.stderr_text()
    assert "Traceback" not in stderr
    assert server.stdout_lines()[-1] == "stopped\n"

    # What serve wrote: its own folder, marked, and never the reload script.
    out = root / DEFAULT_OUT
    assert (out / MARKER).is_file()
    assert (out / "index.html").is_file()
    assert not (root / "site").exists()
    for file in out.rglob("*"):
        if file.is_file():
            assert b"__statusgen" not in file.read_bytes(), file


@pytest.mark.slow
def test_one_rebuild_for_many_changes_and_only_changed_files(served: tuple[Serve, Path]) -> None:
    server, root = served
    out = root / DEFAULT_OUT
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    assert before

    # Ten files saved at once: one rebuild, ten files parsed.
    for number in range(10):
        text = INCIDENT.replace("API errors", f"Incident number {number}")
        (root / "incidents" / f"2026-11-22-burst-{number}.md").write_text(text, encoding="utf-8")
    server.wait_for(server.page_shows("", "Incident number 9"), "the ten new incidents")
    server.wait_for(server.rebuilds, "a rebuild line")
    time.sleep(1.5)  # far past the quiet period: a second rebuild would have started
    lines = server.rebuilds()
    assert len(lines) == 1, lines
    assert "10 incident files parsed" in lines[0], lines[0]
    assert re.match(r"rebuilt in \d+ ms: \d+ files changed \(\d+ written, 0 removed, "
                    r"\d+ unchanged; 10 incident files parsed\)", lines[0]), lines[0]

    # Theme assets did not change, so they were not touched.
    assets = [p for p in before if "static" in p.parts]
    assert assets
    assert all(p.stat().st_mtime_ns == before[p] for p in assets)

    # One edit parses one file; a deleted incident's page goes away.
    middle = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    (root / "incidents" / "2026-11-22-burst-3.md").unlink()
    server.wait_for(lambda: len(server.rebuilds()) == 2, "the second rebuild")
    assert "1 removed" in server.rebuilds()[1] or " removed" in server.rebuilds()[1]
    assert not (out / "incidents" / "2026-11-22-burst-3").exists()
    assert all(p.stat().st_mtime_ns == middle[p] for p in assets)

    # Editors' scratch files are not changes.
    (root / "incidents" / ".2026-11-22-api-errors.md.swp").write_text("x")
    (root / "incidents" / "2026-11-22-api-errors.md~").write_text("x")
    time.sleep(1.0)
    assert len(server.rebuilds()) == 2

    assert server.stop(signal.SIGTERM) == 0
    assert "Traceback" not in server.stderr_text()


def test_serve_starts_with_a_broken_repository(status_repo: StatusRepo) -> None:
    root = status_repo({NAME: INCIDENT.replace("impact: minor", "impact: huge")})
    server = Serve(root)
    try:
        status, body = server.get("")
        assert status == 404  # nothing was ever built
        assert 'id="statusgen-overlay"' in body and f"{NAME}:3:9: error:" in body
        edit(root / NAME, "impact: huge", "impact: minor")
        # The new pages are on disk a moment before the build is declared good (the writes
        # come first): wait for both.
        server.wait_for(lambda: server.page_shows("", "API errors")() and
                        "statusgen-overlay" not in server.get("")[1], "the first good build")
    finally:
        assert server.stop() == 0
    assert "Traceback" not in server.stderr_text()


def test_serve_refuses_a_folder_it_did_not_make(status_repo: StatusRepo, tmp_path: Path) -> None:
    root = status_repo({NAME: INCIDENT})
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    done = subprocess.run(
        [sys.executable, "-m", "statusgen", "serve", "--root", str(root), "--port", "0",
         "--out", str(mine), "--now", NOW_ARG],
        capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert done.returncode == 1
    assert "not made by statusgen" in done.stderr
    assert "Traceback" not in done.stderr
    assert (mine / "notes.txt").read_text() == "keep me"


# --------------------------------------------------------------------------
# In a browser: an open page reloads by itself
# --------------------------------------------------------------------------


@pytest.mark.browser
def test_open_page_reloads_by_itself(served: tuple[Serve, Path], page: Page) -> None:
    server, root = served
    page.goto(server.url + PAGE)
    assert "We are looking into it." in page.inner_text("body")
    page.evaluate("() => { window.statusgenMarker = 'before'; }")

    edit(root / NAME, "We are looking into it.", "Reloaded without asking.")
    page.wait_for_function("() => document.body.innerText.includes('Reloaded without asking.')",
                           timeout=CHANGE * 1000)
    # A new document: the script reloaded the page, nothing here did.
    assert page.evaluate("() => window.statusgenMarker") is None

    edit(root / NAME, "status: investigating", "status: bogus")
    page.wait_for_selector("#statusgen-overlay", state="visible", timeout=CHANGE * 1000)
    assert "[choice]" in page.inner_text("#statusgen-overlay")
    edit(root / NAME, "status: bogus", "status: investigating")
    page.wait_for_selector("#statusgen-overlay", state="detached", timeout=CHANGE * 1000)
    assert "Reloaded without asking." in page.inner_text("body")
    assert server.stop() == 0


# --------------------------------------------------------------------------
# The pieces
# --------------------------------------------------------------------------


def test_parse_cache_parses_only_changed_files() -> None:
    calls: list[str] = []

    def parse(path: str, raw: bytes) -> tuple[object, list[object]]:
        calls.append(path)
        return parse_incident(path, raw)  # type: ignore[return-value]

    cache = ParseCache(parse=parse)  # type: ignore[arg-type]
    raw = INCIDENT.encode()
    cache.begin()
    first = cache.parse("incidents/a.md", raw)
    cache.parse("incidents/b.md", raw)
    assert first[0] is not None and cache.parsed == 2
    cache.begin()
    assert cache.parse("incidents/a.md", raw)[0] is first[0]
    cache.parse("incidents/b.md", raw.replace(b"API errors", b"Other"))
    assert cache.parsed == 1
    assert calls == ["incidents/a.md", "incidents/b.md", "incidents/b.md"]
    cache.begin()
    cache.begin()  # a build that read neither: both forgotten
    cache.parse("incidents/a.md", raw)
    assert cache.parsed == 1


def test_a_warning_is_printed_once_until_its_file_changes(
        status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]) -> None:
    stale = incident("at: 2026-11-22T08:00:00Z", "at: 2026-11-01T08:00:00Z")
    root = status_repo({"incidents/a.md": stale, NAME: INCIDENT.replace("API errors", "Other")})
    builder = Builder(root, root / DEFAULT_OUT, lambda: NOW, Hub(), strict=False, internal=False)

    def build_warns() -> list[str]:
        assert builder.build_once()
        return [line for line in capsys.readouterr().err.splitlines() if "[stale-open]" in line]

    assert len(build_warns()) == 1
    edit(root / NAME, "Other", "Another")  # a change elsewhere: not printed again
    assert build_warns() == []
    assert build_warns() == []
    edit(root / "incidents/a.md", "We are looking", "We are still looking")  # its own file
    assert build_warns() == ["incidents/a.md:8:13: warning: open for 21 days; forgot to resolve? "
                             "add a `resolved` update [stale-open]"]
    edit(root / "incidents/a.md", "status: investigating", "status: resolved")
    assert build_warns() == []
    edit(root / "incidents/a.md", "status: resolved", "status: investigating")  # back again
    assert len(build_warns()) == 1


def test_the_builder_collects_garbage_when_idle_not_while_changes_come(
        status_repo: StatusRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    root = status_repo({})
    builder = Builder(root, root / DEFAULT_OUT, lambda: NOW, Hub(), strict=False, internal=False)
    events: list[str] = []
    monkeypatch.setattr(builder_module, "IDLE", 0.3)

    def collect() -> int:
        events.append("collect")
        return 0

    monkeypatch.setattr(gc, "collect", collect)

    def build_once() -> bool:
        events.append("build")
        if len(events) == 1:
            builder.changed()  # an edit right after the first build: no collection between
        return True

    monkeypatch.setattr(builder, "build_once", build_once)
    builder.changed()
    thread = threading.Thread(target=builder.loop)
    thread.start()
    deadline = time.monotonic() + 10
    while "collect" not in events and time.monotonic() < deadline:
        time.sleep(0.05)
    builder.stop()
    thread.join(10)
    assert events[:3] == ["build", "build", "collect"]


def test_update_site_touches_only_what_changed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = update_site(out, {"index.html": b"one", "a/b.css": b"css", "gone.txt": b"x",
                               "dir/x.txt": b"x"})
    assert (report.written, report.unchanged, report.removed) == (4, 0, 0)
    assert (out / MARKER).is_file()
    old = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    time.sleep(0.02)
    report = update_site(out, {"index.html": b"two", "a/b.css": b"css", "dir": b"now a file"})
    assert (report.written, report.unchanged, report.removed) == (2, 1, 2)
    assert (out / "index.html").read_bytes() == b"two"
    assert (out / "a/b.css").stat().st_mtime_ns == old[out / "a/b.css"]
    assert not (out / "gone.txt").exists()
    assert (out / "dir").read_bytes() == b"now a file"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        MARKER, "a", "a/b.css", "dir", "index.html"]
    report = update_site(out, {"index.html": b"two", "dir/y.txt": b"a folder again"})
    assert (report.written, report.unchanged, report.removed) == (1, 1, 2)
    assert not (out / "a").exists()
    assert (out / "dir/y.txt").read_bytes() == b"a folder again"


def test_inject_and_overlay() -> None:
    page = b"<!DOCTYPE html><html><body><p>hi</p></BODY></html>"
    good = inject(page, 7, None)
    assert good == (b'<!DOCTYPE html><html><body><p>hi</p><script src="/__statusgen/client.js" '
                    b'data-version="7"></script>\n</BODY></html>')
    problems = [rules.CHOICE.at(Location("incidents/x.md", 3, 5), "`<img src=x onerror=alert(1)>` & co"),
                rules.STALE_OPEN.at(Location("incidents/y.md"), "open for 20 days")]
    bad = inject(page, 8, problems).decode()
    assert "<img" not in bad
    assert "incidents/x.md:3:5: error: `&lt;img src=x onerror=alert(1)&gt;` &amp; co [choice]" in bad
    assert ('<li class="warning" lang="en">incidents/y.md:1:1: warning: open for 20 days '
            "[stale-open]</li>") in bad
    assert bad.index('id="statusgen-overlay"') < bad.index("</BODY>")
    assert b"(1 error)" in overlay_html(problems)
    assert inject(b"no body", 1, None).startswith(b"no body<script")


@pytest.mark.parametrize(("rel", "expected"), [
    ("components.yml", True),
    ("incidents/a.md", True),
    ("incidents/chart.svg", True),
    ("themes/default/base.html", True),
    ("incidents", True),
    ("incidents/.a.md.swp", False),
    ("incidents/a.md~", False),
    ("incidents/4913", False),
    ("incidents/.git/x", False),
    ("site/index.html", False),
    (".statusgen-cache/serve-site/index.html", False),
    ("README.md", False),
])
def test_relevant(tmp_path: Path, rel: str, expected: bool) -> None:
    assert relevant(tmp_path, str(tmp_path / rel)) is expected
    assert relevant(tmp_path, "/elsewhere/components.yml") is False


def test_serve_never_serves_a_file_outside_the_site(served: tuple[Serve, Path]) -> None:
    import http.client

    server, root = served
    (root / "secret.txt").write_text("do not serve me")
    host, port = urllib.parse.urlsplit(server.url).netloc.split(":")
    # The site is built in ROOT/.statusgen-cache/serve-site: the secret is two levels up.
    for path in ("/../../secret.txt", "/%2e%2e/%2e%2e/secret.txt",
                 "/incidents/%2e%2e/%2e%2e/%2e%2e/secret.txt", "/..%2f..%2fsecret.txt"):
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        assert b"do not serve me" not in body, path
        assert response.status == 404, (path, response.status)
        connection.close()
    assert server.stop() == 0


def test_serve_answers_only_its_own_names(status_repo: StatusRepo) -> None:
    import socket

    root = status_repo({NAME: INCIDENT})
    server = Serve(root, "--allow-host", "preview.test")
    port = urllib.parse.urlsplit(server.url).port
    assert port is not None

    def fetch(host: str) -> tuple[int, str]:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(f"GET /{PAGE} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            data = b""
            while chunk := connection.recv(65536):
                data += chunk
        head, _, body = data.decode("utf-8").partition("\r\n\r\n")
        return int(head.split()[1]), body

    try:
        for host in (f"preview.test:{port}", "PREVIEW.test", f"127.0.0.1:{port}", "localhost"):
            status, body = fetch(host)
            assert status == 200 and "We are looking into it." in body, host
        for host in ("evil.example", f"preview.test.evil.example:{port}", f"localhost:{port + 1}"):
            status, body = fetch(host)
            assert status == 421 and "We are looking into it." not in body, host
    finally:
        assert server.stop() == 0
    assert "Traceback" not in server.stderr_text()
