"""An imported entry as an incident file, and what a new import does to a file already there.

:func:`render` is a pure function of the entry, so the importer can tell a file it wrote
and nobody touched since (:func:`untouched`: rendering what the file says gives its bytes
back) from one a person edited.  An untouched file is rewritten from the newer source
(its title, impact, post-mortem may have changed); an edited one only gets the updates
that are new, each inserted by :func:`statusgen.authoring.text.add_update_text`, which
keeps every other byte.
"""

from __future__ import annotations

from collections.abc import Iterable

from statusgen import model as m
from statusgen.authoring.text import NewUpdate, add_update_text, block_scalar, inline_scalar, stamp
from statusgen.importers.plan import Entry, Levels, Update


def _levels(levels: Levels) -> str:
    return "{" + ", ".join(f"{cid}: {level}" for cid, level in levels) + "}"


def _update(update: Update) -> list[str]:
    keys = [f"at: {stamp(update.at)}", f"status: {update.status}",
            *block_scalar("message", update.message)]
    if update.components:
        keys.append(f"components: {_levels(update.components)}")
    return ["  - " + keys[0], *(f"    {line}" if line else "" for line in keys[1:])]


def render(entry: Entry) -> str:
    """The incident file of ``entry``, its keys in the order of docs/format.md."""
    lines = []
    if entry.kind is m.Kind.MAINTENANCE:
        lines.append("kind: maintenance")
    lines.append(f"title: {inline_scalar(entry.title)}")
    if entry.kind is m.Kind.INCIDENT:
        lines.append(f"impact: {entry.impact}")
        if entry.components:
            lines.append("components:")
            lines.extend(f"  {cid}: {level}" for cid, level in entry.components)
    elif entry.components:
        lines.append(f"components: [{', '.join(cid for cid, _ in entry.components)}]")
    if entry.window is not None:
        lines += ["window:", f"  start: {stamp(entry.window[0])}", f"  end: {stamp(entry.window[1])}"]
    lines.append(f"source: {inline_scalar(entry.source)}")
    if entry.reference:
        lines.append(f"reference: {inline_scalar(entry.reference)}")
    lines.append("updates:")
    for update in entry.updates:
        lines.extend(_update(update))
    body = entry.body.strip()
    return "---\n" + "".join(f"{line}\n" for line in lines) + "---\n" + (f"\n{body}\n" if body else "")


def _refs(refs: Iterable[m.ComponentRef]) -> Levels:
    return tuple((r.id, r.level) for r in refs)


def from_incident(incident: m.Incident) -> Entry:
    """What a parsed file says, as an entry (to render it again)."""
    window = (incident.window.start, incident.window.end) if incident.window else None
    return Entry(
        source=incident.source, title=incident.title, kind=incident.kind, impact=incident.impact,
        components=_refs(incident.components), window=window, body=incident.body,
        reference=incident.reference,
        updates=tuple(Update(at=u.at, status=u.status, message=u.message,
                             components=None if u.components is None else _refs(u.components))
                      for u in incident.updates))


def untouched(text: str, incident: m.Incident) -> bool:
    """Whether ``text`` is exactly what the importer writes for what it says: nobody edited it.

    A file with keys the importer never writes (``visibility``, ``internal``, comments)
    renders differently, so it counts as edited.
    """
    return (incident.visibility is m.Visibility.PUBLIC and incident.mode is m.Mode.STANDARD
            and not any(u.internal for u in incident.updates)
            and render(from_incident(incident)) == text)


def _key(update: Update | m.Update) -> tuple[str, m.Status]:
    return stamp(update.at), update.status


def missing_updates(entry: Entry, incident: m.Incident) -> list[Update]:
    """The entry's updates the file does not have (by time and status), oldest first."""
    have = {_key(u) for u in incident.updates}
    return [u for u in reversed(entry.updates) if _key(u) not in have]


def covers(entry: Entry, incident: m.Incident) -> bool:
    """Whether the entry has every update the file has: it is not an older copy."""
    have = {_key(u) for u in entry.updates}
    return all(_key(u) in have for u in incident.updates)


def add_updates(text: str, updates: Iterable[Update], path: str) -> str:
    """``text`` with ``updates`` (oldest first) inserted as its newest, one at a time."""
    for update in updates:
        text = add_update_text(text, NewUpdate(at=update.at, status=update.status,
                                               message=update.message,
                                               components=_typed(update.components)), path)
    return text


def _typed(levels: Levels | None) -> tuple[tuple[str, m.Level], ...] | None:
    if levels is None:
        return None
    return tuple((cid, level) for cid, level in levels if level is not None) or None
