"""The rendered example site in a real browser and the Nu HTML Checker.

The site is written under a sub-path (``/status/``) of a local server, as on
GitHub Pages; screenshots go to ``artifacts/screenshots/site_*.png``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from statusgen.compute.notified import bells
from statusgen.pipeline import load_attachments
from statusgen.render import paths
from statusgen.render.pages import render_pages
from statusgen.render.report_paths import reports_page
from statusgen.render.reports import render_reports
from statusgen.source.tree import DiskSource
from tests.render.test_pages import API_LATENCY, DB_OUTAGE, ROOT, THEMES, snap_of
from tests.support.browser import (
    format_views_violations,
    run_axe,
    save_screenshot,
    serve_directory,
    views,
)
from tests.support.validators import format_vnu_messages, run_vnu

SUB_PATH = "status"
AUDITED = {
    "front": paths.INDEX,
    "incident": paths.incident_page(DB_OUTAGE),
    "history": paths.history_page(2026),
    "component": paths.component_page("platform"),
    "report": reports_page("2026-Q4"),
    "reports": reports_page(),
}
WIDTHS = (1280, 375)
SCHEMES = ("light", "dark")


def write_site(served: Path, *, internal: bool = False) -> Path:
    """The example site as the build writes it (pages, theme files, reliability reports,
    attachments), in ``served/status/``."""
    snap = snap_of(ROOT, internal=internal)
    if internal:  # every update's bell too, as a build with a send log shows them
        snap = replace(snap, bells={e.id: bells(e.incident, {}, snap.now, snap.config)
                                    for e in snap.entries})
    return place(served, {**render_pages(snap, THEMES), **render_reports(snap, THEMES),
                          **load_attachments(DiskSource(ROOT), snap)})


def place(served: Path, files: dict[str, bytes]) -> Path:
    """``files`` (output path → bytes) written in ``served/status/``, as a host serves them."""
    for name, data in files.items():
        path = served / SUB_PATH / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return served


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_site(tmp_path_factory.mktemp("served"))


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve_directory(site) as url:
        yield f"{url}/{SUB_PATH}/"


@pytest.fixture(scope="module")
def internal_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_site(tmp_path_factory.mktemp("internal"), internal=True)


@pytest.fixture(scope="module")
def internal_base_url(internal_site: Path) -> Iterator[str]:
    with serve_directory(internal_site) as url:
        yield f"{url}/{SUB_PATH}/"


def html_files(site: Path) -> list[Path]:
    return sorted((site / SUB_PATH).rglob("*.html"))


def address(base_url: str, output: str) -> str:
    return base_url + (output[: -len(paths.INDEX)] if output.endswith(paths.INDEX) else output)


@pytest.mark.validator
def test_the_nu_html_checker_finds_no_errors(site: Path, internal_site: Path) -> None:
    files = html_files(site) + html_files(internal_site)
    assert len(files) > 40
    errors = run_vnu(files)
    assert errors == [], format_vnu_messages(errors)


@pytest.mark.browser
@pytest.mark.parametrize("name", list(AUDITED))
def test_axe_finds_no_wcag_violations(page: Page, base_url: str, name: str) -> None:
    page.goto(address(base_url, AUDITED[name]))
    found = {}
    for width, scheme in views(page, WIDTHS, SCHEMES):
        dark = page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches")
        assert dark == (scheme == "dark")
        save_screenshot(page, f"site/{name}-{width}-{scheme}")
        found[f"{width}-{scheme}"] = run_axe(page)
    assert not any(found.values()), format_views_violations(found)


@pytest.mark.browser
@pytest.mark.parametrize("output", [paths.INDEX, paths.incident_page(API_LATENCY),
                                    paths.incident_page(DB_OUTAGE)])
def test_axe_passes_the_internal_build(page: Page, internal_base_url: str, output: str) -> None:
    page.goto(address(internal_base_url, output))
    assert page.get_by_text("This build shows internal incidents").is_visible()
    found = {}
    for _, scheme in views(page, [1280], SCHEMES, height=lambda width: 800):
        if output == paths.INDEX:
            save_screenshot(page, f"site/internal-front-1280-{scheme}")
        found[scheme] = run_axe(page)
    assert not any(found.values()), format_views_violations(found)


@pytest.mark.browser
def test_no_page_scrolls_sideways_at_320_px(page: Page, base_url: str, site: Path) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    wide = []
    for file in html_files(site):
        output = file.relative_to(site / SUB_PATH).as_posix()
        page.goto(address(base_url, output))
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            wide.append((output, overflow))
    page.goto(address(base_url, "404.html"))
    save_screenshot(page, "site/404-320-light")
    page.goto(base_url)
    save_screenshot(page, "site/front-320-light")
    assert wide == []


@pytest.mark.browser
def test_pages_load_everything_from_their_own_host(page: Page, base_url: str) -> None:
    requested: list[str] = []
    failed: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    for output in AUDITED.values():
        page.goto(address(base_url, output))
        page.wait_for_load_state("load")
    host = urlsplit(base_url).netloc
    assert requested and all(urlsplit(url).netloc == host for url in requested), requested
    assert failed == []
    image = page.goto(address(base_url, AUDITED["incident"]))
    assert image is not None
    assert page.evaluate("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    assert page.evaluate("() => document.images.length") == 1


@pytest.mark.browser
def test_the_site_works_from_files_on_disk(page: Page, site: Path) -> None:
    """Opened as files (a downloaded preview artifact), pages find their stylesheet and
    images, and links between pages open the pages, not folder listings."""
    root = site / SUB_PATH
    page.goto((root / paths.INDEX).as_uri())
    banner = page.locator(".banner")
    assert banner.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(188, 76, 0)"
    page.goto((root / AUDITED["incident"]).as_uri())
    assert page.locator("h1").inner_text() == "Database unavailable in the EU region"
    assert page.locator("main").evaluate("e => getComputedStyle(e).maxWidth") != "none"
    assert page.evaluate("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    page.get_by_role("link", name="Public API").first.click()
    assert page.url.endswith("/components/api/index.html")
    assert page.locator("h1").inner_text() == "Public API"
    page.get_by_role("link", name="History").first.click()
    assert page.url.endswith("/history/index.html")
    assert page.locator("h1").count() == 1


@pytest.mark.browser
def test_the_skip_link_appears_on_focus_and_focus_is_visible(page: Page, base_url: str) -> None:
    page.goto(base_url)
    skip = page.get_by_role("link", name="Skip to content")
    assert not skip.is_visible() or (skip.bounding_box() or {"x": -1.0})["x"] < 0
    page.keyboard.press("Tab")
    assert skip.evaluate("e => e === document.activeElement")
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0
    assert skip.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
    page.keyboard.press("Tab")
    brand = page.get_by_role("link", name="Acme Status")
    assert brand.evaluate("e => e === document.activeElement")
    assert brand.evaluate("e => parseFloat(getComputedStyle(e).outlineWidth)") >= 2
    save_screenshot(page, "site/front-focus", full_page=False)
