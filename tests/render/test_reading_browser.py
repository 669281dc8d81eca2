"""The pages as readers on a phone and a desktop see them, in English and Arabic (right to
left, with a language switch): no page scrolls sideways, an incident's updates start on the
first screen, no column of a report is hidden, durations never split, and axe passes.
Screenshots go to ``artifacts/screenshots/reading_*.png``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from statusgen.render import paths
from statusgen.render.editions import Edition, localized
from statusgen.render.pages import render_pages
from statusgen.render.report_paths import reports_page
from statusgen.render.reports import render_reports
from tests.render.test_pages import DB_OUTAGE, ROOT, THEMES, snap_of
from tests.render.test_site_browser import SCHEMES, SUB_PATH, address, place, write_site
from tests.support.browser import format_views_violations, run_axe, save_screenshot, serve_directory, views

WIDTHS = (320, 375, 1280)
HEIGHTS = {320: 640, 375: 740, 1280: 900}
INCIDENT = paths.incident_page(DB_OUTAGE)
PAGES = [("en", "incident", INCIDENT), ("en", "history", paths.history_page(2026)),
         ("en", "report", reports_page("2026-Q4")), ("ar", "incident", INCIDENT),
         ("ar", "history", paths.history_page(2026)), ("ar", "report", reports_page("2026-Q4"))]


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The English site, and an Arabic edition that switches to English."""
    english = write_site(tmp_path_factory.mktemp("en"))
    snap = snap_of(ROOT)
    edition = Edition("ar", "", ("ar", "en"), snap.page.url)
    here = localized(snap, edition)
    arabic = place(tmp_path_factory.mktemp("ar"), {**render_pages(here, THEMES, edition=edition),
                                                   **render_reports(here, THEMES, edition=edition)})
    with serve_directory(english) as en, serve_directory(arabic) as ar:
        yield {"en": f"{en}/{SUB_PATH}/", "ar": f"{ar}/{SUB_PATH}/"}


def open_page(page: Page, url: str, width: int, scheme: str = "light") -> None:
    page.set_viewport_size({"width": width, "height": HEIGHTS[width]})
    page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
    page.goto(url)


@pytest.mark.browser
@pytest.mark.parametrize(("language", "name", "output"), PAGES)
def test_pages_fit_the_screen_and_pass_axe(page: Page, sites: dict[str, str], language: str, name: str,
                                           output: str) -> None:
    page.goto(address(sites[language], output))
    wrong: dict[str, object] = {}
    found = {}
    for width, scheme in views(page, WIDTHS, SCHEMES, height=HEIGHTS.__getitem__):
        view = f"{width}-{scheme}"
        save_screenshot(page, f"reading/{language}-{name}-{view}")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
        # "1 h 3 min" on one line wherever a duration is shown (a right-to-left duration is
        # several boxes on one line: its digits run left to right).
        split = page.evaluate("() => [...document.querySelectorAll('.dur')].filter(e =>"
                              " new Set([...e.getClientRects()].map(r => Math.round(r.top))).size > 1)"
                              ".map(e => e.textContent)")
        if overflow > 0 or split:
            wrong[view] = {"scrolls sideways by": overflow, "split durations": split}
        found[view] = run_axe(page)
    assert wrong == {}
    assert not any(found.values()), format_views_violations(found)


@pytest.mark.browser
@pytest.mark.parametrize(("width", "screens"), [(1280, 1.0), (375, 1.5), (320, 1.5)])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_updates_start_on_the_first_screen(page: Page, sites: dict[str, str], language: str,
                                               width: int, screens: float) -> None:
    open_page(page, address(sites[language], INCIDENT), width)
    top = page.locator(".updates").evaluate("e => e.getBoundingClientRect().top")
    assert top < HEIGHTS[width] * screens
    # Before the durations and details, which come after the updates.
    for later in ("#durations-h", "#details-h"):
        assert page.locator(later).evaluate("e => e.getBoundingClientRect().top") > top


@pytest.mark.browser
@pytest.mark.parametrize(("language", "uptime"), [("en", "Uptime"), ("ar", "نسبة التشغيل")])
@pytest.mark.parametrize("width", [320, 375])
def test_a_report_shows_every_figure_labelled_on_a_phone(page: Page, sites: dict[str, str], width: int,
                                                        language: str, uptime: str) -> None:
    open_page(page, address(sites[language], reports_page("2026-Q4")), width)
    cells = page.locator(".figures tbody td")
    assert cells.count() == 10 * 8
    outside = page.evaluate("() => [...document.querySelectorAll('.figures tbody td')]"
                            ".filter(e => { const r = e.getBoundingClientRect();"
                            " return r.left < 0 || r.right > innerWidth }).length")
    assert outside == 0
    label = cells.first.evaluate("e => getComputedStyle(e, '::before').content")
    assert label == f'"{uptime}"'
    save_screenshot(page, f"reading/{language}-report-table-{width}", full_page=False)


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 375])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_language_switch_shares_the_brands_line_on_a_phone(page: Page, sites: dict[str, str],
                                                               language: str, width: int) -> None:
    open_page(page, sites[language], width)
    brand = page.locator(".brand").bounding_box()
    switch = page.locator("nav.languages").bounding_box()
    nav = page.locator(".head > nav").first.bounding_box()
    assert brand is not None and switch is not None and nav is not None
    middle = brand["y"] + brand["height"] / 2
    assert abs(switch["y"] + switch["height"] / 2 - middle) < brand["height"] / 2
    assert nav["y"] >= brand["y"] + brand["height"] - 1  # the navigation on the next line
    assert switch["x"] >= 0 and switch["x"] + switch["width"] <= width
    save_screenshot(page, f"reading/{language}-header-{width}", full_page=False)
