"""Incident files and ``components.yml`` as statusgen reads them, written from plain values.

Every shape describes its entries as :class:`Entry` values and writes them with
:func:`entry_text`, so the files differ between shapes only in what they say.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bench.yamltext import block, scalar, timestamp

NOW = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)
"""The clock every shape is generated for and built at."""

Files = dict[str, str | bytes]
"""Path inside the repository → its text or bytes."""


@dataclass(frozen=True)
class Update:
    """One update of an entry's timeline."""

    at: datetime
    status: str
    message: str
    components: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    """One incident or maintenance: ``incidents/<id>.md``."""

    id: str
    title: str
    updates: Sequence[Update]
    """Newest first."""
    kind: str = "incident"
    impact: str = "minor"
    levels: Mapping[str, str] = field(default_factory=dict)
    """Incidents: component → level from the first update on."""
    affected: Sequence[str] = ()
    """Maintenance: the components under maintenance during the window."""
    window: tuple[datetime, datetime] | None = None
    body: str = ""

    @property
    def path(self) -> str:
        return f"incidents/{self.id}.md"

    @property
    def resolved(self) -> bool:
        return bool(self.updates) and self.updates[0].status in ("resolved", "completed")


def _inline(levels: Mapping[str, str]) -> str:
    return "{" + ", ".join(f"{c}: {level}" for c, level in levels.items()) + "}"


def entry_text(entry: Entry) -> str:
    """The file's text: front matter, then the body."""
    lines = ["---"]
    if entry.kind == "maintenance":
        assert entry.window is not None
        start, end = entry.window
        lines += ["kind: maintenance", f"title: {scalar(entry.title)}",
                  f"window: {{start: {timestamp(start)}, end: {timestamp(end)}}}"]
        if entry.affected:
            lines.append(f"components: [{', '.join(entry.affected)}]")
    else:
        lines += [f"title: {scalar(entry.title)}", f"impact: {entry.impact}"]
        if entry.levels:
            lines.append("components:")
            lines += [f"  {c}: {level}" for c, level in entry.levels.items()]
    lines.append("updates:")
    for update in entry.updates:
        lines += [f"  - at: {timestamp(update.at)}", f"    status: {update.status}",
                  f"    message: {block(update.message, 6)}"]
        if update.components:
            lines.append(f"    components: {_inline(update.components)}")
    lines.append("---")
    return "\n".join(lines) + "\n" + entry.body


@dataclass(frozen=True)
class Group:
    """A group of components in ``components.yml`` (one without members is a component)."""

    id: str
    name: str
    members: Sequence[tuple[str, str]] = ()
    """(id, name) of each member."""


def components_yml(title: str, groups: Sequence[Group], timezone: str = "Europe/Berlin") -> str:
    """``components.yml`` for a page of ``groups``."""
    lines = ["page:", f"  title: {scalar(title)}", "  url: https://status.bench.example/",
             f"  timezone: {timezone}", "components:"]
    for group in groups:
        lines += [f"  - id: {group.id}", f"    name: {scalar(group.name)}"]
        if group.members:
            lines.append("    components:")
            lines += [f"      - {{id: {m}, name: {scalar(name)}}}" for m, name in group.members]
    return "\n".join(lines) + "\n"


def files_of(config: str, entries: Sequence[Entry], attachments: Files | None = None) -> Files:
    """The repository's files: ``components.yml``, every entry, and the attachments."""
    files: Files = {"components.yml": config}
    files.update((e.path, entry_text(e)) for e in entries)
    files.update(attachments or {})
    return files
