"""Reading JSON over HTTP for an import, through the one client (:mod:`statusgen.net`).

Time-outs, retries (a dropped connection, 429, 502-504, and 500: every read is a GET),
bounded answers and where a request may go are the client's; here an answer becomes JSON,
and every failure a :class:`FetchError` whose message names the URL without its query and
never a header's value.  The API key travels only over https (or to this machine), and a
redirect is followed only within the address's origin, so the key never reaches another host.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from statusgen.net.client import Client, HttpError, NoAnswer, Refused, TooLarge
from statusgen.net.policy import Policy
from statusgen.net.safety import shown

__all__ = ["MAX_BODY", "MAX_WAIT", "FetchError", "Fetcher", "shown"]

MAX_BODY = 64 << 20
"""The largest answer read: far above any page of incidents."""
MAX_WAIT = 120.0
"""The longest pause a ``Retry-After`` may ask for; a longer one ends the import."""


class FetchError(Exception):
    """A document could not be fetched or read; the message says which and why."""


@dataclass(frozen=True)
class Fetcher:
    """How to fetch: time-out per request, tries, and the first pause between them."""

    timeout: float = 30.0
    tries: int = 4
    backoff: float = 1.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    client: Client = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        policy = Policy(tries=self.tries, backoff=self.backoff, max_wait=MAX_WAIT)
        object.__setattr__(self, "client", Client(timeout=self.timeout, policy=policy,
                                                  user_agent="statusgen-import", sleep=self.sleep))

    def json(self, url: str, headers: Mapping[str, str] | None = None) -> Any:
        """The JSON document at ``url``; :class:`FetchError` when it cannot be had."""
        try:
            answer = self.client.request("GET", url, limit=MAX_BODY, headers={
                "Accept": "application/json", **(headers or {})})
        except NoAnswer as exc:
            raise FetchError(f"{shown(url)} could not be read after {exc.tries} "
                             f"tr{'ies' if exc.tries > 1 else 'y'}: {exc}") from None
        except TooLarge:
            raise FetchError(f"{shown(url)} sent more than {MAX_BODY >> 20} MiB") from None
        except (Refused, HttpError) as exc:
            raise FetchError(f"{shown(url)}: {exc}") from None
        if not 200 <= answer.status < 300:
            waited = f"; it asked to wait {answer.asked_wait:.0f} s, so try again later" \
                if answer.asked_wait is not None else ""
            raise FetchError(f"{shown(url)} answered HTTP {answer.status} {answer.reason}"
                             f"{_hint(answer.status)}{waited}")
        try:
            return json.loads(answer.body.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise FetchError(f"{shown(url)} did not send JSON ({exc})") from None


def _hint(code: int) -> str:
    if code in (401, 403):
        return "; check the API key and that it may read this page"
    if code == 404:
        return "; check the address (and the page id)"
    return ""
