"""Upstream components read from a fake provider on 127.0.0.1: real Statuspage documents, then
the provider gone, slow, huge or answering HTML; the last known status kept and dated."""

from __future__ import annotations

import json
import textwrap
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from statusgen import model as m
from statusgen.commands.cli import main
from statusgen.net.client import Client
from statusgen.net.policy import Policy
from statusgen.pipeline import build
from statusgen.source.load import load
from statusgen.source.tree import DiskSource
from statusgen.upstream.fetch import read_upstreams
from tests.conftest import StatusRepo
from tests.helpers import COMPONENTS, NOW
from tests.net.upstream import Body, Server


def dedent(text: str, indent: str) -> str:
    return textwrap.indent(textwrap.dedent(text), indent)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GITHUB = (FIXTURES / "statuspage" / "github-summary.json").read_bytes()
INSTATUS = {"/summary.json": (FIXTURES / "instatus" / "summary.json").read_bytes(),
            "/v2/components.json": (FIXTURES / "instatus" / "components.json").read_bytes()}
JSON = {"Content-Type": "application/json"}


class Provider:
    """A fake provider whose answer the test changes: ``mode`` ok, html, huge, slow, 503."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.server = Server(self.answer)

    def answer(self, request: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], Body]:
        if self.mode == "html":
            return 200, {"Content-Type": "text/html"}, b"<!doctype html><title>Sign in</title>"
        if self.mode == "huge":
            return 200, JSON, (b" " * 65536 for _ in range(200))
        if self.mode == "slow":
            return 200, JSON, _slowly()
        if self.mode == "503":
            return 503, JSON, b"{}"
        if request.path == "/github/api/v2/summary.json":
            return 200, JSON, GITHUB
        found = INSTATUS.get(request.path.removeprefix("/cloud"))
        return (200, JSON, found) if found else (404, JSON, b"{}")


def _slowly() -> Iterator[bytes]:
    yield b"{"
    time.sleep(3)
    yield b"}"


@pytest.fixture
def provider() -> Iterator[Provider]:
    found = Provider()
    yield found
    found.server.close()


def repo(status_repo: StatusRepo, url: str) -> Path:
    return status_repo({"components.yml": COMPONENTS + dedent(f"""\
          - id: actions
            name: CI
            upstream: {{statuspage: {url}/github, component: Actions}}
          - id: packages
            name: Packages
            upstream: {{statuspage: {url}/github, component: packages}}
          - id: github
            name: GitHub
            upstream: {{statuspage: {url}/github}}
          - id: compute
            name: Compute
            upstream: {{instatus: {url}/cloud, component: eu-west, name: Cloud}}
          - id: cloud
            name: Cloud
            upstream: {{instatus: {url}/cloud}}
        """, "  ")})


def config(root: Path) -> m.Config:
    loaded = load(DiskSource(root))
    assert loaded.repository is not None, loaded.diagnostics
    return loaded.repository.config


def quick() -> Client:
    return Client(timeout=1.0, policy=Policy(tries=1))


def test_real_statuspage_and_instatus_documents_give_levels_and_providers(
        status_repo: StatusRepo, provider: Provider) -> None:
    root = repo(status_repo, provider.server.url)
    read = read_upstreams(root, config(root), NOW, quick())
    assert read.warnings == ()
    assert {k: (r.level, r.provider, r.stale) for k, r in read.readings.items()} == {
        "actions": (m.Level.OPERATIONAL, "GitHub", False),
        "packages": (m.Level.PARTIAL_OUTAGE, "GitHub", False),  # names match in any case
        "github": (m.Level.DEGRADED_PERFORMANCE, "GitHub", False),  # indicator minor
        "compute": (m.Level.PARTIAL_OUTAGE, "Cloud", False),  # a group's child
        "cloud": (m.Level.PARTIAL_OUTAGE, "Example Cloud", False),  # the active incident's impact
    }
    # One request per document, however many components read it.
    assert sorted(p for p, _ in provider.server.seen) == [
        "/cloud/summary.json", "/cloud/v2/components.json", "/github/api/v2/summary.json"]


@pytest.mark.parametrize("mode", ["gone", "html", "huge", "slow", "503"])
def test_an_unreadable_provider_keeps_the_last_known_status_dated(
        status_repo: StatusRepo, provider: Provider, mode: str) -> None:
    root = repo(status_repo, provider.server.url)
    read_upstreams(root, config(root), NOW, quick())
    later = NOW + timedelta(hours=2)
    if mode == "gone":
        provider.server.close()
    provider.mode = mode
    started = time.monotonic()
    read = read_upstreams(root, config(root), later, quick())
    assert time.monotonic() - started < 8
    packages = read.readings["packages"]
    assert (packages.level, packages.read_at, packages.stale) == (m.Level.PARTIAL_OUTAGE, NOW, True)
    assert {d.code for d in read.warnings} == {"upstream-unread"}
    assert len(read.warnings) == 5
    warning = next(d for d in read.warnings if "`packages`" in d.message)
    assert warning.location.path == "components.yml"
    assert NOW.isoformat() in warning.message
    assert "http://127.0.0.1" in warning.message and "summary.json" in warning.message


def test_a_provider_never_read_is_operational_and_the_build_still_succeeds(
        status_repo: StatusRepo, provider: Provider, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = repo(status_repo, provider.server.url)
    provider.mode = "html"
    assert main(["build", "--root", str(root), "--out", str(tmp_path / "site"),
                 "--now", NOW.isoformat()]) == 0
    err = capsys.readouterr()
    assert "upstream-unread" in err.out + err.err
    assert "did not send JSON but text/html" in err.out + err.err
    components = json.loads((tmp_path / "site/api/v2/components.json").read_bytes())
    assert {c["id"]: c["status"] for c in components["components"]}["packages"] == "operational"


def test_the_page_shows_the_providers_level_and_whose_it_is(
        status_repo: StatusRepo, provider: Provider, tmp_path: Path) -> None:
    root = repo(status_repo, provider.server.url)
    assert main(["build", "--root", str(root), "--out", str(tmp_path / "site"),
                 "--now", NOW.isoformat()]) == 0
    index = (tmp_path / "site/index.html").read_text()
    assert "Status from GitHub" in index and "Status from Example Cloud" in index
    components = json.loads((tmp_path / "site/api/v2/components.json").read_bytes())
    assert {c["id"]: c["status"] for c in components["components"]}["packages"] == "partial_outage"
    kept = json.loads((root / ".statusgen-cache/upstream.json").read_bytes())
    assert len(kept["readings"]) == 5

    provider.server.close()
    later = NOW + timedelta(hours=3)
    result = build(root, tmp_path / "later", later, upstream=lambda c: (
        (r := read_upstreams(root, c, later, quick())).readings, r.warnings))
    assert result.ok and {d.code for d in result.diagnostics} == {"upstream-unread"}
    page = (tmp_path / "later/components/packages/index.html").read_text()
    assert "Status from GitHub as last read at" in page and "22 Nov 2026" in page
    assert "partial_outage" in (tmp_path / "later/api/v2/components.json").read_text()


@pytest.mark.parametrize(("written", "message"), [
    ("{component: Actions}", "upstream names no status page"),
    ("{statuspage: https://a.example, instatus: https://b.example}", "both"),
    ("{statuspage: ftp://a.example}", "is not an absolute http(s) URL"),
    ("{statuspage: https://a.example, colour: red}", "unknown key `colour`"),
])
def test_a_wrong_upstream_is_an_error_at_its_place(status_repo: StatusRepo, written: str,
                                                     message: str) -> None:
    root = status_repo({"components.yml": COMPONENTS + dedent(f"""\
          - id: ci
            name: CI
            upstream: {written}
        """, "  ")})
    loaded = load(DiskSource(root))
    found = [d for d in loaded.diagnostics if message in d.message]
    assert found and found[0].location.path == "components.yml" and found[0].location.line == 16


def test_an_upstream_on_a_group_is_an_error(status_repo: StatusRepo) -> None:
    from tests.helpers import validate
    root = status_repo({"components.yml": COMPONENTS.replace(
        "    name: Platform\n", "    name: Platform\n    upstream: {statuspage: https://a.example}\n")})
    assert [(d.code, d.location.line) for d in validate(root)] == [("upstream", 9)]


@pytest.mark.parametrize("kept", [b"", b"[]", b'{"readings": []}', b'{"readings": {"x": 1}}',
                                  b'{"readings": {"x": {"level": "bad", "provider": "p", '
                                  b'"read_at": "2026-11-22T08:00:00Z"}}}', b"\xff"])
def test_a_damaged_kept_file_is_read_as_empty(tmp_path: Path, kept: bytes) -> None:
    from statusgen.upstream.fetch import load_kept
    (tmp_path / "upstream.json").write_bytes(kept)
    assert load_kept(tmp_path / "upstream.json") == {}
