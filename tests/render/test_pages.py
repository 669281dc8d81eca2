"""The HTML pages: what a reader sees on the example content and on small targeted repositories.

Pages are parsed with BeautifulSoup and checked by their text, links and
structure, not by matching markup.
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup, Tag

from statusgen.compute.snapshot import Snapshot, snapshot
from statusgen.pipeline import load_attachments
from statusgen.render import labels, paths
from statusgen.render.bar import DAY
from statusgen.render.pages import render_pages
from statusgen.render.reports import render_reports
from statusgen.render.site import render_site
from statusgen.source.load import load
from statusgen.source.tree import DiskSource
from tests.conftest import StatusRepo
from tests.helpers import INCIDENT

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]
THEMES = ROOT / "themes"

API_LATENCY = "2026-11-22-api-latency"
DB_OUTAGE = "2026-11-03-database-outage"
UPGRADE = "2026-11-20-postgres-17-upgrade"
BILLING = "2026-11-15-billing-export"
DRILL = "2026-11-20-failover-drill"
INTERNAL_UPDATE = "Cache node cache-eu-3 replaced"
DASH = "\u2013"


# --- helpers -----------------------------------------------------------------


def snap_of(root: Path, now: datetime = NOW, *, internal: bool = False) -> Snapshot:
    loaded = load(DiskSource(root))
    assert loaded.repository is not None, loaded.diagnostics
    return snapshot(loaded.repository, now, internal=internal)


@cache
def example(internal: bool = False) -> tuple[Snapshot, dict[str, bytes]]:
    """The example's pages, the reliability reports' included."""
    snap = snap_of(ROOT, internal=internal)
    return snap, {**render_pages(snap, THEMES), **render_reports(snap, THEMES)}


def soup_of(pages: dict[str, bytes], path: str) -> BeautifulSoup:
    return BeautifulSoup(pages[path].decode("utf-8"), "html.parser")


def words(tag: Tag | BeautifulSoup) -> str:
    """The text a reader sees, whitespace collapsed."""
    return " ".join(tag.get_text(" ", strip=True).split())


def html_pages(pages: dict[str, bytes]) -> Iterator[tuple[str, BeautifulSoup]]:
    for path in sorted(pages):
        if path.endswith(".html"):
            yield path, soup_of(pages, path)


def section(soup: BeautifulSoup, heading: str) -> Tag:
    """The ``<section>`` whose heading reads ``heading``."""
    for h in soup.find_all(re.compile(r"^h[1-6]$")):
        if words(h) == heading:
            parent = h.find_parent("section")
            assert parent is not None, heading
            return parent
    raise AssertionError(f"no section headed {heading!r}")


def feed_outputs(snap: Snapshot) -> set[str]:
    """What the feeds step writes beside the pages (the pages link to it)."""
    out = {"history.atom", "history.rss"}
    for c in snap.config.walk():
        out |= {f"components/{c.id}/history.atom", f"components/{c.id}/history.rss"}
    return out


def resolve(page: str, href: str, site_url: str) -> str | None:
    """The output path a link from ``page`` points to; ``None`` for another site."""
    if site_url and href.startswith(site_url):
        href = href[len(site_url):] or "./"
        page = "index.html"
    split = urlsplit(href)
    if split.scheme or split.netloc:
        return None
    if not split.path:
        return page
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), split.path))
    if split.path.endswith("/") or joined == ".":
        joined = paths.INDEX if joined == "." else f"{joined}/{paths.INDEX}"
    return joined


def links(soup: BeautifulSoup) -> Iterator[str]:
    for tag in soup.find_all(["a", "link", "img"]):
        value = tag.get("href") or tag.get("src")
        if isinstance(value, str):
            yield value


def headings(soup: BeautifulSoup) -> list[int]:
    return [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]


def active_titles(soup: BeautifulSoup) -> list[str]:
    return [words(h) for h in section(soup, "Active incidents").find_all("h3")]


# --- the example content ----------------------------------------------------


def test_banner_says_partial_system_outage() -> None:
    _, pages = example()
    soup = soup_of(pages, "index.html")
    h1 = soup.find("h1")
    assert h1 is not None and words(h1) == "Partial System Outage"
    assert "Partial System Outage" in words(soup.find("title") or soup)


def test_active_incident_shows_public_updates_only() -> None:
    _, pages = example()
    soup = soup_of(pages, "index.html")
    active = section(soup, "Active incidents")
    card = active.find("article")
    assert card is not None
    title = card.find("h3")
    assert title is not None and words(title) == "Elevated API response times"
    # The reference leads the line under the title: beside it, it wrapped into a title written
    # in another direction than the page's.
    assert words(card.select_one(".meta .ref")) == "INC-6"  # type: ignore[arg-type]
    link = title.find("a")
    assert link is not None and resolve("index.html", str(link["href"]), "") == \
        paths.incident_page(API_LATENCY)
    text = words(card)
    assert "Major impact" in text
    assert "Public API Degraded performance" in text
    statuses = [words(s) for s in card.select(".u-status")]
    assert statuses == ["Identified", "Investigating"]  # newest first
    assert "replacing it; requests may still take several seconds" in text
    times = card.find_all("time")
    assert [t["datetime"] for t in times] == ["2026-11-22T07:10:00+01:00", "2026-11-22T05:58:00+00:00"]
    assert [words(t) for t in times] == ["22 Nov 2026, 07:10 CET", "22 Nov 2026, 06:58 CET"]
    for path, page in html_pages(pages):
        assert INTERNAL_UPDATE not in words(page), path
        assert "Internal" not in words(page.find("header") or page), path


def test_internal_incident_and_drill_appear_on_no_page() -> None:
    snap, pages = example()
    assert snap.get(BILLING) is None and snap.get(DRILL) is None
    for path, page in html_pages(pages):
        assert BILLING not in path and DRILL not in path
        text = words(page)
        assert "Billing export" not in text and "Failover drill" not in text, path
        for href in links(page):
            assert BILLING not in href and DRILL not in href, path


def test_upgrade_maintenance_is_listed_as_upcoming() -> None:
    _, pages = example()
    soup = soup_of(pages, "index.html")
    upcoming = section(soup, "Scheduled maintenance")
    text = words(upcoming)
    assert "Database upgrade to PostgreSQL 17" in text
    assert "Scheduled" in text
    assert f"2 Dec 2026, 03:00 CET {DASH} 05:00 CET" in text
    assert "Will affect: Database" in text
    assert [t["datetime"] for t in upcoming.find_all("time")][:2] == \
        ["2026-12-02T02:00:00+00:00", "2026-12-02T04:00:00+00:00"]


def test_component_rows_say_their_level_in_words_and_an_icon() -> None:
    snap, pages = example()
    soup = soup_of(pages, "index.html")
    rows = soup.select(".components .component")
    seen = []
    for row in rows:
        name = row.select_one(".c-name")
        assert name is not None
        target = resolve("index.html", str(name["href"]), "")
        component_id = (target or "").split("/")[1]
        level = row.select_one(".c-head .lvl")
        assert level is not None
        assert words(level) == labels.LEVELS[snap.levels[component_id]], component_id
        assert level.find("svg") is not None, "an icon beside the words"
        seen.append(component_id)
    assert seen == [c.id for c in snap.config.walk() if not c.retired]
    assert "Degraded performance" in words(rows[1])  # the API


def test_uptime_bars_have_90_days_with_labels_and_percentages() -> None:
    snap, pages = example()
    soup = soup_of(pages, "index.html")
    for row in soup.select(".components .component"):
        name = row.select_one(".c-name")
        assert name is not None
        component_id = (resolve("index.html", str(name["href"]), "") or "").split("/")[1]
        uptime = snap.uptime[component_id]
        bar = row.select_one("svg.bar")
        assert bar is not None
        assert bar["role"] == "img" and f"{uptime.percent}%" in str(bar["aria-label"])
        x = 0
        days = 0
        for path in bar.find_all("path"):
            start, width = map(int, re.fullmatch(r"M(\d+) \d+h(\d+)", str(path["d"])).groups())  # type: ignore[union-attr]
            assert start == x
            x += width
            days += width // DAY
            title = path.find("title")
            assert title is not None and "uptime" in words(title)
        assert days == 90 == len(uptime.days)
        assert f"{uptime.percent}% uptime" in words(row)
    api = next(r for r in soup.select(".components .component")
               if words(r.select_one(".c-name") or r) == "Public API")
    tips = [words(t) for t in api.select("svg.bar title")]
    assert "3 Nov 2026: Major outage, 97.27% uptime: Database unavailable in the EU region" in tips
    assert tips[-1].startswith("22 Nov 2026: Partial outage") and "Elevated API response times" in tips[-1]
    assert "Database unavailable in the EU region" in str(api.select_one("svg.bar")["aria-label"])  # type: ignore[index]


def test_days_of_an_incident_left_open_that_read_alike_share_one_tooltip(
        status_repo: StatusRepo) -> None:
    # Open since noon on 2 Nov: that day is half down, and every day since reads alike.
    root = status_repo(incident("2026-11-02-api", """
title: API errors
impact: major
components: {api: major_outage}
updates:
  - {at: "2026-11-02T12:00:00Z", status: investigating, message: API errors.}
"""))
    soup = soup_of(render_pages(snap_of(root), root / "themes"), "index.html")
    api = next(r for r in soup.select(".components .component")
               if words(r.select_one(".c-name") or r) == "API")
    tips = [words(t) for t in api.select("svg.bar title")]
    assert tips == [
        f"25 Aug {DASH} 1 Nov 2026: Operational, 100.00% uptime, no incidents",
        "2 Nov 2026: Major outage, 50.00% uptime: API errors",
        f"3 {DASH} 22 Nov 2026: Major outage, 0.00% uptime: API errors",
    ]
    label = str(api.select_one("svg.bar")["aria-label"])  # type: ignore[index]
    assert label.count("API errors") == 2 and f"3 {DASH} 22 Nov 2026" in " ".join(label.split())


def test_a_bar_s_summary_for_screen_readers_names_the_newest_eventful_days_and_counts_the_rest(
        status_repo: StatusRepo) -> None:
    # Eight short incidents on eight days apart: eight runs with a tooltip each.
    days = [f"2026-11-{day:02d}" for day in (4, 6, 8, 10, 12, 14, 16, 18)]
    root = status_repo({
        **{k: v for day in days for k, v in incident(f"{day}-api", f"""
title: Errors {day[-2:]}
impact: minor
components: {{api: partial_outage}}
updates:
  - {{at: "{day}T11:00:00Z", status: resolved, message: Fixed.}}
  - {{at: "{day}T10:00:00Z", status: investigating, message: Errors.}}
""").items()}})
    soup = soup_of(render_pages(snap_of(root), root / "themes"), "index.html")
    api = next(r for r in soup.select(".components .component")
               if words(r.select_one(".c-name") or r) == "API")
    tips = [words(t) for t in api.select("svg.bar title")]
    assert sum(1 for t in tips if t.startswith(tuple(f"{int(d[-2:])} Nov" for d in days))) == 8
    label = " ".join(str(api.select_one("svg.bar")["aria-label"]).split())  # type: ignore[index]
    named = [d[-2:] for d in days if f"Errors {d[-2:]}" in label]
    assert named == ["10", "12", "14", "16", "18"]
    assert label.endswith("Errors 18; and 3 more.")


def test_recently_resolved_and_links_to_history_and_feeds() -> None:
    _, pages = example()
    soup = soup_of(pages, "index.html")
    recent = section(soup, "Recently resolved")
    assert [words(h) for h in recent.find_all("h3")] == ["Delayed webhooks and notification emails"]
    assert "Lasted 1 h 38 min" in words(recent)
    hrefs = {str(a["href"]) for a in soup.find_all("a")}
    assert {"history/index.html", "history.atom", "history.rss"} <= hrefs
    footer = soup.find("footer")
    assert footer is not None and "Powered by statusgen" in words(footer)
    assert "Last updated 22 Nov 2026, 10:00 CET" in words(footer)


def test_every_page_links_the_feeds_in_its_head() -> None:
    snap, pages = example()
    for path, soup in html_pages(pages):
        head = soup.find("head")
        assert head is not None
        alternates = {(str(link["type"]), resolve(path, str(link["href"]), snap.page.url))
                      for link in head.find_all("link", rel="alternate") if not link.get("hreflang")}
        assert ("application/atom+xml", "history.atom") in alternates, path
        assert ("application/rss+xml", "history.rss") in alternates, path
        if path.startswith("components/"):
            own = path.split("/")[1]
            assert ("application/atom+xml", f"components/{own}/history.atom") in alternates
            assert ("application/rss+xml", f"components/{own}/history.rss") in alternates


def test_history_has_a_page_per_year_grouped_by_month() -> None:
    _, pages = example()
    assert {"history/index.html", "history/2025/index.html", "history/2026/index.html"} <= set(pages)
    assert not any(re.fullmatch(r"history/20(?!25|26)\d\d/index.html", p) for p in pages)
    y2026 = soup_of(pages, "history/2026/index.html")
    months = [words(h) for h in y2026.find_all("h2")]
    assert months == ["December 2026", "November 2026", "October 2026"]
    november = section(y2026, "November 2026")
    assert [words(h) for h in november.find_all("h3")] == [
        "Elevated API response times",
        "Delayed webhooks and notification emails",
        "Intermittent DNS resolution failures",
        "Object storage hardware refresh",
        "Database unavailable in the EU region",
    ]
    assert [words(r) for r in november.select(".meta .ref")] == ["INC-6", "INC-5", "INC-4", "INC-3"]
    # An open incident says when its duration was measured: a static page is not rewritten.
    assert "Ongoing for 3 h 2 min as of 22 Nov 2026, 10:00 CET" in words(november)
    assert "Lasted 2 h 18 min" in words(november)
    y2025 = soup_of(pages, "history/2025/index.html")
    assert [words(h) for h in y2025.find_all("h2")] == ["June 2025"]
    assert "Upload errors for large files" in words(y2025)
    assert "Elevated API" not in words(y2025)
    index = soup_of(pages, "history/index.html")
    years = index.find("nav", attrs={"aria-label": "Years"})
    assert years is not None
    assert {resolve("history/index.html", str(a["href"]), "") for a in years.find_all("a")} == \
        {"history/2025/index.html", "history/2026/index.html"}
    assert [words(h) for h in index.find_all("h2")] == months  # the latest year


def test_database_outage_page() -> None:
    snap, pages = example()
    page = paths.incident_page(DB_OUTAGE)
    soup = soup_of(pages, page)
    h1 = soup.find("h1")
    assert h1 is not None and words(h1) == "Database unavailable in the EU region"
    text = words(soup)
    assert "Duration from the first report to resolution 2 h 18 min" in text
    assert "Resolved in from the start of impact 2 h 20 min" in text
    assert "Started 3 Nov 2026, 15:02 CET" in text and "Resolved 3 Nov 2026, 17:20 CET" in text
    assert "Critical impact" in text
    affected = section(soup, "Affected components")
    assert [words(li) for li in affected.find_all("li")] == [
        "Website Partial outage", "Public API Major outage", "Database Major outage"]
    updates = section(soup, "Updates")
    assert [words(h) for h in updates.find_all("h3")] == \
        ["Resolved", "Monitoring", "Identified", "Investigating"]
    # Read as one line: the component's name is isolated (<bdi>) for right-to-left pages.
    changes = [" ".join(li.get_text().split()) for li in updates.select(".changes li")]
    assert all(li.select_one("bdi") for li in updates.select(".changes li"))
    assert "Database: Operational → Major outage" in changes
    assert "Public API: Major outage → Partial outage" in changes
    assert "Website: Partial outage → Operational" in changes
    body = section(soup, "Post-mortem")
    assert [words(h) for h in body.find_all("h3")] == ["What happened", "What we changed"]
    img = body.find("img")
    assert img is not None and img["alt"] == "Timeline of the outage"
    target = resolve(page, str(img["src"]), snap.page.url)
    assert target == "incidents/2026-11-03-database-outage.svg"
    assert target in load_attachments(DiskSource(ROOT), snap)
    runbook = body.find("a", string="runbook")
    assert runbook is not None and runbook["href"] == "https://docs.acme.example/runbooks/db-failover"


def test_maintenance_page_shows_its_window() -> None:
    _, pages = example()
    soup = soup_of(pages, paths.incident_page(UPGRADE))
    text = words(soup)
    assert f"Window 2 Dec 2026, 03:00 CET {DASH} 05:00 CET" in text
    assert "Scheduled maintenance" in text
    done = words(soup_of(pages, paths.incident_page("2026-11-08-storage-maintenance")))
    assert f"Window 8 Nov 2026, 02:00 CET {DASH} 04:00 CET" in done
    assert "Completed 8 Nov 2026, 03:41 CET" in done and "Duration 1 h 41 min" in done


def test_component_pages_for_every_component_and_group() -> None:
    snap, pages = example()
    for component in snap.config.walk():
        page = paths.component_page(component.id)
        soup = soup_of(pages, page)
        h1 = soup.find("h1")
        assert h1 is not None and words(h1) == component.name
        assert labels.LEVELS[snap.levels[component.id]] in words(section(soup, f"Status now "
                                                                       f"{labels.LEVELS[snap.levels[component.id]]}"))
        listed = [resolve(page, str(h.find("a")["href"]), "") for h in  # type: ignore[index]
                  section(soup, "Incidents and maintenance").find_all("h3")]
        assert listed == [paths.incident_page(e.id) for e in snap.by_component[component.id]]
    platform = soup_of(pages, paths.component_page("platform"))
    assert [words(li) for li in section(platform, "Components").find_all("li")] == [
        "Database Operational", "Job queue Operational", "Object storage Operational"]


def test_every_internal_link_resolves() -> None:
    """In every language of the example site (``page.languages``), links between them too."""
    snap, _ = example()
    pages = render_site(snap, THEMES, load_attachments(DiskSource(ROOT), snap))
    known = set(pages)
    checked = 0
    for path, soup in html_pages(pages):
        ids = {str(tag["id"]) for tag in soup.find_all(id=True)}
        for href in links(soup):
            target = resolve(path, href, snap.page.url)
            if target is None:
                continue
            assert not href.startswith("/"), (path, href)
            assert target in known, f"{path}: {href} → {target}"
            fragment = urlsplit(href).fragment
            if fragment and target == path:
                assert fragment in ids, (path, href)
            checked += 1
    assert checked > 200


def test_the_404_page_links_absolutely_and_carries_its_css() -> None:
    snap, pages = example()
    soup = soup_of(pages, "404.html")
    hrefs = [str(a["href"]) for a in soup.find_all("a") if not str(a["href"]).startswith("#")]
    assert hrefs and all(h.startswith(snap.page.url) for h in hrefs)
    assert soup.find("link", rel="stylesheet") is None
    style = soup.find("style")
    assert style is not None and ".banner" in style.get_text()


def test_sizes_stay_within_budget() -> None:
    _, pages = example()
    assert len(pages["index.html"]) < 30_000
    assert len(pages["index.html"]) + len(pages["static/style.css"]) < 60_000


def test_every_page_is_accessible_in_structure() -> None:
    snap, pages = example()
    for path, soup in html_pages(pages):
        html = soup.find("html")
        assert html is not None and html["lang"] == snap.page.language
        for landmark in ("header", "main", "footer"):
            assert len(soup.find_all(landmark)) == 1, (path, landmark)
        assert soup.find("nav") is not None, path
        levels = headings(soup)
        assert levels.count(1) == 1 and levels[0] == 1, (path, levels)
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, (path, levels)
        skip = soup.find("a")
        assert skip is not None and skip["href"] == "#main" and soup.find(id="main") is not None
        for img in soup.find_all("img"):
            assert img.get("alt"), path
        for time in soup.find_all("time"):
            parsed = datetime.fromisoformat(str(time["datetime"]))
            assert parsed.tzinfo is not None
            assert re.search(r"\d\d:\d\d( CES?T)?$", words(time)), words(time)


def test_rendering_is_deterministic() -> None:
    first = render_pages(snap_of(ROOT), THEMES)
    second = render_pages(snap_of(ROOT), THEMES)
    assert first == second
    assert list(first) == sorted(first)


def test_assets_are_in_the_output_and_linked_with_a_version() -> None:
    _, pages = example()
    assert {"static/style.css", "static/favicon.svg"} <= set(pages)
    soup = soup_of(pages, paths.incident_page(DB_OUTAGE))
    sheet = soup.find("link", rel="stylesheet")
    assert sheet is not None
    assert re.fullmatch(r"\.\./\.\./static/style\.css\?v=[0-9a-f]{10}", str(sheet["href"]))


# --- the internal build ------------------------------------------------------


def test_internal_build_marks_every_page_and_what_is_internal() -> None:
    _, pages = example(internal=True)
    for path, soup in html_pages(pages):
        header = soup.find("header")
        assert header is not None and "Internal" in words(header), path
        title = soup.find("title")
        assert title is not None and "Internal" in words(title), path
    billing = soup_of(pages, paths.incident_page(BILLING))
    assert "Internal" in [words(t) for t in billing.select(".tag")]
    latency = soup_of(pages, paths.incident_page(API_LATENCY))
    marked = [li for li in latency.select("li.update") if INTERNAL_UPDATE in words(li)]
    assert len(marked) == 1 and "Internal" in [words(t) for t in marked[0].select(".tag")]
    index = soup_of(pages, "index.html")
    card = section(index, "Active incidents").find("article")
    assert card is not None and INTERNAL_UPDATE in words(card) and "Internal" in words(card)
    drill = soup_of(pages, paths.incident_page(DRILL))
    assert "Drill, never published" in words(drill)
    assert "Billing export job failed overnight" in words(soup_of(pages, "history/2026/index.html"))


# --- targeted repositories ---------------------------------------------------


def incident(name: str, front: str, body: str = "") -> dict[str, str]:
    return {f"incidents/{name}.md": f"---\n{front.strip()}\n---\n{body}"}


def test_a_page_wide_incident_is_shown_first(status_repo: StatusRepo) -> None:
    root = status_repo({
        **incident("2026-11-22-api", """
title: API errors
impact: major
components: {api: partial_outage}
updates:
  - {at: "2026-11-22T08:30:00Z", status: investigating, message: API errors.}
"""),
        **incident("2026-11-22-everything", """
title: Everything is slow
impact: minor
updates:
  - {at: "2026-11-22T08:00:00Z", status: investigating, message: All slow.}
"""),
    })
    pages = render_pages(snap_of(root), root / "themes")
    soup = soup_of(pages, "index.html")
    assert active_titles(soup) == ["Everything is slow", "API errors"]
    h1 = soup.find("h1")
    assert h1 is not None and words(h1) == "Partial System Outage"


def test_maintenance_in_progress_shows_under_maintenance(status_repo: StatusRepo) -> None:
    root = status_repo(incident("2026-11-22-queue-move", """
kind: maintenance
title: Moving the job queue
window: {start: "2026-11-22T08:00:00Z", end: "2026-11-22T10:00:00Z"}
components: [queue]
updates:
  - {at: "2026-11-22T08:00:00Z", status: in_progress, message: We have started.}
  - {at: "2026-11-20T08:00:00Z", status: scheduled, message: We will move the queue.}
"""))
    snap = snap_of(root)
    pages = render_pages(snap, root / "themes")
    soup = soup_of(pages, "index.html")
    h1 = soup.find("h1")
    assert h1 is not None and words(h1) == "Service Under Maintenance"
    now = section(soup, "Maintenance in progress")
    assert "Moving the job queue" in words(now)
    assert "Queue Under maintenance" in words(now)
    rows = {words(r.select_one(".c-name") or r): r for r in soup.select(".components .component")}
    level = rows["Queue"].select_one(".c-head .lvl")
    assert level is not None and words(level) == "Under maintenance"
    group = rows["Platform"].find("details")
    assert group is not None and group.has_attr("open")


def test_markdown_html_is_escaped_and_javascript_links_dropped(status_repo: StatusRepo) -> None:
    root = status_repo(incident("2026-11-22-xss", """
title: Hostile text
impact: minor
components: {api: degraded_performance}
updates:
  - at: "2026-11-22T08:00:00Z"
    status: investigating
    message: "Look <script>alert(1)</script> and [click](javascript:alert(1))"
""", "<script>alert(2)</script>\n\n[more](javascript:alert(3)) and <img src=x onerror=alert(4)>\n"))
    pages = render_pages(snap_of(root), root / "themes")
    for path in ("index.html", paths.incident_page("2026-11-22-xss")):
        soup = soup_of(pages, path)
        assert soup.find_all("script") == [], path
        assert soup.find("img", src="x") is None
        assert "<script>alert(1)</script>" in words(soup)
        for a in soup.find_all("a"):
            assert not str(a.get("href", "")).lower().startswith("javascript:"), path
        assert not any(attr.startswith("on") for tag in soup.find_all(True) for attr in tag.attrs)
    assert "<script>alert(2)</script>" in words(soup_of(pages, paths.incident_page("2026-11-22-xss")))


def test_titles_and_names_are_escaped(status_repo: StatusRepo) -> None:
    root = status_repo({
        "components.yml": """
page: {title: "A <b>bold</b> page", url: "https://status.test.example/", language: de}
components:
  - {id: api, name: "API <i>v2</i>"}
""",
        **incident("2026-11-22-tags", """
title: "Errors <em>everywhere</em>"
impact: minor
components: {api: partial_outage}
updates:
  - {at: "2026-11-22T08:00:00Z", status: investigating, message: Hm.}
"""),
    })
    pages = render_pages(snap_of(root), root / "themes")
    soup = soup_of(pages, "index.html")
    assert soup.find("b") is None and soup.find("i") is None and soup.find("em") is None
    text = words(soup)
    assert "A <b>bold</b> page" in text and "API <i>v2</i>" in text and "Errors <em>everywhere</em>" in text
    html = soup.find("html")
    assert html is not None and html["lang"] == "de"


def test_component_pages_list_the_latest_50_entries(status_repo: StatusRepo) -> None:
    files: dict[str, str] = {}
    for n in range(51):
        day, hour = divmod(n, 10)
        files.update(incident(f"2026-10-{day + 1:02d}-e{n:02d}", f"""
title: Errors {n:02d}
impact: minor
components: {{api: partial_outage}}
updates:
  - {{at: "2026-10-{day + 1:02d}T{hour + 1:02d}:30:00Z", status: resolved, message: Fixed.}}
  - {{at: "2026-10-{day + 1:02d}T{hour + 1:02d}:00:00Z", status: investigating, message: Errors.}}
"""))
    root = status_repo(files)
    pages = render_pages(snap_of(root), root / "themes")
    page = paths.component_page("api")
    soup = soup_of(pages, page)
    listed = section(soup, "Incidents and maintenance")
    titles = [words(h) for h in listed.find_all("h3")]
    assert len(titles) == 50 and titles[0] == "Errors 50" and "Errors 00" not in titles
    more = listed.find("a", string=re.compile("history"))
    assert more is not None and resolve(page, str(more["href"]), "") == "history/index.html"
    assert len(soup_of(pages, "history/2026/index.html").select("main h3")) == 51


def test_an_empty_repository_renders(status_repo: StatusRepo) -> None:
    pages = render_pages(snap_of(status_repo({})), THEMES)
    soup = soup_of(pages, "index.html")
    h1 = soup.find("h1")
    assert h1 is not None and words(h1) == "All Systems Operational"
    assert "Active incidents" not in words(soup)
    history = soup_of(pages, "history/index.html")
    assert "No incidents have been reported" in words(history)
    assert not any(p.startswith("history/2") for p in pages)


@pytest.mark.parametrize("now", [
    datetime(2026, 11, 3, 15, 0, tzinfo=UTC),   # during the database outage
    datetime(2026, 11, 8, 2, 0, tzinfo=UTC),    # during the storage maintenance
    datetime(2026, 12, 2, 3, 0, tzinfo=UTC),    # during the upgrade
])
def test_the_example_renders_at_other_times(now: datetime) -> None:
    snap = snap_of(ROOT, now)
    pages = render_pages(snap, THEMES)
    soup = soup_of(pages, "index.html")
    h1 = soup.find("h1")
    assert h1 is not None and words(h1) == snap.description
    for row in soup.select(".components .component"):
        level = row.select_one(".c-head .lvl")
        assert level is not None and words(level) in labels.LEVELS.values()


def test_the_front_page_stays_the_same_size_however_many_incidents_stay_open(
        status_repo: StatusRepo) -> None:
    def repo(open_count: int) -> dict[str, bytes]:
        files = {f"incidents/2026-{month:02d}-{day:02d}-open-{n}.md": INCIDENT.replace(
            "2026-11-22T08:00:00Z", f"2026-{month:02d}-{day:02d}T08:00:00Z").replace(
            "API errors", f"Forgotten {n}") for n, (month, day) in enumerate(
            ((m, d) for m in range(1, 11) for d in range(1, 29)), start=1) if n <= open_count}
        return render_pages(snap_of(status_repo(files)), THEMES)

    thirty, ninety = repo(30), repo(90)
    front = soup_of(thirty, "index.html")
    cards = section(front, "Active incidents").find_all("article")
    assert len(cards) == 25
    more = section(front, "Active incidents").find("p", class_="more")
    assert more is not None and words(more) == "5 more unresolved incidents"
    assert resolve("index.html", str(more.find("a")["href"]), "") == paths.unresolved_page()  # type: ignore[index]
    listed = soup_of(thirty, paths.unresolved_page()).find_all("h2")
    assert len(listed) == 30
    # Ninety open incidents: the front page shows as many, and its size moves by a few bytes.
    assert abs(len(ninety["index.html"]) - len(thirty["index.html"])) < 200


def test_a_busy_day_names_three_entries_in_its_tooltip(status_repo: StatusRepo) -> None:
    resolved = "  - at: 2026-11-20T09:00:00Z\n    status: resolved\n    message: Over.\n  - at:"
    files = {f"incidents/2026-11-20-busy-{n}.md": INCIDENT.replace(
        "2026-11-22T08:00:00Z", f"2026-11-20T0{n}:00:00Z").replace("API errors", f"Busy {n}").replace(
        "  - at:", resolved, 1) for n in range(5)}
    pages = render_pages(snap_of(status_repo(files)), THEMES)
    labels_ = [str(t.get_text()) for t in soup_of(pages, "index.html").find_all("title")]
    busy = [label for label in labels_ if "Busy" in label]
    assert busy and all(label.count("Busy") == 3 and label.endswith("; and 2 more") for label in busy)


def test_a_retired_component_is_off_the_front_page_and_keeps_its_page() -> None:
    _, pages = example()
    listed = soup_of(pages, "index.html").select_one(".components")
    assert listed is not None and "Legacy API (v1)" not in words(listed)
    own = soup_of(pages, "components/legacy-api/index.html")
    assert "Upload errors for large files" in words(own)
