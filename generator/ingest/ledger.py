"""What the repository already says about monitors' alerts: the incidents a monitor opened,
the alert groups each holds, whether each group still fires, and whether a person has taken
the incident over.  Everything is read from the incident files; nothing else keeps state."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from statusgen import model as m
from statusgen.ingest.record import Record, read_record


def monitored(incident: m.Incident) -> bool:
    """Whether a monitor opened ``incident`` (its ``source`` names one of the tools)."""
    tool = incident.source.partition("/")[0]
    return incident.kind is m.Kind.INCIDENT and tool in m.MONITOR_KINDS and "/" in incident.source


@dataclass(frozen=True)
class Tracked:
    """An incident a monitor opened, and the records of its alert groups."""

    incident: m.Incident

    @cached_property
    def chronological(self) -> tuple[m.Update, ...]:
        """The updates oldest first (the file lists them newest first)."""
        return tuple(reversed(self.incident.updates))

    @cached_property
    def records(self) -> tuple[Record, ...]:
        """Every record of the monitor, oldest first."""
        return tuple(r for u in self.chronological if (r := read_record(u)) is not None)

    def latest(self, ref: str) -> Record | None:
        """The newest record of the alert group ``ref``."""
        return next((r for r in reversed(self.records) if r.ref == ref), None)

    @property
    def refs(self) -> set[str]:
        """Every alert group this incident holds."""
        return {r.ref for r in self.records}

    def firing_besides(self, ref: str) -> list[str]:
        """The groups other than ``ref`` whose newest record says they still fire."""
        return sorted(other for other in self.refs - {ref}
                      if (latest := self.latest(other)) is not None and latest.firing)

    @property
    def owned(self) -> bool:
        """Whether a person has posted an update since the incident opened: then it is theirs
        to resolve (the "acknowledged" step of incident tools)."""
        return any(read_record(u) is None for u in self.chronological[1:])

    @property
    def open(self) -> bool:
        return self.incident.terminal is None


def tracked(incidents: Iterable[m.Incident]) -> list[Tracked]:
    """Every incident a monitor opened, in file order."""
    return [Tracked(i) for i in sorted(incidents, key=lambda i: i.path) if monitored(i)]


def holding(entries: Iterable[Tracked], ref: str) -> list[Tracked]:
    """The incidents that hold the alert group ``ref``, the most recently opened last."""
    found = [t for t in entries if ref in t.refs]
    return sorted(found, key=lambda t: t.chronological[0].at)
