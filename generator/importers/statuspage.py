"""Atlassian Statuspage's JSON (public API v2, or the manage API's incidents) as an import.

A document may be ``summary.json``, ``incidents.json``, ``scheduled-maintenances.json``,
``components.json``, one object holding several of their lists, one incident
(``{"incident": …}``) or a bare list of incidents as the manage API pages them.  Every
value is checked for its type before it is used: a document is data from elsewhere.

Update bodies are plain text on Statuspage and are written as Markdown showing the same
text (:mod:`.plaintext`); a post-mortem (``postmortem_body``, manage API) is the body.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from statusgen import model as m
from statusgen.importers.plaintext import markdown_from_text
from statusgen.importers.plan import Component, Imported, Note, Page
from statusgen.importers.repair import Draft, DraftUpdate, one_line, settle
from statusgen.source.timestamps import in_range, parse_timestamp

SYSTEM = "statuspage"
LISTS = ("incidents", "scheduled_maintenances")
_MAINTENANCE = {"scheduled", "in_progress", "verifying", "completed"}


class SourceError(Exception):
    """The source cannot be read at all; the message says why."""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _items(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def parse_time(value: Any) -> datetime | None:
    """A Statuspage timestamp (``2024-09-16T21:31:02.719Z``) to the second, zone kept."""
    if not isinstance(value, str) or not value.strip():
        return None
    parsed = parse_timestamp(value)
    # Outside the range the pages can show, a time is as unreadable as a malformed one: the
    # repairs compute with it (a window's default end) before anything is validated.
    if parsed is None or (parsed.tzinfo is not None and not in_range(parsed)):
        return None
    return parsed.replace(microsecond=0)


class _Reader:
    """Collects components and incidents over several documents."""

    def __init__(self) -> None:
        self.page: Mapping[str, Any] | None = None
        self.components: dict[str, Mapping[str, Any]] = {}
        self.listed: set[str] = set()
        """The components the documents list themselves (not only within an incident)."""
        self.incidents: dict[str, tuple[Mapping[str, Any], bool]] = {}
        self.notes: list[Note] = []

    def document(self, name: str, doc: Any) -> None:
        if isinstance(doc, list):
            doc = {"incidents": doc}
        if not isinstance(doc, Mapping):
            raise SourceError(f"{name} is not a Statuspage document (a JSON object or list)")
        known = False
        if isinstance(doc.get("page"), Mapping):
            known = True
            self.page = self.page or doc["page"]
        for component in _items(doc.get("components")):
            known = True
            self._component(component)
            self.listed.add(_text(component.get("id")))
        single = doc.get("incident")
        lists = [(key, _items(doc.get(key))) for key in LISTS]
        if isinstance(single, Mapping):
            lists.append(("incidents", [single]))
        for key, items in lists:
            known = known or key in doc
            for item in items:
                self._incident(name, item, key == "scheduled_maintenances")
        if not known and "incident" not in doc:
            raise SourceError(f"{name} has none of the keys of a Statuspage document (page, "
                              "components, incidents, scheduled_maintenances)")

    def _component(self, component: Mapping[str, Any]) -> None:
        key = _text(component.get("id"))
        if key and key not in self.components:
            self.components[key] = component

    def _incident(self, name: str, item: Mapping[str, Any], maintenance: bool) -> None:
        key = _text(item.get("id"))
        if not key:
            self.notes.append(Note(f"{name}: “{_text(item.get('name'))}”",
                                   "the incident has no id", "not imported"))
            return
        for component in _items(item.get("components")):
            self._component(component)
        seen = self.incidents.get(key)
        # The same incident in two documents: the fuller (or later) copy wins.
        if seen is None or _fullness(item) > _fullness(seen[0]):
            self.incidents[key] = (item, maintenance or (seen[1] if seen else False))


def _fullness(item: Mapping[str, Any]) -> tuple[int, str]:
    return len(_items(item.get("incident_updates"))), _text(item.get("updated_at"))


def read(documents: Iterable[tuple[str, Any]], now: datetime) -> Imported:
    """What the documents (name, parsed JSON) hold, mapped and repaired for the format."""
    reader = _Reader()
    for name, doc in documents:
        reader.document(name, doc)
    result = Imported(system=SYSTEM, notes=reader.notes)
    if reader.page is not None:
        result.page = _page(reader.page, result.notes)
    # Without a list of its own, the source's components are those its entries name.
    listed = reader.listed or set(reader.components)
    result.components = _components(reader.components, listed)
    known = {c.key for c in result.components}
    for key, (item, maintenance) in sorted(reader.incidents.items()):
        draft = _draft(key, item, maintenance, result.notes)
        for u in draft.updates:
            for code, _ in u.levels:
                if code not in known:
                    known.add(code)
                    name = next((_text(a.get("name")) for a in _affected(item)
                                 if a.get("code") == code), "")
                    result.components.append(Component(key=code, name=_name(name, code),
                                                       retired=bool(reader.listed)))
        entry = settle(draft, now, result.notes)
        if entry is not None:
            result.entries.append(entry)
    result.notes.extend(Note(f"{SYSTEM} component `{c.key}`", f"“{c.name}” is named only by "
                             "entries, not in the source's list of components: it is added "
                             "retired: off the front page, its page and entries kept")
                        for c in result.components if c.retired)
    return result


def _page(page: Mapping[str, Any], notes: list[Note]) -> Page:
    title = one_line(_text(page.get("name"))) or "Status"
    return Page(title=title, url=_text(page.get("url")).strip(),
                timezone=_text(page.get("time_zone")).strip() or "UTC")


def _name(name: str, key: str) -> str:
    """A component's name as one line: its key when it has none (cleaned the same way)."""
    return one_line(name) or one_line(key) or "Unnamed component"


def _components(found: Mapping[str, Mapping[str, Any]], listed: set[str]) -> list[Component]:
    """Groups and components in the source's order, each group before its members; those
    only old entries name (not ``listed``) retired."""
    out: list[Component] = []
    groups = {key for key, c in found.items() if c.get("group") is True}
    for key, c in found.items():
        group = _text(c.get("group_id"))
        out.append(Component(
            key=key, name=_name(_text(c.get("name")), key),
            description=one_line(_text(c.get("description"))),
            group=group if group in groups and group != key else None,
            is_group=key in groups, retired=key not in listed))
    return out


def _affected(item: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [a for u in _items(item.get("incident_updates")) for a in _items(u.get("affected_components"))]


def _draft(key: str, item: Mapping[str, Any], maintenance: bool, notes: list[Note]) -> Draft:
    source = f"{SYSTEM}/{key}"
    title = _text(item.get("name"))
    label = f"{source} “{one_line(title)}”"
    scheduled = parse_time(item.get("scheduled_for")), parse_time(item.get("scheduled_until"))
    statuses = {_text(u.get("status")) for u in _items(item.get("incident_updates"))}
    is_maintenance = (maintenance or scheduled[0] is not None or item.get("impact") == "maintenance"
                      or (bool(statuses) and statuses <= _MAINTENANCE))
    kind = m.Kind.MAINTENANCE if is_maintenance else m.Kind.INCIDENT
    body = _text(item.get("postmortem_body")).strip()
    updates: list[DraftUpdate] = []
    for raw in reversed(_items(item.get("incident_updates"))):  # the API lists newest first
        at = parse_time(raw.get("display_at")) or parse_time(raw.get("created_at"))
        status = _text(raw.get("status"))
        text = _text(raw.get("body"))
        if at is None:
            notes.append(Note(label, "an update without a readable time was left out",
                              "not imported"))
            continue
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
            notes.append(Note(label, "an update's time has no zone: read as UTC"))
        if status == "postmortem":
            body = "\n\n".join(p for p in (body, markdown_from_text(text)) if p)
            notes.append(Note(label, "the post-mortem update is the entry's body"))
            continue
        levels = [(_text(a.get("code")), _text(a.get("new_status")))
                  for a in _items(raw.get("affected_components")) if _text(a.get("code"))]
        updates.append(DraftUpdate(at=at, status=status, message=markdown_from_text(text),
                                   levels=levels))
    if not updates:
        at = parse_time(item.get("created_at")) or parse_time(item.get("started_at"))
        if at is not None:
            updates.append(DraftUpdate(at=at if at.tzinfo else at.replace(tzinfo=UTC),
                                       status=_text(item.get("status")), message=""))
            notes.append(Note(label, "the incident has no updates: it has one at its creation"))
    named = [_text(c.get("id")) for c in _items(item.get("components")) if _text(c.get("id"))]
    return Draft(source=source, title=title, kind=kind, updates=updates,
                 impact=_text(item.get("impact")), named=named,
                 window=scheduled if kind is m.Kind.MAINTENANCE else None, body=body)


def third_party(imported: Imported, named: Mapping[str, tuple[str, str]]) -> list[str]:
    """Mark the components ``named`` (name → the provider's Statuspage address and the
    component's name there) as upstream components; the names not found, for the caller.

    Statuspage's API does not say which components are a third party's, so the user names
    them (``--upstream``); names match in any case.
    """
    wanted = {name.casefold(): value for name, value in named.items()}
    found: set[str] = set()
    for index, component in enumerate(imported.components):
        value = wanted.get(component.name.casefold())
        if value is not None and not component.is_group:
            imported.components[index] = replace(component, upstream=value)
            found.add(component.name.casefold())
    return [name for name in named if name.casefold() not in found]
