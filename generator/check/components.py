"""Component rules: ids unique and not reserved, references that exist, levels that fit the
entry's kind."""

from __future__ import annotations

from collections.abc import Iterator

from statusgen import model as m
from statusgen import rules
from statusgen.check.context import Context
from statusgen.diagnostics import Diagnostic
from statusgen.source.schema import suggest

# A component's files sit beside the page's: api/shields/page.json is the page's badge.
RESERVED_COMPONENT_IDS = ("page",)


def check_config(config: m.Config) -> Iterator[Diagnostic]:
    """Component ids are unique across the whole file, groups included, and not reserved."""
    seen: dict[str, m.Component] = {}
    for component in config.walk():
        if component.id in RESERVED_COMPONENT_IDS:
            yield rules.RESERVED_ID.at(component.loc_of("id"), f"`{component.id}` is reserved "
                                       f"(api/shields/{component.id}.json is the whole page's badge); choose "
                                       "another id")
        if component.is_group and component.upstream is not None:
            yield rules.UPSTREAM.at(component.loc_of("upstream"), f"`{component.id}` is a group: "
                                    "its level is its members'; put `upstream` on a member")
        first = seen.setdefault(component.id, component)
        if first is not component:
            # Compared as objects: two entries on one line (flow style) are still two.
            yield rules.DUPLICATE_ID.at(
                component.loc_of("id"), f"component id `{component.id}` is "
                f"already used on line {first.loc_of('id').line}; ids must be unique, "
                "groups included")
    yield from _audiences(config)


def _audiences(config: m.Config) -> Iterator[Diagnostic]:
    """Audience ids are unique, and name components that exist."""
    ids = [c.id for c in config.walk()]
    seen: dict[str, m.Audience] = {}
    for audience in config.audiences:
        first = seen.setdefault(audience.id, audience)
        if first is not audience:
            yield rules.AUDIENCE.at(audience.loc_of("id"), f"audience id `{audience.id}` is "
                                    f"already used on line {first.loc_of('id').line}; ids must "
                                    "be unique")
        for ref in audience.components:
            yield from _reference(ref, ids)


def component_rules(incident: m.Incident, context: Context) -> Iterator[Diagnostic]:
    """Components that exist, at levels that fit the entry's kind."""
    config = context.config
    ids = [c.id for c in config.walk()]
    yield from _audience_rules(incident, config)
    for ref in incident.components:
        yield from _reference(ref, ids)
        if incident.kind is m.Kind.MAINTENANCE:
            if ref.level not in (None, m.Level.UNDER_MAINTENANCE):
                yield rules.LEVEL.at(ref.loc_of("level"), "maintenance puts components "
                                     "under_maintenance; list their ids: `components: [db]`")
        elif ref.level is None:
            yield rules.LEVEL.at(ref.loc, f"give `{ref.id}` a level: `{{{ref.id}: "
                                 "partial_outage}`; one of " + ", ".join(m.INCIDENT_LEVELS))
        elif ref.level not in m.INCIDENT_LEVELS:
            yield rules.LEVEL.at(ref.loc_of("level"), f"`{ref.level}` is not an incident level; use "
                                 "one of " + ", ".join(m.INCIDENT_LEVELS))
    for update in incident.updates:
        if update.components is None:
            continue
        if incident.kind is m.Kind.MAINTENANCE:
            yield rules.LEVEL.at(update.loc_of("components"), "maintenance updates cannot set "
                                 "levels; the maintenance's `components` are under maintenance")
            continue
        allowed = (m.Level.OPERATIONAL, *m.INCIDENT_LEVELS)
        for ref in update.components:
            yield from _reference(ref, ids)
            if ref.level not in allowed:
                yield rules.LEVEL.at(ref.loc_of("level") if ref.level else ref.loc, f"give "
                                     f"`{ref.id}` one of " + ", ".join(allowed))


def _reference(ref: m.ComponentRef, ids: list[str]) -> Iterator[Diagnostic]:
    if ref.id not in ids:
        yield rules.UNKNOWN_COMPONENT.at(ref.loc, f"no component `{ref.id}` in components.yml"
                                         f"{suggest(ref.id, ids)}; known ids: {', '.join(ids)}")


def _audience_rules(incident: m.Incident, config: m.Config) -> Iterator[Diagnostic]:
    """An entry for some audiences names declared ones, and only their components: any
    other would show in none of their pages."""
    declared = {a.id: a for a in config.audiences}
    named = [declared[d.id] for d in incident.audiences if d.id in declared]
    for unknown in (d for d in incident.audiences if d.id not in declared):
        choices = ", ".join(declared) or "none: declare one under `audiences` in components.yml"
        yield rules.UNKNOWN_AUDIENCE.at(unknown.loc, f"no audience `{unknown.id}` in "
                                        f"components.yml{suggest(unknown.id, list(declared))}; "
                                        f"known audiences: {choices}")
    if not named or len(named) < len(incident.audiences):
        return
    shown = {leaf for a in named for ref in a.components for leaf in config.expand(ref.id)}
    refs = [*incident.components, *(r for u in incident.updates for r in u.components or ())]
    for ref in refs:
        outside = [leaf for leaf in config.expand(ref.id) if leaf not in shown]
        if outside:
            yield rules.AUDIENCE.at(ref.loc, f"`{ref.id}` is not on the page of "
                                    f"{', '.join(a.id for a in named)}, the only readers of "
                                    f"this entry (they see {', '.join(sorted(shown))}); name "
                                    "their components only, or add it to an audience")
