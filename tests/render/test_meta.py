"""``sitemap.xml``, ``robots.txt``, ``_headers`` and ``CNAME``."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from statusgen.compute.snapshot import Snapshot, snapshot
from statusgen.pipeline import build
from statusgen.render.meta import matches, render_meta
from tests.datasource import example_repository, example_snapshot, render_all
from tests.helpers import NOW, copy_example, tree

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
OUTPUTS = [
    "index.html", "404.html", "history/index.html", "history/2026/index.html",
    "incidents/b/index.html", "incidents/a/index.html", "components/db/index.html",
    "assets/style.css", "api/v2/summary.json", "history.atom", "history.rss",
    "components/db/history.atom", "components/db/history.rss", "badge.svg",
    "components/db/badge.svg", "maintenance.ics",
]


def at(url: str, internal: bool = False) -> Snapshot:
    repo = example_repository()
    page = replace(repo.config.page, url=url)
    return snapshot(replace(repo, config=replace(repo.config, page=page)), NOW, internal=internal)


def locs(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    assert root.tag == f"{SITEMAP}urlset"
    return [loc.text or "" for loc in root.iter(f"{SITEMAP}loc")]


def test_sitemap_lists_every_page_but_404_absolute_and_sorted() -> None:
    data = render_meta(example_snapshot(), OUTPUTS)["sitemap.xml"]
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n")
    assert locs(data) == [
        "https://status.acme.example/",
        "https://status.acme.example/components/db/",
        "https://status.acme.example/history/",
        "https://status.acme.example/history/2026/",
        "https://status.acme.example/incidents/a/",
        "https://status.acme.example/incidents/b/",
    ]


def test_sitemap_under_a_path() -> None:
    assert locs(render_meta(at("https://example.com/status/"), OUTPUTS)["sitemap.xml"])[:2] == [
        "https://example.com/status/", "https://example.com/status/components/db/"]


def test_robots() -> None:
    assert render_meta(example_snapshot(), OUTPUTS)["robots.txt"] == (
        b"User-agent: *\nAllow: /\n\nSitemap: https://status.acme.example/sitemap.xml\n")
    internal = render_meta(example_snapshot(internal=True), OUTPUTS)["robots.txt"]
    assert internal == b"User-agent: *\nDisallow: /\n"


def blocks(data: bytes) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    current = ""
    for line in data.decode("utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("  "):
            out[current].append(line.strip())
        else:
            assert line not in out, f"{line} twice"
            current = line
            out[current] = []
    return out


def test_headers() -> None:
    found = blocks(render_meta(example_snapshot(), OUTPUTS)["_headers"])
    assert found["/api/*"] == ["Access-Control-Allow-Origin: *", "Cache-Control: public, max-age=60"]
    assert "Content-Type: application/atom+xml; charset=utf-8" in found["/history.atom"]
    assert "Content-Type: application/rss+xml; charset=utf-8" in found["/history.rss"]
    assert "Content-Type: application/atom+xml; charset=utf-8" in found[
        "/components/:id/history.atom"]
    assert "Content-Type: text/calendar; charset=utf-8" in found["/maintenance.ics"]
    assert "Content-Type: image/svg+xml" in found["/components/:id/badge.svg"]
    for pattern in ("/history.atom", "/badge.svg", "/maintenance.ics", "/components/:id/history.rss"):
        assert "Cache-Control: public, max-age=60" in found[pattern]


def test_headers_carry_the_path_prefix() -> None:
    found = blocks(render_meta(at("https://example.com/status/"), OUTPUTS)["_headers"])
    assert "/status/api/*" in found and "/status/maintenance.ics" in found
    assert "/status/components/:id/history.atom" in found
    assert all(pattern.startswith("/status/") for pattern in found)


def test_no_rule_for_outputs_that_do_not_exist() -> None:
    found = blocks(render_meta(example_snapshot(), ["index.html", "api/v2/summary.json"])["_headers"])
    assert list(found) == ["/api/*"]


def test_no_two_rules_set_one_header_on_one_file() -> None:
    snap = example_snapshot()
    outputs = render_all(snap)
    found = blocks(outputs["_headers"])
    for path in outputs:
        names = [value.split(":")[0] for pattern, values in found.items()
                 if matches(pattern.removeprefix("/"), path) for value in values]
        assert len(names) == len(set(names)), path
    for path in ("history.atom", "components/db/history.rss", "maintenance.ics", "badge.svg",
                 "api/v2/incidents/unresolved.json", "api/shields/page.json"):
        assert any(matches(p.removeprefix("/"), path) for p in found), path


def test_internal_builds_ask_not_to_be_indexed() -> None:
    found = blocks(render_meta(example_snapshot(internal=True), OUTPUTS)["_headers"])
    assert found["/*"] == ["X-Robots-Tag: noindex"]


@pytest.mark.parametrize(("pattern", "path", "expected"), [
    ("api/*", "api/v2/summary.json", True),
    ("api/*", "apis.json", False),
    ("components/:id/badge.svg", "components/db/badge.svg", True),
    ("components/:id/badge.svg", "components/a/b/badge.svg", False),
    ("history.atom", "components/db/history.atom", False),
])
def test_matches(pattern: str, path: str, expected: bool) -> None:
    assert matches(pattern, path) is expected


def test_output_is_deterministic() -> None:
    assert render_meta(example_snapshot(), OUTPUTS) == render_meta(example_snapshot(),
                                                                   list(reversed(OUTPUTS)))


def test_every_edition_gets_the_rules_of_its_own_outputs(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    config = root / "components.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^  languages: .*$", "  languages: [en, ar]", text), encoding="utf-8")
    assert build(root, tmp_path / "site", NOW).ok
    outputs = tree(tmp_path / "site")
    found = blocks(outputs["_headers"])
    for pattern in ("/ar/history.atom", "/ar/history.rss", "/ar/badge.svg", "/ar/api/*",
                    "/ar/components/:id/history.atom", "/ar/components/:id/badge.svg"):
        assert pattern in found, (pattern, list(found))
    assert "Content-Type: application/atom+xml; charset=utf-8" in found["/ar/history.atom"]
    assert "Content-Type: image/svg+xml" in found["/ar/badge.svg"]
    for path in outputs:
        names = [value.split(":")[0] for pattern, values in found.items()
                 if matches(pattern.removeprefix("/"), path) for value in values]
        assert len(names) == len(set(names)), path
    for path in ("ar/history.atom", "ar/history.rss", "ar/badge.svg", "ar/api/shields/page.json"):
        assert path in outputs
        assert any(matches(p.removeprefix("/"), path) for p in found), path


@pytest.mark.parametrize(("url", "written"), [
    ("https://status.acme.example/", b"status.acme.example\n"),
    ("https://Status.Acme.Example", b"status.acme.example\n"),
    ("https://statüs.acme.example/", b"xn--stats-nva.acme.example\n"),
    ("https://acme.github.io/", None),
    ("https://acme.github.io/status/", None),
    ("https://www.acme.example/status/", None),  # the domain is the root site's
    ("http://localhost:8000/", None),
    ("http://127.0.0.1/", None),
])
def test_cname_names_a_custom_domain_for_github_pages(url: str, written: bytes | None) -> None:
    assert render_meta(at(url), OUTPUTS).get("CNAME") == written
    assert "CNAME" not in render_meta(at(url, internal=True), OUTPUTS)


def test_cname_can_be_switched_off() -> None:
    repo = example_repository()
    page = replace(repo.config.page, cname=False)
    snap = snapshot(replace(repo, config=replace(repo.config, page=page)), NOW)
    assert "CNAME" not in render_meta(snap, OUTPUTS)
    assert "CNAME" in render_meta(example_snapshot(), OUTPUTS)
