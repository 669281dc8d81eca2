"""Check: every rule over the loaded repository, as located diagnostics.

Every rule adds diagnostics; none stops the others.  The clock is a parameter so that
the same files give the same verdict in CI and at home.  The rules' codes, severities
and documentation are in :mod:`statusgen.rules`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from statusgen import model as m
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
from statusgen.check.recurring import recurring_rules
from statusgen.diagnostics import Diagnostic
from statusgen.source.links import Kind, classify
from statusgen.steps import Runner, direct

IncidentRules = Callable[[m.Incident, Context], Iterator[Diagnostic]]
STEADY_RULES: tuple[IncidentRules, ...] = (
    content_rules, status_rules, order_rules, visibility_rules, component_rules, link_rules,
)
"""The rules over one incident that read only the incident, the components, and whether the
entries it links to exist and are public: their verdict can be kept while those stay."""
CLOCK_RULES: tuple[IncidentRules, ...] = (time_rules, metadata_rules, recurring_rules,
                                          acknowledged_rules)
"""The rules over one incident that read the clock (or every entry's id)."""


def _linked(incident: m.Incident, published: dict[str, bool]) -> tuple[tuple[str, bool | None], ...]:
    return tuple((link.target, published.get(link.target)) for url, _ in incident.all_links()
                 if (link := classify(url)).kind is Kind.ENTRY)


@dataclass(frozen=True)
class Steady:
    """What the steady rules read of one incident: it, the components, and whether each
    entry it links to exists and is public."""

    incident: m.Incident
    config: m.Config
    linked: tuple[tuple[str, bool | None], ...]
    names: tuple[str, ...] = ()
    """Every entry's id when a link names none (the error suggests the nearest)."""


def steady(incident: m.Incident, config: m.Config, published: dict[str, bool]) -> Steady:
    linked = _linked(incident, published)
    missing = any(shown is None for _, shown in linked)
    return Steady(incident, config, linked, tuple(sorted(published)) if missing else ())


def steady_verdict(item: Steady) -> list[Diagnostic]:
    """The step of the rules that do not read the clock, over one incident."""
    known = {name: False for name in item.names}
    known.update((target, shown) for target, shown in item.linked if shown is not None)
    context = Context(item.config, None, known)
    return [d for rules in STEADY_RULES for d in rules(item.incident, context)]


def check(repo: m.Repository, now: datetime, run: Runner = direct) -> list[Diagnostic]:
    """Every rule over ``repo`` as of ``now``; ``run`` runs the steady rules' steps."""
    out = list(check_config(repo.config))
    out.extend(check_channels(repo.config))
    out.extend(check_monitors(repo.config))
    out.extend(check_api(repo.config))
    out.extend(check_incident_fields(repo.config))
    context = Context(repo.config, now, {i.id: i.published for i in repo.incidents})
    verdicts = run(steady_verdict, [steady(i, repo.config, context.published)
                                    for i in repo.incidents])
    for incident, verdict in zip(repo.incidents, verdicts, strict=True):
        out.extend(verdict)
        for rules in CLOCK_RULES:
            out.extend(rules(incident, context))
    out.extend(check_duplicates(repo.incidents))
    out.extend(check_sources(repo.incidents))
    out.extend(check_references(repo.incidents))
    return out
