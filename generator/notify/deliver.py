"""Sending: one HTTP POST or one SMTP transaction per attempt, retried with backoff.

Every network call has a timeout.  A 2xx answer is success; a 429 (or Teams' "HTTP error
429" inside a 2xx), a 5xx, a timeout or a broken connection is worth another attempt,
after the ``Retry-After`` the receiver asked for (up to :data:`MAX_WAIT`) or after a
doubling backoff; any other answer is not retried in this run.  Redirects are not
followed: the body would go where the channel's URL does not say.  No message shows a
URL, a key or a password: they are replaced with ``***`` before anything is reported.
"""

from __future__ import annotations

import http.client
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

from statusgen import model as m
from statusgen.notify.outgoing import Delivery
from statusgen.notify.targets import HttpTarget, SetupError, SmtpTarget, Target, secrets, target
from statusgen.notify.webhook import signed

MAX_WAIT = 30.0
"""The longest ``Retry-After`` honoured within a run; a longer one leaves the message for the next."""
RESPONSE_LIMIT = 64 * 1024
"""Bytes of an answer read (for its first words in a report)."""
BATCH = 100
"""Recipients per SMTP transaction: servers commonly refuse more."""
TEAMS_THROTTLED = b"HTTP error 429"


@dataclass(frozen=True)
class Attempt:
    """What one try gave."""

    ok: bool
    detail: str = ""
    retry: bool = False
    wait: float | None = None
    """Seconds the receiver asked to wait (``Retry-After``)."""


@dataclass(frozen=True)
class Result:
    """What sending one message gave, after every attempt."""

    ok: bool
    detail: str
    attempts: int


def _redact(text: str, hidden: list[str]) -> str:
    for secret in sorted(hidden, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def _snippet(data: bytes) -> str:
    text = data[:200].decode("utf-8", "replace")
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds from ``Retry-After``: a number of seconds or an HTTP date (RFC 9110)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def post(found: HttpTarget, delivery: Delivery, timeout: float) -> Attempt:
    """One POST of ``delivery`` to the target's URL."""
    parts = urlsplit(found.url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(parts.hostname or "", parts.port, timeout=timeout,
                                                 context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    try:
        connection.request("POST", path, body=delivery.body, headers=signed(delivery, found.secret))
        response = connection.getresponse()
        answer = response.read(RESPONSE_LIMIT)
    except (OSError, http.client.HTTPException) as exc:
        return Attempt(False, f"no answer ({type(exc).__name__}: {exc})", retry=True)
    finally:
        connection.close()
    status = response.status
    said = _snippet(answer)
    if 200 <= status < 300:
        if delivery.channel.type is m.ChannelType.TEAMS and TEAMS_THROTTLED in answer:
            return Attempt(False, "Teams is throttling this webhook", retry=True)
        return Attempt(True, f"HTTP {status}")
    detail = f"HTTP {status}" + (f": {said}" if said else "")
    if status == 429:
        return Attempt(False, detail, retry=True,
                       wait=retry_after(response.getheader("Retry-After"), time.time()))
    if 300 <= status < 400:
        return Attempt(False, f"{detail} (a redirect; statusgen does not follow it: set the "
                       "variable to the address it names)")
    return Attempt(False, detail, retry=status >= 500 or status == 408)


def mail(found: SmtpTarget, delivery: Delivery, timeout: float) -> Attempt:
    """One SMTP session sending ``delivery`` to every recipient, :data:`BATCH` at a time."""
    context = ssl.create_default_context()
    refused = 0
    try:
        client = smtplib.SMTP_SSL(found.host, found.port, timeout=timeout, context=context) \
            if found.implicit_tls else smtplib.SMTP(found.host, found.port, timeout=timeout)
        with client:
            client.ehlo()
            if not found.implicit_tls:
                if client.has_extn("starttls"):
                    client.starttls(context=context)
                    client.ehlo()
                elif found.user and not found.loopback:
                    return Attempt(False, "the mail server does not offer STARTTLS, and statusgen "
                                   "does not send a password in clear text; use smtps://")
            if found.user:
                client.login(found.user, found.password)
            for start in range(0, len(found.recipients), BATCH):
                batch = list(found.recipients[start:start + BATCH])
                refused += len(client.sendmail(found.sender, batch, delivery.body))
    except smtplib.SMTPRecipientsRefused:
        return Attempt(False, "the mail server refused every recipient")
    except smtplib.SMTPResponseException as exc:
        said = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) \
            else str(exc.smtp_error)
        return Attempt(False, f"SMTP {exc.smtp_code}: {' '.join(said.split())[:200]}",
                       retry=exc.smtp_code < 500)
    except (smtplib.SMTPException, OSError) as exc:
        return Attempt(False, f"no answer ({type(exc).__name__}: {exc})", retry=True)
    kept = len(found.recipients) - refused
    return Attempt(True, f"{kept} recipient{'s' if kept != 1 else ''}" +
                   (f", {refused} refused by the server" if refused else ""))


class Sender:
    """Sends messages, retrying each up to ``attempts`` times; resolves each channel's target
    once, from ``environ``."""

    def __init__(self, environ: Mapping[str, str], root: Path, *, timeout: float = 10.0,
                 attempts: int = 3, backoff: float = 1.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.environ = environ
        self.root = root
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.sleep = sleep
        self._targets: dict[str, Target | SetupError] = {}

    def target(self, channel: m.Channel) -> Target | SetupError:
        if channel.id not in self._targets:
            try:
                self._targets[channel.id] = target(channel, self.environ, self.root)
            except SetupError as exc:
                self._targets[channel.id] = exc
        return self._targets[channel.id]

    def problem(self, channel: m.Channel) -> str | None:
        """Why ``channel`` cannot send as its variables stand (``SLACK_URL`` is not set), or
        ``None``: what a dry run reports and a real run fails with."""
        found = self.target(channel)
        return str(found) if isinstance(found, SetupError) else None

    def send(self, delivery: Delivery) -> Result:
        """Send ``delivery``, retrying what is worth retrying."""
        found = self.target(delivery.channel)
        if isinstance(found, SetupError):
            return Result(False, str(found), 0)
        hidden = secrets(found)
        attempt = Attempt(False)
        for number in range(1, self.attempts + 1):
            attempt = post(found, delivery, self.timeout) if isinstance(found, HttpTarget) \
                else mail(found, delivery, self.timeout)
            if attempt.ok or not attempt.retry or number == self.attempts:
                return Result(attempt.ok, _redact(attempt.detail, hidden), number)
            wait = attempt.wait if attempt.wait is not None else self.backoff * 2 ** (number - 1)
            if wait > MAX_WAIT:
                return Result(False, _redact(f"{attempt.detail}; asked to wait {wait:.0f} s, "
                                             "so it waits for the next run", hidden), number)
            self.sleep(wait)
        return Result(False, _redact(attempt.detail, hidden), self.attempts)
