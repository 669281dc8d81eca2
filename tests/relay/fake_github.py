"""A stand-in for GitHub's ``POST /repos/{owner}/{repo}/dispatches`` on 127.0.0.1: it checks
what GitHub checks (the token, the path, ``event_type``, at most 10 top-level
``client_payload`` fields, less than 64 KB), records what it accepted, and can be taken down
and brought back on the same port."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "ghp_fake_dispatch_token"
REPOSITORY = "acme/status"


class FakeGitHub:
    """Start with :meth:`up`; :meth:`down` closes the port (connections are refused), and
    ``answer`` makes it answer with another status instead of 204."""

    def __init__(self) -> None:
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.accepted: list[dict[str, Any]] = []
        self.refused = 0
        self.answer = 204
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def up(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status = fake.check(self.path, self.headers.get("Authorization", ""), body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    def down(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def check(self, path: str, authorization: str, body: bytes) -> int:
        with self._lock:
            if self.answer != 204:
                self.refused += 1
                return self.answer
            if authorization != f"Bearer {TOKEN}":
                return 401
            if path != f"/repos/{REPOSITORY}/dispatches":
                return 404
            try:
                data = json.loads(body)
            except ValueError:
                return 400
            payload = data.get("client_payload", {})
            if set(data) - {"event_type", "client_payload"} or not isinstance(payload, dict) or \
                    not 0 < len(data.get("event_type", "")) <= 100 or len(payload) > 10 or \
                    len(body) >= 64 * 1024:
                return 422
            self.accepted.append(data)
            return 204

    def wait_for(self, count: int, timeout: float = 20.0) -> list[dict[str, Any]]:
        """The dispatches accepted, once there are ``count`` of them (or the timeout passed)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.accepted) >= count:
                    return list(self.accepted)
            time.sleep(0.02)
        with self._lock:
            return list(self.accepted)
