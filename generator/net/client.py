"""One HTTP client on urllib3 for every outgoing request: time-outs, a bounded answer, the one
retry policy (:mod:`.policy`) and the rules of where a request may go (:mod:`.safety`).

Every status is an answer the caller reads (after the retries the policy allows); only a
request that could not be made raises :class:`HttpError`, whose message never shows an
address, a header's value or urllib3's own words (which name the URL).
"""

from __future__ import annotations

import ssl
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import urllib3
from urllib3 import exceptions as u3

from statusgen.net.policy import IDEMPOTENT_METHODS, Again, Policy, retry_after, retryable, retrying
from statusgen.net.safety import Refused, check, loopback, origin, redirect, userinfo

REDIRECTS = frozenset({301, 302, 303, 307, 308})
KEEPS_METHOD = frozenset({307, 308})
"""A redirect that repeats the method and body; only these are followed for a POST."""
MAX_REDIRECTS = 5
DEFAULT = Policy()
CHUNK = 64 * 1024


class HttpError(Exception):
    """A request could not be made or read; the message says why, without the address."""


class NoAnswer(HttpError):
    """No usable answer came: no connection, a time-out, a dropped connection."""

    def __init__(self, reason: str, sent: bool, tries: int = 1) -> None:
        super().__init__(reason)
        self.sent = sent
        """Whether the request may have reached the server (a repeat could duplicate it)."""
        self.tries = tries


class TooLarge(HttpError):
    """The answer is longer than the caller's bound."""


__all__ = ["Client", "HttpError", "NoAnswer", "Refused", "Response", "TooLarge"]


@dataclass(frozen=True)
class Response:
    """An answer: status, headers (names in lower case), body, the address it came from, and
    how many tries it took; ``asked_wait``: a ``Retry-After`` too long to honour ended them."""

    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes
    url: str
    tries: int = 1
    asked_wait: float | None = None
    cut: bool = False
    """The body was longer than the bound and ``cut`` asked for its start only."""


class Client:
    """Sends requests with one policy and one pool of connections (reused between requests).

    ``timeout`` bounds the connection (at most ``connect_timeout``), each wait for data, and
    the reading of a whole answer: one try takes at most about twice ``timeout``.  The proxy
    variables (``https_proxy``, ``http_proxy``, ``no_proxy``) are honoured as urllib does,
    except for this machine, which is always reached directly.
    """

    def __init__(self, *, timeout: float = 30.0, connect_timeout: float = 10.0,
                 policy: Policy = DEFAULT, user_agent: str = "statusgen",
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.timeout = timeout
        self.policy = policy
        self.user_agent = user_agent
        self.sleep = sleep
        self._timeouts = urllib3.Timeout(connect=min(connect_timeout, timeout), read=timeout)
        self._pools: dict[str | None, urllib3.PoolManager] = {}

    def request(self, method: str, url: str, *, headers: Mapping[str, str] | None = None,
                body: bytes | None = None, limit: int = 64 << 20, cut: bool = False,
                redirects: int = MAX_REDIRECTS, cross_origin: bool = False,
                idempotent: bool | None = None) -> Response:
        """Send ``method`` to ``url``, retried as the policy says.

        ``limit``: the most bytes of an answer read; a longer one raises :class:`TooLarge`,
        or with ``cut`` is cut there.  ``redirects``: how many are followed (0: a redirect is
        an answer like any other), each as :func:`.safety.redirect` allows.  ``idempotent``:
        whether a repeat is harmless (by default, whether the method is).
        """
        sent = {"User-Agent": self.user_agent, **(headers or {})}
        url, basic = userinfo(url)
        if basic is not None and not any(name.lower() == "authorization" for name in sent):
            sent["Authorization"] = basic
        harmless = method in IDEMPOTENT_METHODS if idempotent is None else idempotent

        def attempt() -> Response | NoAnswer:
            try:
                return self._follow(method, url, sent, body, limit, cut, redirects, cross_origin)
            except NoAnswer as exc:
                return exc

        def again(result: Response | NoAnswer) -> Again | None:
            if isinstance(result, NoAnswer):
                return Again() if harmless or not result.sent else None
            if retryable(result.status, harmless):
                return Again(retry_after(result.headers.get("retry-after")))
            return None

        tried = retrying(self.policy, self.sleep, attempt, again)
        if isinstance(tried.last, NoAnswer):
            raise NoAnswer(str(tried.last), tried.last.sent, tried.tries)
        return replace(tried.last, tries=tried.tries, asked_wait=tried.asked_wait)

    def _follow(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None,
                limit: int, cut: bool, redirects: int, cross_origin: bool) -> Response:
        """One try: the request, and the redirects it may follow."""
        here, sent = url, dict(headers)
        for hop in range(redirects + 1):
            check(here, sent)
            answer = self._once(method, here, sent, body, limit, cut)
            location = answer.headers.get("location")
            if answer.status not in REDIRECTS or not location or redirects == 0 or \
                    (method not in ("GET", "HEAD") and answer.status not in KEEPS_METHOD):
                return answer
            if hop == redirects:
                raise Refused(f"it redirects more than {redirects} times")
            here, sent = redirect(here, location, sent, cross_origin)
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None,
              limit: int, cut: bool) -> Response:
        started = time.monotonic()
        try:
            raw = self._manager(url).request(method, url, body=body, headers=dict(headers),
                                     redirect=False, retries=False, preload_content=False)
        except u3.LocationValueError:
            raise Refused("the address cannot be read") from None
        except u3.HTTPError as exc:
            raise NoAnswer(_reason(exc), sent=not _before_sending(exc)) from None
        data = bytearray()
        try:
            while chunk := raw.read1(CHUNK):
                data += chunk
                if len(data) > limit:
                    if not cut:
                        raise TooLarge(f"the answer is longer than {_size(limit)}")
                    break
                if time.monotonic() - started > self.timeout:
                    raise NoAnswer("timed out (the answer came too slowly)", sent=True)
        except u3.HTTPError as exc:
            raise NoAnswer(_reason(exc), sent=True) from None
        finally:
            if not raw.closed:
                raw.close()  # the rest is not wanted: the connection cannot be reused
            raw.release_conn()
        # A repeated header reads as its values joined with ", ", as HTTP says it may.
        return Response(raw.status, raw.reason or "", {k.lower(): raw.headers[k] for k in raw.headers},
                        bytes(data[:limit]), url, cut=len(data) > limit)


    def _manager(self, url: str) -> urllib3.PoolManager:
        """The pool for ``url``: direct, or through the proxy the environment names for it."""
        scheme, host, _ = origin(url)
        proxy = None if loopback(host) or urllib.request.proxy_bypass(host) \
            else urllib.request.getproxies().get(scheme)
        if proxy not in self._pools:
            if proxy is None:
                self._pools[proxy] = urllib3.PoolManager(
                    num_pools=4, maxsize=2, retries=False, timeout=self._timeouts)
            else:
                auth = urllib3.util.parse_url(proxy).auth
                self._pools[proxy] = urllib3.ProxyManager(
                    proxy, num_pools=4, maxsize=2, retries=False, timeout=self._timeouts,
                    proxy_headers=urllib3.make_headers(proxy_basic_auth=auth) if auth else None)
        return self._pools[proxy]


def _before_sending(exc: u3.HTTPError) -> bool:
    """Whether the failure came before any byte of the request left (a repeat is harmless)."""
    return isinstance(exc, u3.ConnectTimeoutError | u3.NewConnectionError | u3.NameResolutionError)


def _reason(exc: BaseException) -> str:
    """What went wrong, in a few words and without urllib3's repr of the connection."""
    # Most specific first: urllib3 2 makes NewConnectionError a kind of ConnectTimeoutError.
    if isinstance(exc, u3.NameResolutionError):
        return "the host name cannot be resolved"
    cause = _cause(exc)
    if isinstance(exc, u3.NewConnectionError):
        return f"cannot connect: {cause or 'refused'}"
    if isinstance(exc, u3.TimeoutError):
        return "timed out"
    if isinstance(exc, u3.SSLError):
        return f"TLS failed: {cause or 'the certificate or the handshake'}"
    return f"the connection broke: {cause or type(exc).__name__}"


def _cause(exc: BaseException) -> str:
    seen = exc.__cause__ or exc.__context__
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return str(seen.reason or seen.strerror or type(seen).__name__).replace("_", " ").lower()
        if isinstance(seen, OSError) and (seen.strerror or seen.args):
            return str(seen.strerror or seen).lower()
        seen = seen.__cause__ or seen.__context__
    for arg in exc.args:
        if isinstance(arg, OSError) and arg.strerror:
            return arg.strerror.lower()
    return ""


def _size(limit: int) -> str:
    for unit, shift in (("MiB", 20), ("KiB", 10)):
        if limit >= 1 << shift and limit % (1 << shift) == 0:
            return f"{limit >> shift} {unit}"
    return f"{limit} bytes"
