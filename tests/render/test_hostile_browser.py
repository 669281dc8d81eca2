"""The hostile corpus rendered and opened in Chromium: no script may run, no dialog open.

One site holds every corpus string that validation accepts, as incident titles,
messages and post-mortems, component names and the page's description.  Every page
of it is loaded from a local server; a dialog (``alert``), a navigation away, or a
``javascript:`` URL followed by a click fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Dialog, Page

from statusgen.compute.snapshot import snapshot
from statusgen.pipeline import load_attachments
from statusgen.render.site import render_site
from statusgen.source.load import load
from statusgen.source.tree import DiskSource
from tests.helpers import COMPONENTS, NOW
from tests.hostile import MARKDOWN, TEXT
from tests.support.browser import serve_directory
from tests.test_hostile import entry, quoted

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every corpus string the parser reads, rendered without the check step: what the pages
    do with an unsafe link must not depend on the rules having refused it first."""
    work = tmp_path_factory.mktemp("hostile")
    root = work / "repo"
    (root / "incidents").mkdir(parents=True)
    config = COMPONENTS.replace("name: API", f"name: {quoted(TEXT[1])}").replace(
        "url: https://status.test.example/",
        f"url: https://status.test.example/\n  description: {quoted(TEXT[0])}")
    (root / "components.yml").write_text(config, encoding="utf-8")
    for index, text in enumerate([*MARKDOWN, *TEXT]):
        for kind, (title, message, body) in enumerate(((text, "m", ""), ("t", text, text))):
            (root / "incidents" / f"2026-11-22-h{index}-{kind}.md").write_text(
                entry(title, message, body), encoding="utf-8")
    loaded = load(DiskSource(root))
    assert loaded.repository is not None
    assert len(loaded.repository.incidents) > len(MARKDOWN)
    snap = snapshot(loaded.repository, NOW)
    out = work / "site"
    for path, data in render_site(snap, root / "themes", load_attachments(DiskSource(root), snap)).items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return out


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve_directory(site) as url:
        yield url


def test_no_page_runs_a_script(site: Path, base_url: str, page: Page) -> None:
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(f"{page.url}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        page.goto(f"{base_url}/{path}")
        # Follow every link of the page's own text that has no http(s) target: a javascript:
        # URL that slipped through would run here.
        hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
        assert all(not h.strip().lower().startswith(("javascript:", "data:", "vbscript:")) for h in hrefs)
        executed = page.evaluate("() => typeof window.pwned !== 'undefined' || document.title === 'PWNED'")
        assert not executed, path
    assert dialogs == []


def test_links_in_messages_run_nothing_when_clicked(site: Path, base_url: str, page: Page) -> None:
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(f"{base_url}/index.html")
    for path in sorted(p.relative_to(site).as_posix() for p in (site / "incidents").rglob("index.html"))[:40]:
        page.goto(f"{base_url}/{path}")
        for link in page.locator(".update a, .body a").all():
            href = link.get_attribute("href") or ""
            if href.startswith(("http://", "https://", "mailto:")):
                continue  # off-site: the closed network would only time out
            link.click(modifiers=["Alt"], no_wait_after=True, timeout=2000)
    assert dialogs == []
