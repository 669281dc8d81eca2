"""A cState site (Hugo) as an import: ``config.yml`` and ``content/issues/*.md``.

Systems become components and their categories groups; an issue becomes an incident
(``severity: down`` → ``major_outage``, ``disrupted`` → ``partial_outage``), a
maintenance (``notice``, its window ``date``..``resolvedWhen``) or, for an
``informational`` notice, an incident with ``impact: none`` that ends where it starts.
Paragraphs of the body that carry a ``{{< track "…" >}}`` time become updates, their
status taken from a leading ``*Resolved* -``-style label; the rest stays the body.

Real sites are messy, and each of these is repaired and noted: times without a zone
(read in the site's ``timeZone``), hours written ``015`` or ``9``, systems named in
``affected`` that ``config.yml`` does not list (added retired), a resolution before the
start.  The page's Markdown description is written as the plain text it shows.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from statusgen import model as m
from statusgen.importers.plaintext import text_from_markdown
from statusgen.importers.plan import Component, Imported, Note, Page
from statusgen.importers.repair import Draft, DraftUpdate, one_line, settle
from statusgen.importers.statuspage import SourceError
from statusgen.source.timestamps import in_range

SYSTEM = "cstate"
MAX_FILE = 1 << 20
"""Larger issue files are not read: no status write-up is that long."""
MAX_ISSUES = 100_000

_TRACK = re.compile(r"\{\{[<%]\s*track\s+\"([^\"]*)\"\s*[>%]\}\}")
_LABEL = re.compile(r"\A\s*(?:\*\*([^*\n]{1,40})\*\*|\*([^*\n]{1,40})\*|__([^_\n]{1,40})__|"
                    r"_([^_\n]{1,40})_|([A-Za-z][A-Za-z ]{0,30}?))\s*[-\u2013\u2014:]\s+")
_TIME = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]+(\d{1,3}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?)?"
                   r"\s*(Z|[+-]\d{2}:?\d{2})?\s*\Z", re.IGNORECASE)
_WORDS = {
    "investigating": "investigating", "identified": "identified", "monitoring": "monitoring",
    "resolved": "resolved", "fixed": "resolved", "scheduled": "scheduled",
    "in progress": "in_progress", "started": "in_progress", "verifying": "verifying",
    "completed": "completed", "complete": "completed",
}
_LEVELS = {"down": m.Level.MAJOR_OUTAGE, "disrupted": m.Level.PARTIAL_OUTAGE}
_IMPACTS = {"down": "major", "disrupted": "minor"}


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves timestamps as text: Hugo reads them its own way, and so do we."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)  # a SafeLoader without timestamps


def _text(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    return str(value) if isinstance(value, (str, int, float)) else ""


@dataclass(frozen=True)
class _Clock:
    """Reads the site's times; a time without a zone is in the site's ``timeZone``."""

    zone: tzinfo
    name: str

    def read(self, value: Any) -> tuple[datetime | None, bool]:
        """The moment ``value`` names, and whether it had to be read in the site's zone."""
        found = _TIME.match(_text(value))
        if not found:
            return None, False
        year, month, day, hour, minute, second, offset = found.groups()
        try:
            naive = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                             int(second or 0))
        except ValueError:
            return None, False
        if offset is None:
            at, guessed = naive.replace(tzinfo=self.zone), True
        elif offset.upper() == "Z":
            at, guessed = naive.replace(tzinfo=UTC), False
        else:
            sign, digits = offset[0], offset[1:].replace(":", "")
            delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            at, guessed = naive.replace(tzinfo=timezone(delta if sign == "+" else -delta)), False
        # Outside the range the pages can show, a time is as unreadable as a malformed one.
        return (at, guessed) if in_range(at) else (None, False)


def read_site(folder: Path, now: datetime) -> Imported:
    """The cState site in ``folder``, mapped and repaired for the format."""
    config = _config(folder)
    params = config.get("params") if isinstance(config.get("params"), Mapping) else {}
    assert isinstance(params, Mapping)
    zone_name = _text(config.get("timeZone") or params.get("timeZone")).strip() or "UTC"
    result = Imported(system=SYSTEM)
    try:
        zone: tzinfo = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        result.notes.append(Note("config.yml", f"the time zone `{zone_name}` is not known: "
                                 "times without a zone are read as UTC"))
        zone_name, zone = "UTC", ZoneInfo("UTC")
    result.page = Page(title=one_line(_text(config.get("title"))) or "Status",
                       url=_text(config.get("baseURL") or config.get("baseurl")).strip(),
                       timezone=zone_name,
                       description=one_line(text_from_markdown(_text(params.get("description")))))
    result.components = _components(params.get("systems") or config.get("systems"),
                                    params.get("categories") or config.get("categories"))
    names = {c.name.lower(): c.key for c in result.components if not c.is_group}
    clock = _Clock(zone, zone_name)
    for path in _issue_files(folder / "content" / "issues", result.notes):
        draft = _issue(path, clock, names, result, now)
        if draft is not None:
            entry = settle(draft, now, result.notes)
            if entry is not None:
                result.entries.append(entry)
    return result


def _config(folder: Path) -> Mapping[str, Any]:
    for name in ("config.yml", "config.yaml"):
        path = folder / name
        if path.is_file() and not path.is_symlink():
            try:
                data = _yaml(_read(path).decode("utf-8-sig"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
                raise SourceError(f"{path} cannot be read: {exc}") from exc
            if not isinstance(data, Mapping):
                raise SourceError(f"{path} is not a mapping of settings")
            return data
    if (folder / "config.toml").exists():
        raise SourceError(f"{folder} keeps its settings in config.toml; statusgen reads a cState "
                          "config.yml (convert it to YAML first)")
    raise SourceError(f"{folder} has no config.yml: is it a cState site?")


def _read(path: Path) -> bytes:
    """At most :data:`MAX_FILE` bytes of a regular file, never through a symbolic link."""
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(handle, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise OSError(f"{path.name} is not a regular file")
        data = file.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise OSError(f"{path.name} is larger than {MAX_FILE // 1024} KiB")
    return data


def _components(systems: Any, categories: Any) -> list[Component]:
    """Categories as groups (those that have systems), each followed by its systems."""
    described = {one_line(_text(c.get("name"))): one_line(_text(c.get("description")))
                 for c in (categories if isinstance(categories, list) else [])
                 if isinstance(c, Mapping)}
    listed: list[tuple[str, str, str]] = []
    for system in systems if isinstance(systems, list) else []:
        if isinstance(system, Mapping):
            name = one_line(_text(system.get("name")))
            listed.append((name, one_line(_text(system.get("description"))),
                           one_line(_text(system.get("category")))))
        else:
            listed.append((one_line(_text(system)), "", ""))
    out: list[Component] = []
    seen_groups: set[str] = set()
    seen: set[str] = set()
    for name, description, category in listed:
        if not name or name.lower() in seen:
            continue
        seen.add(name.lower())
        group = f"category:{category}" if category else None
        if group and group not in seen_groups:
            seen_groups.add(group)
            out.append(Component(key=group, name=category, description=described.get(category, ""),
                                 is_group=True))
        out.append(Component(key=name, name=name, description=description, group=group))
    # Members right after their group, in the order the site lists them.
    ordered: list[Component] = []
    for c in out:
        if c.group is None:
            ordered.append(c)
            if c.is_group:
                ordered.extend(x for x in out if x.group == c.key)
    return ordered


def _issue_files(folder: Path, notes: list[Note]) -> list[Path]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise SourceError(f"{folder} cannot be listed ({exc.strerror}): a cState site keeps its "
                          "issues in content/issues/") from exc
    files = []
    for entry in entries[:MAX_ISSUES]:
        if not entry.name.endswith(".md") or entry.name.startswith("_"):
            continue
        if not entry.is_file(follow_symlinks=False):
            notes.append(Note(f"content/issues/{entry.name}", "not a regular file (a link?)",
                              "not imported"))
            continue
        files.append(Path(entry.path))
    return files


def _front_matter(text: str) -> tuple[Mapping[str, Any] | None, str]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            data = _yaml("\n".join(lines[1:index]))
            return (data if isinstance(data, Mapping) else None), "\n".join(lines[index + 1:])
    return None, text


@dataclass(frozen=True)
class _Tracked:
    at: datetime
    word: str | None
    text: str


def _issue(path: Path, clock: _Clock, names: dict[str, str], result: Imported,
           now: datetime) -> Draft | None:
    item = f"content/issues/{path.name}"
    try:
        front, body = _front_matter(_read(path).decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        result.notes.append(Note(item, f"cannot be read: {exc}", "not imported"))
        return None
    if front is None:
        result.notes.append(Note(item, "has no YAML front matter between `---` lines (TOML `+++` "
                                 "is not read)", "not imported"))
        return None
    source = f"{SYSTEM}/{path.stem}"
    label = f"{source} “{one_line(_text(front.get('title')))}”"
    zoned: list[str] = []

    def read_time(value: Any) -> datetime | None:
        at, naive = clock.read(value)
        if naive:
            zoned.append(_text(value))
        return at

    start = read_time(front.get("date"))
    if start is None:
        result.notes.append(Note(label, f"its date `{_text(front.get('date'))}` cannot be read",
                                 "not imported"))
        return None
    tracked, rest = _tracked(body, read_time, result.notes, label)
    severity = _text(front.get("severity")).strip().lower()
    informational = front.get("informational") is True
    if informational and not severity:
        severity = "notice"  # an informational post needs no severity
    if severity not in ("down", "disrupted", "notice"):
        result.notes.append(Note(label, f"the severity `{severity}` is not cState's: read as "
                                 "`disrupted`", "not mapped"))
        severity = "disrupted"
    kind = m.Kind.MAINTENANCE if severity == "notice" and not informational else m.Kind.INCIDENT
    keys = _affected(front.get("affected"), names, result, label)
    resolved = front.get("resolved") is True
    when = read_time(front.get("resolvedWhen")) if front.get("resolvedWhen") else None
    resolved_at = when if resolved else None
    if zoned:
        result.notes.append(Note(label, f"times without a zone ({', '.join(zoned[:3])}) are read "
                                 f"in the site's zone {clock.name}"))
    draft = Draft(source=source, title=_text(front.get("title")), kind=kind, updates=[],
                  impact="none" if informational or kind is m.Kind.MAINTENANCE else _IMPACTS[severity],
                  body=rest)
    _timeline(draft, start, tracked, resolved, resolved_at, informational, now, result.notes, label)
    if kind is m.Kind.MAINTENANCE:
        draft.named = keys
        draft.window = (start, when)
    elif keys and not informational:
        first = min(draft.updates, key=lambda u: u.at)
        first.levels = [(key, _LEVELS[severity]) for key in keys]
    elif keys:
        draft.named = keys
    return draft


def _tracked(body: str, read_time: Any, notes: list[Note],
             label: str) -> tuple[list[_Tracked], str]:
    """The body's tracked paragraphs as updates (oldest first), and the other paragraphs."""
    found: list[_Tracked] = []
    rest: list[str] = []
    for paragraph in re.split(r"\n\s*\n", body.strip()):
        times = _TRACK.findall(paragraph)
        at = read_time(times[-1]) if times else None
        if at is None:
            if times:
                notes.append(Note(label, f"the tracked time `{times[-1]}` cannot be read: its "
                                  "paragraph stays in the body", "not mapped"))
            rest.append(paragraph)
            continue
        text = _TRACK.sub("", paragraph).strip()
        word = None
        labelled = _LABEL.match(text)
        if labelled:
            said = next(g for g in labelled.groups() if g is not None).strip().lower()
            if said in _WORDS or said.startswith("update"):
                word = _WORDS.get(said)
                text = text[labelled.end():].strip()
        found.append(_Tracked(at, word, text))
    found.sort(key=lambda t: t.at)
    return found, "\n\n".join(rest)


def _affected(value: Any, names: dict[str, str], result: Imported, label: str) -> list[str]:
    wanted = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    keys: list[str] = []
    for raw in wanted:
        name = one_line(_text(raw))
        if not name:
            continue
        key = names.get(name.lower())
        if key is None:
            key = name
            names[name.lower()] = name
            # Retired when the site lists systems of its own: this one is only in old issues.
            listed = any(not c.retired and not c.is_group for c in result.components)
            result.components.append(Component(key=name, name=name, retired=listed))
            result.notes.append(Note(label, f"it names the system “{name}”, which config.yml does "
                                     "not list: it is added retired: off the front page, its "
                                     "page and entries kept"))
        if key not in keys:
            keys.append(key)
    return keys


def _timeline(draft: Draft, start: datetime, tracked: list[_Tracked], resolved: bool,
              resolved_at: datetime | None, informational: bool, now: datetime,
              notes: list[Note], label: str) -> None:
    """The draft's updates: an opening one at ``date`` unless a tracked one comes first, the
    tracked ones, and the resolution."""
    kind = draft.kind
    # An informational post is written once, ended: it is never an open incident.
    opening = "scheduled" if kind is m.Kind.MAINTENANCE else \
        "resolved" if informational and not tracked else "investigating"
    updates: list[DraftUpdate] = []
    if not tracked or tracked[0].at > start:
        # A maintenance is announced when it is written, never in the future.
        updates.append(DraftUpdate(at=min(start, now), status=opening, message=draft.title))
    status = opening
    for t in tracked:
        status = t.word or status
        updates.append(DraftUpdate(at=t.at, status=status, message=t.text))
    draft.updates = updates
    terminal = m.TERMINAL[kind].value
    if updates[-1].status == terminal:
        return
    last = updates[-1].at
    if informational:
        updates.append(DraftUpdate(at=last, status=terminal, message="Resolved."))
    elif resolved:
        at = resolved_at if resolved_at is not None else last
        if resolved_at is None:
            notes.append(Note(label, "it is resolved without a readable `resolvedWhen`: resolved "
                              "at its last update"))
        elif at < start:
            notes.append(Note(label, "it was resolved before it started: resolved at its start"))
            at = max(start, last) if kind is m.Kind.INCIDENT else start
        elif at < last:
            notes.append(Note(label, "`resolvedWhen` is before its last update: resolved at "
                              "that update"))
            at = last
        if at - now <= timedelta(minutes=5):  # a planned end is left to the window
            updates.append(DraftUpdate(at=at, status=terminal, message=_done(kind)))
    draft.updates = updates


def _done(kind: m.Kind) -> str:
    return "Resolved." if kind is m.Kind.INCIDENT else "Completed."
