"""Read a cState issue (``content/issues/*.md`` of a Hugo cState status site) as a statusgen entry.

cState keeps one Markdown file per issue: front matter with ``title``, ``date``,
``resolved``, ``resolvedWhen``, ``severity`` (down, disrupted, notice) and
``affected`` (component names), and the story as the body.  statusgen wants a
timeline, so an issue becomes:

- an incident whose first update (``investigating``, at ``date``) carries the body,
  and, when it was resolved, a ``resolved`` update at ``resolvedWhen``; its
  components are at the level of its severity (down → major_outage, disrupted →
  partial_outage, notice → degraded_performance), its impact likewise (major,
  minor, none);
- a maintenance when its title says maintenance or an upgrade: the window from
  ``date`` to ``resolvedWhen`` (an hour when it has none), announced at its start,
  completed at its end.

This is the benchmark's own small converter, not statusgen's importer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import yaml

from bench.entries import Entry, Update
from bench.yamltext import clean

LEVEL = {"down": "major_outage", "disrupted": "partial_outage", "notice": "degraded_performance"}
IMPACT = {"down": "major", "disrupted": "minor", "notice": "none"}
MAINTENANCE = re.compile(r"maintenance|upgrade", re.IGNORECASE)
MAX_BYTES = 1024 * 1024
"""The largest issue file read, as statusgen reads no larger incident file."""
UNTIMED = timedelta(hours=1)
"""How long a maintenance without ``resolvedWhen`` is taken to last."""


class NotAnIssue(ValueError):
    """The text is not a cState issue statusgen can show."""


@dataclass(frozen=True)
class Issue:
    """One cState issue, its times in UTC."""

    name: str
    """The file name without ``.md``."""
    title: str
    start: datetime
    end: datetime | None
    """When it was resolved; None while it is open."""
    severity: str
    affected: tuple[str, ...]
    body: str

    @property
    def maintenance(self) -> bool:
        return bool(MAINTENANCE.search(self.title))


def _when(value: object, key: str) -> datetime:
    """A cState time: a YAML timestamp, or text such as ``2024-05-14 10:00:00 UTC``; UTC if no zone."""
    if isinstance(value, str):
        text = value.strip().removesuffix("UTC").strip().replace("Z", "+00:00")
        try:
            value = datetime.fromisoformat(text)
        except ValueError as exc:
            raise NotAnIssue(f"`{key}` is not a time: {value!r}") from exc
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if not isinstance(value, datetime):
        raise NotAnIssue(f"`{key}` is not a time: {value!r}")
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


def parse_issue(name: str, text: str) -> Issue:
    """The issue in ``text`` (a file named ``name``.md); :class:`NotAnIssue` if it is none."""
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        raise NotAnIssue("larger than 1 MiB")
    head, sep, rest = text.replace("\r\n", "\n").partition("\n---\n")
    if not head.startswith("---\n") or not sep:
        raise NotAnIssue("no front matter")
    try:
        front = yaml.safe_load(head[4:])
    except yaml.YAMLError as exc:
        raise NotAnIssue(f"unreadable front matter: {exc}") from exc
    if not isinstance(front, dict) or not str(front.get("title") or "").strip():
        raise NotAnIssue("no title")
    start = _when(front.get("date"), "date")
    end = None
    if front.get("resolved") is True:
        end = _when(front["resolvedWhen"], "resolvedWhen") if front.get("resolvedWhen") else start
        end = max(end, start)
    affected = front.get("affected") or []
    if not isinstance(affected, list):
        affected = [affected]
    names = tuple(dict.fromkeys(str(a).strip() for a in affected if a is not None and str(a).strip()))
    severity = str(front.get("severity") or "disrupted").strip().lower()
    return Issue(name, clean(str(front["title"])).replace("\n", " ").strip(), start, end,
                 severity if severity in LEVEL else "disrupted", names, clean(rest).strip())


def slug(text: str, most: int = 60) -> str:
    """Lower-case letters, digits and single hyphens: a statusgen id."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:most].strip("-") or "x"


def to_entry(issue: Issue, entry_id: str, shift: timedelta) -> Entry:
    """The statusgen entry for ``issue``, every time moved by ``shift``."""
    start = issue.start + shift
    end = issue.end + shift if issue.end is not None else None
    ids = list(dict.fromkeys(slug(name) for name in issue.affected))
    story = issue.body or issue.title
    if issue.maintenance:
        over = end if end is not None and end > start else start + UNTIMED
        done = [Update(over, "completed", "The maintenance is over.")] if end is not None else []
        return Entry(entry_id, issue.title, [*done, Update(start, "scheduled", story)],
                     kind="maintenance", impact="", affected=ids, window=(start, over))
    level = LEVEL[issue.severity]
    done = [Update(end, "resolved", "This issue is resolved.")] if end is not None else []
    return Entry(entry_id, issue.title, [*done, Update(start, "investigating", story)],
                 impact=IMPACT[issue.severity], levels=dict.fromkeys(ids, level))
