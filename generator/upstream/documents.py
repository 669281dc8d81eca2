"""A provider's status document read as a level: Statuspage's ``summary.json``, Instatus's
``summary.json`` and ``v2/components.json``.

Every value is checked for its type before it is used: a document is data from elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from statusgen import model as m


class Unreadable(Exception):
    """The document does not say what is asked; the message says why."""


STATUSPAGE_LEVELS = {level.value: level for level in m.Level}
STATUSPAGE_INDICATORS = {"none": m.Level.OPERATIONAL, "minor": m.Level.DEGRADED_PERFORMANCE,
                         "major": m.Level.PARTIAL_OUTAGE, "critical": m.Level.MAJOR_OUTAGE,
                         "maintenance": m.Level.UNDER_MAINTENANCE}
INSTATUS_LEVELS = {"OPERATIONAL": m.Level.OPERATIONAL,
                   "UNDERMAINTENANCE": m.Level.UNDER_MAINTENANCE,
                   "DEGRADEDPERFORMANCE": m.Level.DEGRADED_PERFORMANCE,
                   "PARTIALOUTAGE": m.Level.PARTIAL_OUTAGE,
                   "MINOROUTAGE": m.Level.PARTIAL_OUTAGE,
                   "MAJOROUTAGE": m.Level.MAJOR_OUTAGE}
INSTATUS_PAGE = {"UP": m.Level.OPERATIONAL, "UNDERMAINTENANCE": m.Level.UNDER_MAINTENANCE}


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise Unreadable(f"it is not {what}")
    return value


def _items(value: Any) -> Iterator[Mapping[str, Any]]:
    yield from (v for v in value if isinstance(v, Mapping)) if isinstance(value, list) else ()


def page_name(document: Any) -> str:
    """The provider's name as its page gives it (both formats have ``page.name``)."""
    if isinstance(document, Mapping) and isinstance(document.get("page"), Mapping):
        name = document["page"].get("name")
        if isinstance(name, str):
            return " ".join(name.split())[:80]
    return ""


@dataclass(frozen=True)
class Document:
    """A fetched document, and its components by name (in lower case), each looked up once
    however many components of the page are read from it."""

    data: Any
    names: Mapping[str, Mapping[str, Any]]

    @classmethod
    def of(cls, data: Any) -> Document:
        """Both formats list components under ``components`` (Instatus nests a group's under
        ``children``); the first of a name wins."""
        names: dict[str, Mapping[str, Any]] = {}
        listed = data.get("components") if isinstance(data, Mapping) else None
        for component in _flattened(_items(listed)):
            if isinstance(component.get("name"), str):
                names.setdefault(component["name"].strip().casefold(), component)
        return cls(data, names)

    def named(self, name: str) -> Mapping[str, Any]:
        found = self.names.get(name.strip().casefold())
        if found is None:
            raise Unreadable(f"it lists no component named `{name}`")
        return found


def _known(value: Any, levels: Mapping[str, m.Level]) -> m.Level:
    if isinstance(value, str) and value in levels:
        return levels[value]
    shown = value if isinstance(value, str) else type(value).__name__
    raise Unreadable(f"its status `{shown[:40]}` is none it documents")


def statuspage_level(document: Document, component: str) -> m.Level:
    """The level of ``component`` (the page's indicator when empty) in a ``summary.json``."""
    summary = _mapping(document.data, "a Statuspage summary.json")
    if not component:
        status = _mapping(summary.get("status"), "a Statuspage summary.json (no `status`)")
        return _known(status.get("indicator"), STATUSPAGE_INDICATORS)
    return _known(document.named(component).get("status"), STATUSPAGE_LEVELS)


def _flattened(components: Iterator[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    """Instatus nests a group's components under ``children``."""
    for component in components:
        yield component
        yield from _items(component.get("children"))


def instatus_level(summary_document: Document, components: Document | None,
                   component: str) -> m.Level:
    """The level of ``component`` in Instatus's ``v2/components.json``, or of the whole page
    in its ``summary.json`` (with issues: the worst active incident's impact)."""
    if component:
        assert components is not None
        _mapping(components.data, "an Instatus components.json")
        return _known(components.named(component).get("status"), INSTATUS_LEVELS)
    summary = summary_document.data
    page = _mapping(_mapping(summary, "an Instatus summary.json").get("page"),
                    "an Instatus summary.json (no `page`)")
    status = page.get("status")
    if status == "HASISSUES":
        impacts = [INSTATUS_LEVELS.get(impact, m.Level.PARTIAL_OUTAGE) if isinstance(impact, str)
                   else m.Level.PARTIAL_OUTAGE
                   for impact in (i.get("impact") for i in _items(summary.get("activeIncidents")))]
        return max(impacts, key=lambda level: level.rank, default=m.Level.PARTIAL_OUTAGE)
    return _known(status, INSTATUS_PAGE)
