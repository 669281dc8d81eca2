"""The dev server's HTTP side: files from the site folder, the reload script, the event stream.

Only requests whose ``Host`` names this machine (or an ``--allow-host`` name) are
answered, so no other web site can read the preview by DNS rebinding.  Requests are
read within limits and a deadline, and their paths decoded and normalised once,
before anything else looks at them; a bad one gets a 4xx and a one-line reason.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import json
import mimetypes
import re
import socket
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote_to_bytes

from statusgen.diagnostics import format_text
from statusgen.render.media import MEDIA_TYPES
from statusgen.serve.bounded import BoundedThreads
from statusgen.serve.builder import Hub
from statusgen.serve.client import (
    CLIENT_CSS,
    CLIENT_JS,
    CLIENT_SCRIPT,
    CLIENT_STYLE,
    EVENTS,
    NOT_FOUND,
    STATE,
    inject,
)
from statusgen.serve.log import say

KEEPALIVE = 15.0
"""Seconds between comments on an idle event stream (proxies drop silent ones)."""



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


class DevServer(BoundedThreads, ThreadingHTTPServer):
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
        self.bound_threads(max_connections)
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

    def refuse(self, request: Any) -> None:
        _turn_away(request)

    def accepted(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line in the terminal instead of a traceback (the client got a 500)."""
        exc = sys.exc_info()[1]
        say(f"statusgen serve: a request failed: {type(exc).__name__}: {exc}", error_stream=True)

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
            self._send(HTTPStatus.OK, MEDIA_TYPES[".js"], CLIENT_SCRIPT, body)
        elif path == CLIENT_CSS:
            self._send(HTTPStatus.OK, MEDIA_TYPES[".css"], CLIENT_STYLE, body)
        elif path == STATE:
            version, problems = self.server.hub.snapshot()
            state = {"version": version, "ok": problems is None,
                     "problems": format_text(problems or []).splitlines()}
            self._send(HTTPStatus.OK, MEDIA_TYPES[".json"], json.dumps(state).encode(), body)
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
        content_type = MEDIA_TYPES.get(suffix) or mimetypes.guess_type(target.name)[0] \
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
        self._send(status, MEDIA_TYPES[".html"], inject(page, version, problems), body)

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


def server_url(server: DevServer) -> str:
    address, port = server.server_address[:2]
    host = address.decode() if isinstance(address, bytes) else str(address)
    # Listening on every interface: this machine's own loopback name is one that is answered.
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"
