"""Statuspage's five impacts in a real browser: each its own colour and its words, in both
themes, on the front page and the history page (English and German), with axe's contrast
checks passing.  Screenshots go to ``artifacts/screenshots/impacts/*.png``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from statusgen.render import paths
from statusgen.render.site import render_site
from tests.helpers import dedent
from tests.render.test_pages import ROOT, THEMES, snap_of, soup_of, words
from tests.render.test_site_browser import SCHEMES, SUB_PATH, WIDTHS, address, place
from tests.support.browser import format_views_violations, run_axe, save_screenshot, serve_directory, views

ACTIVE = """\
    ---
    title: {impact} impact example
    impact: {impact}
    updates:
      - at: 2026-11-22T08:{minute}:00Z
        status: investigating
        message: Something is {impact}.
    ---
    """
MAINTENANCE = """\
    ---
    kind: maintenance
    title: Maintenance example
    impact: none
    window: {start: 2026-11-22T08:00:00Z, end: 2026-11-22T12:00:00Z}
    updates:
      - at: 2026-11-22T08:00:00Z
        status: in_progress
        message: The work has started.
      - at: 2026-11-20T10:00:00Z
        status: scheduled
        message: We will do some work.
    ---
    """
LABELS = {
    "en": {"none": "No impact", "minor": "Minor impact", "major": "Major impact",
           "critical": "Critical impact", "maintenance": "Maintenance"},
    "de": {"none": "Keine Auswirkung", "minor": "Auswirkung: Gering", "major": "Auswirkung: Erheblich",
           "critical": "Auswirkung: Kritisch", "maintenance": "Wartung"},
}
PAGES = {"front": paths.INDEX, "history": paths.history_page(2026)}


def five_impacts(root: Path) -> Path:
    """The example's components with one open entry of each impact, a maintenance in progress
    among them."""
    root.mkdir()
    shutil.copy2(ROOT / "components.yml", root)
    incidents = root / "incidents"
    incidents.mkdir()
    for minute, impact in enumerate(("none", "minor", "major", "critical"), start=10):
        text = ACTIVE.format(impact=impact, minute=minute)
        (incidents / f"2026-11-22-{impact}.md").write_text(dedent(text), encoding="utf-8")
    (incidents / "2026-11-22-maintenance.md").write_text(dedent(MAINTENANCE), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("impacts")
    snap = snap_of(five_impacts(tmp / "repo"))
    with serve_directory(place(tmp / "served", render_site(snap, THEMES, {}))) as url:
        yield f"{url}/{SUB_PATH}/"


def impact_tags(page: Page) -> dict[str, tuple[str, str]]:
    """Each impact tag's impact → (its words, its computed colour); one tag per impact."""
    found: list[list[str]] = page.eval_on_selector_all(
        "main .tag[class*='impact-']",
        """tags => tags.map(t => [[...t.classList].find(c => c.startsWith('impact-')).slice(7),
                                  t.textContent.trim(), getComputedStyle(t).color])""")
    tags = {impact: (words, colour) for impact, words, colour in found}
    assert len(tags) == len(found), found
    return tags


@pytest.mark.parametrize(("language", "output"), [("en", paths.INDEX), ("en", paths.history_page(2026)),
                                                  ("de", "de/" + paths.INDEX)])
def test_every_entry_has_one_impact_tag_in_words(tmp_path: Path, language: str, output: str) -> None:
    pages = render_site(snap_of(five_impacts(tmp_path / "repo")), THEMES, {})
    soup = soup_of(pages, output)
    tags = {" ".join(t["class"]): words(t) for t in soup.select("main .tag[class*='impact-']")}
    assert tags == {f"tag impact-{impact}": label for impact, label in LABELS[language].items()}


@pytest.mark.browser
@pytest.mark.parametrize("language", list(LABELS))
@pytest.mark.parametrize("name", list(PAGES))
def test_five_impacts_have_five_colours_and_words(page: Page, base_url: str, name: str,
                                                  language: str) -> None:
    prefix = "" if language == "en" else f"{language}/"
    page.goto(address(base_url, prefix + PAGES[name]))
    found = {}
    for width, scheme in views(page, WIDTHS, SCHEMES):
        save_screenshot(page, f"impacts/{name}-{language}-{width}-{scheme}")
        if width == WIDTHS[-1]:
            tags = impact_tags(page)
            assert {impact: words for impact, (words, _) in tags.items()} == LABELS[language]
            assert len({colour for _, colour in tags.values()}) == 5, (scheme, tags)
            found[scheme] = run_axe(page)
    assert not any(found.values()), format_views_violations(found)
