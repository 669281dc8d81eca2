"""Atom and RSS feeds: they parse, hold the right entries, and keep their ids."""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

import feedparser
import pytest

from statusgen.compute.feeds import LIMIT
from statusgen.compute.snapshot import snapshot
from statusgen.render import paths
from statusgen.render.feeds import entry_uid, feed_path, render_feeds
from tests.conftest import StatusRepo
from tests.datasource import example_repository, example_snapshot, incident_file, repository
from tests.helpers import NOW

ATOM = "{http://www.w3.org/2005/Atom}"
PAGE_URL = "https://status.acme.example/"


def parse(data: bytes) -> Any:
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def utc(struct: Any) -> datetime:
    return datetime.fromtimestamp(calendar.timegm(struct), UTC)


@pytest.fixture(scope="module")
def feeds() -> dict[str, bytes]:
    return render_feeds(example_snapshot())


def test_the_paths(feeds: dict[str, bytes]) -> None:
    snap = example_snapshot()
    expected = {"history.atom", "history.rss"}
    for component in snap.config.walk():
        expected |= {f"components/{component.id}/history.atom",
                     f"components/{component.id}/history.rss"}
    assert set(feeds) == expected


def test_every_feed_parses_with_absolute_links_and_dates(feeds: dict[str, bytes]) -> None:
    for path, data in feeds.items():
        parsed = parse(data)
        assert parsed.version == ("atom10" if path.endswith(".atom") else "rss20"), path
        assert parsed.feed.link.startswith(PAGE_URL)
        assert parsed.feed.title.startswith("Acme Status")
        assert parsed.feed.get("updated_parsed") is not None
        self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
        assert self_links == [PAGE_URL + path]
        for item in parsed.entries:
            assert item.link.startswith(PAGE_URL + "incidents/"), item.link
            assert item.id.startswith("urn:uuid:")
            assert item.get("published_parsed") is not None
            if path.endswith(".atom"):
                assert item.get("updated_parsed") is not None


def test_the_page_feed(feeds: dict[str, bytes]) -> None:
    snap = example_snapshot()
    for extension in ("atom", "rss"):
        parsed = parse(feeds[f"history.{extension}"])
        assert len(parsed.entries) == len(snap.entries) == 8
        assert [e.id for e in parsed.entries] == [
            entry_uid(e.id) for e in sorted(snap.entries, key=lambda e: e.updated_at, reverse=True)]
        first = parsed.entries[0]
        assert first.title == "INC-6 Elevated API response times"
        assert [t.term for t in first.tags] == ["incident", "Major"]
        assert first.link == PAGE_URL + "incidents/2026-11-22-api-latency/"
        assert utc(first.published_parsed) == datetime(2026, 11, 22, 5, 58, tzinfo=UTC)
    atom = parse(feeds["history.atom"])
    first = atom.entries[0]
    assert utc(first.updated_parsed) == datetime(2026, 11, 22, 6, 10, tzinfo=UTC)
    assert utc(atom.feed.updated_parsed) == datetime(2026, 11, 22, 6, 10, tzinfo=UTC)
    assert atom.feed.id.startswith("urn:uuid:")
    assert atom.feed.subtitle == "Live status of Acme's website, API and platform."
    assert [link.href for link in atom.feed.links if link.rel == "alternate"] == [PAGE_URL]


def test_content_is_the_public_timeline_as_html(feeds: dict[str, bytes]) -> None:
    parsed = parse(feeds["history.atom"])
    latency = parsed.entries[0]
    content = latency.content[0]
    assert content.type == "text/html"
    html = content.value
    assert html.index("Identified") < html.index("Investigating")
    assert "We are <strong>replacing</strong> it;" in html
    assert "22 Nov 2026, 07:10 CET" in html
    assert "cache-eu-3" not in html and "Monitoring" not in html  # the internal update
    maintenance = next(e for e in parsed.entries if e.title.startswith("Database upgrade"))
    assert "2 Dec 2026, 03:00 CET" in maintenance.content[0].value


def test_component_feeds(feeds: dict[str, bytes]) -> None:
    def titles(component: str) -> list[str]:
        return [e.title for e in parse(feeds[feed_path(component, "atom")]).entries]

    assert titles("api") == ["INC-6 Elevated API response times",
                             "INC-3 Database unavailable in the EU region"]
    assert titles("storage") == ["Object storage hardware refresh", "Upload errors for large files"]
    assert set(titles("platform")) == set(titles("db")) | set(titles("queue")) | set(titles("storage"))
    assert titles("auth") == ["INC-2 Single sign-on logins failed for some customers"]
    assert parse(feeds[feed_path("db", "rss")]).feed.link == PAGE_URL + "components/db/"


def test_nothing_unpublished_appears(feeds: dict[str, bytes]) -> None:
    for data in feeds.values():
        text = data.decode("utf-8")
        assert "Billing" not in text and "ACME-FINANCE" not in text and "drill" not in text


def test_internal_builds_mark_internal_entries() -> None:
    feeds = render_feeds(example_snapshot(internal=True))
    parsed = parse(feeds["history.atom"])
    titles = [e.title for e in parsed.entries]
    assert "[internal] Billing export job failed overnight" in titles
    assert "[internal] Failover drill (not a real incident)" in titles
    assert "[internal] Monitoring" in parsed.entries[0].content[0].value


def test_output_is_deterministic() -> None:
    assert render_feeds(example_snapshot()) == render_feeds(example_snapshot())
    later = render_feeds(snapshot(example_repository(), NOW + timedelta(minutes=5)))
    assert later == render_feeds(example_snapshot())  # nothing depends on the clock


def test_entry_ids_survive_edits_and_new_updates(status_repo: StatusRepo) -> None:
    path = "incidents/2026-11-22-errors.md"
    first = [("2026-11-22T07:00:00Z", "investigating", "Errors.")]
    second = [("2026-11-22T08:00:00Z", "identified", "Found it."), *first]
    before = render_feeds(snapshot(repository(status_repo({path: incident_file("Errors", first)})),
                                   NOW))
    after = render_feeds(snapshot(repository(status_repo(
        {path: incident_file("Errors on the API", second)})), NOW))
    for extension in ("atom", "rss"):
        old = parse(before[f"history.{extension}"]).entries
        new = parse(after[f"history.{extension}"]).entries
        assert [e.id for e in old] == [e.id for e in new] == [entry_uid("2026-11-22-errors")]
        assert new[0].title == "Errors on the API" and "Found it." in new[0].description
    old_atom = parse(before["history.atom"]).entries[0]
    new_atom = parse(after["history.atom"]).entries[0]
    assert utc(new_atom.updated_parsed) - utc(old_atom.updated_parsed) == timedelta(hours=1)
    assert new_atom.published_parsed == old_atom.published_parsed


def test_entry_ids_survive_a_move() -> None:
    repo = example_repository()
    moved_page = replace(repo.config.page, url="https://example.com/status/")
    moved = replace(repo, config=replace(repo.config, page=moved_page))
    here = parse(render_feeds(example_snapshot())["history.atom"])
    there = parse(render_feeds(snapshot(moved, NOW))["history.atom"])
    assert [e.id for e in here.entries] == [e.id for e in there.entries]
    assert there.entries[0].link == "https://example.com/status/incidents/2026-11-22-api-latency/"
    assert [link.href for link in there.feed.links if link.rel == "self"] == [
        "https://example.com/status/history.atom"]


def test_an_empty_feed_is_updated_at_now(status_repo: StatusRepo) -> None:
    snap = snapshot(repository(status_repo({})), NOW)
    feeds = render_feeds(snap)
    parsed = parse(feeds["history.atom"])
    assert parsed.entries == []
    assert utc(parsed.feed.updated_parsed) == NOW
    root = ET.fromstring(feeds["history.atom"])
    assert root.findtext(f"{ATOM}updated") == "2026-11-22T09:00:00+00:00"
    assert parse(feeds["history.rss"]).entries == []


def test_feeds_hold_the_newest_fifty(status_repo: StatusRepo) -> None:
    files = {}
    for n in range(60):
        at = (NOW - timedelta(days=60 - n)).strftime("%Y-%m-%dT%H:%M:%SZ")
        files[f"incidents/i{n:02d}.md"] = incident_file(
            f"Incident {n}", [(at, "investigating", f"Message {n}")])
    feeds = render_feeds(snapshot(repository(status_repo(files)), NOW))
    for path in ("history.atom", "history.rss", "components/api/history.atom"):
        entries = parse(feeds[path]).entries
        assert len(entries) == LIMIT
        assert entries[0].title == "Incident 59" and entries[-1].title == "Incident 10"


def test_relative_links_in_messages_become_absolute(status_repo: StatusRepo) -> None:
    root = status_repo({"incidents/2026-11-22-errors.md": incident_file(
        "Errors", [("2026-11-22T07:00:00Z", "investigating",
                    "See [the last one](2026-11-20-other.md) and [docs](https://docs.example/).")]),
        "incidents/2026-11-20-other.md": incident_file(
            "Other", [("2026-11-20T08:00:00Z", "resolved", "Over."),
                      ("2026-11-20T07:00:00Z", "investigating", "Down.")])})
    parsed = parse(render_feeds(snapshot(repository(root), NOW))["history.atom"])
    html = parsed.entries[0].content[0].value
    assert 'href="https://status.test.example/incidents/2026-11-20-other/"' in html
    assert 'href="https://docs.example/"' in html
    assert parsed.entries[0].link == paths.absolute("https://status.test.example/",
                                                    paths.incident_page("2026-11-22-errors"))


def test_markup_and_control_characters_in_titles(status_repo: StatusRepo) -> None:
    # The loader refuses control characters; the feeds must hold even if one got through.
    root = status_repo({"incidents/2026-11-22-errors.md": incident_file(
        "Errors", [("2026-11-22T07:00:00Z", "investigating", "A.")])})
    repo = repository(root)
    hostile = replace(repo.incidents[0], title="Errors <b> & \x0b co", updates=tuple(
        replace(u, message="A <script> & \x0b.") for u in repo.incidents[0].updates))
    feeds = render_feeds(snapshot(replace(repo, incidents=(hostile,)), NOW))
    for path in ("history.atom", "history.rss"):
        entry = parse(feeds[path]).entries[0]
        assert entry.title == "Errors <b> &  co"
        assert "&lt;script&gt;" in entry.description
