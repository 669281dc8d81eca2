"""Check: every rule over the loaded repository, as located diagnostics.

Every rule adds diagnostics; none stops the others.  The clock is a parameter so that
the same files give the same verdict in CI and at home.  The rules' codes, severities
and documentation are in :mod:`generator.check.registry`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from generator import model as m
from generator.check.components import check_config, component_rules
from generator.check.content import content_rules
from generator.check.context import Context
from generator.check.duplicates import check_duplicates, check_sources
from generator.check.lifecycle import order_rules, status_rules, time_rules, visibility_rules
from generator.check.links import link_rules
from generator.check.metadata import check_incident_fields, check_references, metadata_rules
from generator.diagnostics import Diagnostic

IncidentRules = Callable[[m.Incident, Context], Iterator[Diagnostic]]
INCIDENT_RULES: tuple[IncidentRules, ...] = (
    content_rules, status_rules, order_rules, time_rules, visibility_rules, component_rules,
    link_rules, metadata_rules,
)
"""The rules over one incident, in the order their diagnostics are gathered."""


def check(repo: m.Repository, now: datetime) -> list[Diagnostic]:
    """Every rule over ``repo`` as of ``now``."""
    out = list(check_config(repo.config))
    out.extend(check_incident_fields(repo.config))
    context = Context(repo.config, now, {i.id: i.published for i in repo.incidents})
    for incident in repo.incidents:
        for rules in INCIDENT_RULES:
            out.extend(rules(incident, context))
    out.extend(check_duplicates(repo.incidents))
    out.extend(check_sources(repo.incidents))
    out.extend(check_references(repo.incidents))
    return out
