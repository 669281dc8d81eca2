"""`statusgen serve` on a hostile network, driven with raw sockets.

urllib and browsers normalise what they send; these tests send the bytes an attacker would:
foreign Host headers (DNS rebinding), control characters and slashes hidden in
percent-encoding, oversized and malformed requests, slow clients.  After each, the server
must still answer a normal request, and no answer may carry request text in a header.
"""

from __future__ import annotations

import os
import re
import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from statusgen.commands.cli import build_parser
from statusgen.serve.builder import Hub
from statusgen.serve.http import MAX_HEADER_BYTES, MAX_REQUEST_LINE, DevServer, Hosts
from tests.helpers import eventually

SECRET = b"secret outside the site"
HOME = b"<!DOCTYPE html><html><body><h1>home page</h1></body></html>"
EXPECTED_HEADERS = {"server", "date", "content-type", "content-length", "cache-control",
                    "location", "allow", "retry-after", "connection", "x-content-type-options"}
ENCODED_LOCATION = re.compile(r"/(?:[A-Za-z0-9_.~/-]|%[0-9A-F]{2})*")
"""What ``urllib.parse.quote`` makes of a path: nothing a browser could read as a header end."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name]
        assert len(values) <= 1, self.headers
        return values[0] if values else None


def parse_answer(raw: bytes) -> Answer:
    head, separator, body = raw.partition(b"\r\n\r\n")
    assert separator, raw[:500]
    status_line, *lines = head.decode("latin-1").split("\r\n")
    found = re.fullmatch(r"HTTP/1\.0 (\d{3}) [A-Za-z -]+", status_line)
    assert found, status_line
    headers = []
    for line in lines:
        name, colon, value = line.partition(": ")
        assert colon and re.fullmatch(r"[A-Za-z-]+", name), line
        headers.append((name, value))
    return Answer(int(found.group(1)), headers, body)


class Site:
    """A DevServer on 127.0.0.1, port 0, in this process, serving real files."""

    def __init__(self, out: Path, **options: object) -> None:
        self.hub = Hub()
        self.server = DevServer(("127.0.0.1", 0), out, self.hub, **options)  # type: ignore[arg-type]
        self.port = self.server.server_address[1]
        self.host = f"localhost:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05})
        self.thread.start()

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)

    def exchange(self, raw: bytes) -> Answer:
        """Send ``raw`` (from another thread, so a server that answers early cannot block the
        sender) and read the answer to the end."""
        with self.connect() as connection:
            def send() -> None:
                try:
                    connection.sendall(raw)
                    connection.shutdown(socket.SHUT_WR)
                except OSError:
                    pass  # the server answered and closed before reading everything
            sender = threading.Thread(target=send)
            sender.start()
            data = read_all(connection)
            sender.join(timeout=10)
        answer = parse_answer(data)
        assert_safe_headers(answer)
        return answer

    def get(self, target: str, *headers: str, method: str = "GET") -> Answer:
        lines = [f"{method} {target} HTTP/1.1", *headers]
        if not any(h.lower().startswith("host:") for h in headers):
            lines.append(f"Host: {self.host}")
        return self.exchange(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def assert_serving(self) -> None:
        answer = self.get("/")
        assert (answer.status, answer.body.startswith(HOME[:-14])) == (200, True), answer

    def close(self) -> None:
        self.hub.close()
        self.server.shutdown()
        self.server.close_connections()
        self.server.server_close()
        self.thread.join(timeout=10)


def read_all(connection: socket.socket) -> bytes:
    data = b""
    while chunk := connection.recv(65536):
        data += chunk
    return data


def assert_safe_headers(answer: Answer) -> None:
    """Only the headers the server writes, in printable ASCII; a Location encoded, on this
    server, and never ``//host`` or a scheme."""
    for name, value in answer.headers:
        assert name.lower() in EXPECTED_HEADERS, answer.headers
        assert re.fullmatch(r"[\x20-\x7e]*", value), answer.headers
        assert value.lower() == "nosniff" or name.lower() != "x-content-type-options"
    assert answer.header("x-content-type-options") == "nosniff", answer.headers
    location = answer.header("location")
    if location is not None:
        assert ENCODED_LOCATION.fullmatch(location), location
        assert not location.startswith("//") and ":" not in location, location


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site folder with folders, odd names, symlinks in and out, and a FIFO; a secret
    next to it.  Nothing changes it, so the module shares it."""
    tmp_path = tmp_path_factory.mktemp("serve")
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (tmp_path / "secret-folder").mkdir()
    (tmp_path / "secret-folder" / "index.html").write_bytes(SECRET)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_bytes(HOME)
    (site / "style.css").write_bytes(b"body { color: red }")
    for folder in ("docs", "a b", "100%", "café", "colon:name", "evil\r\nSet-Cookie: a=1"):
        (site / folder).mkdir()
        (site / folder / "index.html").write_bytes(b"<html><body>" + folder.encode() + b"</body></html>")
    (site / "escape.txt").symlink_to(tmp_path / "secret.txt")
    (site / "escape-folder").symlink_to(tmp_path / "secret-folder")
    (site / "inner.css").symlink_to(site / "style.css")
    os.mkfifo(site / "pipe.txt")
    return site


@pytest.fixture(scope="module")
def site(out: Path) -> Iterator[Site]:
    """One server for the tests that change nothing in it (each checks it still serves)."""
    served = Site(out, head_timeout=2.0)
    try:
        yield served
    finally:
        served.close()


SiteFactory = Callable[..., Site]


@pytest.fixture
def make_site(out: Path) -> Iterator[SiteFactory]:
    made: list[Site] = []

    def make(**options: object) -> Site:
        made.append(Site(out, **options))
        return made[-1]

    yield make
    for served in made:
        served.close()


# --------------------------------------------------------------------------
# Host: only this machine's names, so DNS rebinding reads nothing
# --------------------------------------------------------------------------

PATHS = ("/", "/docs/", "/docs", "/style.css", "/no/such/page", "/__statusgen/state",
         "/__statusgen/events", "/__statusgen/client.js")
FOREIGN_HOSTS = (
    "evil.example", "evil.example:{port}", "localhost.evil.example", "localhost.evil.example:{port}",
    "127.0.0.1.nip.io:{port}", "evil.localhost.example", "localhost.", "local host", "",
    "localhost:{other}", "127.0.0.1:{other}", "[::1]:{other}", "localhost:", "localhost:x",
    ":{port}", "localhost:{port}:{port}", "localhost@evil.example", "evil.example#@localhost",
    "[::1", "::1", "[127.0.0.1]", "127.1", "0x7f.0.0.1", "2130706433", "0177.0.0.1",
    "[::ffff:127.0.0.1]", "0.0.0.0", "[::]", "192.168.1.20", "[fe80::1%25lo]",
)
OWN_HOSTS = ("localhost", "localhost:{port}", "LOCALHOST:{port}", "LocalHost", "127.0.0.1",
             "127.0.0.1:{port}", "[::1]", "[::1]:{port}", "[0:0:0:0:0:0:0:1]:{port}",
             "[0::1]")


def _host(template: str, site: Site) -> str:
    return template.format(port=site.port, other=site.port + 1 if site.port < 65535 else 1)


def test_a_foreign_host_gets_421_and_nothing_of_the_site(site: Site) -> None:
    bodies = set()
    for template in FOREIGN_HOSTS:
        host = _host(template, site)
        for path in PATHS:
            answer = site.get(path, f"Host: {host}")
            assert answer.status == 421, (host, path, answer)
            assert answer.header("location") is None
            bodies.add(answer.body)
        answer = site.get("/", f"Host: {host}", method="HEAD")
        assert (answer.status, answer.body) == (421, b""), host
    # One fixed text whatever the Host said: nothing of the request, nothing of the site.
    assert bodies == {b"421 Misdirected Request: this preview answers only requests for "
                      b"localhost, 127.0.0.1, [::1] and the names it was started with "
                      b"(statusgen serve --allow-host NAME)\n"}
    site.assert_serving()


@pytest.mark.parametrize("headers", [
    (),
    ("Host: localhost", "Host: localhost"),
    ("Host: localhost", "host: evil.example"),
    ("HOST: evil.example", "Host: localhost"),
], ids=["missing", "twice", "own-then-foreign", "foreign-then-own"])
def test_a_missing_or_repeated_host_gets_421(site: Site, headers: tuple[str, ...]) -> None:
    lines = "".join(f"{h}\r\n" for h in headers)
    for path in PATHS:
        for version in ("HTTP/1.1", "HTTP/1.0"):
            answer = site.exchange(f"GET {path} {version}\r\n{lines}\r\n".encode())
            assert answer.status == 421, (headers, path, version)
            assert answer.body.startswith(b"421 Misdirected Request: "), answer.body
            assert b"home" not in answer.body
    site.assert_serving()


def test_this_machines_names_are_answered_in_any_case_with_or_without_the_port(site: Site) -> None:
    for template in OWN_HOSTS:
        host = _host(template, site)
        for header in (f"Host: {host}", f"host:{host}", f"Host: \t{host} "):
            answer = site.get("/", header)
            assert answer.status == 200, (header, answer)
            assert answer.body.startswith(HOME[:-14])


def test_allow_host_adds_names_for_lan_use(make_site: SiteFactory) -> None:
    site = make_site(allow_hosts=["MyBox.lan", "192.168.1.20", "fd00::20"])
    for host in ("mybox.lan", "MYBOX.LAN:{port}", "192.168.1.20:{port}", "[fd00::20]",
                 "[FD00:0::20]:{port}", "localhost"):
        assert site.get("/", f"Host: {_host(host, site)}").status == 200, host
    for host in ("mybox.lan.evil.example", "box.lan", "mybox.lan:{other}", "192.168.1.2",
                 "[fd00::21]", "fd00::20", "evil.example"):
        assert site.get("/", f"Host: {_host(host, site)}").status == 421, host


def test_the_bound_address_is_answered_and_an_unspecified_one_never(make_site: SiteFactory,
                                                                     out: Path) -> None:
    # A LAN address cannot be bound here; another loopback address shows the same rule.
    hub = Hub()
    try:
        server = DevServer(("127.0.0.2", 0), out, hub)
    except OSError:
        pytest.skip("127.0.0.2 cannot be bound here")
    with server:
        assert server.hosts.allows(f"127.0.0.2:{server.server_address[1]}")
        assert not server.hosts.allows("127.0.0.3")
    for everywhere in (["0.0.0.0", "0.0.0.0"], ["::", "::"], ["", "0.0.0.0"]):
        hosts = Hosts.of(8000, everywhere)
        assert hosts.allows("localhost:8000"), everywhere
        assert not any(hosts.allows(h) for h in ("0.0.0.0:8000", "[::]:8000", "", ":8000"))
    lan = Hosts.of(8000, ["192.168.1.20", "192.168.1.20"])
    assert lan.allows("192.168.1.20:8000") and not lan.allows("192.168.1.20:8001")
    assert Hosts.of(8000, ["mybox.lan", "192.168.1.20"]).allows("MYBOX.lan")


@pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6")
def test_an_ipv6_server_answers_its_bracketed_address(out: Path) -> None:
    hub = Hub()
    try:
        server = DevServer(("::1", 0), out, hub)
    except OSError:
        pytest.skip("::1 cannot be bound here")
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        for host, status in ((f"[::1]:{port}", 200), ("[::1]", 200), ("localhost", 200),
                             (f"[::1]:{port + 1}", 421), ("::1", 421), ("evil.example", 421)):
            with socket.create_connection(("::1", port), timeout=10) as connection:
                connection.sendall(f"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
                assert parse_answer(read_all(connection)).status == status, host
    finally:
        hub.close()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.mark.parametrize("value", ["http://mybox.lan", "mybox.lan:8000", "my box", "[mybox]",
                                   "", "-x", "a/b", "*"])
def test_allow_host_refuses_what_is_not_a_name_or_address(
        value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["serve", f"--allow-host={value}"])
    assert exit_.value.code == 2
    assert "is not a host name or an IP address" in capsys.readouterr().err


# --------------------------------------------------------------------------
# Paths: decided on the decoded, normalised value; no request text in a header
# --------------------------------------------------------------------------

@pytest.mark.parametrize(("target", "location"), [
    ("/docs", "/docs/"),
    ("/docs?next=%0d%0aSet-Cookie:%20a=1", "/docs/"),
    ("/./docs", "/docs/"),
    ("/docs/.", "/docs/"),
    ("/docs/x/..", "/docs/"),
    ("/docs/%2e", "/docs/"),
    ("//docs", "/docs/"),
    ("///docs", "/docs/"),
    ("/%2Fdocs", "/docs/"),
    ("/%2F%2Fevil.example%2F..%2Fdocs", "/docs/"),
    ("//evil.example/../docs", "/docs/"),
    ("/.%2F/evil.example/%2E%2E/docs", "/docs/"),
    ("/docs/%2e%2e", "/"),
    ("/a%20b", "/a%20b/"),
    ("/100%25", "/100%25/"),
    ("/caf%C3%A9", "/caf%C3%A9/"),
    ("/colon:name", "/colon%3Aname/"),
    ("/colon%3aname", "/colon%3Aname/"),
])
def test_the_folder_redirect_is_rebuilt_from_the_normalised_path(site: Site, target: str,
                                                                  location: str) -> None:
    answer = site.get(target)
    assert (answer.status, answer.header("location")) == (301, location), answer
    followed = site.get(location)
    assert followed.status == 200, followed
    site.assert_serving()


@pytest.mark.parametrize("target", [
    # Controls, percent-encoded: CR, LF, NUL, TAB, DEL, C1 (NEL, CSI), in every position.
    "/docs%0d%0aSet-Cookie:%20a=1", "/docs%0D%0ALocation:%20//evil.example",
    "/evil%0D%0ASet-Cookie:%20a=1", "/docs%0a", "/%0ddocs", "/docs/%00", "/%00/../docs",
    "/docs%09", "/docs%7f", "/docs%c2%85", "/docs%c2%9b",
    # Backslashes, which browsers read as slashes.
    "/%5Cevil.example", "/%5C%5Cevil.example%5Cdocs", "/docs%5C", "/\\evil.example/docs",
    "/docs\\",
    # Broken percent-encoding.
    "/docs%", "/docs%2", "/docs%zz", "/%%32%66docs", "/docs%g0",
    # Not UTF-8: overlong forms of "/" and ".", a surrogate, stray bytes.
    "/%c0%af", "/%c0%ae%c0%ae/secret.txt", "/%e0%80%af", "/%f0%80%80%af", "/%c1%9c",
    "/%ed%a0%80", "/docs%ff", "/%80", "/caf%E9",
    # Not a path.
    "docs", "*", "http://evil.example/docs", "https://localhost/docs", "/docs#top",
])
def test_a_malformed_path_gets_400_and_the_server_goes_on(site: Site, target: str) -> None:
    answer = site.get(target)
    assert answer.status == 400, (target, answer)
    assert answer.body.startswith(b"400 Bad Request: "), answer.body
    assert answer.header("location") is None
    assert answer.header("content-type") == "text/plain; charset=utf-8"
    site.assert_serving()


@pytest.mark.parametrize("target", [
    "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/..%2fsecret.txt",
    "/docs/../../secret.txt", "/docs/%2e%2e/%2e%2e/secret.txt", "/./../secret.txt",
    "/docs/..%2F..%2Fsecret.txt", "/%2e%2e", "/..",
    # Symlinks from the site to outside it, and a FIFO that would block a reader.
    "/escape.txt", "/escape-folder/", "/escape-folder/index.html", "/escape-folder",
    "/pipe.txt",
    # A name too long for the file system, and a path too deep: no OSError escapes.
    "/" + "a" * (MAX_REQUEST_LINE - 20), "/a" * ((MAX_REQUEST_LINE - 20) // 2),
    "/" + "%41" * ((MAX_REQUEST_LINE - 20) // 3),
])
def test_nothing_outside_the_site_is_served(site: Site, target: str) -> None:
    answer = site.get(target)
    assert answer.status == 404, (target[:60], answer.status)
    assert SECRET not in answer.body
    assert answer.header("location") is None
    site.assert_serving()


def test_symlinks_inside_the_site_and_head_requests_still_work(site: Site) -> None:
    answer = site.get("/inner.css")
    assert (answer.status, answer.body) == (200, b"body { color: red }")
    assert answer.header("content-type") == "text/css; charset=utf-8"
    head = site.get("/docs/", method="HEAD")
    assert (head.status, head.body) == (200, b"")
    assert int(head.header("content-length") or 0) == len(site.get("/docs/").body)
    page = site.get("/docs/")
    assert b"/__statusgen/client.js" in page.body  # the reload script, as before


# --------------------------------------------------------------------------
# Oversized and malformed requests: a 4xx, and the server goes on
# --------------------------------------------------------------------------

def _request(target: str, headers: str = "") -> bytes:
    return f"GET {target} HTTP/1.1\r\nHost: localhost\r\n{headers}\r\n".encode("latin-1")


@pytest.mark.parametrize(("raw", "status"), [
    (_request("/" + "a" * (MAX_REQUEST_LINE - 14)), 404),  # the longest request line
    (_request("/" + "a" * (MAX_REQUEST_LINE - 13)), 414),  # one byte more
    (_request("/" + "a" * 60_000), 414),
    (_request("/" + "a" * 1_048_576), 414),
    (_request("/docs/?" + "q" * 100_000), 414),
    (b"GET /" + b"a" * 1_048_576, 414),  # no line end at all
    (_request("/", "X-A: b\r\n" * 99), 200),
    (_request("/", "X-A: b\r\n" * 200), 431),
    (_request("/", f"Cookie: {'c' * (MAX_HEADER_BYTES - 100)}\r\n"), 200),
    (_request("/", f"Cookie: {'c' * MAX_HEADER_BYTES}\r\n"), 431),
    (_request("/", f"Cookie: {'c' * 1_048_576}\r\n"), 431),
    (b"GET / HTTP/2.0\r\nHost: localhost\r\n\r\n", 505),
    (b"GET / HTTP/1.1x\r\nHost: localhost\r\n\r\n", 400),
    (b"GET /\r\nHost: localhost\r\n\r\n", 400),
    (b"GET / \r\nHost: localhost\r\n\r\n", 400),
    (b"GET  / HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
    (b"GET\t/ HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
    (b"GET /\xc3\xa9 HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
    (b"GET /\x00 HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
    (b"GET /a\rb HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
    (b"G(T / HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
    (b"\r\nGET / HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost localhost\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost : localhost\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost: localhost\r\n folded\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost: localhost\r\nX: a\x01b\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost: localhost\r\nX: a\rb\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost: local\x00host\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost: localhost\r\n", 400),  # closed before the empty line
    (b"GET / HTTP/1.1\nHost: localhost\n\n", 200),  # bare LF line ends are read
], ids=lambda value: str(value)[:40] if isinstance(value, bytes) else str(value))
def test_oversized_or_malformed_requests_get_a_4xx(site: Site, raw: bytes, status: int) -> None:
    answer = site.exchange(raw)
    assert answer.status == status, answer
    if status >= 400 and status != 404:  # a 404 is the site's page
        assert answer.body.startswith(f"{status} ".encode()), answer.body
        assert answer.header("connection") == "close"
    site.assert_serving()


def test_a_client_that_sends_everything_before_reading_gets_its_answer(site: Site) -> None:
    # Like curl: the whole request first, then the answer.  The server answers after 8 KiB;
    # had it closed with the rest unread, the reset would reach the client before the 414.
    # Small buffers, so that the megabyte cannot sit in the kernel's while the server closes.
    for _ in range(2):
        with socket.socket() as client:
            client.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
            client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
            client.settimeout(10)
            client.connect(("127.0.0.1", site.port))
            client.sendall(_request("/" + "a" * 1_048_576))
            answer = parse_answer(read_all(client))
        assert answer.status == 414, answer
    site.assert_serving()


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE",
                                    "CONNECT", "PROPFIND", "get", "Head", "BREW"])
def test_other_methods_get_405_with_allow(site: Site, method: str) -> None:
    for target in ("/", "/docs", "/__statusgen/state", "/__statusgen/events"):
        answer = site.get(target, method=method)
        assert answer.status == 405, (method, target, answer)
        assert answer.header("allow") == "GET, HEAD"
        assert answer.header("location") is None
    site.assert_serving()


# --------------------------------------------------------------------------
# Slow clients and many connections
# --------------------------------------------------------------------------

def test_a_stalled_client_does_not_hold_the_server(make_site: SiteFactory) -> None:
    site = make_site(head_timeout=2.0)
    with site.connect() as stalled, site.connect() as silent:
        stalled.sendall(b"GET / HTTP/1.1\r\nHost: loc")
        started = time.monotonic()
        site.assert_serving()
        # ... while both wait: the stalled one has no answer yet (asked, not timed, so a busy
        # machine cannot make it fail).
        assert select.select([stalled, silent], [], [], 0)[0] == []
        answer = parse_answer(read_all(stalled))
        assert answer.status == 408, answer
        assert read_all(silent) == b""  # never sent a byte: closed without an answer
        assert time.monotonic() - started < 5
    site.assert_serving()


def test_a_client_sending_a_byte_at_a_time_is_cut_off_at_the_deadline(
        make_site: SiteFactory) -> None:
    site = make_site(head_timeout=0.6)
    with site.connect() as drip:
        started = time.monotonic()
        drip.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        while not select.select([drip], [], [], 0.05)[0]:  # until the server answers
            drip.sendall(b"a")
            assert time.monotonic() - started < 10, "each byte restarted the clock"
        answer = parse_answer(read_all(drip))
        assert answer.status == 408, answer
    site.assert_serving()


def _request_threads() -> int:
    return sum("process_request_thread" in t.name for t in threading.enumerate())


def test_connections_are_bounded_and_the_rest_get_503(make_site: SiteFactory) -> None:
    site = make_site(max_connections=4, head_timeout=5.0)
    before = _request_threads()
    held = [site.connect() for _ in range(4)]
    try:
        for connection in held:
            connection.sendall(b"GET / HTTP/1.1\r\n")  # and nothing more
        eventually(lambda: _request_threads() - before == 4, "four connections taken")
        for _ in range(20):
            with site.connect() as connection:
                answer = parse_answer(read_all(connection))
            assert answer.status == 503, answer
            assert answer.body.startswith(b"503 Service Unavailable: too many connections")
            assert answer.header("retry-after") == "1"
            assert answer.header("x-content-type-options") == "nosniff"
        assert _request_threads() - before <= 4
    finally:
        for connection in held:
            connection.close()
    deadline = time.monotonic() + 5
    while True:  # the held slots come back once their clients go
        try:
            site.assert_serving()
            break
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


# --------------------------------------------------------------------------
# The event stream and the diagnostics follow the same rules, and still work
# --------------------------------------------------------------------------

def _open_stream(site: Site) -> socket.socket:
    connection = site.connect()
    connection.sendall(f"GET /__statusgen/events HTTP/1.1\r\nHost: {site.host}\r\n\r\n".encode())
    return connection


def _read_until(connection: socket.socket, marker: bytes) -> bytes:
    data = b""
    while marker not in data:
        chunk = connection.recv(4096)
        assert chunk, data
        data += chunk
    return data


def test_event_stream_and_state_work_and_streams_are_bounded(make_site: SiteFactory) -> None:
    site = make_site(max_connections=6)
    state = site.get("/__statusgen/state")
    assert (state.status, state.body) == (200, b'{"version": 0, "ok": true, "problems": []}')
    assert state.header("x-content-type-options") == "nosniff"
    only = site.get("/__statusgen/events", method="HEAD")  # headers only, then closed
    assert (only.status, only.header("content-type"), only.body) == (
        200, "text/event-stream", b"")
    streams = [_open_stream(site) for _ in range(3)]  # half of the six connections
    try:
        for stream in streams:
            head = _read_until(stream, b"data: 0\n\n")
            assert b"Content-Type: text/event-stream\r\n" in head
            assert b"X-Content-Type-Options: nosniff\r\n" in head
        site.hub.good(changed=True)
        for stream in streams:
            _read_until(stream, b"data: 1\n\n")
        refused = site.get("/__statusgen/events")
        assert refused.status == 503 and refused.header("retry-after") == "5", refused
        site.assert_serving()  # pages still load
        started = time.monotonic()
        site.close()  # a clean stop ends open streams at once
        assert time.monotonic() - started < 3
        for stream in streams:
            stream.settimeout(5)
            assert b"data:" not in read_all(stream)
    finally:
        for stream in streams:
            stream.close()


def test_a_failure_inside_the_server_is_a_500_and_one_line(
        make_site: SiteFactory, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site()

    def broken() -> object:
        raise RuntimeError("a bug in the preview")

    monkeypatch.setattr(site.hub, "snapshot", broken)
    answer = site.get("/")
    assert answer.status == 500, answer
    assert answer.body == b"500 Internal Server Error: the preview failed; the terminal says why\n"
    assert site.get("/style.css").status == 200  # what does not need the hub still works
    site.close()
    err = capsys.readouterr().err
    assert err == "statusgen serve: a request failed: RuntimeError: a bug in the preview\n"
