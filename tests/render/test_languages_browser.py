"""The example site in Arabic (right to left) and Japanese in a real browser and the Nu HTML
Checker; screenshots go to ``artifacts/screenshots/languages_*.png``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from statusgen.pipeline import load_attachments
from statusgen.render import paths
from statusgen.render.editions import Edition, localized
from statusgen.render.pages import render_pages
from statusgen.source.tree import DiskSource
from tests.render.test_pages import DB_OUTAGE, ROOT, THEMES, snap_of
from tests.render.test_site_browser import SCHEMES, SUB_PATH, address, place
from tests.support.browser import format_views_violations, run_axe, save_screenshot, serve_directory, views
from tests.support.validators import format_vnu_messages, run_vnu

AUDITED = {
    "front": paths.INDEX,
    "incident": paths.incident_page(DB_OUTAGE),
    "component": paths.component_page("platform"),
    "history": paths.history_page(2026),
}
WIDTHS = (1280, 375)


def write_site(served: Path, language: str) -> Path:
    """The example site in ``language`` alone, written as the build writes it."""
    snap = snap_of(ROOT)
    edition = Edition(language, "", (language,), snap.page.url)
    here = localized(snap, edition)
    return place(served, {**render_pages(here, THEMES, edition=edition),
                          **load_attachments(DiskSource(ROOT), snap)})


@pytest.fixture(scope="module")
def arabic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_site(tmp_path_factory.mktemp("ar"), "ar")


@pytest.fixture(scope="module")
def arabic_url(arabic: Path) -> Iterator[str]:
    with serve_directory(arabic) as url:
        yield f"{url}/{SUB_PATH}/"


@pytest.mark.validator
def test_the_nu_html_checker_finds_no_errors_in_the_arabic_and_japanese_sites(
        arabic: Path, tmp_path: Path) -> None:
    japanese = write_site(tmp_path, "ja")
    files = sorted((arabic / SUB_PATH).rglob("*.html")) + sorted((japanese / SUB_PATH).rglob("*.html"))
    assert len(files) > 40
    errors = run_vnu(files)
    assert errors == [], format_vnu_messages(errors)


@pytest.mark.browser
@pytest.mark.parametrize("name", list(AUDITED))
def test_axe_finds_no_violations_on_the_right_to_left_pages(page: Page, arabic_url: str, name: str) -> None:
    page.goto(address(arabic_url, AUDITED[name]))
    found = {}
    for width, scheme in views(page, WIDTHS, SCHEMES):
        save_screenshot(page, f"languages/ar-{name}-{width}-{scheme}")
        found[f"{width}-{scheme}"] = run_axe(page)
    assert not any(found.values()), format_views_violations(found)


@pytest.mark.browser
def test_the_right_to_left_layout_is_mirrored_and_the_bar_reads_oldest_first(
        page: Page, arabic_url: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(arabic_url)
    assert page.evaluate("() => getComputedStyle(document.body).direction") == "rtl"
    # The brand (first in the header) sits on the right, the navigation on the left.
    brand = page.locator(".brand").bounding_box()
    nav = page.locator(".site-header nav").first.bounding_box()
    assert brand is not None and nav is not None and brand["x"] > nav["x"]
    # The first run of a bar is its oldest day: on the right; "today" is on the left.
    runs = page.locator(".components .bar").first.locator("path")
    oldest, newest = runs.first.bounding_box(), runs.last.bounding_box()
    assert oldest is not None and newest is not None and oldest["x"] > newest["x"]
    axis = page.locator(".components .axis").first.locator("span")
    first, last = axis.first.bounding_box(), axis.last.bounding_box()
    assert first is not None and last is not None and first["x"] > last["x"]  # "90 days ago" right
    # A card's accent border is on its start side: the right.
    entry = page.locator(".entry").first
    assert entry.evaluate("e => getComputedStyle(e).borderRightWidth") == "5px"
    assert entry.evaluate("e => getComputedStyle(e).borderLeftWidth") != "5px"
