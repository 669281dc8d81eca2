"""Two open incidents about the same thing confuse readers."""

from __future__ import annotations

from collections.abc import Iterator

from generator import model as m
from generator.diagnostics import Diagnostic, error, warning


def check_duplicates(incidents: tuple[m.Incident, ...]) -> Iterator[Diagnostic]:
    """Two open incidents about the same thing confuse readers: warn on the later file."""
    seen_titles: dict[str, m.Incident] = {}
    seen_components: dict[frozenset[str], m.Incident] = {}
    for incident in sorted(incidents, key=lambda i: i.path):
        if incident.kind is not m.Kind.INCIDENT or incident.terminal is not None:
            continue
        title = " ".join(incident.title.lower().split())
        components = frozenset(r.id for r in incident.components)
        other = seen_titles.setdefault(title, incident)
        if other is incident and components:
            other = seen_components.setdefault(components, incident)
        if other is not incident:
            yield warning(incident.loc_of("title"), "duplicate-open", f"{other.path} is also open "
                          "with the same title or components; update that incident instead, "
                          "or resolve one")


def check_sources(incidents: tuple[m.Incident, ...]) -> Iterator[Diagnostic]:
    """A tool's key names one entry: two files with it would both be updated by its next run."""
    seen: dict[str, m.Incident] = {}
    for incident in sorted(incidents, key=lambda i: i.path):
        if not incident.source:
            continue
        other = seen.setdefault(incident.source, incident)
        if other is not incident:
            yield error(incident.loc_of("source"), "duplicate-source", f"{other.path} has the same "
                        f"`source: {incident.source}`; each imported or monitored entry has its "
                        "own file: remove the key from one")
