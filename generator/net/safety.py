"""Where a request may go: http(s) only, credentials only over https or to this machine, and
a redirect only within the origin (scheme, host, port) it was sent to.

A user and password in an address (``https://user:pass@host/``) are a credential too: taken
out of the address and sent as a Basic ``Authorization``, under the same rules.  Left in, they
were never sent to the host but went in clear to an http proxy, in the request line.

Checked on every address before a connection is opened to it, the first and each
redirect's, so the address the request finally reaches is the one judged.
"""

from __future__ import annotations

import base64
import ipaddress
from collections.abc import Mapping
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie",
                                "x-statusgen-signature"})
"""Headers that prove who sends (the last is the webhook signature, see docs/notifications.md)."""
DEFAULT_PORTS = {"http": 80, "https": 443}


class Refused(Exception):
    """The request would be unsafe or cannot be sent; nothing went out.  The message names no
    address: the caller puts the one it may show in front."""


def shown(url: str) -> str:
    """``url`` as messages show it: without its query, user or password."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        netloc = f"{host}:{parts.port}" if parts.port else host
    except ValueError:  # a port that is not a number
        netloc = host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def userinfo(url: str) -> tuple[str, str | None]:
    """``url`` without its user and password, and them as a Basic ``Authorization`` value
    (None when the address has neither)."""
    try:
        parts = urlsplit(url)
    except ValueError:  # a broken [IPv6] host: check() refuses the address
        return url, None
    if "@" not in parts.netloc:
        return url, None
    # Split where urlsplit splits the host from them: at the last "@".
    given, _, host = parts.netloc.rpartition("@")
    user, _, password = given.partition(":")
    token = base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode()).decode("ascii")
    return urlunsplit(parts._replace(netloc=host)), f"Basic {token}"


def origin(url: str) -> tuple[str, str, int]:
    """Scheme, host and port (the default one when the URL gives none)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is not a number, a broken [IPv6] host
        raise Refused("the address cannot be read") from None
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), port or DEFAULT_PORTS.get(scheme, 0)


def loopback(host: str) -> bool:
    """Whether ``host`` is this machine, where plain http stays local."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def credentials(headers: Mapping[str, str]) -> bool:
    """Whether ``headers`` carry a credential."""
    return any(name.lower() in CREDENTIAL_HEADERS for name in headers)


def without_credentials(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower() not in CREDENTIAL_HEADERS}


def check(url: str, headers: Mapping[str, str]) -> None:
    """Raise :class:`Refused` unless a request with ``headers`` may go to ``url``."""
    scheme, host, _ = origin(url)
    if scheme not in DEFAULT_PORTS or not host:
        raise Refused("only http:// and https:// addresses can be used")
    if scheme == "http" and credentials(headers) and not loopback(host):
        raise Refused("the address is plain http, and statusgen sends a key or signature only "
                      "over https (http only to this machine, 127.0.0.1 or localhost); use https://")


def redirect(url: str, location: str, headers: Mapping[str, str],
             cross_origin: bool) -> tuple[str, dict[str, str]]:
    """Where a redirect from ``url`` to ``location`` leads, and the headers to send there.

    The same origin keeps every header, and so does the same host moved from http to https.
    Another origin is refused, or with ``cross_origin`` reached without the credentials; a
    move from https to http is never followed.
    """
    # A user and password the other side names are never taken up as ours.
    target, _ = userinfo(urljoin(url, location.strip()))
    here, there = origin(url), origin(target)
    upgraded = (here[0], there[0]) == ("http", "https") and here[1] == there[1] and there[2] == 443
    if there == here or upgraded:
        return target, dict(headers)
    if (here[0], there[0]) == ("https", "http"):
        raise Refused(f"it redirects to {shown(target)}, from https to plain http, which "
                      "statusgen never follows")
    if not cross_origin:
        raise Refused(f"it redirects to {shown(target)}, another origin (scheme, host or port), "
                      "which statusgen does not follow; use that address if it is the right one")
    return target, without_credentials(headers)
