"""The relay in this process, on real sockets: what it accepts, what it refuses and how, and
what it forwards to a stand-in for GitHub."""

from __future__ import annotations

import hashlib
import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from statusgen.commands.cli import main
from statusgen.relay.app import RelayApp
from statusgen.relay.forward import ApiError, Dispatcher, Result, Sender, classify
from statusgen.relay.metrics import Metrics
from statusgen.relay.queue import DiskQueue
from statusgen.relay.server import RelayServer
from tests.helpers import COMPONENTS, eventually
from tests.ingest.support import fixture
from tests.ingest.test_create_api import DOCUMENTED, valid_answer
from tests.net.upstream import Server
from tests.relay.fake_github import REPOSITORY, TOKEN, FakeGitHub

RELAY_TOKEN = "relay-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {RELAY_TOKEN}"}


@dataclass
class Relay:
    server: RelayServer
    queue: DiskQueue
    sender: Sender
    github: FakeGitHub
    metrics: Metrics

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body, headers or {})
            answer = connection.getresponse()
            return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
        finally:
            connection.close()


@contextmanager
def running(folder: Path, head_timeout: float = 0.5) -> Iterator[Relay]:
    github = FakeGitHub()
    github.up()
    queue = DiskQueue(folder / "queue", limit=50)
    metrics = Metrics()
    server = RelayServer(("127.0.0.1", 0), RelayApp(queue, metrics, RELAY_TOKEN, body_timeout=0.5),
                         max_connections=4, head_timeout=head_timeout)
    sender = Sender(queue, Dispatcher(github.url, REPOSITORY, TOKEN), metrics, key_interval=0,
                    first_pause=0.05, max_pause=0.2)
    sender.start()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Relay(server, queue, sender, github, metrics)
    server.shutdown()
    server.server_close()
    sender.stopping.set()
    sender.join(5)
    github.down()


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[Relay]:
    with running(tmp_path) as started:
        yield started


def test_an_alert_is_forwarded_as_a_dispatch(relay: Relay) -> None:
    body = fixture("alertmanager-firing.json").read_bytes()
    status, headers, answer = relay.request("POST", "/hooks/alertmanager", body, AUTH)
    assert status == 202 and headers["content-type"] == "application/json"
    assert headers["x-content-type-options"] == "nosniff" and headers["connection"] == "close"
    reply = json.loads(answer)
    assert reply["status"] == "queued" and reply["merged"] is False
    [sent] = relay.github.wait_for(1)
    assert sent["event_type"] == "alert"
    payload = sent["client_payload"]
    assert set(payload) == {"kind", "payload", "request_id", "received"}
    assert payload["kind"] == "alertmanager" and payload["payload"] == json.loads(body)
    assert payload["request_id"] == reply["request_id"]
    # GitHub has answered; the relay drops the request from its queue just after.
    eventually(lambda: relay.queue.depth() == 0, "empty queue")


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token-0123456789ab", f"Basic {RELAY_TOKEN}",
                                           f"Bearer {RELAY_TOKEN}x", "Bearer"])
def test_without_the_token_nothing_is_queued(relay: Relay, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    status, answer_headers, answer = relay.request(
        "POST", "/hooks/alertmanager", fixture("alertmanager-firing.json").read_bytes(), headers)
    assert status == 401 and answer_headers["www-authenticate"] == "Bearer"
    assert answer == b"401 Unauthorized: send the relay's token as `Authorization: Bearer <token>`\n"
    assert relay.queue.depth() == 0 and relay.github.accepted == []


@pytest.mark.parametrize(("method", "path", "body", "status", "words"), [
    ("GET", "/hooks/alertmanager", None, 405, "use POST"),
    ("POST", "/hooks/nagios", b"{}", 404, "/hooks/<tool>"),
    ("POST", "/hooks/alertmanager", b"{\"version\": \"4\", \"groupKey\": \"g\", \"alerts\": [{\"status\": "
     b"\"firing\", \"labels\": {\"secret-host\": 1}}]}", 422, "must map names to text"),
    ("POST", "/hooks/alertmanager", b"{}", 422, "this is not an Alertmanager payload: "),
    ("POST", "/hooks/uptime-kuma", b"[]", 422, "this is not an Uptime Kuma payload: "),
    ("POST", "/hooks/grafana", b"not json", 422, "this is not a Grafana payload: it is not JSON"),
    ("POST", "/hooks/../healthz", None, 405, "use GET"),
])
def test_refusals_say_why_in_the_relays_words(relay: Relay, method: str, path: str, body: bytes | None,
                                            status: int, words: str) -> None:
    got, headers, answer = relay.request(method, path, body, AUTH)
    assert got == status and words in answer.decode()
    assert headers["content-type"] == "text/plain; charset=utf-8"
    assert b"secret-host" not in answer and "secret" not in json.dumps(headers)
    assert relay.queue.depth() == 0


def test_a_test_notification_is_answered_not_forwarded(relay: Relay) -> None:
    status, _, answer = relay.request("POST", "/hooks/uptime-kuma",
                                      b'{"heartbeat": null, "monitor": null, "msg": "Test"}', AUTH)
    assert status == 200 and json.loads(answer)["status"] == "ignored"
    assert relay.queue.depth() == 0


def raw(relay: Relay, data: bytes, *, pause: float = 0.0) -> bytes:
    """Send ``data`` on a fresh connection (after ``pause``), and read the whole answer."""
    with socket.create_connection(("127.0.0.1", relay.port), timeout=5) as connection:
        time.sleep(pause)
        if data:
            connection.sendall(data)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def test_bodies_are_read_only_within_the_limits(relay: Relay) -> None:
    head = f"POST /hooks/generic HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer {RELAY_TOKEN}\r\n"
    too_big = raw(relay, (head + f"Content-Length: {61 * 1024}\r\n\r\n").encode())
    assert too_big.startswith(b"HTTP/1.1 413 ") and b"60 KiB at most" in too_big
    chunked = raw(relay, (head + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n").encode())
    assert chunked.startswith(b"HTTP/1.1 411 ")
    missing = raw(relay, (head + "\r\n").encode())
    assert missing.startswith(b"HTTP/1.1 411 ")
    short = raw(relay, (head + "Content-Length: 100\r\n\r\n{\"key\":").encode())
    assert short.startswith(b"HTTP/1.1 408 ") and b"the body took more than 0.5 s" in short
    # The head and the body may come in one packet; the body is still read whole.
    body = b'{"key": "k", "status": "firing"}'
    whole = raw(relay, (head + f"Content-Length: {len(body)}\r\n\r\n").encode() + body)
    assert whole.startswith(b"HTTP/1.1 202 "), whole
    assert relay.github.wait_for(1)[0]["client_payload"]["payload"] == {"key": "k", "status": "firing"}


def test_heads_are_read_only_within_the_limits(relay: Relay) -> None:
    # HTTP/1.1 requires a Host header: the server refuses a request without one.
    assert raw(relay, b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: r\r\n\r\n").startswith(b"HTTP/1.1 414 ")
    slow = raw(relay, b"GET /healthz HTTP/1.1\r\nHost: r\r\n")
    assert slow.startswith(b"HTTP/1.1 408 ")
    assert raw(relay, b"", pause=0.6) == b""  # a silent connection is closed without an answer
    bad = raw(relay, b"GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n")
    assert bad.startswith(b"HTTP/1.1 400 ") and b"Bad Header" not in bad


def test_connections_beyond_the_limit_are_turned_away(tmp_path: Path) -> None:
    # Idle connections held for longer than any pause of a busy machine.
    with running(tmp_path, head_timeout=30) as relay:
        idle = [socket.create_connection(("127.0.0.1", relay.port)) for _ in range(4)]
        try:
            eventually(lambda: relay.server.connections() == 4, "four connections taken")
            answer = raw(relay, b"GET /healthz HTTP/1.1\r\nHost: r\r\n\r\n")
            assert answer.startswith(b"HTTP/1.1 503 ") and b"Retry-After: 1" in answer
        finally:
            for connection in idle:
                connection.close()
        # Their slots come back once the clients go.
        eventually(lambda: raw(relay, b"GET /healthz HTTP/1.1\r\nHost: r\r\n\r\n")
                   .startswith(b"HTTP/1.1 200 "), "answer once the idle connections closed")


def test_health_and_metrics(relay: Relay) -> None:
    relay.github.down()
    relay.request("POST", "/hooks/alertmanager", fixture("alertmanager-firing.json").read_bytes(), AUTH)
    relay.request("POST", "/hooks/alertmanager", b"{}", {})
    # The sender tries GitHub in its own thread, when it gets to it.
    eventually(lambda: relay.metrics.value("statusgen_relay_dispatches_total", result="retry"),
               "failed try to reach GitHub")
    status, _, body = relay.request("GET", "/healthz")
    health = json.loads(body)
    assert status == 200 and health["status"] == "ok" and health["queued"] == 1
    status, headers, body = relay.request("GET", "/metrics")
    text = body.decode()
    assert status == 200 and headers["content-type"].startswith("text/plain; version=0.0.4")
    assert 'statusgen_relay_requests_total{code="202",route="hooks/alertmanager"} 1' in text
    assert 'statusgen_relay_requests_total{code="401",route="hooks/alertmanager"} 1' in text
    assert "statusgen_relay_queue_depth 1" in text
    assert 'statusgen_relay_dispatches_total{result="retry"}' in text
    assert relay.request("HEAD", "/healthz")[2] == b""


def test_a_create_incident_request(relay: Relay) -> None:
    request = {"title": "Login errors", "status": "major", "description": "Some logins fail.",
               "components": ["auth"]}
    status, _, body = relay.request("POST", "/api/v2/incidents", json.dumps(request).encode(),
                                    {**AUTH, "Idempotency-Key": "deploy-4711"})
    answer = json.loads(body)
    assert status == 202 and answer["data"]["attributes"]["title"] == "Login errors"
    assert answer["data"]["attributes"]["components"] == [{"id": "auth", "level": "major_outage"}]
    assert answer["meta"] == {"request_id": "deploy-4711", "state": "queued"}
    [sent] = relay.github.wait_for(1)
    assert sent["event_type"] == "incident"
    assert sent["client_payload"]["request"] == request
    assert sent["client_payload"]["request_id"] == "deploy-4711"
    status, _, body = relay.request("POST", "/api/v2/incidents", b'{"title": "x", "status": "bad", '
                                    b'"description": "y"}', AUTH)
    assert status == 422 and json.loads(body) == {"errors": ["`status` must be minor or major"]}
    status, _, _ = relay.request("POST", "/api/v2/incidents", json.dumps(request).encode(),
                                 {**AUTH, "Idempotency-Key": "not ok"})
    assert status == 400


def test_without_a_config_the_documented_request_is_taken_and_its_service_unnamed(
        relay: Relay) -> None:
    status, _, body = relay.request("POST", "/api/v2/incidents", json.dumps(DOCUMENTED).encode(),
                                    {**AUTH, "Idempotency-Key": "k-1"})
    data = valid_answer(body.decode())["data"]
    assert status == 202 and data["id"].endswith("-api-response-times-elevated-"
                                                 + hashlib.sha256(b"k-1").hexdigest()[:6])
    assert (data["attributes"]["url"], data["attributes"]["service"]) == (None, None)
    assert data["attributes"]["service_id"] == 1234
    [sent] = relay.github.wait_for(1)
    assert sent["client_payload"]["id"] == data["id"]


def test_github_refusing_for_good_moves_the_request_aside(relay: Relay, tmp_path: Path) -> None:
    relay.github.answer = 422
    relay.request("POST", "/hooks/generic", b'{"key": "k", "status": "firing"}', AUTH)
    eventually(lambda: relay.queue.depth() == 0, "empty queue")
    assert len(list((tmp_path / "queue" / "dead").glob("*.json"))) == 1
    assert relay.metrics.value("statusgen_relay_dispatches_total", result="rejected") == 1


def test_a_full_queue_says_when_to_come_back(relay: Relay) -> None:
    relay.github.down()
    for n in range(50):
        assert relay.request("POST", "/hooks/generic", json.dumps({"key": f"k{n}", "status": "firing"})
                             .encode(), AUTH)[0] == 202
    status, headers, answer = relay.request("POST", "/hooks/generic", b'{"key": "k", "status": "firing"}',
                                            AUTH)
    assert status == 503 and headers["retry-after"] == "30" and b"queue is full" in answer


def test_a_queued_file_removed_by_hand_does_not_stop_the_sender(relay: Relay, tmp_path: Path) -> None:
    relay.github.down()
    relay.request("POST", "/hooks/generic", b'{"key": "gone", "status": "firing"}', AUTH)
    relay.request("POST", "/hooks/generic", b'{"key": "kept", "status": "firing"}', AUTH)
    first = min((tmp_path / "queue").glob("*.json"))
    first.unlink()
    relay.github.up()
    [sent] = relay.github.wait_for(1)
    assert sent["client_payload"]["payload"]["key"] == "kept" and relay.sender.is_alive()


@pytest.mark.parametrize(("status", "retry_after", "remaining", "result", "wait"), [
    (204, None, None, Result.SENT, None),
    (503, None, None, Result.RETRY, None),
    (429, "7", None, Result.RETRY, 7.0),
    (403, None, "0", Result.RETRY, None),
    (401, None, None, Result.RETRY, None),
    (422, None, None, Result.REJECTED, None),
    (404, None, None, Result.REJECTED, None),
])
def test_what_githubs_answers_mean(status: int, retry_after: str | None, remaining: str | None,
                                   result: Result, wait: float | None) -> None:
    attempt = classify(status, retry_after, remaining)
    assert (attempt.result, attempt.wait) == (result, wait)


def test_the_token_never_follows_a_redirect_to_another_origin() -> None:
    elsewhere = Server(lambda request: (204, {}, b""))
    github = Server(lambda request: (307, {"Location": f"{elsewhere.url}{request.path}"}, b""))
    try:
        attempt = Dispatcher(github.url, REPOSITORY, TOKEN).send(b'{"event_type": "alert"}')
    finally:
        github.close()
        elsewhere.close()
    assert attempt.result is Result.RETRY and "another origin" in attempt.why
    assert github.seen == [(f"/repos/{REPOSITORY}/dispatches", f"Bearer {TOKEN}")]
    assert elsewhere.requests == []


@pytest.mark.parametrize("url", ["http://api.github.com", "ftp://127.0.0.1",
                                 "https://user@api.github.com", "https://api.github.com/?x=1"])
def test_the_token_goes_only_to_https_or_this_machine(url: str) -> None:
    with pytest.raises(ApiError):
        Dispatcher(url, REPOSITORY, TOKEN)
    with pytest.raises(ApiError):
        Dispatcher("https://api.github.com", "acme/status/extra", TOKEN)


def test_an_alert_whose_start_cannot_be_shown_is_left_out_alone(relay: Relay) -> None:
    body = json.loads(fixture("alertmanager-firing.json").read_bytes())
    body["alerts"][0]["startsAt"] = "9999-12-31T23:59:59-23:59"
    status, _, answer = relay.request("POST", "/hooks/alertmanager", json.dumps(body).encode(), AUTH)
    assert status == 202
    [note] = json.loads(answer)["notes"]
    assert note.startswith("an alert was left out: `alerts[0].startsAt` is outside the times")
    assert "9999" not in note  # the relay never repeats what a request holds
    body["alerts"][1]["startsAt"] = "9999-12-31T23:59:59-23:59"
    status, _, answer = relay.request("POST", "/hooks/alertmanager", json.dumps(body).encode(), AUTH)
    assert status == 422 and b"startsAt" in answer
    relay.github.wait_for(1)


def test_a_config_whose_services_name_no_component_stops_the_start(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "components.yml"
    config.write_text(COMPONENTS + "api:\n  services: {1234: apy}\n", encoding="utf-8")
    monkeypatch.setenv("STATUSGEN_RELAY_TOKEN", RELAY_TOKEN)
    monkeypatch.setenv("STATUSGEN_GITHUB_TOKEN", TOKEN)
    code = main(["relay", "--repository", REPOSITORY, "--listen", "127.0.0.1:0", "--queue",
                 str(tmp_path / "queue"), "--config", str(config)])
    err = capsys.readouterr().err
    assert code == 2 and "service 1234 names no component of components.yml: `apy`" in err
    assert f"{config}:" in err and "listening" not in err


def test_a_failure_is_answered_500_and_logged_in_one_line(
        relay: Relay, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(key: str, data: bytes) -> tuple[int, bool]:
        raise RuntimeError("the disk of secret-host failed")

    monkeypatch.setattr(relay.queue, "put", broken)
    status, _, answer = relay.request("POST", "/hooks/generic", b'{"key": "k", "status": "firing"}', AUTH)
    assert (status, answer) == (500, b"500 Internal Server Error: the relay failed; its log says why\n")
    assert relay.metrics.value("statusgen_relay_requests_total", route="hooks/generic", code="500") == 1
    err = capsys.readouterr().err
    assert "statusgen relay: a request failed: RuntimeError" in err
    assert "Traceback" not in err and "secret-host" not in err
