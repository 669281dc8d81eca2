"""The hostile corpus rendered and opened in Chromium: no script may run, no dialog open.

One site holds every corpus string that validation accepts, as incident titles,
messages and post-mortems, component names and the page's description.  Every page
of it is loaded from a local server; a dialog (``alert``), a navigation away, or a
``javascript:`` URL followed by a click fails the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Dialog, Page, Request

from statusgen.compute.snapshot import snapshot
from statusgen.pipeline import build, load_attachments
from statusgen.render.site import render_site
from statusgen.source.load import load
from statusgen.source.tree import DiskSource
from tests.helpers import COMPONENTS, NOW
from tests.hostile import MARKDOWN, SVG_DRAWINGS, SVG_REMOTE, TEXT, svg
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


# --------------------------------------------------------------------------
# Attached SVGs: opening an accepted one fetches nothing from another host
# --------------------------------------------------------------------------

OTHER_HOST = "//127.0.0.2:9"
"""Where the hostile SVGs fetch from: another host, which the test never lets answer."""


@pytest.fixture(scope="module")
def svg_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built site whose incident shows every accepted drawing, and beside it (not built)
    the refused ones as they were written, to show that the browser does fetch those."""
    work = tmp_path_factory.mktemp("svg")
    root = work / "repo"
    (root / "incidents").mkdir(parents=True)
    (root / "components.yml").write_text(COMPONENTS, encoding="utf-8")
    images = "".join(f"![d{i}](d{i}.svg)\n" for i in range(len(SVG_DRAWINGS)))
    (root / "incidents" / "2026-11-22-svg.md").write_text(entry(body=images), encoding="utf-8")
    for index, inside in enumerate(SVG_DRAWINGS):
        (root / "incidents" / f"d{index}.svg").write_bytes(svg(inside, OTHER_HOST))
    out = work / "site"
    result = build(root, out, NOW)
    assert result.ok, [str(d) for d in result.diagnostics]
    for index, inside in enumerate(SVG_REMOTE):
        (out / "refused").mkdir(exist_ok=True)
        (out / "refused" / f"r{index}.svg").write_bytes(svg(inside, OTHER_HOST))
    return out


def _fetched_elsewhere(page: Page, paths: list[str], base: str) -> dict[str, list[str]]:
    """Each of ``paths`` (under ``base``) → every request opening it makes to another host
    (each is refused an answer).  Each file opens in a page of its own, all at once, so one
    pause after they have loaded serves them all."""
    elsewhere: dict[str, list[str]] = {path: [] for path in paths}

    def other(address: str) -> bool:
        return not address.startswith(base)

    def listener(path: str) -> Callable[[Request], None]:
        return lambda request: elsewhere[path].append(request.url) if other(request.url) else None

    context = page.context
    context.route(other, lambda route: route.abort())
    opened = []
    try:
        for path in paths:
            tab = context.new_page()
            opened.append(tab)
            tab.on("request", listener(path))
            tab.goto(f"{base}/{path}", wait_until="load")
        page.wait_for_timeout(300)  # a sheet's own loads (an @import's url()) start after load
    finally:
        for tab in opened:
            tab.close()
        context.unroute(other)
    return elsewhere


def test_opening_an_accepted_svg_fetches_nothing_from_another_host(
        svg_site: Path, page: Page) -> None:
    with serve_directory(svg_site) as base:
        published = sorted(p.relative_to(svg_site).as_posix()
                           for p in (svg_site / "incidents").rglob("d*.svg"))
        assert len(published) == len(SVG_DRAWINGS)
        fetched = _fetched_elsewhere(page, published, base)
        assert fetched == {path: [] for path in published}
        # The harness sees such fetches: the refused files, opened as written, make them.
        refused = sorted(p.relative_to(svg_site).as_posix() for p in (svg_site / "refused").glob("*.svg"))
        fetching = [path for path, urls in _fetched_elsewhere(page, refused, base).items() if urls]
        assert len(fetching) >= 15, fetching
