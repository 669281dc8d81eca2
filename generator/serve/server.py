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
* Only requests whose ``Host`` names this machine (or an ``--allow-host`` name) are
  answered, so no other web site can read the preview by DNS rebinding.  Requests are read
  within limits and a deadline, and their paths decoded and normalised once, before
  anything else looks at them; a bad one gets a 4xx and a one-line reason.
* Ctrl-C or SIGTERM stops the watcher, the builder and the server, and exits 0.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import html
import ipaddress
import json
import mimetypes
import os
import re
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import quote, unquote_to_bytes

from generator import model as m
from generator.commands.clock import resolve_now
from generator.diagnostics import Diagnostic, Location, error, format_text, sort_diagnostics
from generator.incremental.memo import RenderMemo
from generator.output.write import OutputError, SiteUpdater, check_output
from generator.pipeline import build
from generator.source.load import CONFIG_FILE, INCIDENTS_DIR, ParseFn, parse_incident

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
# Reading requests: limits, Host and path decided before the file system is asked
# --------------------------------------------------------------------------

MAX_REQUEST_LINE = 8 * 1024
"""Bytes in the request line (method, target, version); a longer one gets 414."""
MAX_HEADERS = 100
"""Header lines in one request; more get 431."""
MAX_HEADER_BYTES = 64 * 1024
"""Bytes in all header lines together; more get 431."""
HEAD_TIMEOUT = 10.0
"""Seconds a connection has, from being accepted, to send its request line and headers; a
slower one gets 408, a silent one (a browser's unused preconnect) is closed without an answer."""
WRITE_TIMEOUT = 10.0
"""Seconds one write to a client may take before the connection is dropped."""
MAX_CONNECTIONS = 64
"""Connections served at once, event streams included; one more gets 503 without a thread."""
LINGER, LINGER_BYTES = 1.0, 2 * 1024 * 1024
"""After an error answer, the seconds and bytes spent reading what the client still sends."""
PLAIN = "text/plain; charset=utf-8"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refusal(Exception):
    """A request answered with an error status and a short plain-text reason.

    ``why`` is the server's own words: request text never goes into an answer.
    """

    def __init__(self, status: HTTPStatus, why: str,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(why)
        self.status = status
        self.why = why
        self.headers = dict(headers or {})

    def body(self) -> bytes:
        """The plain-text answer: status, phrase and reason."""
        return f"{self.status.value} {self.status.phrase}: {self.why}\n".encode()


@dataclass(frozen=True)
class Request:
    """A request line and its headers, their syntax checked; header names in lower case."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...]

    def values(self, name: str) -> list[str]:
        """Every value of the header ``name`` (lower case), in order."""
        return [value for key, value in self.headers if key == name]


def _receive(connection: socket.socket, deadline: float) -> bytes | None:
    """Up to 16 KiB from the client: ``b""`` when it closed, ``None`` once ``deadline`` passed."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return None
    connection.settimeout(remaining)
    try:
        return connection.recv(16 * 1024)
    except TimeoutError:
        return None


def _check_size(lines: list[bytes], header_bytes: int, partial: int) -> None:
    """Refuse a head over the limits; ``partial`` bytes of its next line have arrived."""
    if (len(lines[0]) if lines else partial - 1) > MAX_REQUEST_LINE:  # - 1: a CR may follow
        raise Refusal(HTTPStatus.REQUEST_URI_TOO_LONG,
                      f"the request line is longer than {MAX_REQUEST_LINE} bytes")
    if lines and (len(lines) - 1 > MAX_HEADERS or header_bytes + partial > MAX_HEADER_BYTES + 1):
        raise Refusal(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                      f"a request may have {MAX_HEADERS} header lines and "
                      f"{MAX_HEADER_BYTES // 1024} KiB of headers at most")


def read_head(connection: socket.socket, timeout: float) -> list[bytes] | None:
    """The request line and header lines, without line ends, once an empty line ends them.

    ``None`` when the client closes or stays silent before sending anything (a browser's
    unused preconnect).  :class:`Refusal` when a limit is passed, the client stalls for
    ``timeout`` seconds in all, or closes half-way.
    """
    deadline = time.monotonic() + timeout
    lines: list[bytes] = []
    buffer = bytearray()
    start = header_bytes = 0  # start: where the line being received begins
    while True:
        chunk = _receive(connection, deadline)
        if not chunk:
            if not buffer:
                return None
            if chunk is None:
                raise Refusal(HTTPStatus.REQUEST_TIMEOUT,
                              f"the request line and headers took more than {timeout:g} s")
            raise Refusal(HTTPStatus.BAD_REQUEST, "the connection closed before the headers ended")
        scan = len(buffer)  # only the new bytes can hold the next line end
        buffer += chunk
        while (end := buffer.find(b"\n", scan)) != -1:
            line = bytes(buffer[start:end]).removesuffix(b"\r")
            start = scan = end + 1
            if lines and not line:
                return lines
            header_bytes += len(line) if lines else 0
            lines.append(line)
            _check_size(lines, header_bytes, 0)
        _check_size(lines, header_bytes, len(buffer) - start)


_TOKEN = rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_REQUEST_LINE = re.compile(rb"(%s) ([\x21-\x7e]+) HTTP/([0-9])\.[0-9]" % _TOKEN)
_HEADER_LINE = re.compile(rb"(%s):[ \t]*([^\x00-\x08\x0a-\x1f\x7f]*?)[ \t]*" % _TOKEN)


def parse_head(lines: list[bytes]) -> Request:
    """The request that :func:`read_head` read; :class:`Refusal` (400, 505) when malformed."""
    found = _REQUEST_LINE.fullmatch(lines[0])
    if found is None:
        raise Refusal(HTTPStatus.BAD_REQUEST,
                      "the request line must be METHOD /path HTTP/1.1, in printable ASCII")
    if found.group(3) != b"1":
        raise Refusal(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, "only HTTP/1.0 and 1.1 are served")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        header = _HEADER_LINE.fullmatch(line)
        if header is None:
            raise Refusal(HTTPStatus.BAD_REQUEST,
                          "a header line is not NAME: VALUE, or holds a control character")
        headers.append((header.group(1).decode("ascii").lower(), header.group(2).decode("latin-1")))
    return Request(found.group(1).decode("ascii"), found.group(2).decode("ascii"), tuple(headers))


_HOST_VALUE = re.compile(r"(\[[^\[\]]*\]|[^:\[\]]*)(?::([0-9]{1,5}))?")
_HOST_NAME = re.compile(r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*",
                        re.IGNORECASE)


def host_key(host: str) -> str | Address | None:
    """What ``host`` compares as: its address (IPv6 bare or in brackets), else its name in
    lower case; ``None`` when it is neither (an IPv4 address in brackets, no valid name)."""
    inner = host[1:-1] if host.startswith("[") and host.endswith("]") else None
    try:
        address = ipaddress.ip_address(host if inner is None else inner)
    except ValueError:
        return host.lower() if inner is None and _HOST_NAME.fullmatch(host) else None
    return address if inner is None or address.version == 6 else None


def _shown(key: str | Address) -> str:
    return f"[{key}]" if isinstance(key, ipaddress.IPv6Address) else str(key)


@dataclass(frozen=True)
class Hosts:
    """The ``Host`` headers answered: a known name or address, with the server's port or none.

    Any other ``Host`` is refused, so that a page elsewhere whose name is made to point to
    this machine (DNS rebinding) cannot read the preview.
    """

    port: int
    keys: tuple[str | Address, ...]

    @classmethod
    def of(cls, port: int, bound: Iterable[str], extra: Iterable[str] = ()) -> Hosts:
        """Loopback names, the address (and name) bound unless it means every interface, and ``extra``."""
        keys: dict[str | Address, None] = {}  # a dict keeps the order, for describe()
        for key in map(host_key, ("localhost", "127.0.0.1", "::1", *bound)):
            if isinstance(key, str) or (key is not None and not key.is_unspecified):
                keys[key] = None
        keys.update((key, None) for key in map(host_key, extra) if key is not None)
        return cls(port, tuple(keys))

    def allows(self, value: str) -> bool:
        """Whether a request whose ``Host`` header is ``value`` is answered."""
        found = _HOST_VALUE.fullmatch(value)
        if found is None or (found.group(2) is not None and int(found.group(2)) != self.port):
            return False
        return host_key(found.group(1)) in self.keys

    def describe(self) -> str:
        """The names and addresses answered, for the terminal (never for a client)."""
        return ", ".join(map(_shown, self.keys))


def allowed_host(text: str) -> str:
    """``--allow-host``'s value: a host name or an IP address, without port or scheme."""
    if host_key(text) is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a host name or an IP address (without port or scheme), "
            "like mybox.local or 192.168.1.20")
    return text


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CONTROL_OR_BACKSLASH = re.compile(r"[\x00-\x1f\x7f-\x9f\\]")


def site_path(target: str) -> tuple[tuple[str, ...], bool]:
    """The segments of the path a request target names, percent-decoded and with dot
    segments resolved, and whether it ends with ``/``.

    Everything afterwards looks only at this final value.  :class:`Refusal` 400 for a target
    that is not a path, a ``%`` without two hex digits, bytes that are not UTF-8 (overlong
    forms included), control characters and backslashes; 404 for a path that climbs out.
    """
    path = target.partition("?")[0]
    if not path.startswith("/") or "#" in path:
        raise Refusal(HTTPStatus.BAD_REQUEST, "the request target must be a path starting with /")
    if _BAD_ESCAPE.search(path):
        raise Refusal(HTTPStatus.BAD_REQUEST, "a % in the path is not followed by two hex digits")
    try:
        decoded = unquote_to_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal(HTTPStatus.BAD_REQUEST, "the path is not UTF-8 once decoded") from None
    if _CONTROL_OR_BACKSLASH.search(decoded):
        raise Refusal(HTTPStatus.BAD_REQUEST, "the path holds a control character or a backslash")
    segments: list[str] = []
    for part in decoded.split("/"):
        if part == "..":
            if not segments:
                raise Refusal(HTTPStatus.NOT_FOUND, "the path leads out of the site")
            segments.pop()
        elif part not in ("", "."):
            segments.append(part)
    return tuple(segments), decoded.endswith("/")


def inside(folder: Path, segments: Iterable[str]) -> Path | None:
    """``folder/segments`` with every symlink resolved; ``None`` when it does not exist,
    cannot be looked up (a name too long) or is not inside ``folder``, itself resolved."""
    try:
        resolved = folder.joinpath(*segments).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return resolved if resolved.is_relative_to(folder) else None


def regular_bytes(path: Path | None) -> bytes | None:
    """The content of ``path`` if it is a regular file (not a folder, FIFO or device) it can read."""
    if path is None:
        return None
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError:
        return None


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
    """The HTTP server: at most ``max_connections`` request threads, joined when it closes."""

    daemon_threads = False
    block_on_close = True
    # A page opens several connections at once; beyond socketserver's backlog of 5 a
    # connection waits for the client to retry (a second or more) before being seen at all.
    request_queue_size = MAX_CONNECTIONS

    def __init__(self, address: tuple[str, int], out: Path, hub: Hub, *,
                 allow_hosts: Iterable[str] = (), max_connections: int = MAX_CONNECTIONS,
                 head_timeout: float = HEAD_TIMEOUT) -> None:
        self.out = out
        self.hub = hub
        self.head_timeout = head_timeout
        self._slots = threading.BoundedSemaphore(max_connections)
        # An event stream stays open as long as its page: half the slots at most, so that
        # pages can still be loaded with many tabs open.
        self.streams = threading.BoundedSemaphore(max(1, max_connections // 2))
        self._connections: set[Any] = set()
        self._connections_lock = threading.Lock()
        host = address[0]
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)
        self.hosts = Hosts.of(self.server_address[1], (host, str(self.server_address[0])),
                              allow_hosts)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            _turn_away(request)
            self.shutdown_request(request)
            return
        with self._connections_lock:
            self._connections.add(request)
        try:
            super().process_request(request, client_address)
        except BaseException:  # no thread started: nothing else gives the slot back
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line in the terminal instead of a traceback (the client got a 500)."""
        exc = sys.exc_info()[1]
        _say(f"statusgen serve: a request failed: {type(exc).__name__}: {exc}", error_stream=True)

    def close_connections(self) -> None:
        """End every open connection (event streams, a browser's idle preconnects), so that
        closing the server joins its threads at once instead of waiting for timeouts."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


def _turn_away(connection: socket.socket) -> None:
    """Answer 503 without reading the request: every slot is taken, so no thread is started."""
    refusal = Refusal(HTTPStatus.SERVICE_UNAVAILABLE, "too many connections at once; try again")
    body = refusal.body()
    head = (f"HTTP/1.0 {refusal.status.value} {refusal.status.phrase}\r\n"
            f"Content-Type: {PLAIN}\r\nContent-Length: {len(body)}\r\nRetry-After: 1\r\n"
            "X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n")
    with contextlib.suppress(OSError):
        connection.settimeout(0.5)  # this runs in the accepting thread: never wait long
        connection.sendall(head.encode() + body)


class Handler(BaseHTTPRequestHandler):
    """One request a connection: read within limits, the Host checked, then files from the
    site folder, HTML with the reload script, the diagnostics and the event stream."""

    server: DevServer
    protocol_version = "HTTP/1.0"  # one request a connection: nothing idles at shutdown
    timeout = WRITE_TIMEOUT
    answered = False

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def handle(self) -> None:
        """Read the request with :func:`read_head`, not the standard reader: it has no overall
        deadline, allows 64 KiB request lines and puts request text into error answers."""
        self.close_connection = True
        self.request_version, self.command, self.requestline = self.protocol_version, "", ""
        try:
            try:
                lines = read_head(self.connection, self.server.head_timeout)
                if lines is None:
                    return
                request = parse_head(lines)
                self.command = request.method  # so that a HEAD is answered without a body
                self.connection.settimeout(self.timeout)
                self._answer(request)
            except Refusal as refusal:
                self._refuse(refusal)
        except (ConnectionError, TimeoutError):
            pass  # the client went away or stopped reading
        except Exception:
            if not self.answered:
                with contextlib.suppress(OSError):
                    self._refuse(Refusal(HTTPStatus.INTERNAL_SERVER_ERROR,
                                         "the preview failed; the terminal says why"))
            raise

    def send_response(self, code: int, message: str | None = None) -> None:
        self.answered = True
        super().send_response(code, message)

    def end_headers(self) -> None:
        # Every answer, errors and the event stream included: no browser guesses a type.
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def _answer(self, request: Request) -> None:
        hosts = request.values("host")
        if len(hosts) != 1:
            raise Refusal(HTTPStatus.MISDIRECTED_REQUEST, "a request needs exactly one Host header")
        if not self.server.hosts.allows(hosts[0]):
            # The names are not listed: a page that rebinds its name to this machine can read
            # this answer, and --allow-host names are the network's business.
            raise Refusal(HTTPStatus.MISDIRECTED_REQUEST,
                          "this preview answers only requests for localhost, 127.0.0.1, [::1] "
                          "and the names it was started with (statusgen serve --allow-host NAME)")
        if request.method not in ("GET", "HEAD"):
            raise Refusal(HTTPStatus.METHOD_NOT_ALLOWED, "only GET and HEAD are served",
                          {"Allow": "GET, HEAD"})
        segments, folder = site_path(request.target)
        self._route(segments, folder, body=request.method == "GET")

    def _route(self, segments: tuple[str, ...], folder: bool, body: bool) -> None:
        path = "/" + "/".join(segments)
        if path == EVENTS:
            self._events(body)
        elif path == CLIENT_JS:
            self._send(HTTPStatus.OK, _TYPES[".js"], CLIENT_SCRIPT, body)
        elif path == CLIENT_CSS:
            self._send(HTTPStatus.OK, _TYPES[".css"], CLIENT_STYLE, body)
        elif path == STATE:
            version, problems = self.server.hub.snapshot()
            state = {"version": version, "ok": problems is None,
                     "problems": format_text(problems or []).splitlines()}
            self._send(HTTPStatus.OK, _TYPES[".json"], json.dumps(state).encode(), body)
        else:
            self._file(segments, folder, body)

    def _send(self, status: int, content_type: str, data: bytes, body: bool,
              headers: Mapping[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _refuse(self, refusal: Refusal) -> None:
        self.connection.settimeout(self.timeout)
        self._send(refusal.status, PLAIN, refusal.body(), self.command != "HEAD",
                   {**refusal.headers, "Connection": "close"})
        self._linger()

    def _linger(self) -> None:
        """Read and drop what the client is still sending, for a bounded time: closing with
        unread bytes resets the connection, and the client may lose the answer."""
        deadline, left = time.monotonic() + LINGER, LINGER_BYTES
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_WR)
            while left > 0 and (remaining := deadline - time.monotonic()) > 0:
                self.connection.settimeout(remaining)
                chunk = self.connection.recv(min(left, 64 * 1024))
                if not chunk:
                    return
                left -= len(chunk)

    def _file(self, segments: tuple[str, ...], folder: bool, body: bool) -> None:
        out = self.server.out.resolve()
        target = inside(out, segments)
        if target is not None and target.is_dir():
            if not folder:
                self._redirect(segments, body)
                return
            target = inside(out, (*segments, "index.html"))
        data = regular_bytes(target)
        if target is None or data is None:
            page = regular_bytes(inside(out, ("404.html",))) or NOT_FOUND
            self._page(HTTPStatus.NOT_FOUND, page, body)
            return
        suffix = target.suffix.lower()
        if suffix == ".html":
            self._page(HTTPStatus.OK, data, body)
            return
        content_type = _TYPES.get(suffix) or mimetypes.guess_type(target.name)[0] \
            or "application/octet-stream"
        self._send(HTTPStatus.OK, content_type, data, body)

    def _redirect(self, segments: tuple[str, ...], body: bool) -> None:
        # An absolute path rebuilt from the decoded, normalised segments rather than a
        # relative "name/": the browser would resolve a relative one against the target it
        # sent, where a %2F or a dot segment may mean something other than what was checked
        # here.  quote() leaves no CR, LF or other control character, and the first "/" is
        # followed by a segment or by nothing, so it never reads as //host.
        location = quote("/" + "".join(f"{segment}/" for segment in segments))
        self._send(HTTPStatus.MOVED_PERMANENTLY, PLAIN, b"", body, {"Location": location})

    def _page(self, status: int, page: bytes, body: bool) -> None:
        version, problems = self.server.hub.snapshot()
        self._send(status, _TYPES[".html"], inject(page, version, problems), body)

    def _events(self, body: bool) -> None:
        if not self.server.streams.acquire(blocking=False):
            raise Refusal(HTTPStatus.SERVICE_UNAVAILABLE,
                          "too many pages are listening for changes; close some", {"Retry-After": "5"})
        try:
            self._stream(body)
        finally:
            self.server.streams.release()

    def _stream(self, body: bool) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not body:
            return
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
    # Listening on every interface: this machine's own loopback name is one that is answered.
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


# --------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------


def register(commands: Any) -> None:
    """Add ``serve`` to the ``statusgen`` parser."""
    from generator.commands.cli import common_options  # here: generator.cli imports this module

    parser = commands.add_parser(
        "serve", help="preview the site, rebuilt and reloaded on every change",
        description="Build the site, serve it over HTTP and rebuild it whenever components.yml, "
        "incidents/ or themes/ change; open pages reload by themselves. Builds into "
        f"ROOT/{DEFAULT_OUT.as_posix()} unless --out is given, so site/ is never touched. "
        "Ctrl-C stops.")
    common_options(parser)
    parser.add_argument("--host", default="127.0.0.1",
                        help="the address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--allow-host", action="append", default=[], type=allowed_host,
                        metavar="NAME",
                        help="also answer requests for this host name or address, e.g. this "
                        "machine's LAN name with --host 0.0.0.0 (repeatable). Requests for "
                        "other names than localhost, 127.0.0.1, [::1] and --host get 421, so "
                        "no other web site can read the preview through DNS rebinding")
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
        server = DevServer((args.host, args.port), out, hub, allow_hosts=args.allow_host)
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
        if not ipaddress.ip_address(str(server.server_address[0])).is_loopback:
            _say(f"note: listening on {args.host}, so other machines can reach this preview; "
                 f"it answers requests for {server.hosts.describe()} only (--allow-host adds one)",
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
