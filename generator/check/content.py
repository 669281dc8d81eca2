"""Content rules: a title and messages to read, an impact for incidents, and an impact that
agrees with the levels."""

from __future__ import annotations

from collections.abc import Iterator

from statusgen import model as m
from statusgen import rules
from statusgen.check.context import Context
from statusgen.diagnostics import Diagnostic


def content_rules(incident: m.Incident, context: Context) -> Iterator[Diagnostic]:
    """A title and messages to read; an impact for incidents, agreeing with the levels."""
    if not incident.title.strip():
        yield rules.EMPTY.at(incident.loc_of("title"), "the title is empty; say what readers notice")
    for update in incident.updates:
        if not update.message.strip():
            yield rules.EMPTY.at(update.loc_of("message"),
                                 "the message is empty; tell readers what is happening")
    if incident.kind is m.Kind.INCIDENT and not incident.has("impact"):
        yield rules.REQUIRED.at(incident.loc,
                                "an incident needs `impact`: none, minor, major or critical")
    if incident.kind is m.Kind.INCIDENT and incident.impact is m.Impact.NONE:
        levels = [r for r in _all_refs(incident) if r.level is m.Level.MAJOR_OUTAGE]
        if levels:
            yield rules.IMPACT_MISMATCH.at(
                incident.loc_of("impact"), f"`impact: none` but "
                f"`{levels[0].id}` is in major_outage (line {levels[0].loc.line}); "
                "raise the impact or lower the level")


def _all_refs(incident: m.Incident) -> Iterator[m.ComponentRef]:
    yield from incident.components
    for update in incident.updates:
        yield from update.components or ()
