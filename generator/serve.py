"""``statusgen serve``: build, serve on loopback, rebuild on every change, reload open pages.

* The site is built into ``ROOT/.statusgen-cache/serve-site`` (``--out`` to change it),
  never into ``site/``: serving must not replace the build you deploy.
* ``components.yml``, ``incidents/`` and ``themes/`` are watched (watchdog); a burst
  of changes is built once, after :data:`QUIET` seconds without another.
* A rebuild parses only the incident files whose bytes changed
  (:class:`ParseCache`) and writes only the outputs whose bytes changed
  (:class:`~generator.write.SiteUpdater`).
* Open pages reload by themselves: the server adds a small script to HTML
  responses (never to the files on disk) that listens to server-sent events.
* A change that breaks validation keeps the last good site on disk; every HTML
  response then carries an overlay listing the problems, which are also printed
  in the terminal.  Fixing the file brings the site back.
* Ctrl-C or SIGTERM stops the watcher, the builder and the server, and exits 0.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import html
import json
import mimetypes
import os
import posixpath
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import unquote, urlsplit

from . import model as m
from .build import build
from .clock import resolve_now
from .diagnostics import Diagnostic, Location, error, format_text, sort_diagnostics
from .load import CONFIG_FILE, INCIDENTS_DIR, ParseFn, parse_incident
from .memo import RenderMemo
from .write import OutputError, SiteUpdater, check_output

EXIT_OK, EXIT_PROBLEMS = 0, 1  # as generator.cli's
DEFAULT_OUT = Path(".statusgen-cache") / "serve-site"
"""Where ``serve`` builds, under the root; ``/.statusgen-cache/`` is in ``.gitignore``."""
DEFAULT_OUT_INTERNAL = Path(".statusgen-cache") / "serve-site-internal"
"""Where ``serve --internal`` builds, so a public and an internal preview can run side by side."""
QUIET = 0.15
"""Seconds without a change before a rebuild starts."""
PREFIX = "/__statusgen/"
EVENTS = PREFIX + "events"
CLIENT_JS = PREFIX + "client.js"
CLIENT_CSS = PREFIX + "client.css"
STATE = PREFIX + "state"
KEEPALIVE = 15.0
"""Seconds between comments on an idle event stream (proxies drop silent ones)."""
WATCHED_DIRS = (INCIDENTS_DIR, "themes")

_TYPES = {
    ".atom": "application/atom+xml",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".rss": "application/rss+xml",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
}

CLIENT_SCRIPT = b"""\
// statusgen serve: reload this page when the site is rebuilt. Not part of the built site.
(function () {
  "use strict";
  var script = document.currentScript;
  var version = script ? script.getAttribute("data-version") : null;
  var source = new EventSource("/__statusgen/events");
  source.onmessage = function (event) {
    if (event.data !== version) {
      source.close();
      window.location.reload();
    }
  };
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.id === "statusgen-overlay-hide") {
      var overlay = document.getElementById("statusgen-overlay");
      if (overlay) { overlay.hidden = true; }
    }
  });
})();
"""

CLIENT_STYLE = b"""\
/* statusgen serve: the overlay that lists build problems. Not part of the built site. */
#statusgen-overlay {
  position: fixed; inset: 0; z-index: 2147483647; overflow: auto;
  margin: 0; padding: 2rem; box-sizing: border-box;
  background: rgba(20, 20, 24, 0.96); color: #f4f4f5;
  font: 15px/1.5 system-ui, sans-serif; text-align: left;
}
#statusgen-overlay[hidden] { display: none; }
#statusgen-overlay h2 { margin: 0 0 0.5rem; font-size: 1.4rem; color: #fca5a5; }
#statusgen-overlay ul { padding: 0; list-style: none; }
#statusgen-overlay li {
  margin: 0.5rem 0; padding: 0.5rem 0.75rem; border-left: 4px solid #f87171;
  background: #27272a; white-space: pre-wrap; overflow-wrap: anywhere;
  font: 14px/1.45 ui-monospace, monospace;
}
#statusgen-overlay li.warning { border-left-color: #facc15; }
#statusgen-overlay button { font: inherit; padding: 0.25rem 0.75rem; }
"""


def _say(text: str, *, end: str = "\n", error_stream: bool = False) -> None:
    print(text, end=end, file=sys.stderr if error_stream else sys.stdout, flush=True)


# --------------------------------------------------------------------------
# Parsing only what changed
# --------------------------------------------------------------------------


class ParseCache:
    """A :data:`~generator.load.ParseFn` that parses a file again only when its bytes change.

    Keyed by path and SHA-256 of the content.  :meth:`begin` and :meth:`end`
    bracket a build so that files that went away are forgotten.
    """

    def __init__(self, parse: ParseFn = parse_incident) -> None:
        self._parse = parse
        self._entries: dict[str, tuple[bytes, tuple[m.Incident | None, list[Diagnostic]]]] = {}
        self._seen: set[str] = set()
        self.parsed = 0
        """Files parsed (not found in the cache) since the last :meth:`begin`."""

    def begin(self) -> None:
        self._seen = set()
        self.parsed = 0

    def end(self) -> None:
        for path in set(self._entries) - self._seen:
            del self._entries[path]

    def __call__(self, path: str, raw: bytes) -> tuple[m.Incident | None, list[Diagnostic]]:
        digest = hashlib.sha256(raw).digest()
        self._seen.add(path)
        cached = self._entries.get(path)
        if cached is None or cached[0] != digest:
            self.parsed += 1
            cached = (digest, self._parse(path, raw))
            self._entries[path] = cached
        incident, problems = cached[1]
        return incident, list(problems)


# --------------------------------------------------------------------------
# What the server knows about the site
# --------------------------------------------------------------------------


class Hub:
    """The site's state, shared by the builder and the request threads.

    ``version`` changes whenever open pages should reload: the site's files
    changed, or the list of problems did.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.version = 0
        self.problems: list[Diagnostic] | None = None
        """The diagnostics of the failed build being shown, ``None`` when the site is good."""
        self.closed = False

    def good(self, changed: bool) -> None:
        with self._cond:
            if changed or self.problems is not None:
                self.version += 1
                self.problems = None
                self._cond.notify_all()

    def broken(self, problems: list[Diagnostic]) -> None:
        with self._cond:
            if problems != self.problems:
                self.version += 1
                self.problems = problems
                self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def wait(self, seen: int | None, timeout: float) -> int | None:
        """The version once it differs from ``seen`` or ``timeout`` passes; ``None`` when closed."""
        with self._cond:
            self._cond.wait_for(lambda: self.closed or self.version != seen, timeout)
            return None if self.closed else self.version

    def snapshot(self) -> tuple[int, list[Diagnostic] | None]:
        with self._cond:
            return self.version, self.problems


# --------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------


def _crash(root: Path, exc: Exception) -> Diagnostic:
    """A diagnostic for an exception the build did not expect (a broken template, a bug)."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    where = Location("statusgen")
    if isinstance(filename, str):
        try:
            where = Location(Path(filename).resolve().relative_to(root.resolve()).as_posix(),
                             line if isinstance(line, int) and line > 0 else 1)
        except ValueError:
            where = Location(filename, line if isinstance(line, int) and line > 0 else 1)
    return error(where, "internal", f"the build failed: {type(exc).__name__}: {exc}")


class Builder:
    """Runs builds: one now, and then one after each quiet period following a change."""

    def __init__(self, root: Path, out: Path, now: Callable[[], datetime], hub: Hub, *,
                 strict: bool, internal: bool) -> None:
        self.root, self.out, self.now, self.hub = root, out, now, hub
        self.strict, self.internal = strict, internal
        self.cache = ParseCache()
        self.memo = RenderMemo()
        self.writer = SiteUpdater()
        self.builds = 0
        self._lock = threading.Lock()
        self._pending = threading.Event()
        self._stopping = threading.Event()
        self._last_change = 0.0

    def changed(self) -> None:
        """A watched file changed: build after the next quiet period."""
        with self._lock:
            self._last_change = time.monotonic()
        self._pending.set()

    def stop(self) -> None:
        self._stopping.set()
        self._pending.set()

    def loop(self) -> None:
        """The builder thread: wait for changes, let them settle, build; until stopped."""
        while not self._stopping.is_set():
            self._pending.wait()
            while not self._stopping.is_set():
                with self._lock:
                    remaining = self._last_change + QUIET - time.monotonic()
                if remaining <= 0:
                    break
                self._stopping.wait(remaining)
            if self._stopping.is_set():
                return
            self._pending.clear()
            try:
                self.build_once()
            except Exception as exc:  # never let the builder thread die: report and go on
                _say(f"statusgen serve: the rebuild failed: {type(exc).__name__}: {exc}",
                     error_stream=True)

    def build_once(self) -> bool:
        """One build; prints one line, publishes the result; True when it succeeded."""
        started = time.perf_counter()
        first = self.builds == 0
        self.builds += 1
        self.cache.begin()
        try:
            result = build(self.root, self.out, self.now(), strict=self.strict,
                           internal=self.internal, parse=self.cache, writer=self.writer,
                           memo=self.memo)
        except Exception as exc:  # a theme's template error must not stop the server
            problems = [_crash(self.root, exc)]
        else:
            problems = result.diagnostics
            if result.ok and result.write is not None:
                self.cache.end()
                report = result.write
                changed = report.written + report.removed
                seconds = time.perf_counter() - started
                verb = "built" if first else "rebuilt"
                _say(f"{verb} in {seconds * 1000:.0f} ms: {changed} file"
                     f"{'' if changed == 1 else 's'} changed ({report.written} written, "
                     f"{report.removed} removed, {report.unchanged} unchanged; "
                     f"{self.cache.parsed} incident file{'' if self.cache.parsed == 1 else 's'} "
                     "parsed)")
                if problems:
                    _say(format_text(problems), end="", error_stream=True)
                self.hub.good(changed > 0)
                return True
        self.cache.end()
        problems = sort_diagnostics(problems)
        seconds = time.perf_counter() - started
        _say(format_text(problems), end="", error_stream=True)
        _say(f"build failed in {seconds * 1000:.0f} ms; still serving the last good site "
             "(the problems are shown in the browser)", error_stream=True)
        self.hub.broken(problems)
        return False


# --------------------------------------------------------------------------
# Watching
# --------------------------------------------------------------------------

# Editors' swap, backup and probe files: saving through them is not a change yet.
_SCRATCH_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".bak")
_SCRATCH_NAMES = ("4913",)  # vim's "can I write here" probe


def relevant(root: Path, path: str) -> bool:
    """Whether a change at ``path`` can change the site."""
    try:
        rel = Path(path).relative_to(root)
    except ValueError:
        return False
    parts = rel.parts
    if not parts:
        return False
    if parts == (CONFIG_FILE,):
        return True
    if parts[0] not in WATCHED_DIRS:
        return False
    name = parts[-1]
    return not (any(p.startswith(".") for p in parts) or name.endswith(_SCRATCH_SUFFIXES)
                or name in _SCRATCH_NAMES)


def start_watching(root: Path, on_change: Callable[[], None]) -> Any:
    """A started watchdog observer calling ``on_change`` for every relevant change."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    observer = Observer()

    def watch_dirs() -> None:
        for name in WATCHED_DIRS:
            if (root / name).is_dir():
                try:
                    observer.schedule(handler, str(root / name), recursive=True)
                except OSError as exc:
                    _say(f"cannot watch {name}/: {exc}", error_stream=True)

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: Any) -> None:
            if event.event_type not in ("created", "modified", "deleted", "moved"):
                return
            if event.is_directory and event.event_type == "modified":
                return  # a file in it changed: that file's own event says which
            paths = [os.fsdecode(event.src_path), os.fsdecode(getattr(event, "dest_path", "") or "")]
            if any(p and relevant(root, p) for p in paths):
                if event.is_directory and event.event_type in ("created", "moved") and any(
                        Path(p) in (root / d for d in WATCHED_DIRS) for p in paths if p):
                    watch_dirs()  # incidents/ or themes/ appeared after the start
                on_change()

    handler = Handler()
    observer.schedule(handler, str(root), recursive=False)
    watch_dirs()
    observer.daemon = True
    observer.start()
    return observer


# --------------------------------------------------------------------------
# Serving
# --------------------------------------------------------------------------


def overlay_html(problems: list[Diagnostic]) -> bytes:
    """The overlay listing the problems of the failed build, every text escaped."""
    items = "".join(
        f'<li class="{html.escape(str(d.severity))}">{html.escape(line)}</li>\n'
        for d, line in zip(problems, format_text(problems).splitlines(), strict=False)
    )
    count = sum(d.severity == "error" for d in problems)
    return (
        f'<div id="statusgen-overlay" role="alert">\n'
        f'<link rel="stylesheet" href="{CLIENT_CSS}">\n'
        f"<h2>statusgen: the build failed ({count} error{'' if count == 1 else 's'})</h2>\n"
        "<p>This is the last good site. Fix the problems below and save; the page reloads "
        "by itself.</p>\n"
        f"<ul>\n{items}</ul>\n"
        '<button type="button" id="statusgen-overlay-hide">Hide</button>\n'
        "</div>\n"
    ).encode()


def inject(page: bytes, version: int, problems: list[Diagnostic] | None) -> bytes:
    """``page`` with the reload script (and the overlay, when broken) before ``</body>``."""
    added = b""
    if problems is not None:
        added += overlay_html(problems)
    added += f'<script src="{CLIENT_JS}" data-version="{version}"></script>\n'.encode()
    at = page.lower().rfind(b"</body>")
    if at == -1:
        return page + added
    return page[:at] + added + page[at:]


NOT_FOUND = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>
<body><h1>Not found</h1><p>statusgen serve has no such page.</p></body></html>
"""


class DevServer(ThreadingHTTPServer):
    """The HTTP server; request threads are joined when it closes."""

    daemon_threads = False
    block_on_close = True

    def __init__(self, address: tuple[str, int], out: Path, hub: Hub) -> None:
        self.out = out
        self.hub = hub
        self._connections: set[Any] = set()
        self._connections_lock = threading.Lock()
        host = address[0]
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End every open connection (event streams, a browser's idle preconnects), so that
        closing the server joins its threads at once instead of waiting for timeouts."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class Handler(BaseHTTPRequestHandler):
    """Files from the site folder, HTML with the reload script, and the event stream."""

    server: DevServer
    protocol_version = "HTTP/1.0"  # one request a connection: nothing idles at shutdown
    timeout = 30

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def do_GET(self) -> None:
        self._respond(body=True)

    def _send(self, status: int, content_type: str, data: bytes, body: bool,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _respond(self, body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        try:
            if path == EVENTS:
                self._events()
            elif path == CLIENT_JS:
                self._send(200, _TYPES[".js"], CLIENT_SCRIPT, body)
            elif path == CLIENT_CSS:
                self._send(200, _TYPES[".css"], CLIENT_STYLE, body)
            elif path == STATE:
                version, problems = self.server.hub.snapshot()
                state = {"version": version, "ok": problems is None,
                         "problems": format_text(problems or []).splitlines()}
                self._send(200, _TYPES[".json"], json.dumps(state).encode(), body)
            else:
                self._file(path, body)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass

    def _file(self, path: str, body: bool) -> None:
        out = self.server.out
        normal = posixpath.normpath(path)
        parts = [p for p in normal.split("/") if p and p != "."]
        if ".." in parts or "\0" in path:
            self._page(HTTPStatus.NOT_FOUND, NOT_FOUND, body)
            return
        target = out.joinpath(*parts)
        if target.is_dir():
            if not path.endswith("/"):
                self._send(301, "text/plain; charset=utf-8", b"", body,
                           {"Location": path + "/"})
                return
            target = target / "index.html"
        try:
            data = target.read_bytes() if target.is_file() else None
        except OSError:
            data = None
        if data is None:
            missing = out / "404.html"
            try:
                page = missing.read_bytes() if missing.is_file() else NOT_FOUND
            except OSError:
                page = NOT_FOUND
            self._page(HTTPStatus.NOT_FOUND, page, body)
            return
        suffix = target.suffix.lower()
        if suffix == ".html":
            self._page(HTTPStatus.OK, data, body)
            return
        content_type = _TYPES.get(suffix) or mimetypes.guess_type(target.name)[0] \
            or "application/octet-stream"
        self._send(200, content_type, data, body)

    def _page(self, status: int, page: bytes, body: bool) -> None:
        version, problems = self.server.hub.snapshot()
        self._send(status, _TYPES[".html"], inject(page, version, problems), body)

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(b"retry: 1000\n\n")
        self.wfile.flush()
        seen: int | None = None
        while True:
            version = self.server.hub.wait(seen, KEEPALIVE)
            if version is None:
                return
            self.wfile.write(f"data: {version}\n\n".encode() if version != seen else b": idle\n\n")
            self.wfile.flush()
            seen = version


def _url(server: DevServer) -> str:
    address, port = server.server_address[:2]
    host = address.decode() if isinstance(address, bytes) else str(address)
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


# --------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------


def register(commands: Any) -> None:
    """Add ``serve`` to the ``statusgen`` parser."""
    from .cli import common_options  # here: generator.cli imports this module

    parser = commands.add_parser(
        "serve", help="preview the site, rebuilt and reloaded on every change",
        description="Build the site, serve it over HTTP and rebuild it whenever components.yml, "
        "incidents/ or themes/ change; open pages reload by themselves. Builds into "
        f"ROOT/{DEFAULT_OUT.as_posix()} unless --out is given, so site/ is never touched. "
        "Ctrl-C stops.")
    common_options(parser)
    parser.add_argument("--host", default="127.0.0.1",
                        help="the address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=8000,
                        help="the port to listen on; 0 picks a free one (default: 8000)")
    parser.add_argument("--internal", action="store_true",
                        help="serve the team's site: internal entries and updates included")
    parser.add_argument("--out", type=Path, default=None,
                        help=f"where to build (default: ROOT/{DEFAULT_OUT.as_posix()}, or "
                        f"ROOT/{DEFAULT_OUT_INTERNAL.as_posix()} with --internal)")
    parser.set_defaults(run=cmd_serve)


def cmd_serve(args: argparse.Namespace, now: datetime) -> int:
    """``statusgen serve``: returns when stopped by SIGINT or SIGTERM."""
    root: Path = args.root.resolve()
    default = DEFAULT_OUT_INTERNAL if args.internal else DEFAULT_OUT
    out: Path = (args.out if args.out is not None else root / default).resolve()
    fixed = args.now is not None

    def clock() -> datetime:
        return now if fixed else resolve_now(None)

    try:
        check_output(out, root)
    except OutputError as exc:
        _say(f"statusgen serve: {exc}", error_stream=True)
        return EXIT_PROBLEMS

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous: dict[signal.Signals, Any] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Outside the main thread signal() fails: Ctrl-C then arrives as KeyboardInterrupt.
        with contextlib.suppress(ValueError):
            previous[sig] = signal.signal(sig, on_signal)
    try:
        return _serve(args, root, out, clock, stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _serve(args: argparse.Namespace, root: Path, out: Path, clock: Callable[[], datetime],
           stop: threading.Event) -> int:
    hub = Hub()
    try:
        server = DevServer((args.host, args.port), out, hub)
    except OSError as exc:
        _say(f"statusgen serve: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
             error_stream=True)
        return EXIT_PROBLEMS
    builder = Builder(root, out, clock, hub, strict=args.strict, internal=args.internal)
    observer = None
    threads: list[threading.Thread] = []
    serving = False
    try:
        observer = start_watching(root, builder.changed)
        builder.build_once()
        threads = [
            threading.Thread(target=builder.loop, name="statusgen-builder"),
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                             name="statusgen-server"),
        ]
        for thread in threads:
            thread.start()
        serving = True
        kind = "the internal site" if args.internal else "the site"
        _say(f"serving {kind} from {out} at {_url(server)} (Ctrl-C stops)")
        if server.server_address[0] not in ("127.0.0.1", "::1", "localhost"):
            _say(f"note: listening on {args.host}, so other machines can reach this preview",
                 error_stream=True)
        while not stop.wait(0.25):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        if observer is not None:
            observer.stop()
        builder.stop()
        hub.close()
        if serving:
            server.shutdown()
        server.close_connections()
        server.server_close()
        for thread in threads:
            if thread.ident is not None:  # started
                thread.join()
        if observer is not None:
            observer.join()
    _say("stopped")
    return EXIT_OK
