"""The "Get updates" form in Chromium: a built site served with the headers its ``_headers``
asks for (its ``Content-Security-Policy`` included), the form posted without any script to
the real service (``statusgen subscribers serve``) and the confirmation received by a real
SMTP server (aiosmtpd); the Nu HTML Checker and axe on pages with the form; 320 px wide."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from statusgen.commands.cli import main
from statusgen.render import paths
from tests.conftest import StatusRepo
from tests.helpers import COMPONENTS, INCIDENT, eventually
from tests.notify.servers import Mailbox, free_port, smtp_server
from tests.render.test_embed_browser import build, serving
from tests.subscriptions.service import Service, subscriptions_yml
from tests.support.browser import format_views_violations, run_axe, save_screenshot, views
from tests.support.validators import format_vnu_messages, run_vnu

PAGES = (paths.INDEX, paths.component_page("api"), paths.incident_page("2026-11-22-api-errors"))


@pytest.fixture
def site(status_repo: StatusRepo, tmp_path: Path) -> Iterator[tuple[Path, str, Service, Mailbox]]:
    """A repository declaring the service, built and served; the service running on
    SQLite and mailing to a local SMTP server."""
    port = free_port()
    root = status_repo({"components.yml": COMPONENTS + subscriptions_yml(port),
                        "incidents/2026-11-22-api-errors.md": INCIDENT})
    out = tmp_path / "site"
    build(root, out)
    with smtp_server(auth=False) as (box, smtp), serving(out) as url:
        service = Service(root, str(tmp_path / "subs.db"), smtp, port).start()
        try:
            yield out, url, service, box
        finally:
            service.kill()


@pytest.mark.browser
def test_a_reader_subscribes_to_a_component_from_its_page(
        page: Page, site: tuple[Path, str, Service, Mailbox],
        capsys: pytest.CaptureFixture[str]) -> None:
    _, url, service, box = site
    page.context.route("**/*.js", lambda route: route.abort())  # the form needs no script
    answer = page.goto(f"{url}/{paths.component_page('api')}")
    assert answer is not None
    assert f"form-action 'self' http://127.0.0.1:{service.port}" in \
        answer.headers["content-security-policy"]
    page.get_by_label("Email address").fill("reader@example.org")
    assert page.get_by_label("Only updates about API").is_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Subscribe").click()
    assert page.url == f"http://127.0.0.1:{service.port}/subscribe"
    assert page.get_by_role("heading", name="Check your inbox").is_visible()
    mail = eventually(lambda: box.mails, "confirmation mail")[0]
    assert mail.recipients == ["reader@example.org"]
    assert "reader@example.org" not in mail.message["Subject"]
    assert _chosen(service, "reader@example.org", capsys) == ["api"]


def _chosen(service: Service, address: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The components the service keeps for ``address`` (``statusgen subscribers export``)."""
    capsys.readouterr()
    assert main(["subscribers", "export", "--root", str(service.root), "--database",
                 service.database, address]) == 0
    return sorted(json.loads(capsys.readouterr().out)["components"])


@pytest.mark.browser
def test_the_front_page_subscribes_to_the_components_chosen(
        page: Page, site: tuple[Path, str, Service, Mailbox],
        capsys: pytest.CaptureFixture[str]) -> None:
    _, url, service, box = site
    page.goto(f"{url}/")
    page.get_by_label("Email address").fill("other@example.org")
    page.get_by_text("Choose components").click()
    page.get_by_label("Database").check()
    page.get_by_label("Queue").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Subscribe").click()
    eventually(lambda: box.mails, "confirmation mail")
    assert _chosen(service, "other@example.org", capsys) == ["db", "queue"]


@pytest.mark.browser
def test_axe_and_320_px(page: Page, site: tuple[Path, str, Service, Mailbox]) -> None:
    _, url, _, _ = site
    found = {}
    for output in PAGES:
        page.goto(f"{url}/{output.removesuffix(paths.INDEX)}")
        for summary in page.locator("form.subscribe summary").all():
            summary.click()  # the components folded on the front page, shown
        name = output.replace("/", "-")
        for width, scheme in views(page, (320, 1280), ("light", "dark"), height=lambda width: 800):
            save_screenshot(page, f"subscribe/{name}-{width}-{scheme}")
            form = page.locator("form.subscribe")
            assert form.is_visible()
            sideways = page.evaluate("document.documentElement.scrollWidth")
            assert sideways <= width, (output, width, sideways)
            box = form.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
            found[f"{name}-{width}-{scheme}"] = run_axe(page)
    assert not any(found.values()), format_views_violations(found)


@pytest.mark.validator
def test_the_nu_html_checker_finds_no_errors(site: tuple[Path, str, Service, Mailbox]) -> None:
    out = site[0]
    errors = run_vnu([out / p for p in PAGES])
    assert errors == [], format_vnu_messages(errors)
