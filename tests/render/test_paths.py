"""Links between outputs: relative for pages, absolute from page.url for feeds and the API."""

from __future__ import annotations

import posixpath

import pytest

from statusgen.render import paths

PAGES = ["index.html", "404.html", "incidents/a/index.html", "history/2026/index.html",
         "history/index.html", "components/db/index.html", "a/b/c/d.html"]
TARGETS = [*PAGES, "incidents/", "history/", "static/style.css", "incidents/a.svg", "",
           "incidents/a/", "a/b/", "a/b/x.html", "history.atom", "components/db/history.atom"]


def reference(from_page: str, to: str) -> str:
    link = posixpath.relpath(to or ".", posixpath.dirname(from_page) or ".")
    if to.endswith("/") or not to:
        return "./" if link == "." else link + "/"
    return link


@pytest.mark.parametrize("from_page", PAGES)
@pytest.mark.parametrize("to", TARGETS)
def test_relative_links_resolve_to_their_target(from_page: str, to: str) -> None:
    link = paths.relative(from_page, to)
    assert link == reference(from_page, to)
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(from_page), link))
    assert resolved == posixpath.normpath(to or ".")


def test_absolute_links_keep_the_sub_path_and_drop_index_html() -> None:
    base = "https://acme.github.io/status/"
    assert paths.absolute(base, paths.incident_page("x")) == base + "incidents/x/"
    assert paths.absolute(base, "api/v2/summary.json") == base + "api/v2/summary.json"


@pytest.mark.parametrize("base", ["https://status.example/", "https://acme.github.io/status/"])
@pytest.mark.parametrize("to", [*PAGES, "api/v2/summary.json", "history.atom", "incidents/a.svg"])
def test_absolute_is_what_urljoin_gives(base: str, to: str) -> None:
    from urllib.parse import urljoin

    target = to[: -len(paths.INDEX)] if to.endswith(paths.INDEX) else to
    assert paths.absolute(base, to) == urljoin(base, target)
