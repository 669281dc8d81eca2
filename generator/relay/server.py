"""The relay's HTTP side, hardened like the dev server (:mod:`statusgen.serve.http`, whose
request reader it uses): a bounded request line and headers read within a deadline, a body read
only with a ``Content-Length`` within the limit and its own deadline, a connection limit (one
more is answered 503 without a thread), one request per connection, and answers whose text and
headers are the relay's own words."""

from __future__ import annotations

import contextlib
import socket
import socketserver
import sys
import time
from http import HTTPStatus
from typing import Any

from statusgen.relay.app import PLAIN, Answer, RelayApp
from statusgen.serve.bounded import BoundedThreads
from statusgen.serve.http import Refusal, parse_head, read_head

HEAD_TIMEOUT = 10.0
"""Seconds from the connection to the end of the headers."""
BODY_TIMEOUT = 10.0
"""Seconds for the body once the headers are in."""
WRITE_TIMEOUT = 10.0
MAX_CONNECTIONS = 64
LINGER, LINGER_BYTES = 1.0, 256 * 1024
"""After a refusal, how long and how much of what the client still sends is read and dropped,
so that closing does not reset the connection before the client reads the answer."""


class HeadOnly:
    """The connection as :func:`~statusgen.serve.http.read_head` sees it: it reads in chunks, so
    this hands it bytes only up to the blank line that ends the headers (peeking first), and the
    body stays unread in the socket."""

    def __init__(self, connection: socket.socket) -> None:
        self._connection = connection
        self._tail = b""

    def settimeout(self, seconds: float | None) -> None:
        self._connection.settimeout(seconds)

    def recv(self, size: int) -> bytes:
        peeked = self._connection.recv(size, socket.MSG_PEEK)
        if not peeked:
            return b""
        window = self._tail + peeked
        ends = [found + len(mark) - len(self._tail) for mark in (b"\n\n", b"\n\r\n")
                if (found := window.find(mark)) != -1]
        take = max(1, min(ends)) if ends else len(peeked)
        data = self._connection.recv(take)
        self._tail = (self._tail + data)[-2:]
        return data


def read_body(connection: socket.socket, size: int, timeout: float) -> bytes:
    """Exactly ``size`` bytes of body, within ``timeout`` seconds; :class:`Refusal` otherwise."""
    deadline = time.monotonic() + timeout
    body = bytearray()
    while len(body) < size:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise Refusal(HTTPStatus.REQUEST_TIMEOUT, f"the body took more than {timeout:g} s")
        connection.settimeout(remaining)
        try:
            chunk = connection.recv(min(64 * 1024, size - len(body)))
        except TimeoutError:
            raise Refusal(HTTPStatus.REQUEST_TIMEOUT, f"the body took more than {timeout:g} s") \
                from None
        if not chunk:
            raise Refusal(HTTPStatus.BAD_REQUEST, "the connection closed before the body ended")
        body += chunk
    return bytes(body)


def send(connection: socket.socket, answer: Answer, *, with_body: bool = True) -> None:
    """Write ``answer`` and its headers; the connection closes after it."""
    lines = [f"HTTP/1.1 {answer.status.value} {answer.status.phrase}",
             f"Content-Type: {answer.content_type}", f"Content-Length: {len(answer.body)}",
             "Cache-Control: no-store", "X-Content-Type-Options: nosniff", "Connection: close",
             *(f"{name}: {value}" for name, value in answer.headers.items())]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    connection.sendall(head + (answer.body if with_body else b""))


def linger(connection: socket.socket) -> None:
    """Read and drop what the client still sends, for a bounded time and amount."""
    deadline, left = time.monotonic() + LINGER, LINGER_BYTES
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_WR)
        while left > 0 and (remaining := deadline - time.monotonic()) > 0:
            connection.settimeout(remaining)
            chunk = connection.recv(min(left, 64 * 1024))
            if not chunk:
                return
            left -= len(chunk)


class RelayServer(BoundedThreads, socketserver.TCPServer):
    """At most ``max_connections`` request threads; the rest are turned away at once."""

    allow_reuse_address = True
    daemon_threads = False
    block_on_close = True
    request_queue_size = MAX_CONNECTIONS

    def __init__(self, address: tuple[str, int], app: RelayApp, *,
                 max_connections: int = MAX_CONNECTIONS, head_timeout: float = HEAD_TIMEOUT,
                 body_timeout: float = BODY_TIMEOUT) -> None:
        self.app = app
        self.head_timeout = head_timeout
        self.body_timeout = body_timeout
        self.bound_threads(max_connections)
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, RelayHandler)

    def refuse(self, request: Any) -> None:
        with contextlib.suppress(OSError):
            request.settimeout(0.5)  # the accepting thread: never wait long
            send(request, Answer(HTTPStatus.SERVICE_UNAVAILABLE, b"503 Service Unavailable: too "
                                 b"many connections at once; try again\n", PLAIN,
                                 {"Retry-After": "1"}))

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line instead of a traceback (the client got a 500)."""
        exc = sys.exc_info()[1]
        print(f"statusgen relay: a request failed: {type(exc).__name__}", file=sys.stderr, flush=True)


class RelayHandler(socketserver.BaseRequestHandler):
    """One request a connection."""

    server: RelayServer

    def handle(self) -> None:
        connection: socket.socket = self.request
        method, route, answered = "", "other", False
        try:
            try:
                lines = read_head(HeadOnly(connection), self.server.head_timeout)  # type: ignore[arg-type]
                if lines is None:
                    return
                request = parse_head(lines)
                method = request.method
                route, answer = self.server.app.answer(
                    request, lambda size: read_body(connection, size, self.server.body_timeout))
            except Refusal as refusal:
                answer = Answer.refused(refusal)
            connection.settimeout(WRITE_TIMEOUT)
            answered = True
            send(connection, answer, with_body=method != "HEAD")
            self.server.app.metrics.count("statusgen_relay_requests_total", route=route,
                                          code=str(answer.status.value))
            # The method passed parse_head's token check; the route is one of the relay's names.
            print(f"statusgen relay: {method or '-'} {route} {answer.status.value}",
                  file=sys.stderr, flush=True)
            if answer.status >= 400:
                linger(connection)
        except (ConnectionError, TimeoutError):
            pass  # the client went away or stopped reading
        except Exception:
            if not answered:
                with contextlib.suppress(OSError):
                    send(connection, Answer(HTTPStatus.INTERNAL_SERVER_ERROR, b"500 Internal Server "
                                            b"Error: the relay failed; its log says why\n", PLAIN))
            raise
