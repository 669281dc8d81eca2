"""Requests to addresses a stranger gave (a reader's webhook): only to the public internet.

The host is resolved here, every address it resolves to is judged, and the connection is
made to the address judged (the name still goes in ``Host`` and TLS's SNI and certificate
check), so a name that resolves to a public address when checked and to ``127.0.0.1`` when
connected cannot reach this machine or its network.  Checked at every request, not once at
sign-up: what a name resolves to changes.  Redirects are never followed.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Mapping

import urllib3
from urllib3 import exceptions as u3

from statusgen.net.safety import Refused, origin

Resolve = Callable[[str, int], list[str]]


def _resolve(host: str, port: int) -> list[str]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise Refused("the host name cannot be resolved") from None
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def public_address(host: str, port: int, resolve: Resolve = _resolve) -> str:
    """The address to connect to for ``host``; :class:`Refused` when any address it resolves
    to is not on the public internet (private, loopback, link-local, reserved …)."""
    addresses = resolve(host, port)
    if not addresses:
        raise Refused("the host name cannot be resolved")
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if not ip.is_global or ip.is_multicast:
            raise Refused("it leads to a private, loopback or link-local address, which "
                          "statusgen never sends to")
    return addresses[0]


def post_public(url: str, body: bytes, headers: Mapping[str, str], *, timeout: float = 10.0,
                limit: int = 64 * 1024, resolve: Resolve = _resolve) -> tuple[int, bytes]:
    """POST ``body`` to ``url`` on a public address; the status and the start of the answer.
    :class:`Refused` when the address may not be used or no answer came."""
    scheme, host, port = origin(url)
    if scheme not in ("http", "https") or not host:
        raise Refused("only http:// and https:// addresses can be used")
    address = public_address(host, port, resolve)
    limits = urllib3.Timeout(connect=timeout, read=timeout)
    pool = urllib3.HTTPSConnectionPool(address, port, timeout=limits, retries=False, maxsize=1,
                                       server_hostname=host, assert_hostname=host) \
        if scheme == "https" else \
        urllib3.HTTPConnectionPool(address, port, timeout=limits, retries=False, maxsize=1)
    split = url.split("/", 3)
    path = "/" + (split[3] if len(split) > 3 else "")
    try:
        with pool:
            raw = pool.urlopen("POST", path, body=body, redirect=False, preload_content=False,
                               headers={"Host": host if port == {"http": 80, "https": 443}[scheme]
                                        else f"{host}:{port}", **headers})
            data = raw.read(limit, decode_content=False) or b""
            raw.release_conn()
            return raw.status, data
    except u3.HTTPError as exc:
        raise Refused(f"no answer ({type(exc).__name__})") from None
