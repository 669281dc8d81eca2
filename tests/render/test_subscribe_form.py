"""The "Get updates" form on every page when ``subscriptions:`` is declared, and the
``Content-Security-Policy`` of ``_headers`` that lets it post to the service alone."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from bs4 import BeautifulSoup, Tag

from statusgen import model as m
from statusgen.compute.snapshot import Snapshot, snapshot
from statusgen.diagnostics import Location
from statusgen.render import paths
from statusgen.render.meta import render_meta
from statusgen.render.pages import render_pages
from tests.datasource import example_repository, html_pages
from tests.helpers import NOW, REPO_ROOT

SERVICE = "https://subscribe.status.acme.example/updates/"


def declared(url: str = SERVICE, language: str | None = None) -> Snapshot:
    repo = example_repository()
    page = repo.config.page if language is None else replace(repo.config.page, language=language)
    config = replace(repo.config, page=page, subscriptions=m.Subscriptions(
        loc=Location("components.yml", 1, 1), url=url, sender="status@acme.example",
        smtp_env="STATUS_SMTP_URL"))
    return snapshot(replace(repo, config=config), NOW)


@cache
def pages(with_service: bool = True, language: str | None = None) -> dict[str, bytes]:
    snap = declared(language=language) if with_service else snapshot(example_repository(), NOW)
    return render_pages(snap, REPO_ROOT / "themes")


def form(path: str, **kwargs: object) -> Tag | None:
    found = BeautifulSoup(pages(**kwargs)[path], "html.parser").find("form", class_="subscribe")
    assert found is None or isinstance(found, Tag)
    return found


def boxes(found: Tag) -> list[tuple[str, bool]]:
    return [(str(box["value"]), box.has_attr("checked"))
            for box in found.find_all("input", attrs={"name": "components"})]


def test_every_page_posts_an_email_to_the_service_without_a_script() -> None:
    html = [p for p in pages() if p.endswith(".html")]
    assert len(html) > 20
    for path in html:
        found = form(path)
        assert found is not None, path
        assert found["action"] == SERVICE + "subscribe" and found["method"] == "post"
        email = found.find("input", attrs={"name": "email"})
        assert isinstance(email, Tag) and email["type"] == "email" and email.has_attr("required")
        label = found.find("label", attrs={"for": email["id"]})
        assert label is not None and label.get_text(strip=True) == "Email address"
        assert found.find("button", type="submit") is not None
        assert found.find("script") is None


def test_a_component_page_has_its_component_chosen() -> None:
    found = form(paths.component_page("api"))
    assert found is not None
    assert boxes(found) == [("api", True)]
    assert "Only updates about Public API" in found.get_text(" ", strip=True)


def test_the_front_page_offers_every_current_component_folded() -> None:
    found = form(paths.INDEX)
    assert found is not None
    folded = found.find("details")
    assert isinstance(folded, Tag) and folded.find("summary") is not None
    chosen = boxes(folded)
    current = [c.id for c in example_repository().config.walk() if not c.retired]
    assert chosen == [(c, False) for c in current]
    assert "legacy-api" not in dict(chosen)
    assert boxes(found) == chosen


def test_other_pages_subscribe_to_everything() -> None:
    found = form(paths.history_page())
    assert found is not None and boxes(found) == []


def test_no_form_without_a_service() -> None:
    assert all(form(p, with_service=False) is None for p in pages(False) if p.endswith(".html"))


def test_the_form_speaks_the_page_language() -> None:
    found = form(paths.INDEX, language="de")
    assert found is not None
    text = found.get_text(" ", strip=True)
    assert "Get updates" not in text and "Email address" not in text


def test_headers_let_forms_post_to_the_service_origin_alone() -> None:
    snap = declared()
    data = render_meta(snap, html_pages(snap))["_headers"].decode()
    block = data[data.index("\n/*\n"):]
    assert "  Content-Security-Policy: form-action 'self' https://subscribe.status.acme.example\n" \
        in block
    assert data.count("Content-Security-Policy") == 1


def test_headers_without_a_service_set_no_policy() -> None:
    snap = snapshot(example_repository(), NOW)
    assert b"Content-Security-Policy" not in render_meta(snap, html_pages(snap))["_headers"]


def test_a_service_on_a_port_keeps_it_in_the_policy() -> None:
    snap = declared("http://127.0.0.1:8025/")
    assert b"form-action 'self' http://127.0.0.1:8025\n" in \
        render_meta(snap, html_pages(snap))["_headers"]
