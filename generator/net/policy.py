"""When a failed try is tried again, and after how long: the one retry policy.

Retried: a dropped or timed-out connection, 408, 429, 502, 503 and 504, and 500 when a
repeat is harmless (an idempotent method, or a request carrying an id the receiver can
deduplicate).  A read that failed after the request went out is repeated only then as well.
The pause doubles from ``backoff`` up to ``max_backoff``, less a random share of at most
``jitter`` so that many clients do not come back in step; a ``Retry-After`` (seconds or an
HTTP date) is honoured as asked, up to ``max_wait``: a longer one ends the tries, since
waiting that long would hold up the whole run.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from urllib3.exceptions import InvalidHeader
from urllib3.util.retry import Retry

ALWAYS = frozenset({408, 429, 502, 503, 504})
"""Statuses that say the same request may work later, whatever it is."""
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# urllib3's parser knows both forms of Retry-After (recent releases clamp it at 6 hours: far above
# any max_wait, so the cap stays ours).
_PARSER = Retry()

T = TypeVar("T")


def retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` asks for (a number, or an HTTP date; 0 when past); ``None``
    when there is no usable value."""
    if not value or not value.strip():
        return None
    try:
        return float(_PARSER.parse_retry_after(value))
    except (InvalidHeader, ValueError, OverflowError):
        return None


def retryable(status: int, idempotent: bool) -> bool:
    """Whether an answer with ``status`` is worth another try."""
    return status in ALWAYS or (status == 500 and idempotent)


@dataclass(frozen=True)
class Policy:
    """How many tries, and the pauses between them."""

    tries: int = 4
    backoff: float = 1.0
    """The first pause; it doubles after every failed try."""
    max_backoff: float = 60.0
    max_wait: float = 120.0
    """The longest ``Retry-After`` honoured; one above it ends the tries."""
    jitter: float = 0.25
    """At most this share of a pause is taken off at random."""
    draw: Callable[[], float] = field(default=random.random, compare=False, repr=False)
    """Where the jitter comes from: a number in [0, 1)."""

    def pause(self, failed: int) -> float:
        """The pause after the ``failed``-th failed try in a row (from 1)."""
        base = min(self.backoff * 2.0 ** min(failed - 1, 62), self.max_backoff)
        return base * (1 - self.jitter * self.draw())


@dataclass(frozen=True)
class Again:
    """A try failed in a way worth trying again; ``after``: the seconds the other side asked for."""

    after: float | None = None


@dataclass(frozen=True)
class Tried(Generic[T]):
    """The last try's result, how many tries were made, and the too-long wait that ended them."""

    last: T
    tries: int
    asked_wait: float | None = None


def retrying(policy: Policy, sleep: Callable[[float], None], attempt: Callable[[], T],
             again: Callable[[T], Again | None]) -> Tried[T]:
    """Call ``attempt`` until ``again`` says its result is final, or the policy says stop."""
    number = 1
    while True:
        result = attempt()
        verdict = again(result)
        if verdict is None or number >= policy.tries:
            return Tried(result, number)
        if verdict.after is not None and verdict.after > policy.max_wait:
            return Tried(result, number, verdict.after)
        sleep(verdict.after if verdict.after is not None else policy.pause(number))
        number += 1

