"""Two open incidents about the same thing confuse readers."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from statusgen import model as m
from statusgen import rules
from statusgen.diagnostics import Diagnostic


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
            yield rules.DUPLICATE_OPEN.at(incident.loc_of("title"), f"{other.path} is also open "
                                          "with the same title or components; update that incident instead, "
                                          "or resolve one")


def later_sharing(incidents: tuple[m.Incident, ...], key: Callable[[m.Incident], str],
                  ) -> Iterator[tuple[m.Incident, m.Incident]]:
    """Each incident whose non-empty ``key`` an earlier file (by path) already has, with that
    file: the one to report, and the one it clashes with."""
    seen: dict[str, m.Incident] = {}
    for incident in sorted(incidents, key=lambda i: i.path):
        value = key(incident)
        if value:
            other = seen.setdefault(value, incident)
            if other is not incident:
                yield incident, other


def check_sources(incidents: tuple[m.Incident, ...]) -> Iterator[Diagnostic]:
    """A tool's key names one entry: two files with it would both be updated by its next run."""
    for incident, other in later_sharing(incidents, lambda i: i.source):
        yield rules.DUPLICATE_SOURCE.at(
            incident.loc_of("source"), f"{other.path} has the same "
            f"`source: {incident.source}`; each imported or monitored entry has its "
            "own file: remove the key from one")
