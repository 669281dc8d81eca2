"""Check: every rule over the loaded repository, as located diagnostics.

Every rule adds diagnostics; none stops the others.  The clock is a parameter so that
the same files give the same verdict in CI and at home.  The rules' codes, severities
and documentation are in :mod:`statusgen.rules`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from statusgen import model as m
from statusgen.caching import NO_CACHE, Cache
from statusgen.check.components import check_config, component_rules
from statusgen.check.content import content_rules
from statusgen.check.context import Context
from statusgen.check.duplicates import check_duplicates, check_sources
from statusgen.check.lifecycle import (
    acknowledged_rules,
    order_rules,
    status_rules,
    time_rules,
    visibility_rules,
)
from statusgen.check.links import link_rules
from statusgen.check.metadata import check_incident_fields, check_references, metadata_rules
from statusgen.check.monitors import check_api, check_monitors
from statusgen.check.notify import check_channels
from statusgen.diagnostics import Diagnostic
from statusgen.source.links import Kind, classify

IncidentRules = Callable[[m.Incident, Context], Iterator[Diagnostic]]
STEADY_RULES: tuple[IncidentRules, ...] = (
    content_rules, status_rules, order_rules, visibility_rules, component_rules, link_rules,
)
"""The rules over one incident that read only the incident, the components, and whether the
entries it links to exist and are public: their verdict can be kept while those stay."""
CLOCK_RULES: tuple[IncidentRules, ...] = (time_rules, metadata_rules, acknowledged_rules)
"""The rules over one incident that read the clock."""


def _linked(incident: m.Incident, published: dict[str, bool]) -> tuple[tuple[str, bool | None], ...]:
    return tuple((link.target, published.get(link.target)) for url, _ in incident.all_links()
                 if (link := classify(url)).kind is Kind.ENTRY)


def check(repo: m.Repository, now: datetime, cache: Cache = NO_CACHE) -> list[Diagnostic]:
    """Every rule over ``repo`` as of ``now``; ``cache`` may keep the verdicts that do not read
    the clock between the dev server's rebuilds."""
    out = list(check_config(repo.config))
    out.extend(check_channels(repo.config))
    out.extend(check_monitors(repo.config))
    out.extend(check_api(repo.config))
    out.extend(check_incident_fields(repo.config))
    context = Context(repo.config, now, {i.id: i.published for i in repo.incidents})
    kept = cache.scope("rules", repo.config)
    for incident in repo.incidents:
        out.extend(kept.cached((incident, _linked(incident, context.published)), lambda i=incident: [
            d for rules in STEADY_RULES for d in rules(i, context)]))  # type: ignore[misc]
        for rules in CLOCK_RULES:
            out.extend(rules(incident, context))
    out.extend(check_duplicates(repo.incidents))
    out.extend(check_sources(repo.incidents))
    out.extend(check_references(repo.incidents))
    return out
