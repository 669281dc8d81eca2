"""The URL and manage-API modes against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from statusgen.importers.http import Fetcher, FetchError
from statusgen.importers.sources import MANAGE_API_ENV
from tests.importers.support import GITHUB, errors, run
from tests.net.upstream import Handler, Server, upstreams


@pytest.fixture
def serve() -> Iterator[Callable[[Handler], Server]]:
    yield from upstreams()


def _json(doc: Any) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "application/json"}, json.dumps(doc).encode()


SOURCE = json.loads(GITHUB.read_text(encoding="utf-8"))


def public(request: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
    name = request.path.rsplit("/", 1)[-1]
    if name == "components.json":
        return _json({"page": SOURCE["page"], "components": SOURCE["components"]})
    if name == "incidents.json":
        return _json({"page": SOURCE["page"], "incidents": SOURCE["incidents"]})
    return _json({"page": SOURCE["page"], "scheduled_maintenances": []})


def test_a_public_page_is_read_from_its_api_and_its_limit_said(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], serve: Callable[[Handler], Server]) -> None:
    server = serve(public)
    code, out, _ = run(capsys, "statuspage", server.url, "--root", str(tmp_path))
    assert code == 0
    assert "only the newest 50 incidents" in out
    assert sorted(path for path, _ in server.seen) == [
        "/api/v2/components.json", "/api/v2/incidents.json", "/api/v2/scheduled-maintenances.json"]
    assert errors(tmp_path) == []


def _manage(pages: list[list[dict[str, Any]]], flaky: dict[str, list[int]]) -> Handler:
    """The manage API: the page, its components, incidents in ``pages``; ``flaky`` maps a path
    to the statuses to answer before the real answer."""
    def answer(request: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        if request.headers.get("Authorization") != "OAuth s3cret-key":
            return 401, {}, b'{"error": "unauthorized"}'
        path, _, query = request.path.partition("?")
        queued = flaky.get(path)
        if queued:
            status = queued.pop(0)
            return status, {"Retry-After": "1"} if status == 429 else {}, b"{}"
        if path.endswith("/components"):
            return _json(SOURCE["components"])
        if path.endswith("/incidents"):
            number = int(dict(p.split("=") for p in query.split("&"))["page"])
            return _json(pages[number - 1] if number <= len(pages) else [])
        return _json({"id": "kctbh9vrtdwd", "name": "GitHub", "domain": "www.githubstatus.com",
                      "time_zone": "Etc/UTC"})
    return answer


def _incident(number: int) -> dict[str, Any]:
    incident: dict[str, Any] = json.loads(json.dumps(SOURCE["incidents"][0]))
    incident.update(id=f"inc{number:05d}", name=f"Incident {number}", status="resolved")
    day = f"2022-{1 + number // 28:02d}-{1 + number % 28:02d}"
    for index, update in enumerate(incident["incident_updates"]):
        update["display_at"] = f"{day}T1{9 - index}:00:00.000Z"
    incident["incident_updates"][0]["status"] = "resolved"
    return incident


@pytest.mark.slow
def test_the_manage_api_is_read_page_by_page_through_429_and_500(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], serve: Callable[[Handler], Server],
        monkeypatch: pytest.MonkeyPatch) -> None:
    pages = [[_incident(n) for n in range(100)], [_incident(n) for n in range(100, 130)]]
    server = serve(_manage(pages, {"/v1/pages/kctbh9vrtdwd/incidents": [429, 500]}))
    monkeypatch.setenv(MANAGE_API_ENV, server.url)
    monkeypatch.setenv("SP_KEY", "s3cret-key")
    started = time.monotonic()
    code, out, err = run(capsys, "statuspage", "--api-key-env", "SP_KEY", "--page-id",
                         "kctbh9vrtdwd", "--root", str(tmp_path))
    assert code == 0, err
    assert time.monotonic() - started >= 1.0  # the Retry-After was honoured
    assert "130 entries read: 130 new" in out
    incident_pages = [p for p, _ in server.seen if "/incidents" in p]
    assert incident_pages == ["/v1/pages/kctbh9vrtdwd/incidents?page=1&per_page=100"] * 3 + \
        ["/v1/pages/kctbh9vrtdwd/incidents?page=2&per_page=100"]
    assert {auth for _, auth in server.seen} == {"OAuth s3cret-key"}
    assert "s3cret-key" not in out + err
    assert errors(tmp_path) == []
    assert "url: https://www.githubstatus.com/" in (tmp_path / "components.yml").read_text()


def test_a_wrong_key_is_a_clear_error_and_nothing_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], serve: Callable[[Handler], Server],
        monkeypatch: pytest.MonkeyPatch) -> None:
    server = serve(_manage([], {}))
    monkeypatch.setenv(MANAGE_API_ENV, server.url)
    monkeypatch.setenv("SP_KEY", "wrong-key")
    code, out, err = run(capsys, "statuspage", "--api-key-env", "SP_KEY", "--page-id",
                         "kctbh9vrtdwd", "--root", str(tmp_path))
    assert code == 1
    assert "HTTP 401" in err and "check the API key" in err
    assert "wrong-key" not in out + err
    assert list(tmp_path.iterdir()) == []


def test_a_malformed_answer_is_a_clear_error_and_nothing_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], serve: Callable[[Handler], Server]) -> None:
    server = serve(lambda request: (200, {}, b'{"page": {"name": "GitHub"}, "incidents": [tru'))
    code, _, err = run(capsys, "statuspage", server.url, "--root", str(tmp_path))
    assert code == 1
    assert "did not send JSON" in err and "nothing was written" in err
    assert list(tmp_path.iterdir()) == []


def test_a_server_that_never_answers_times_out(serve: Callable[[Handler], Server]) -> None:
    def slow(request: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        time.sleep(1)
        return _json({})
    server = serve(slow)
    pauses: list[float] = []
    fetcher = Fetcher(timeout=0.2, tries=2, backoff=0.1, sleep=pauses.append)
    started = time.monotonic()
    with pytest.raises(FetchError, match="could not be read after 2 tries"):
        fetcher.json(f"{server.url}/api/v2/incidents.json")
    assert time.monotonic() - started < 1.5
    assert len(pauses) == 1 and 0.075 <= pauses[0] <= 0.1  # the backoff, less its jitter


def test_5xx_is_retried_with_a_growing_pause_then_given_up(serve: Callable[[Handler], Server]) -> None:
    server = serve(lambda request: (503, {}, b"busy"))
    pauses: list[float] = []
    with pytest.raises(FetchError, match="HTTP 503"):
        Fetcher(tries=3, backoff=0.5, sleep=pauses.append).json(f"{server.url}/x?token=abc")
    assert all(0.75 * base <= p <= base for p, base in zip(pauses, [0.5, 1.0], strict=True))
    assert len(server.seen) == 3


def test_the_api_key_never_follows_a_redirect_to_another_origin(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], serve: Callable[[Handler], Server],
        monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = serve(lambda request: _json({}))
    server = serve(lambda request: (302, {"Location": f"{elsewhere.url}{request.path}"}, b""))
    monkeypatch.setenv(MANAGE_API_ENV, server.url)
    monkeypatch.setenv("SP_KEY", "s3cret-key")
    code, out, err = run(capsys, "statuspage", "--api-key-env", "SP_KEY", "--page-id",
                         "kctbh9vrtdwd", "--root", str(tmp_path))
    assert code == 1 and "another origin" in err and "nothing was written" in err
    assert elsewhere.requests == [] and "s3cret-key" not in out + err
    assert list(tmp_path.iterdir()) == []


def test_the_api_key_is_never_sent_over_plain_http(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MANAGE_API_ENV, "http://statuspage-proxy.example")
    monkeypatch.setenv("SP_KEY", "s3cret-key")
    code, _, err = run(capsys, "statuspage", "--api-key-env", "SP_KEY", "--page-id",
                       "kctbh9vrtdwd", "--root", str(tmp_path))
    assert code == 1 and "plain http" in err and "use https://" in err
    assert "http://statuspage-proxy.example/v1/pages/kctbh9vrtdwd" in err
