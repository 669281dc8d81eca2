"""The status widget in Chromium: ``embed.js`` included by a page of another origin (two
servers on 127.0.0.1, different ports), the status site served with the headers its
``_headers`` file asks for, as Netlify and Cloudflare Pages do."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from statusgen.commands.cli import main
from statusgen.render import paths
from statusgen.render.meta import matches
from tests.helpers import COMPONENTS, INCIDENT
from tests.support.browser import format_axe_violations, run_axe

pytestmark = pytest.mark.browser

INCIDENT_ID = "2026-11-22-api-errors"
MAINTENANCE = """\
---
kind: maintenance
title: Queue upgrade
window:
  start: 2026-11-22T08:30:00Z
  end: 2026-11-22T10:00:00Z
components: [queue]
updates:
  - at: 2026-11-22T08:30:00Z
    status: in_progress
    message: Messages wait a few seconds longer.
---
"""
RESOLVED = """\
  - at: 2026-11-22T08:50:00Z
    status: resolved
    message: Fixed.
"""


def header_rules(site: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    """The blocks of ``site/_headers``: a URL pattern and its headers."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    listed = site / "_headers"
    for line in (listed.read_text() if listed.is_file() else "").splitlines():
        if line.startswith("  ") and rules:
            name, _, value = line.strip().partition(": ")
            rules[-1][1].append((name, value))
        elif line and not line.startswith("#"):
            rules.append((line, []))
    return rules


class _Handler(SimpleHTTPRequestHandler):
    def send_head(self) -> Any:
        # The stdlib answers 304 while a file's mtime, to the second, is not after the
        # request's If-Modified-Since: a rebuild in the same second as the build before it
        # would look unchanged to the banner's revalidating fetch. Hosts compare content
        # (ETag), so a changed file is always sent again; here every file is.
        del self.headers["If-Modified-Since"]
        return super().send_head()

    def end_headers(self) -> None:
        path = urlsplit(self.path).path
        for pattern, headers in header_rules(Path(self.directory)):
            if matches(pattern, path):
                for name, value in headers:
                    if name != "Content-Type":
                        self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def build(root: Path, out: Path) -> None:
    assert main(["build", "--root", str(root), "--out", str(out), "--now", "2026-11-22T09:00:00Z",
                 "--no-cache", "--jobs", "1"]) == 0


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Path, Path, str, str]]:
    """A status repository with an open incident and a maintenance under way, built and
    served; and a shop's page on another origin that includes the widget."""
    root = tmp_path / "repo"
    (root / "incidents").mkdir(parents=True)
    (root / "components.yml").write_text(COMPONENTS.replace(
        "  url: https://status.test.example/\n",
        "  url: https://status.test.example/\n  languages: [en, de]\n"))
    (root / "incidents" / f"{INCIDENT_ID}.md").write_text(INCIDENT)
    (root / "incidents" / "2026-11-22-queue-upgrade.md").write_text(MAINTENANCE)
    out = tmp_path / "site"
    build(root, out)
    shop = tmp_path / "shop"
    shop.mkdir()
    with serving(out) as status_url, serving(shop) as shop_url:
        for lang in ("en", "de-AT"):
            (shop / f"{lang}.html").write_text(
                f'<!doctype html><html lang="{lang}"><head><title>Shop</title></head><body><main>'
                f'<h1>Shop</h1><script src="{status_url}/embed.js" async></script></main></body></html>')
        # A strict policy: nothing inline, scripts and reads from the status site only.
        (shop / "_headers").write_text(
            "/csp.html\n  Content-Security-Policy: default-src 'none'; "
            f"script-src {status_url}; connect-src {status_url}\n")
        (shop / "csp.html").write_text((shop / "en.html").read_text())
        (shop / "frame.html").write_text(
            f'<!doctype html><html lang="en"><head><title>Shop</title></head><body><main><h1>Shop</h1>'
            f'<iframe src="{status_url}/embed/index.html" title="Service status"></iframe></main>'
            '</body></html>')
        yield root, out, status_url, shop_url


def banner_shown(page: Page) -> None:
    page.wait_for_selector("[data-statusgen] section")


def test_the_banner_shows_what_is_under_way_and_goes_once_resolved(
        page: Page, site: tuple[Path, Path, str, str]) -> None:
    root, out, status_url, shop_url = site
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{shop_url}/en.html")
    banner_shown(page)
    box = page.locator("[data-statusgen] section")
    assert box.get_attribute("aria-label") == "Current status"
    rows = box.locator("li")
    assert rows.all_inner_texts() == ["Incident API errors Minor impact", "Maintenance Queue upgrade"]
    link = rows.first.locator("a")
    assert link.get_attribute("href") == f"{status_url}/{paths.incident_page(INCIDENT_ID)}"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.shadowRoot.activeElement.textContent") == "API errors"
    violations = run_axe(page, context="[data-statusgen]")
    assert not violations, format_axe_violations(violations)
    # Nothing asked of any host but the two: the shop's page, and the status site's script
    # and summary.
    assert requested == [f"{shop_url}/en.html", f"{status_url}/embed.js",
                         f"{status_url}/api/v2/summary.json"]

    resolved = INCIDENT.replace("updates:\n", "updates:\n" + RESOLVED)
    (root / "incidents" / f"{INCIDENT_ID}.md").write_text(resolved)
    (root / "incidents" / "2026-11-22-queue-upgrade.md").unlink()
    build(root, out)
    page.reload()
    page.wait_for_selector("script[data-statusgen-active='0']", state="attached")
    assert page.locator("[data-statusgen]").count() == 0


def test_the_banner_speaks_the_pages_language(page: Page, site: tuple[Path, Path, str, str]) -> None:
    _, _, status_url, shop_url = site
    page.goto(f"{shop_url}/de-AT.html")
    banner_shown(page)
    box = page.locator("[data-statusgen] section")
    assert box.get_attribute("aria-label") == "Aktueller Status"
    assert box.locator("li").first.inner_text().startswith("Störung API errors")
    # The German edition's page of the incident.
    assert box.locator("a").first.get_attribute("href") == \
        f"{status_url}/de/{paths.incident_page(INCIDENT_ID)}"


def test_the_banner_follows_the_readers_scheme_and_motion(
        page: Page, site: tuple[Path, Path, str, str]) -> None:
    _, _, _, shop_url = site
    looks = []
    for dark in (False, True):
        page.emulate_media(color_scheme="dark" if dark else "light",
                           reduced_motion="reduce" if dark else "no-preference")
        page.goto(f"{shop_url}/en.html")
        banner_shown(page)
        violations = run_axe(page, context="[data-statusgen]")
        assert not violations, format_axe_violations(violations)
        looks.append(page.evaluate("""() => {
            const box = document.querySelector("[data-statusgen]").shadowRoot.querySelector("section");
            return [getComputedStyle(box).backgroundColor, getComputedStyle(box).animationName];
        }"""))
    assert looks == [["rgb(255, 255, 255)", "in"], ["rgb(22, 27, 34)", "none"]]


def test_the_page_for_an_iframe(page: Page, site: tuple[Path, Path, str, str]) -> None:
    _, _, _, shop_url = site
    page.goto(f"{shop_url}/frame.html")
    frame = page.frame_locator("iframe")
    assert frame.locator("[data-statusgen] li").first.inner_text() == "Incident API errors Minor impact"


def test_a_strict_content_security_policy_keeps_the_banner_as_drawn(
        page: Page, site: tuple[Path, Path, str, str]) -> None:
    _, _, _, shop_url = site
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
    answer = page.goto(f"{shop_url}/csp.html")
    assert answer is not None and "default-src 'none'" in answer.headers["content-security-policy"]
    banner_shown(page)
    border = page.evaluate("""() => getComputedStyle(document.querySelector("[data-statusgen]")
        .shadowRoot.querySelector("li")).borderInlineStartWidth""")
    assert border != "0px" and refused == []
