"""Sending queued requests to GitHub's ``repository_dispatch`` endpoint, one at a time, in
order, retrying with growing pauses while GitHub is unreachable or busy.

Nothing is dropped on a failure that may pass (no connection, a timeout, 5xx, 429, 401 and 403,
which a fixed token or a lifted rate limit cures); a request GitHub refuses as malformed (400,
404, 422, ...) moves to the queue's ``dead/`` folder.  Requests about one alert group are sent
at least ``key_interval`` seconds apart, so that the workflow run of one has usually finished
before the next starts; newer states merge in the queue meanwhile.
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

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
    local = parts.hostname in ("127.0.0.1", "localhost", "::1")
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
        parts = urlsplit(check_api_url(api_url))
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port
        self._path = f"{parts.path}/repos/{owner}/{name}/dispatches"
        self._token = token
        self._timeout = timeout

    def send(self, body: bytes) -> Attempt:
        """One attempt; never raises for a network failure (that is a :data:`Result.RETRY`)."""
        kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
        connection = kind(self._host, self._port, timeout=self._timeout)
        try:
            # http.client never follows a redirect, so the token goes nowhere else.
            connection.request("POST", self._path, body, {
                "Authorization": f"Bearer {self._token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
            })
            answer = connection.getresponse()
            answer.read(MAX_ANSWER)
            return classify(answer.status, answer.getheader("Retry-After"),
                            answer.getheader("X-RateLimit-Remaining"))
        except (OSError, http.client.HTTPException) as exc:
            return Attempt(Result.RETRY, why=f"no answer from GitHub ({type(exc).__name__})")
        finally:
            connection.close()


def classify(status: int, retry_after: str | None, remaining: str | None) -> Attempt:
    """What GitHub's answer means for the request."""
    wait = float(retry_after) if retry_after and retry_after.isdigit() else None
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
        self.stopping = threading.Event()
        self._last_sent: dict[str, float] = {}

    def _ready(self, item: Item) -> bool:
        last = self._last_sent.get(item.key)
        return not item.key or last is None or time.monotonic() - last >= self.key_interval

    def run(self) -> None:
        pause = self.first_pause
        while not self.stopping.is_set():
            try:
                pause = self._once(pause)
            except Exception as exc:  # the sender must outlive any one bad moment
                _log(f"the sender failed ({type(exc).__name__}); trying again")
                self.stopping.wait(self.max_pause / 10)

    def _once(self, pause: float) -> float:
        """Send the next ready request, if any; the pause before the next retry."""
        item = self.queue.take(self._ready, timeout=0.2)
        if item is not None:
            pause = self._deliver(item, pause)
            self._forget_old_keys()
        return pause

    def _deliver(self, item: Item, pause: float) -> float:
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
            return self.first_pause
        if attempt.result is Result.REJECTED:
            where = self.queue.dead(item)
            _log(f"GitHub refused request {item.seq} ({attempt.status}); it is kept in {where}")
            return pause
        self.queue.release(item)
        _log(f"request {item.seq} not sent: {attempt.why}"
             f"{f' ({attempt.status})' if attempt.status else ''}; trying again")
        self.stopping.wait(min(attempt.wait if attempt.wait is not None else pause, self.max_pause))
        return min(pause * 2, self.max_pause)

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


def _log(text: str) -> None:
    print(f"statusgen relay: {text}", file=sys.stderr, flush=True)
