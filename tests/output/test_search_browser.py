"""The search page of the built example in Chromium: Pagefind finds an incident by its title,
a filter narrows the results, axe passes; without the index the page says search is not
available.

The site is served under a sub-path (``/status/``), as on a project's GitHub Pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from statusgen.output.search import indexer
from statusgen.pipeline import Search, build
from tests.helpers import NOW, copy_example
from tests.support.browser import format_views_violations, run_axe, save_screenshot, serve_directory, views

pytestmark = pytest.mark.browser

SUB_PATH = "status"
TITLE = "Database unavailable in the EU region"
"""An incident of the example (incidents/2026-11-03-database-outage.md)."""


def built(tmp: Path, binary: Path | None) -> Path:
    root = copy_example(tmp)
    served = tmp / "served"
    served.mkdir()
    result = build(root, served / SUB_PATH, NOW, search_index=Search(binary))
    assert result.ok, result.diagnostics
    return served


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = indexer()
    if binary is None:
        pytest.skip("Pagefind is not installed (pip install 'statusgen[search]')")
    with serve_directory(built(tmp_path_factory.mktemp("search"), binary)) as url:
        yield f"{url}/{SUB_PATH}/"


def search(page: Page, url: str, query: str) -> None:
    page.goto(url)
    box = page.get_by_role("search").get_by_role("textbox")
    expect(box).to_be_visible()
    box.fill(query)


def test_a_query_finds_the_incident_by_its_title(page: Page, base_url: str) -> None:
    search(page, base_url + "search/index.html", TITLE)
    found = page.locator(".pagefind-ui__result-link", has_text=TITLE)
    expect(found.first).to_be_visible()
    href = found.first.get_attribute("href")
    assert href == f"/{SUB_PATH}/incidents/2026-11-03-database-outage/"


def test_a_filter_narrows_the_results(page: Page, base_url: str) -> None:
    search(page, base_url + "search/index.html", "the")
    results = page.locator(".pagefind-ui__result")
    expect(results.first).to_be_visible()
    before = results.count()
    for name in ("Component", "Year", "Severity"):
        expect(page.locator(".pagefind-ui__filter-name", has_text=name)).to_be_visible()
    page.locator(".pagefind-ui__filter-name", has_text="Year").click()
    page.get_by_label("2025").check()
    expect(results).not_to_have_count(before)
    assert 0 < results.count() < before


def test_each_language_searches_its_own_edition(page: Page, base_url: str) -> None:
    search(page, base_url + "de/search/index.html", TITLE)
    link = page.locator(".pagefind-ui__result-link").first
    expect(link).to_be_visible()
    assert (link.get_attribute("href") or "").startswith(f"/{SUB_PATH}/de/incidents/")


def test_axe_passes_on_the_search_page(page: Page, base_url: str) -> None:
    search(page, base_url + "search/index.html", TITLE)
    expect(page.locator(".pagefind-ui__result").first).to_be_visible()
    found = {}
    for _, scheme in views(page, [1280], ["light", "dark"], height=lambda width: 800):
        save_screenshot(page, f"site/search-1280-{scheme}")
        found[scheme] = run_axe(page)
    assert not any(found.values()), format_views_violations(found)


def test_without_the_index_the_page_says_search_is_unavailable(page: Page, tmp_path: Path) -> None:
    with serve_directory(built(tmp_path, None)) as url:
        page.goto(f"{url}/{SUB_PATH}/search/index.html")
        expect(page.get_by_text("Search is not available on this site")).to_be_visible()
        assert run_axe(page) == []
