"""The relay's HTTP side: uvicorn (HTTP/1.1 through h11) serving :class:`RelayApp`.

What uvicorn leaves to its user is added here, in its protocol class: a deadline for the
request's head from the moment a connection is accepted (uvicorn only times out idle keep-alive
connections, so a client that never finishes its headers would hold a connection for ever), and
a connection limit answered at once, ``503`` with ``Retry-After``.  The body's deadline and size
are the application's (:mod:`statusgen.relay.app`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import socket
import threading
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from statusgen.relay.app import RelayApp

HEAD_TIMEOUT = 10.0
"""Seconds from the connection to the end of the headers."""
MAX_CONNECTIONS = 64
MAX_HEAD = 72 * 1024
"""Bytes of a request's line and headers together; h11 answers a longer head 400."""
SHUTDOWN_TIMEOUT = 15
"""Seconds a stop waits for the requests under way."""
LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"relay": {"format": "statusgen relay: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "relay",
                            "stream": "ext://sys.stderr"}},
    "loggers": {"uvicorn.error": {"handlers": ["stderr"], "level": "WARNING", "propagate": False}},
}
"""uvicorn's warnings (a malformed request) on the relay's log, in its words; the relay logs
each request itself."""


def _plain(status: str, text: bytes, *headers: str) -> bytes:
    head = [f"HTTP/1.1 {status}", "Content-Type: text/plain; charset=utf-8",
            f"Content-Length: {len(text)}", "Connection: close", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + text


TOO_MANY = _plain("503 Service Unavailable", b"503 Service Unavailable: too many connections at "
                  b"once; try again\n", "Retry-After: 1")
TOO_SLOW = _plain("408 Request Timeout", b"408 Request Timeout: the request's head took too long\n")


class RelayProtocol(H11Protocol):
    """uvicorn's h11 protocol with the head's deadline and the connection limit."""

    def __init__(self, *args: Any, head_timeout: float, max_connections: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.head_timeout = head_timeout
        self.max_connections = max_connections
        self._heard = self._turned_away = False
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        self._turned_away = len(self.connections) > self.max_connections
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_late)

    def data_received(self, data: bytes) -> None:
        self._heard = True
        if self._turned_away:
            # Answered once its first bytes are read (closing with them unread would reset the
            # connection before the client reads the answer), without the application.
            if not self.transport.is_closing():
                self.transport.write(TOO_MANY)
                self.transport.close()
            return
        super().data_received(data)
        if self.cycle is not None and self._head_timer is not None:
            self._head_timer.cancel()  # the head is in: the body has the application's deadline
            self._head_timer = None

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        super().connection_lost(exc)

    def _head_late(self) -> None:
        """A slow head gets 408; a silent connection (an unused preconnect) is just closed."""
        if self.cycle is None and not self.transport.is_closing():
            if self._heard:
                self.transport.write(TOO_SLOW)
            self.transport.close()


class _Server(uvicorn.Server):
    # The command stops the relay on SIGTERM and SIGINT itself, and tests run it in a thread:
    # uvicorn's own signal handlers (which re-raise the signal once stopped) stay out.
    def capture_signals(self) -> contextlib.AbstractContextManager[None]:  # type: ignore[override]
        return contextlib.nullcontext()


class RelayServer:
    """The relay on ``address`` (bound at once, so port 0's choice is known before serving):
    :meth:`serve_forever` runs it in the calling thread until :meth:`shutdown`."""

    def __init__(self, address: tuple[str, int], app: RelayApp, *,
                 max_connections: int = MAX_CONNECTIONS, head_timeout: float = HEAD_TIMEOUT) -> None:
        self.app = app
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        try:
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.socket.bind(address)
            self.socket.listen(max_connections)
        except OSError:
            self.socket.close()
            raise
        self.server_address: tuple[str, int] = self.socket.getsockname()[:2]
        protocol = functools.partial(RelayProtocol, head_timeout=head_timeout,
                                     max_connections=max_connections)
        self._server = _Server(uvicorn.Config(
            app, http=protocol, lifespan="off", access_log=False, server_header=False,  # type: ignore[arg-type]
            proxy_headers=False, log_config=LOG_CONFIG, h11_max_incomplete_event_size=MAX_HEAD,
            timeout_graceful_shutdown=SHUTDOWN_TIMEOUT))
        self._stopped = threading.Event()

    def serve_forever(self) -> None:
        try:
            asyncio.run(self._server.serve(sockets=[self.socket]))
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop accepting, finish the requests under way, and return once stopped."""
        self._server.should_exit = True
        self._stopped.wait()

    def server_close(self) -> None:
        self.socket.close()

    def connections(self) -> int:
        """Connections open now (for tests)."""
        return len(self._server.server_state.connections)

