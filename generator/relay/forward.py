"""Sending queued requests to GitHub's ``repository_dispatch`` endpoint, one at a time, in
order, through the one HTTP client (:mod:`statusgen.net`), retrying with growing pauses (the
one retry policy's, never giving up) while GitHub is unreachable or busy.

Nothing is dropped on a failure that may pass (no connection, a timeout, 5xx, 429, 401 and 403,
which a fixed token or a lifted rate limit cures); a request GitHub refuses as malformed (400,
404, 422, ...) moves to the queue's ``dead/`` folder.  Requests about one alert group are sent
at least ``key_interval`` seconds apart, so that the workflow run of one has usually finished
before the next starts; newer states merge in the queue meanwhile.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from statusgen.net.client import Client, HttpError, Refused
from statusgen.net.policy import Policy, retry_after
from statusgen.net.safety import loopback
from statusgen.relay.metrics import Metrics
from statusgen.relay.queue import DiskQueue, Item

TIMEOUT = 10.0
"""Seconds one request to GitHub may take."""
MAX_ANSWER = 64 * 1024
"""Bytes of GitHub's answer read (and dropped)."""
USER_AGENT = "statusgen-relay"


class Result(StrEnum):
    """What came of one attempt."""

    SENT = "sent"
    RETRY = "retry"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Attempt:
    """One attempt's result, the HTTP status (``None`` without an answer), the seconds GitHub
    asked to wait, and a short reason for the log."""

    result: Result
    status: int | None = None
    wait: float | None = None
    why: str = ""


class ApiError(ValueError):
    """The API address or the repository name cannot be used."""


def check_api_url(url: str) -> str:
    """``url`` without a trailing ``/``: https, or http to this machine only (a test double)."""
    parts = urlsplit(url)
    local = loopback(parts.hostname or "")
    if parts.scheme not in ("https", "http") or not parts.hostname or \
            (parts.scheme == "http" and not local) or parts.query or parts.fragment or parts.username:
        raise ApiError(f"{url!r} is not an https URL (http is allowed for 127.0.0.1 only)")
    return url.rstrip("/")


class Dispatcher:
    """POSTs ``{"event_type", "client_payload"}`` to ``{api}/repos/{repository}/dispatches``."""

    def __init__(self, api_url: str, repository: str, token: str, timeout: float = TIMEOUT) -> None:
        owner, _, name = repository.partition("/")
        if not owner or not name or "/" in name or not all(
                c.isalnum() or c in "-_." for c in owner + name):
            raise ApiError(f"{repository!r} is not OWNER/NAME")
        self._url = f"{check_api_url(api_url)}/repos/{owner}/{name}/dispatches"
        self._token = token
        # One try per request: the sender's queue retries, and never gives up.
        self._client = Client(timeout=timeout, policy=Policy(tries=1), user_agent=USER_AGENT)

    def send(self, body: bytes) -> Attempt:
        """One attempt; never raises for a network failure (that is a :data:`Result.RETRY`)."""
        try:
            # A redirect is followed only within GitHub's origin: the token goes nowhere else.
            answer = self._client.request("POST", self._url, body=body, limit=MAX_ANSWER, cut=True,
                                          headers={
                "Authorization": f"Bearer {self._token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "Content-Type": "application/json",
            })
        except Refused as exc:
            return Attempt(Result.RETRY, why=f"not sent to GitHub: {exc}")
        except HttpError as exc:
            return Attempt(Result.RETRY, why=f"no answer from GitHub ({exc})")
        return classify(answer.status, answer.headers.get("retry-after"),
                        answer.headers.get("x-ratelimit-remaining"))


def classify(status: int, asked: str | None, remaining: str | None) -> Attempt:
    """What GitHub's answer means for the request (``asked``: its ``Retry-After``)."""
    wait = retry_after(asked)
    if 200 <= status < 300:
        return Attempt(Result.SENT, status)
    if status in (401, 403, 408, 429) or status >= 500:
        why = "rate limited" if status == 429 or remaining == "0" else \
            "the GitHub token is refused; fix it, queued requests are kept" if status in (401, 403) \
            else "GitHub is unavailable"
        return Attempt(Result.RETRY, status, wait, why)
    return Attempt(Result.REJECTED, status, why="GitHub refused the request")


class Sender(threading.Thread):
    """The one thread that empties the queue into GitHub."""

    def __init__(self, queue: DiskQueue, dispatcher: Dispatcher, metrics: Metrics, *,
                 key_interval: float = 60.0, first_pause: float = 1.0,
                 max_pause: float = 300.0) -> None:
        super().__init__(name="relay-sender", daemon=True)
        self.queue = queue
        self.dispatcher = dispatcher
        self.metrics = metrics
        self.key_interval = key_interval
        self.first_pause = first_pause
        self.max_pause = max_pause
        self.policy = Policy(backoff=first_pause, max_backoff=max_pause)
        self.stopping = threading.Event()
        self._last_sent: dict[str, float] = {}

    def _ready(self, item: Item) -> bool:
        last = self._last_sent.get(item.key)
        return not item.key or last is None or time.monotonic() - last >= self.key_interval

    def run(self) -> None:
        failed = 0
        while not self.stopping.is_set():
            try:
                failed = self._once(failed)
            except Exception as exc:  # the sender must outlive any one bad moment
                log(f"the sender failed ({type(exc).__name__}); trying again")
                self.stopping.wait(self.max_pause / 10)

    def _once(self, failed: int) -> int:
        """Send the next ready request, if any; the failed tries in a row since the last success."""
        item = self.queue.take(self._ready, timeout=0.2)
        if item is not None:
            failed = self._deliver(item, failed)
            self._forget_old_keys()
        return failed

    def _deliver(self, item: Item, failed: int) -> int:
        try:
            attempt = self._attempt(item)
        except BaseException:
            self.queue.release(item)
            raise
        self.metrics.count("statusgen_relay_dispatches_total", result=attempt.result.value)
        if attempt.result is Result.SENT:
            self.queue.done(item)
            if item.key:
                self._last_sent[item.key] = time.monotonic()
            return 0
        if attempt.result is Result.REJECTED:
            where = self.queue.dead(item)
            log(f"GitHub refused request {item.seq} ({attempt.status}); it is kept in {where}")
            return failed
        self.queue.release(item)
        log(f"request {item.seq} not sent: {attempt.why}"
             f"{f' ({attempt.status})' if attempt.status else ''}; trying again")
        # The queue keeps the request however long GitHub asks to wait: the wait is only capped.
        self.stopping.wait(min(attempt.wait, self.max_pause) if attempt.wait is not None
                           else self.policy.pause(failed + 1))
        return failed + 1

    def _attempt(self, item: Item) -> Attempt:
        try:
            queued = json.loads(self.queue.read(item))
            body = json.dumps(queued["dispatch"], separators=(",", ":")).encode()
        except (OSError, ValueError, KeyError, TypeError):
            return Attempt(Result.REJECTED, why="the queued file cannot be read")
        return self.dispatcher.send(body)

    def _forget_old_keys(self) -> None:
        # Keys of groups that went quiet: the map stays as small as the recent traffic.
        if len(self._last_sent) > 10_000:
            horizon = time.monotonic() - self.key_interval
            self._last_sent = {k: t for k, t in self._last_sent.items() if t >= horizon}


def log(text: str) -> None:
    """One line on the relay's log (standard error), as it happens."""
    print(f"statusgen relay: {text}", file=sys.stderr, flush=True)
