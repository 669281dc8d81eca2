"""Metadata rules: what an incident records besides its timeline — reference, severity, roles,
named timestamps, custom fields, links — against what ``incident_fields`` declares.

An incident file is parsed without ``components.yml``, so every value that depends on a
declaration (an option, a role, a severity) is checked here, where both are known.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from itertools import pairwise

from statusgen import model as m
from statusgen import rules
from statusgen.check.context import Context
from statusgen.check.duplicates import later_sharing
from statusgen.check.lifecycle import SKEW, stamp
from statusgen.diagnostics import Diagnostic, Location, with_article
from statusgen.source.schema import suggest, web_link_problem

DECLARED_IN = "incident_fields in components.yml"
BEFORE_FIRST_UPDATE = ("impact_started", "detected")
"""Named moments that come before anyone can post about the incident."""


def check_incident_fields(config: m.Config) -> Iterator[Diagnostic]:
    """The declarations themselves: ids and ranks once, options exactly for select fields."""
    declared = config.incident_fields
    yield from _once([(s.id, s.loc_of("id")) for s in declared.severities], "severity id")
    ranks: dict[int, m.SeverityLevel] = {}
    for severity in declared.severities:
        first = ranks.setdefault(severity.rank, severity)
        if first is not severity:
            yield rules.FIELD_DECLARATION.at(
                severity.loc_of("rank"), f"rank {severity.rank} is "
                f"also `{first.id}`'s (line {first.loc_of('rank').line}); give each "
                "severity its own rank, 1 the most severe")
    yield from _once([(f.id, f.loc_of("id")) for f in declared.custom], "custom field id")
    yield from _once([(t.id, t.loc_of("id")) for t in declared.types], "incident type id")
    for field in declared.custom:
        if field.type.selects and not field.options:
            yield rules.FIELD_DECLARATION.at(field.loc_of("type"), f"`{field.id}` is a "
                                             f"{field.type} field: list the values it may take in `options`")
        elif not field.type.selects and field.has("options"):
            yield rules.FIELD_DECLARATION.at(
                field.loc_of("options"), f"only select fields have "
                f"options, and `{field.id}` is {with_article(field.type)} field; remove `options` or "
                "make it single_select or multi_select")


def _once(ids: Sequence[tuple[str, Location]], what: str) -> Iterator[Diagnostic]:
    seen: dict[str, Location] = {}
    for value, where in ids:
        first = seen.setdefault(value, where)
        if first is not where:
            yield rules.DUPLICATE_ID.at(where, f"{what} `{value}` is already used on line "
                                        f"{first.line}; ids must be unique")


def metadata_rules(incident: m.Incident, context: Context) -> Iterator[Diagnostic]:
    """Reference, severity, roles, timestamps, custom fields and links of one incident."""
    declared = context.config.incident_fields
    yield from _reference(incident, declared)
    yield from _severity(incident, declared)
    yield from _incident_type(incident, declared)
    yield from _stage(incident)
    roles = [r.id for r in declared.roles]
    for assigned in incident.roles:
        if assigned.role not in roles:
            yield _undeclared(assigned.loc, "role", assigned.role, roles, "roles")
    yield from _required_roles(incident, declared)
    yield from _timestamps(incident, declared, context)
    for entry in incident.fields:
        field = declared.field(entry.id)
        if field is None:
            yield _undeclared(entry.loc, "custom field", entry.id, [f.id for f in declared.custom],
                              "custom")
        else:
            yield from _field_value(entry, field)
    links = [(key, getattr(incident, key), incident.loc_of(key))
             for key in ("postmortem_url", "external_issue", "call_url", "debrief")]
    links += [("link", f.link, f.loc_of("link")) for f in incident.follow_ups]
    for key, url, where in links:
        problem = web_link_problem(url) if url else None
        if problem is not None:
            yield rules.LINK.at(where, f"`{key}` {problem}; give an https address")


def _undeclared(where: Location, what: str, value: str, known: Sequence[str], key: str) -> Diagnostic:
    listed = f"; declared: {', '.join(known)}" if known else \
        f"; declare it under `{key}` of {DECLARED_IN}"
    return rules.UNDECLARED.at(where, f"{what} `{value}` is not declared{suggest(value, list(known))}"
                               f"{listed}")


def _reference(incident: m.Incident, declared: m.IncidentFields) -> Iterator[Diagnostic]:
    if not incident.reference:
        return
    where = incident.loc_of("reference")
    form = declared.reference
    if form is None:
        yield rules.UNDECLARED.at(where, "references are not declared; add `reference: {prefix: "
                                  f"INC-}}` under {DECLARED_IN}, or remove `reference`")
    elif not form.prefix_for(incident.kind):
        # A warning, not an error: files written before maintenance had its own prefix still
        # build; their pages just show no reference an incident's numbering would suggest.
        yield rules.MAINTENANCE_REFERENCE.at(where, "maintenance references are not declared, so pages "
                                             "show none; add `maintenance_prefix: MNT-` to `reference` under "
                                             f"{DECLARED_IN}, or remove `reference`")
    elif not form.pattern(incident.kind).match(incident.reference):
        prefix = form.prefix_for(incident.kind)
        yield rules.FIELD_VALUE.at(where, f"`{incident.reference}` is not a reference of the declared "
                                   f"form: write `{prefix}` and a number, such as {prefix}42")


def _required_roles(incident: m.Incident, declared: m.IncidentFields) -> Iterator[Diagnostic]:
    # Every incident, whatever its status: a rule that waited for `identified` would stay
    # silent on the short incidents, which are resolved before anyone writes the roles down.
    if incident.kind is m.Kind.MAINTENANCE:
        return
    held = {r.role for r in incident.roles}
    where = incident.loc_of("roles")
    for role in declared.roles:
        if role.required and role.id not in held:
            yield rules.REQUIRED_ROLE.at(where, f"nobody holds the role `{role.id}`, which {DECLARED_IN} "
                                         f"declares required; add `{role.id}: <name>` under `roles`")


def _severity(incident: m.Incident, declared: m.IncidentFields) -> Iterator[Diagnostic]:
    if not incident.severity:
        return
    where = incident.loc_of("severity")
    if incident.kind is m.Kind.MAINTENANCE:
        yield rules.FIELD_VALUE.at(where, "maintenance has no severity; remove `severity`")
    elif declared.severity(incident.severity) is None:
        yield _undeclared(where, "severity", incident.severity, [s.id for s in declared.severities],
                          "severities")


def _incident_type(incident: m.Incident, declared: m.IncidentFields) -> Iterator[Diagnostic]:
    if not incident.incident_type:
        return
    where = incident.loc_of("incident_type")
    if incident.kind is m.Kind.MAINTENANCE:
        yield rules.FIELD_VALUE.at(where, "maintenance has no incident type; remove `incident_type`")
    elif declared.incident_type(incident.incident_type) is None:
        yield _undeclared(where, "incident type", incident.incident_type,
                          [t.id for t in declared.types], "types")


def _stage(incident: m.Incident) -> Iterator[Diagnostic]:
    """Triage comes before the incident is accepted, learning and closed after it is resolved."""
    stage = incident.stage
    if incident.kind is m.Kind.MAINTENANCE:
        for key in ("stage", "follow_ups"):
            if incident.has(key):
                yield rules.STAGE.at(incident.loc_of(key), f"maintenance has no `{key}`; remove it")
        return
    where = incident.loc_of("stage")
    if stage is m.Stage.TRIAGE and incident.terminal is not None:
        yield rules.STAGE.at(where, "an incident in triage is not resolved: accept it first "
                             "(remove `stage`), or decline it (`stage: declined`)")
    elif stage in (m.Stage.LEARNING, m.Stage.CLOSED) and incident.terminal is None:
        yield rules.STAGE.at(where, f"`{stage}` comes after the incident is resolved; add the "
                             "`resolved` update first, or remove `stage`")


def _timestamps(incident: m.Incident, declared: m.IncidentFields,
                context: Context) -> Iterator[Diagnostic]:
    order = [t.id for t in declared.timestamps]
    known = [t for t in incident.timestamps if t.name in order]
    for named in incident.timestamps:
        if named.name not in order:
            yield _undeclared(named.loc, "timestamp", named.name, order, "timestamps")
        elif named.at - context.clock() > SKEW:
            yield rules.FUTURE.at(named.loc_of("at"), f"`{named.name}` {stamp(named.at)} is in the "
                                  f"future (now is {stamp(context.clock())}); check the date and the zone")
    chronological = sorted(known, key=lambda t: order.index(t.name))
    for before, after in pairwise(chronological):
        if after.at < before.at:
            yield rules.TIMESTAMP_ORDER.at(
                after.loc_of("at"), f"`{after.name}` "
                f"({stamp(after.at)}) is before `{before.name}` ({stamp(before.at)}), "
                f"which {DECLARED_IN} puts first; check the times")
    first = incident.updates[-1]
    end = incident.terminal
    for named in known:
        if end is not None and named.at > end.at:
            yield rules.TIMESTAMP_UPDATES.at(
                named.loc_of("at"), f"`{named.name}` "
                f"({stamp(named.at)}) is after the `{end.status}` update "
                f"({stamp(end.at)}, line {end.loc_of('at').line}); check the time, or the "
                "update's")
        elif named.name in BEFORE_FIRST_UPDATE and named.at > first.at:
            yield rules.TIMESTAMP_UPDATES.at(
                named.loc_of("at"), f"`{named.name}` "
                f"({stamp(named.at)}) is after the first update ({stamp(first.at)}, line "
                f"{first.loc_of('at').line}), which could only be posted once it had "
                "happened; check the time")


def _field_value(entry: m.FieldEntry, field: m.CustomField) -> Iterator[Diagnostic]:
    where = entry.loc_of("value")
    kind = field.type
    if entry.items is not None and kind is not m.FieldType.MULTI_SELECT:
        yield rules.FIELD_VALUE.at(where, f"`{field.id}` is {with_article(kind)} field and takes one value, "
                                   "not a list")
        return
    if kind is m.FieldType.NUMBER and not _number(entry.value):
        yield rules.FIELD_VALUE.at(where, f"`{field.id}` is a number field; `{entry.value}` is not "
                                   "a number")
    elif kind is m.FieldType.LINK:
        problem = web_link_problem(entry.value)
        if problem is not None:
            yield rules.LINK.at(where, f"`{field.id}` is a link field; `{entry.value}` {problem}")
    elif kind.selects:
        for value in entry.values:
            if value not in field.values:
                yield rules.FIELD_VALUE.at(where, f"`{value}` is not an option of `{field.id}`"
                                           f"{suggest(value, list(field.values))}; options: "
                                           f"{', '.join(field.values)}")


def _number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def check_references(incidents: tuple[m.Incident, ...]) -> Iterator[Diagnostic]:
    """A reference names one incident: the later file of two with the same one is an error."""
    for incident, other in later_sharing(incidents, lambda i: i.reference):
        yield rules.DUPLICATE_REFERENCE.at(
            incident.loc_of("reference"), f"{other.path} is "
            f"already `{incident.reference}`; give this incident the next free number")
