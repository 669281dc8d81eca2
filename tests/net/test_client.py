"""The one HTTP client against fake upstreams on 127.0.0.1: where credentials may go, the retry
policy, the bound on answers and the time-outs.  Pauses go to a list, never to a real sleep."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from statusgen.net.client import Client, HttpError, NoAnswer, Refused, TooLarge
from statusgen.net.policy import Policy
from statusgen.net.safety import CREDENTIAL_HEADERS, redirect
from statusgen.notify.outgoing import SIGNATURE_HEADER
from tests.net.upstream import Body, Handler, Server, upstreams

KEY = {"Authorization": "OAuth s3cret-key", SIGNATURE_HEADER: "sha256=abc"}


@pytest.fixture
def serve() -> Iterator[Callable[[Handler], Server]]:
    yield from upstreams()


def client(pauses: list[float] | None = None, **policy: Any) -> Client:
    timeout = policy.pop("timeout", 2.0)
    return Client(timeout=timeout, policy=Policy(**policy),
                  sleep=(pauses if pauses is not None else []).append)


def answers(*queued: tuple[int, dict[str, str], Body]) -> Handler:
    """Answer with each of ``queued`` in turn, then 200 ``ok``."""
    left = list(queued)
    return lambda request: left.pop(0) if left else (200, {}, b"ok")


def moved(to: str, status: int = 302) -> Handler:
    return lambda request: (status, {"Location": to}, b"")


# --- where credentials go ------------------------------------------------------------------------

def test_a_redirect_to_another_origin_is_refused_and_nothing_reaches_it(
        serve: Callable[[Handler], Server]) -> None:
    other = serve(answers())
    first = serve(moved(f"{other.url}/stolen?token=x"))  # another port: another origin
    with pytest.raises(Refused, match="another origin") as refused:
        client().request("GET", f"{first.url}/api", headers=KEY)
    assert f"{other.url}/stolen" in str(refused.value) and "token=x" not in str(refused.value)
    assert first.seen == [("/api", "OAuth s3cret-key")]
    assert other.requests == []


def test_followed_across_origins_on_request_the_credentials_stay_behind(
        serve: Callable[[Handler], Server]) -> None:
    other = serve(answers())
    first = serve(moved(f"{other.url}/there"))
    answer = client().request("GET", f"{first.url}/here", headers={**KEY, "Accept": "text/plain"},
                              cross_origin=True)
    assert (answer.status, answer.body, answer.url) == (200, b"ok", f"{other.url}/there")
    [arrived] = other.requests
    assert not CREDENTIAL_HEADERS & set(arrived.headers)
    assert arrived.headers["accept"] == "text/plain"


def test_a_redirect_within_the_origin_keeps_the_credentials(serve: Callable[[Handler], Server]) -> None:
    server = serve(lambda r: (301, {"Location": "/new"}, b"") if r.path == "/old" else (200, {}, b"ok"))
    answer = client().request("GET", f"{server.url}/old", headers=KEY)
    assert answer.status == 200
    assert server.seen == [("/old", "OAuth s3cret-key"), ("/new", "OAuth s3cret-key")]


def test_a_post_follows_only_the_redirects_that_keep_its_method(serve: Callable[[Handler], Server]) -> None:
    server = serve(lambda r: (302, {"Location": "/b"}, b"") if r.path == "/a" else
                   (307, {"Location": "/d"}, b"") if r.path == "/c" else (200, {}, b"ok"))
    assert client().request("POST", f"{server.url}/a", body=b"{}").status == 302
    assert client().request("POST", f"{server.url}/c", body=b"{}").status == 200
    assert [(r.method, r.path) for r in server.requests] == [("POST", "/a"), ("POST", "/c"), ("POST", "/d")]
    assert client().request("GET", f"{server.url}/a", redirects=0).status == 302


@pytest.mark.parametrize("header", sorted(KEY))
def test_a_credential_over_plain_http_is_refused_before_any_connection(
        monkeypatch: pytest.MonkeyPatch, header: str) -> None:
    looked_up: list[object] = []

    def getaddrinfo(*args: object, **options: object) -> list[Any]:
        looked_up.append(args)
        raise OSError("no network in this test")
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(Refused, match="plain http"):
        client().request("GET", "http://api.statuspage.example/v1/pages", headers={header: KEY[header]})
    assert looked_up == []


def test_the_rules_for_each_redirect() -> None:
    # The same host moved to https keeps its headers; https to http is never followed.
    assert redirect("http://a.example/x", "https://a.example/y", KEY, False) == ("https://a.example/y", KEY)
    with pytest.raises(Refused, match="from https to plain http"):
        redirect("https://a.example/x", "http://a.example/y", KEY, True)
    assert redirect("https://a.example/x", "https://b.example/y", KEY, True) == ("https://b.example/y", {})
    with pytest.raises(Refused, match="another origin"):
        redirect("https://a.example/x", "https://a.example:8443/y", KEY, False)


def test_only_http_and_https_are_used() -> None:
    for url in ("ftp://127.0.0.1/x", "file:///etc/passwd", "http:///nohost"):
        with pytest.raises(Refused, match="only http"):
            client().request("GET", url)


# --- the retry policy ----------------------------------------------------------------------------

def test_retry_after_in_seconds_is_honoured(serve: Callable[[Handler], Server]) -> None:
    server = serve(answers((429, {"Retry-After": "3"}, b"slow down")))
    pauses: list[float] = []
    answer = client(pauses).request("GET", server.url)
    assert (answer.status, answer.tries, pauses) == (200, 2, [3.0])


def test_retry_after_as_an_http_date_is_honoured(serve: Callable[[Handler], Server]) -> None:
    server = serve(answers((503, {"Retry-After": formatdate(time.time() + 30, usegmt=True)}, b"")))
    pauses: list[float] = []
    assert client(pauses).request("GET", server.url).status == 200
    [pause] = pauses
    assert 28 <= pause <= 30


def test_a_retry_after_beyond_the_cap_ends_the_tries(serve: Callable[[Handler], Server]) -> None:
    server = serve(answers((429, {"Retry-After": "3600"}, b"")))
    pauses: list[float] = []
    answer = client(pauses, max_wait=60).request("GET", server.url)
    assert (answer.status, answer.tries, answer.asked_wait, pauses) == (429, 1, 3600, [])


def test_5xx_then_success_is_retried_with_a_doubling_jittered_pause(
        serve: Callable[[Handler], Server]) -> None:
    server = serve(answers((502, {}, b""), (503, {}, b""), (500, {}, b"")))
    pauses: list[float] = []
    answer = client(pauses, backoff=0.5).request("GET", server.url)
    assert (answer.status, answer.tries, len(server.requests)) == (200, 4, 4)
    assert all(0.75 * base <= p <= base for p, base in zip(pauses, [0.5, 1.0, 2.0], strict=True))


def test_a_500_is_repeated_only_when_a_repeat_is_harmless(serve: Callable[[Handler], Server]) -> None:
    server = serve(answers((500, {}, b""), (500, {}, b"")))
    assert client().request("POST", server.url, body=b"{}").status == 500
    assert client().request("POST", server.url, body=b"{}", idempotent=True).status == 200
    assert len(server.requests) == 3


def test_the_last_failure_is_the_answer(serve: Callable[[Handler], Server]) -> None:
    server = serve(lambda request: (503, {}, b"busy"))
    pauses: list[float] = []
    answer = client(pauses, tries=3).request("GET", server.url)
    assert (answer.status, answer.tries, len(pauses), answer.body) == (503, 3, 2, b"busy")


def test_no_connection_is_tried_again_then_said_without_the_address() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed when the test runs: connections are refused
    pauses: list[float] = []
    with pytest.raises(NoAnswer, match="cannot connect") as failed:
        client(pauses, tries=3).request("POST", f"http://127.0.0.1:{port}/hook/t0ken", body=b"{}")
    assert failed.value.tries == 3 and len(pauses) == 2 and not failed.value.sent
    assert "127.0.0.1" not in str(failed.value) and "t0ken" not in str(failed.value)


def test_pauses_are_bounded() -> None:
    policy = Policy(backoff=1.0, max_backoff=8.0, jitter=0.25, draw=lambda: 0.999)
    assert [round(policy.pause(n), 2) for n in (1, 2, 3, 4, 5, 60, 200)] == \
        [0.75, 1.5, 3.0, 6.0, 6.0, 6.0, 6.0]
    assert Policy(jitter=0.25, draw=lambda: 0.0).pause(3) == 4.0


# --- bounds and time-outs ------------------------------------------------------------------------

def _endless(request: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], Body]:
    return 200, {}, (b"x" * 65536 for _ in range(64))  # 4 MiB, no length given


def test_a_huge_answer_is_cut_at_the_bound_with_a_clear_error(serve: Callable[[Handler], Server]) -> None:
    server = serve(_endless)
    with pytest.raises(TooLarge, match="longer than 100 KiB"):
        client().request("GET", server.url, limit=100 << 10)
    answer = client().request("GET", server.url, limit=1000, cut=True)
    assert answer.cut and answer.body == b"x" * 1000


def test_a_server_that_does_not_answer_hits_the_read_timeout(serve: Callable[[Handler], Server]) -> None:
    def slow(request: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], Body]:
        time.sleep(1)
        return 200, {}, b"late"
    server = serve(slow)
    started = time.monotonic()
    with pytest.raises(NoAnswer, match="timed out") as failed:
        client(timeout=0.2, tries=1).request("GET", server.url)
    assert time.monotonic() - started < 0.9 and failed.value.sent


def test_an_answer_that_trickles_hits_the_timeout_of_the_whole_try(
        serve: Callable[[Handler], Server]) -> None:
    def trickle(request: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], Body]:
        def chunks() -> Iterator[bytes]:
            for _ in range(40):
                time.sleep(0.1)
                yield b"x"  # each byte in time for the read timeout; the whole too slow
        return 200, {}, chunks()
    server = serve(trickle)
    started = time.monotonic()
    # A read timeout ten times the pause between bytes: a machine busy with other work
    # still sends each byte in time, so the timeout that ends the try is the whole one's.
    with pytest.raises(NoAnswer, match="too slowly"):
        client(timeout=1.0, tries=1).request("GET", server.url)
    assert time.monotonic() - started < 3.0


def test_an_address_that_cannot_be_read_is_refused() -> None:
    for url in ("http://[::1/x", "https://example.com:port/", "http://exa mple.com/"):
        with pytest.raises(Refused, match="cannot be read"):
            client(tries=1).request("GET", url)


def test_the_proxy_the_environment_names_is_used_but_never_for_this_machine(
        serve: Callable[[Handler], Server], monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = serve(answers())
    direct = serve(answers())
    monkeypatch.setenv("http_proxy", proxy.url)
    monkeypatch.setenv("no_proxy", "skipped.example")
    assert client().request("GET", "http://status.example/api/v2/summary.json").status == 200
    assert client().request("GET", f"{direct.url}/here").status == 200
    assert [r.path for r in proxy.requests] == ["http://status.example/api/v2/summary.json"]
    assert [r.path for r in direct.requests] == ["/here"]
    with pytest.raises(NoAnswer):  # not through the proxy: straight to a host that is not there
        client(tries=1).request("GET", "http://skipped.example:1/")
    assert len(proxy.requests) == 1


def test_a_credential_to_an_https_address_crosses_an_http_proxy_only_inside_a_tunnel(
        serve: Callable[[Handler], Server], monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = serve(answers())
    monkeypatch.setenv("https_proxy", proxy.url)
    with pytest.raises(HttpError):  # the fake proxy opens no tunnel: TLS fails after CONNECT
        client(tries=1).request("GET", "https://status.example/api", headers=KEY)
    assert [(r.method, r.path) for r in proxy.requests] == [("CONNECT", "status.example:443")]
    assert not CREDENTIAL_HEADERS & set(proxy.requests[0].headers)
    assert not any("s3cret" in value for value in proxy.requests[0].headers.values())



@pytest.mark.parametrize("url", ["http://user:s3cret@status.example/api",
                                 "http://:s3cret@status.example/api"])
def test_a_password_in_the_address_never_goes_over_plain_http(
        serve: Callable[[Handler], Server], monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    proxy = serve(answers())
    monkeypatch.setenv("http_proxy", proxy.url)
    with pytest.raises(Refused, match="plain http"):
        client().request("GET", url)
    assert proxy.requests == []


def test_a_password_in_an_https_address_is_sent_as_basic_authorization(
        serve: Callable[[Handler], Server]) -> None:
    upstream = serve(answers())
    with_password = upstream.url.replace("http://", "http://user:s3cret@")
    assert client().request("GET", f"{with_password}/here").status == 200
    assert upstream.requests[0].path == "/here"
    assert upstream.requests[0].authorization == "Basic dXNlcjpzM2NyZXQ="


def test_a_user_and_password_a_redirect_names_are_not_taken_up() -> None:
    target, headers = redirect("https://status.example/a", "https://evil:pw@status.example/b",
                               {}, cross_origin=False)
    assert (target, headers) == ("https://status.example/b", {})


def test_an_origin_is_its_host_in_any_case_and_its_port_written_or_not() -> None:
    assert redirect("https://A.example/x", "HTTPS://a.EXAMPLE:443/y", KEY, False)[1] == KEY
    assert redirect("https://[::1]/x", "https://[::1]:443/y", KEY, False)[1] == KEY
    # Another spelling of a host (a trailing dot, another form of an IPv6 address) is another
    # origin: the credentials stay behind.
    assert redirect("https://a.example/x", "https://a.example./y", KEY, True)[1] == {}
    assert redirect("https://[::1]/x", "https://[0::1]/y", KEY, True)[1] == {}
