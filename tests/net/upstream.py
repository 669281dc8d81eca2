"""A fake upstream on 127.0.0.1: answers each request with ``answer(request)`` and keeps every
request's method, path and headers.  A body given as an iterator is sent chunk by chunk, with
no length, ending with the connection (a slow or endless answer)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Body = bytes | Iterable[bytes]
Handler = Callable[[BaseHTTPRequestHandler], tuple[int, dict[str, str], Body]]


@dataclass(frozen=True)
class Seen:
    """One request as the upstream read it."""

    method: str
    path: str
    headers: dict[str, str]
    """Lower-case names."""

    @property
    def authorization(self) -> str:
        return self.headers.get("authorization", "")


class Server:
    """Answers each request with ``answer(request)``; keeps every request in ``requests``."""

    def __init__(self, answer: Handler) -> None:
        requests = self.requests = []  # type: list[Seen]

        class Handle(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length", "0") or 0)
                if length:
                    self.rfile.read(length)
                requests.append(Seen(self.command, self.path,
                                     {k.lower(): v for k, v in self.headers.items()}))
                code, headers, body = answer(self)
                # The client may have given up waiting, as the time-out tests want.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.send_response(code)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    if isinstance(body, bytes):
                        self.send_header("Content-Length", str(len(body)))
                        self.end_headers()
                        self.wfile.write(body)
                        return
                    self.end_headers()
                    for chunk in body:
                        self.wfile.write(chunk)
                        self.wfile.flush()

            do_GET = do_POST = do_CONNECT = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02},
                         daemon=True).start()

    @property
    def seen(self) -> list[tuple[str, str]]:
        """Each request's path and ``Authorization``."""
        return [(r.path, r.authorization) for r in self.requests]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def upstreams() -> Iterator[Callable[[Handler], Server]]:
    """A fixture's body: start fake upstreams, each closed after the test."""
    servers: list[Server] = []

    def start(answer: Handler) -> Server:
        servers.append(Server(answer))
        return servers[-1]

    yield start
    for server in servers:
        server.close()
