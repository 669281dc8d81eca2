"""Reading JSON over HTTP for an import: time-outs, retries, bounded bodies, clear errors.

A 5xx answer, a 429 and a dropped or timed-out connection are tried again, with a
growing pause (a 429's ``Retry-After``, in seconds or as a date, when it gives one, up
to :data:`MAX_WAIT`); any other failure, or the last try's, raises :class:`FetchError`
with a message that names the URL without its query and never a header's value.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

MAX_BODY = 64 << 20
"""The largest answer read: far above any page of incidents."""
MAX_WAIT = 120.0
"""The longest pause a ``Retry-After`` may ask for."""


class FetchError(Exception):
    """A document could not be fetched or read; the message says which and why."""


@dataclass(frozen=True)
class Fetcher:
    """How to fetch: time-out per request, tries, and the first pause between them."""

    timeout: float = 30.0
    tries: int = 4
    backoff: float = 1.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def json(self, url: str, headers: Mapping[str, str] | None = None) -> Any:
        """The JSON document at ``url``; :class:`FetchError` when it cannot be had."""
        if urlsplit(url).scheme not in ("http", "https"):
            raise FetchError(f"{shown(url)}: only http and https addresses can be read")
        request = urllib.request.Request(url, headers={
            "Accept": "application/json", "User-Agent": "statusgen-import", **(headers or {})})
        pause = self.backoff
        for attempt in range(1, self.tries + 1):
            last = attempt == self.tries
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    body = response.read(MAX_BODY + 1)
            except urllib.error.HTTPError as exc:
                retry = exc.code == 429 or exc.code >= 500
                if not retry or last:
                    raise FetchError(f"{shown(url)} answered HTTP {exc.code} {exc.reason}"
                                     f"{_hint(exc.code)}") from None
                self.sleep(_retry_after(exc.headers.get("Retry-After"), pause))
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
                if last:
                    reason = getattr(exc, "reason", exc)
                    raise FetchError(f"{shown(url)} could not be read after {self.tries} tries: "
                                     f"{reason}") from None
                self.sleep(pause)
            else:
                if len(body) > MAX_BODY:
                    raise FetchError(f"{shown(url)} sent more than {MAX_BODY >> 20} MiB")
                try:
                    return json.loads(body.decode("utf-8-sig"))
                except (UnicodeDecodeError, ValueError) as exc:
                    raise FetchError(f"{shown(url)} did not send JSON ({exc})") from None
            pause *= 2
        raise AssertionError("unreachable")  # pragma: no cover


def _retry_after(value: str | None, fallback: float) -> float:
    """The pause a ``Retry-After`` header asks for, within bounds; else ``fallback``."""
    if not value:
        return fallback
    try:
        seconds = float(value.strip())
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return fallback
        seconds = when.timestamp() - time.time()
    return min(max(seconds, 0.0), MAX_WAIT)


def _hint(code: int) -> str:
    if code in (401, 403):
        return "; check the API key and that it may read this page"
    if code == 404:
        return "; check the address (and the page id)"
    return ""


def shown(url: str) -> str:
    """``url`` as messages show it: without its query, user or password."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        netloc = f"{host}:{parts.port}" if parts.port else host
    except ValueError:  # a port that is not a number
        netloc = host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
