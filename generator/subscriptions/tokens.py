"""Signed links: ``<purpose>.<subscriber>.<nonce>.<expiry>.<mac>``.

The MAC (HMAC-SHA256 over the rest, with the service's key) makes a link unforgeable and
bound to its purpose, so a confirmation link cannot unsubscribe and an unsubscribe link
cannot confirm.  A link is single-use: the store records its nonce when it is used
(:meth:`~statusgen.subscriptions.store.Store.spend`), until its expiry, after which the MAC
refuses it anyway.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Purpose(StrEnum):
    CONFIRM = "confirm"
    MANAGE = "manage"
    UNSUBSCRIBE = "unsubscribe"


LIFETIME = {
    Purpose.CONFIRM: timedelta(days=2),
    # A mail's links must work for as long as a reader may open an old mail.
    Purpose.MANAGE: timedelta(days=90),
    Purpose.UNSUBSCRIBE: timedelta(days=90),
}
MIN_KEY = 32
"""Characters the signing key must have at least."""


@dataclass(frozen=True)
class Claim:
    """What a valid link says."""

    purpose: Purpose
    subscriber: int
    nonce: str
    expires: datetime


def _mac(key: bytes, body: str) -> str:
    digest = hmac.new(key, body.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def make(key: bytes, purpose: Purpose, subscriber: int, now: datetime) -> str:
    """A new link's token for ``subscriber``, valid for the purpose's lifetime from ``now``."""
    expires = int((now + LIFETIME[purpose]).timestamp())
    body = f"{purpose}.{subscriber}.{secrets.token_urlsafe(12)}.{expires}"
    return f"{body}.{_mac(key, body)}"


def read(key: bytes, token: str, purpose: Purpose, now: datetime) -> Claim | None:
    """The claim of ``token`` when it is genuine, for ``purpose`` and not expired; else None."""
    parts = token.split(".")
    if len(parts) != 5 or len(token) > 200:
        return None
    body, mac = token.rsplit(".", 1)
    if not hmac.compare_digest(_mac(key, body), mac) or parts[0] != purpose:
        return None
    try:
        subscriber, expires = int(parts[1]), datetime.fromtimestamp(int(parts[3]), now.tzinfo)
    except (ValueError, OverflowError, OSError):
        return None
    if expires < now:
        return None
    return Claim(purpose, subscriber, parts[2], expires)
