"""``statusgen.pagediff``: two public snapshots in, what readers see differently out."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from statusgen import model as m
from statusgen.compute.pagediff import Change, EntryChange, PageDiff, diff, first_line
from statusgen.compute.snapshot import Snapshot, snapshot
from statusgen.render.diff import NO_CHANGE, detail_text, md, render_markdown, render_text
from statusgen.source.load import load
from statusgen.source.tree import DiskSource
from tests.conftest import StatusRepo
from tests.helpers import INCIDENT, MAINTENANCE, NOW

UPDATED = """\
---
title: API errors
impact: minor
components:
  api: partial_outage
updates:
  - at: 2026-11-22T08:30:00Z
    status: identified
    message: |
      A bad deploy; we are rolling it back.
      Second line, not shown in the diff.
    components: {api: degraded_performance}
  - at: 2026-11-22T08:00:00Z
    status: investigating
    message: We are looking into it.
---
Some **Markdown**.
"""

RESOLVED = """\
---
title: API errors
impact: minor
components:
  api: partial_outage
updates:
  - at: 2026-11-22T08:45:00Z
    status: resolved
    message: Requests succeed again.
  - at: 2026-11-22T08:00:00Z
    status: investigating
    message: We are looking into it.
---
Some **Markdown**.
"""

INTERNAL_UPDATE = """\
---
title: API errors
impact: minor
components:
  api: partial_outage
updates:
  - at: 2026-11-22T08:40:00Z
    status: identified
    internal: true
    message: Node api-7 is out of memory; restarting it. Customer ACME-42 is affected.
    components: {api: major_outage}
  - at: 2026-11-22T08:00:00Z
    status: investigating
    message: We are looking into it.
---
Some **Markdown**.
"""

IN_PROGRESS = """\
---
kind: maintenance
title: Database upgrade
window:
  start: 2026-11-22T08:30:00Z
  end: 2026-11-22T10:30:00Z
components: [db]
updates:
  - at: 2026-11-20T12:00:00Z
    status: scheduled
    message: The database will be read-only for an hour.
---
"""


def words(change: EntryChange) -> tuple[str, ...]:
    """An entry change's other differences as the report words them (the page's zone: UTC)."""
    return tuple(detail_text(d, "UTC") for d in change.details)


def page(status_repo: StatusRepo, files: Mapping[str, str], internal: bool = False) -> Snapshot:
    root: Path = status_repo(files)
    loaded = load(DiskSource(root))
    assert loaded.repository is not None, loaded.diagnostics
    return snapshot(loaded.repository, NOW, internal=internal)


def test_the_same_page_is_no_change(status_repo: StatusRepo) -> None:
    files = {"incidents/a.md": INCIDENT}
    result = diff(page(status_repo, files), page(status_repo, files))
    assert not result.changed
    assert NO_CHANGE in render_markdown(result)
    assert NO_CHANGE in render_text(result)


def test_a_new_incident_changes_banner_component_and_list(status_repo: StatusRepo) -> None:
    result = diff(page(status_repo, {}), page(status_repo, {"incidents/a.md": INCIDENT}), base="main")
    assert result.changed
    assert result.banner_before is not None
    assert result.banner_before.description == "All Systems Operational"
    assert result.banner_after.description == "Minor Service Outage"
    [api] = result.components
    assert (api.id, api.before, api.after) == ("api", m.Level.OPERATIONAL, m.Level.PARTIAL_OUTAGE)
    [added] = result.incidents
    assert (added.id, added.change, added.status_after) == ("a", Change.ADDED, m.Status.INVESTIGATING)
    text = render_markdown(result)
    assert text.startswith("## ")
    assert "**Banner:** All Systems Operational → Minor Service Outage" in text
    assert "| API | Operational | Partial outage |" in text
    assert "**Added:** API errors (`incidents/a.md`)" in text
    assert "We are looking into it." in text
    assert "Compared with `main`" in text


def test_an_update_lists_the_new_public_update_first_line_only(status_repo: StatusRepo) -> None:
    result = diff(page(status_repo, {"incidents/a.md": INCIDENT}),
                  page(status_repo, {"incidents/a.md": UPDATED}))
    [updated] = result.incidents
    assert updated.change is Change.UPDATED
    [line] = updated.new_updates
    assert (line.status, line.message) == (m.Status.IDENTIFIED, "A bad deploy; we are rolling it back.")
    assert [(c.id, c.before, c.after) for c in result.components] == [
        ("api", m.Level.PARTIAL_OUTAGE, m.Level.DEGRADED_PERFORMANCE)]
    text = render_markdown(result)
    assert "status Investigating → Identified" in text
    assert "**Identified** at 22 Nov 2026, 08:30 UTC: A bad deploy; we are rolling it back." in text
    assert "Second line" not in text
    assert result.banner_before == result.banner_after
    assert "Minor Service Outage (unchanged)" in text


def test_a_resolve(status_repo: StatusRepo) -> None:
    result = diff(page(status_repo, {"incidents/a.md": INCIDENT}),
                  page(status_repo, {"incidents/a.md": RESOLVED}))
    [resolved] = result.incidents
    assert resolved.change is Change.RESOLVED
    assert resolved.status_after is m.Status.RESOLVED
    assert [(c.id, c.after) for c in result.components] == [("api", m.Level.OPERATIONAL)]
    assert result.banner_after.description == "All Systems Operational"
    text = render_text(result)
    assert "Resolved: API errors (incidents/a.md)" in text
    assert "Resolved at 22 Nov 2026, 08:45 UTC: Requests succeed again." in text


def test_a_reopened_incident(status_repo: StatusRepo) -> None:
    result = diff(page(status_repo, {"incidents/a.md": RESOLVED}),
                  page(status_repo, {"incidents/a.md": INCIDENT}))
    [change] = result.incidents
    assert change.change is Change.REOPENED
    assert "1 update removed" in words(change)


def test_internal_updates_and_entries_are_no_change(status_repo: StatusRepo) -> None:
    internal_entry = INCIDENT.replace("impact: minor\n", "impact: minor\nvisibility: internal\n")
    drill = INCIDENT.replace("impact: minor\n", "impact: minor\nmode: test\n")
    before = page(status_repo, {"incidents/a.md": INCIDENT})
    after = page(status_repo, {"incidents/a.md": INTERNAL_UPDATE, "incidents/b.md": internal_entry,
                               "incidents/c.md": drill})
    result = diff(before, after)
    assert not result.changed
    text = render_markdown(result) + render_text(result)
    assert NO_CHANGE in text
    for secret in ("ACME-42", "api-7", "Major outage", "b.md", "c.md"):
        assert secret not in text


def test_an_entry_made_internal_is_removed_from_the_public_page(status_repo: StatusRepo) -> None:
    internal_entry = INCIDENT.replace("impact: minor\n", "impact: minor\nvisibility: internal\n")
    result = diff(page(status_repo, {"incidents/a.md": INCIDENT}),
                  page(status_repo, {"incidents/a.md": internal_entry}))
    [removed] = result.incidents
    assert removed.change is Change.REMOVED
    assert "Removed from the public page" in render_markdown(result)


def test_edits_without_new_updates(status_repo: StatusRepo) -> None:
    edited = (INCIDENT.replace("title: API errors", "title: API request errors")
              .replace("impact: minor", "impact: major")
              .replace("We are looking into it.", "We are looking into it now.")
              .replace("Some **Markdown**.", "Other words."))
    result = diff(page(status_repo, {"incidents/a.md": INCIDENT}),
                  page(status_repo, {"incidents/a.md": edited}))
    [change] = result.incidents
    assert change.change is Change.EDITED
    assert change.title == "API request errors"
    assert words(change) == ("title was “API errors”", "impact Minor → Major",
                              "1 earlier update edited", "the write-up changed")
    assert result.banner_after.description == "Partial System Outage"


def test_maintenance_added_shows_window_and_status(status_repo: StatusRepo) -> None:
    result = diff(page(status_repo, {}), page(status_repo, {"incidents/m.md": MAINTENANCE}))
    assert not result.incidents and not result.components
    [added] = result.maintenance
    assert (added.change, added.status_after) == (Change.ADDED, m.Status.SCHEDULED)
    text = render_markdown(result)
    assert "### Maintenance" in text
    assert "window 30 Nov 2026, 02:00 to 04:00 UTC, Scheduled" in text
    assert result.banner_before == result.banner_after


def test_maintenance_window_moved_into_now(status_repo: StatusRepo) -> None:
    result = diff(page(status_repo, {"incidents/m.md": MAINTENANCE}),
                  page(status_repo, {"incidents/m.md": IN_PROGRESS}))
    [change] = result.maintenance
    assert change.change is Change.EDITED
    assert (change.status_before, change.status_after) == (m.Status.SCHEDULED, m.Status.IN_PROGRESS)
    assert words(change) == ("window 30 Nov 2026, 02:00 to 04:00 UTC → 22 Nov 2026, 08:30 to 10:30 UTC",)
    assert [(c.id, c.after) for c in result.components] == [
        ("platform", m.Level.UNDER_MAINTENANCE), ("db", m.Level.UNDER_MAINTENANCE)]
    assert result.banner_after.description == "Service Under Maintenance"
    text = render_markdown(result)
    assert "status Scheduled → In progress" in text
    assert "| Platform / Database | Operational | Under maintenance |" in text


def test_maintenance_completed(status_repo: StatusRepo) -> None:
    completed = IN_PROGRESS.replace(
        "updates:\n",
        "updates:\n  - at: 2026-11-22T08:50:00Z\n    status: completed\n    message: Done early.\n")
    result = diff(page(status_repo, {"incidents/m.md": IN_PROGRESS}),
                  page(status_repo, {"incidents/m.md": completed}))
    [change] = result.maintenance
    assert change.change is Change.RESOLVED
    assert "**Completed:** Database upgrade" in render_markdown(result)


def test_not_comparable_entries_and_bases(status_repo: StatusRepo) -> None:
    after = page(status_repo, {"incidents/a.md": INCIDENT})
    result = diff(page(status_repo, {}), after,
                  not_comparable={"incidents/a.md": "the YAML is broken (line 3)"})
    [change] = result.incidents
    assert change.change is Change.NOT_COMPARABLE
    assert "could not be read at the base (the YAML is broken (line 3))" in render_markdown(result)

    whole = diff(None, after, notes=["components.yml could not be read at main."])
    assert not whole.comparable and whole.changed
    assert not whole.incidents and not whole.components
    text = render_markdown(whole)
    assert "the base cannot be computed" in text
    assert "components.yml could not be read at main." in text


def test_components_added_and_removed_in_components_yml(status_repo: StatusRepo) -> None:
    more = "page:\n  title: T\n  url: https://t.example/\ncomponents:\n  - id: api\n    name: API\n" \
           "  - id: cdn\n    name: CDN\n"
    result = diff(page(status_repo, {}), page(status_repo, {"components.yml": more}))
    assert [(c.id, c.before, c.after) for c in result.components] == [
        ("cdn", None, m.Level.OPERATIONAL),
        ("platform", m.Level.OPERATIONAL, None),
        ("db", m.Level.OPERATIONAL, None),
        ("queue", m.Level.OPERATIONAL, None),
    ]
    assert "| CDN | not on the page | Operational |" in render_markdown(result)


def test_authors_words_cannot_inject_markdown(status_repo: StatusRepo) -> None:
    nasty = INCIDENT.replace("title: API errors", 'title: "<img src=x> | @team [x](http://e) *b*"')
    result = diff(page(status_repo, {}), page(status_repo, {"incidents/a.md": nasty}))
    text = render_markdown(result)
    assert "<img" not in text and "&lt;img src=x&gt;" in text
    assert r"\| \@team \[x\](http://e) \*b\*" in text
    assert md("a\nb") == "a b"


def test_internal_snapshots_are_refused(status_repo: StatusRepo) -> None:
    public = page(status_repo, {})
    with pytest.raises(ValueError, match="public"):
        diff(public, page(status_repo, {}, internal=True))


def test_first_line() -> None:
    assert first_line("\n\n  First.  \nSecond.") == "First."
    assert first_line("") == ""


def test_page_diff_changed_property() -> None:
    from datetime import UTC, datetime

    from statusgen.compute.pagediff import Banner

    same = Banner("none", "All Systems Operational")
    quiet = PageDiff("x", datetime(2026, 1, 1, tzinfo=UTC), "UTC", same, same, (), (), ())
    assert not quiet.changed
    assert PageDiff("x", quiet.now, "UTC", same, Banner("minor", "Minor"), (), (), ()).changed
