"""Real receivers on 127.0.0.1: an HTTP server that records every request and answers as a
test tells it (200, 500, 429, a redirect, or not at all for a while), and an SMTP server
(aiosmtpd) that keeps every message it accepts."""

from __future__ import annotations

import hashlib
import hmac
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

BODY_LIMIT = 4 * 1024 * 1024


@dataclass(frozen=True)
class Request:
    """One request as the receiver read it."""

    path: str
    headers: dict[str, str]
    """Lower-case names."""
    body: bytes
    status: int = 200
    """What the receiver answered (or was about to, when the sender gave up)."""

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300

    def signed_by(self, secret: str) -> bool:
        expected = "sha256=" + hmac.new(secret.encode(), self.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(self.headers.get("x-statusgen-signature", ""), expected)

    @property
    def delivery(self) -> str:
        return self.headers.get("x-statusgen-delivery", "")


@dataclass(frozen=True)
class Answer:
    """How to answer one request: a status, headers, a body, and seconds to wait first."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    hang: float = 0.0


class Receiver:
    """An HTTP server on 127.0.0.1 recording every POST; answers come from a queue, then 200."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.answers: list[Answer] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = min(int(self.headers.get("Content-Length", "0")), BODY_LIMIT)
                body = self.rfile.read(length)
                with receiver.lock:
                    answer = receiver.answers.pop(0) if receiver.answers else Answer()
                    receiver.requests.append(Request(
                        self.path, {k.lower(): v for k, v in self.headers.items()}, body,
                        answer.status))
                if answer.hang:
                    time.sleep(answer.hang)
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except OSError:
                    pass  # the sender gave up waiting (a test of timeouts): nothing to answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False  # a hanging answer must not hold up the test
        # A short poll: shutdown() waits for it, once per test.
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook/s3cr3t-t0ken"

    def answer(self, *answers: Answer) -> None:
        with self.lock:
            self.answers.extend(answers)

    def bodies(self) -> list[bytes]:
        with self.lock:
            return [r.body for r in self.requests]

    def wait_for(self, count: int, seconds: float = 10.0) -> None:
        deadline = time.monotonic() + seconds
        while len(self.requests) < count:
            assert time.monotonic() < deadline, f"{len(self.requests)} requests, not {count}"
            time.sleep(0.02)


@contextmanager
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    found.thread.start()
    try:
        yield found
    finally:
        found.server.shutdown()
        found.server.server_close()


@dataclass(frozen=True)
class Mail:
    """One message the SMTP server accepted: the envelope and the parsed message."""

    sender: str
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


class Mailbox:
    """aiosmtpd's handler: keeps every message, optionally refusing the first few."""

    def __init__(self) -> None:
        self.mails: list[Mail] = []
        self.refuse = 0

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 try again later"
        content = envelope.original_content or b""
        self.mails.append(Mail(envelope.mail_from or "", list(envelope.rcpt_tos), content))
        return "250 OK"


USER, PASSWORD = "status", "p@ss:w0rd/x"


def _authenticate(server: Any, session: Session, envelope: Envelope, mechanism: str,
                  auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and \
        (auth_data.login, auth_data.password) == (USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)  # aiosmtpd then answers 535 itself


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def smtp_server(auth: bool = True) -> Iterator[tuple[Mailbox, int]]:
    """An SMTP server on 127.0.0.1 (login required with ``auth``; no TLS: it is loopback)."""
    box = Mailbox()
    port = free_port()
    options: dict[str, Any] = {"authenticator": _authenticate, "auth_require_tls": False,
                               "auth_required": True} if auth else {}
    controller = Controller(box, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()
