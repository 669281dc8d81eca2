"""What a change does to the public page, in words: Markdown for a pull request's job summary
and plain text for a terminal, from the structured :class:`~statusgen.compute.pagediff.PageDiff`.

Authors' words are made inert (no links, markup, HTML or mentions in the Markdown).
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from statusgen import model as m
from statusgen.compute.views import (
    Change,
    ComponentChange,
    Detail,
    DetailKind,
    EntryChange,
    PageDiff,
    Window,
)
from statusgen.render.labels import IMPACTS, LEVELS, STATUSES
from statusgen.render.timefmt import iso, local_time

NO_CHANGE = "No change to the public page."


def detail_text(detail: Detail, tz: str) -> str:
    """One other difference in words: ``impact Minor → Major``."""
    kind, before, after = detail.kind, detail.before, detail.after
    if kind is DetailKind.TITLE:
        return f"title was “{before}”"
    if kind is DetailKind.IMPACT:
        assert isinstance(before, m.Impact) and isinstance(after, m.Impact)
        return f"impact {IMPACTS[before]} → {IMPACTS[after]}"
    if kind is DetailKind.COMPONENTS:
        return "affected components changed"
    if kind is DetailKind.WINDOW:
        assert isinstance(before, Window) and isinstance(after, Window)
        return f"window {format_window(before, tz)} → {format_window(after, tz)}"
    if kind in (DetailKind.EDITED, DetailKind.REMOVED):
        assert isinstance(after, int)
        noun = "earlier update" if kind is DetailKind.EDITED else "update"
        return f"{after} {noun}{'s' if after != 1 else ''} {kind.value}"
    return ("the write-up changed" if before and after else
            "a write-up was added" if after else "the write-up was removed")


def format_window(window: Window, tz: str) -> str:
    """``2 Dec 2026, 03:00 to 05:00 CET`` in the page's zone; both dates when they differ."""
    zone = ZoneInfo(tz)
    start, end = window.start.astimezone(zone), window.end.astimezone(zone)
    if start.date() == end.date() and start.tzname() == end.tzname():
        return f"{local_time(start, zone).rsplit(' ', 1)[0]} to {end:%H:%M} {end.tzname()}"
    return f"{local_time(start, zone)} to {local_time(end, zone)}"


def _level(level: m.Level | None) -> str:
    return LEVELS[level] if level is not None else "not on the page"


def _status(status: m.Status | None) -> str:
    return STATUSES[status] if status is not None else "—"


def _component_name(change: ComponentChange) -> str:
    return f"{change.group} / {change.name}" if change.group else change.name


HEADLINES = {
    Change.ADDED: "Added",
    Change.UPDATED: "Updated",
    Change.RESOLVED: "Resolved",
    Change.REOPENED: "Reopened",
    Change.EDITED: "Edited",
    Change.REMOVED: "Removed from the public page",
    Change.NOT_COMPARABLE: "Not comparable",
}
MAINTENANCE_HEADLINES = {**HEADLINES, Change.RESOLVED: "Completed"}


def _entry_lines(change: EntryChange, tz: str, text: Callable[[str], str],
                 code: Callable[[str], str], bold: Callable[[str], str]) -> tuple[str, list[str]]:
    """The headline of one entry change and the lines under it."""
    headlines = MAINTENANCE_HEADLINES if change.kind is m.Kind.MAINTENANCE else HEADLINES
    head = f"{bold(headlines[change.change] + ':')} {text(change.title)} ({code(change.path)})"
    if change.change is Change.NOT_COMPARABLE:
        return head, [f"could not be read at the base ({text(change.note)}); it will show as "
                      f"{_status(change.status_after)}"]
    if change.change is Change.REMOVED:
        return head, ["it will no longer be shown (deleted, made internal or marked as a test)"]
    sub = []
    if change.kind is m.Kind.MAINTENANCE:
        window = change.window_after
        if change.change is Change.ADDED and window:
            sub.append(f"window {format_window(window, tz)}, {_status(change.status_after)}")
        elif change.status_before is not change.status_after:
            sub.append(f"status {_status(change.status_before)} → {_status(change.status_after)}")
    elif change.status_before is not change.status_after and change.change is not Change.ADDED:
        sub.append(f"status {_status(change.status_before)} → {_status(change.status_after)}")
    sub.extend(text(detail_text(d, tz)) for d in change.details)
    updates = change.new_updates if change.change is not Change.ADDED else change.new_updates[:1]
    for update in updates:
        when = local_time(update.at, ZoneInfo(tz))
        sub.append(f"{bold(STATUSES[update.status])} at {when}: {text(update.message)}")
    if change.change is Change.ADDED and len(change.new_updates) > 1:
        more = len(change.new_updates) - 1
        sub.append(f"and {more} earlier update{'s' if more != 1 else ''}")
    return head, sub


def _banner_line(d: PageDiff) -> str:
    after = d.banner_after.description
    if d.banner_before is None:
        return f"{after} (the base cannot be computed)"
    before = d.banner_before.description
    return f"{before} (unchanged)" if before == after else f"{before} → {after}"


_MD_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`*_[]|~#@!"} | {
    "<": "&lt;", ">": "&gt;", "&": "&amp;"})


def md(text: str) -> str:
    """Authors' words made inert in Markdown: no links, markup, HTML or mentions."""
    return " ".join(text.split()).translate(_MD_ESCAPES)


def _md_code(text: str) -> str:
    return f"`{text.replace('`', '')}`"


def _md_bold(text: str) -> str:
    return f"**{text}**"


def render_markdown(d: PageDiff) -> str:
    """A heading, the banner, a table of components and lists of entries; for a job summary."""
    lines = ["## Public status page", ""]
    lines.append(f"Compared with {_md_code(d.base)} at {iso(d.now)}.")
    lines.append("")
    if not d.changed:
        lines += [NO_CHANGE, ""]
        lines += [f"**Banner:** {md(_banner_line(d))}", ""]
    else:
        lines += [f"**Banner:** {md(_banner_line(d))}", ""]
        if d.components:
            lines += ["### Components", "", "| Component | Before | After |", "| --- | --- | --- |"]
            lines += [f"| {md(_component_name(c))} | {_level(c.before)} | {_level(c.after)} |"
                      for c in d.components]
            lines.append("")
        for title, changes in (("Incidents", d.incidents), ("Maintenance", d.maintenance)):
            if not changes:
                continue
            lines += [f"### {title}", ""]
            for change in changes:
                head, sub = _entry_lines(change, d.timezone, md, _md_code, _md_bold)
                lines.append(f"- {head}")
                lines += [f"  - {s}" for s in sub]
            lines.append("")
    if d.notes:
        lines += ["### Notes", ""]
        lines += [f"- {md(n)}" for n in d.notes]
        lines.append("")
    return "\n".join(lines)


def _plain(text: str) -> str:
    return " ".join(text.split())


def render_text(d: PageDiff) -> str:
    """The same report for a terminal."""
    lines = [f"Public page compared with {d.base} at {iso(d.now)}"]
    if not d.changed:
        lines.append(NO_CHANGE)
    lines.append(f"Banner: {_banner_line(d)}")
    if d.changed:
        if d.components:
            lines.append("Components:")
            lines += [f"  {_plain(_component_name(c))}: {_level(c.before)} → {_level(c.after)}"
                      for c in d.components]
        for title, changes in (("Incidents", d.incidents), ("Maintenance", d.maintenance)):
            if not changes:
                continue
            lines.append(f"{title}:")
            for change in changes:
                head, sub = _entry_lines(change, d.timezone, _plain, str, str)
                lines.append(f"  {head}")
                lines += [f"    {s}" for s in sub]
    if d.notes:
        lines.append("Notes:")
        lines += [f"  {_plain(n)}" for n in d.notes]
    return "\n".join(lines) + "\n"


RENDERERS: dict[str, Callable[[PageDiff], str]] = {"markdown": render_markdown, "text": render_text}

