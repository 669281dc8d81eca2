"""Sending: one HTTP POST (through :mod:`statusgen.net`) or one SMTP transaction per attempt,
retried as the one retry policy says (:mod:`statusgen.net.policy`).

Every network call has a timeout.  A 2xx answer is success; Teams' "HTTP error 429" inside
a 2xx, an answer the policy retries (408, 429, 500, 502-504: every message carries an id a
receiver can deduplicate), a timeout or a broken connection is worth another attempt, after
the ``Retry-After`` the receiver asked for (up to :data:`MAX_WAIT`) or after a doubling
backoff; any other answer is not retried in this run.  Redirects are not followed: the body
would go where the channel's URL does not say.  A signed webhook goes only over https (or to
this machine).  No message shows a URL, a key or a password: they are replaced with ``***``
before anything is reported.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from statusgen import model as m
from statusgen.net.client import Client, HttpError, Refused
from statusgen.net.policy import Again, Policy, retry_after, retryable, retrying
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


def post(client: Client, found: HttpTarget, delivery: Delivery) -> Attempt:
    """One POST of ``delivery`` to the target's URL."""
    try:
        response = client.request("POST", found.url, body=delivery.body, redirects=0,
                                  headers=signed(delivery, found.secret), limit=RESPONSE_LIMIT,
                                  cut=True, idempotent=True)
    except Refused as exc:
        return Attempt(False, f"not sent: {exc}")
    except HttpError as exc:
        return Attempt(False, f"no answer ({exc})", retry=True)
    status, answer = response.status, response.body
    said = _snippet(answer)
    if 200 <= status < 300:
        if delivery.channel.type is m.ChannelType.TEAMS and TEAMS_THROTTLED in answer:
            return Attempt(False, "Teams is throttling this webhook", retry=True)
        return Attempt(True, f"HTTP {status}")
    detail = f"HTTP {status}" + (f": {said}" if said else "")
    if 300 <= status < 400:
        return Attempt(False, f"{detail} (a redirect; statusgen does not follow it: set the "
                       "variable to the address it names)")
    return Attempt(False, detail, retry=retryable(status, idempotent=True),
                   wait=retry_after(response.headers.get("retry-after")))


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
        self.policy = Policy(tries=max(1, attempts), backoff=backoff, max_backoff=MAX_WAIT,
                             max_wait=MAX_WAIT)
        self.sleep = sleep
        # One try per call: the loop in send() retries, for mail as for HTTP.
        self.client = Client(timeout=timeout, policy=Policy(tries=1), sleep=sleep,
                             user_agent="statusgen-notify")
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

        def attempt() -> Attempt:
            if isinstance(found, HttpTarget):
                return post(self.client, found, delivery)
            return mail(found, delivery, self.timeout)

        tried = retrying(self.policy, self.sleep, attempt,
                         lambda a: Again(a.wait) if a.retry and not a.ok else None)
        detail = tried.last.detail
        if tried.asked_wait is not None:
            detail += f"; asked to wait {tried.asked_wait:.0f} s, so it waits for the next run"
        return Result(tried.last.ok, _redact(detail, hidden), tried.tries)
