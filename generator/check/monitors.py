"""Monitor rules (``monitors:`` in ``components.yml``): what they put on the page must be valid
before an alert ever uses them, so a bad rule is reported by ``validate``, not by an outage."""

from __future__ import annotations

from collections.abc import Iterator

from statusgen import model as m
from statusgen import rules
from statusgen.diagnostics import Diagnostic
from statusgen.source.links import Kind, classify
from statusgen.source.markdown import links_in
from statusgen.source.schema import suggest


def check_monitors(config: m.Config) -> Iterator[Diagnostic]:
    """Each rule names a component that exists, at an incident level, with words to show."""
    ids = [c.id for c in config.walk()]
    for rule in config.monitors:
        if rule.component and rule.component not in ids:
            yield rules.UNKNOWN_COMPONENT.at(
                rule.loc_of("component"), f"no component "
                f"`{rule.component}` in components.yml{suggest(rule.component, ids)}; "
                f"known ids: {', '.join(ids)}")
        if rule.level not in m.INCIDENT_LEVELS:
            yield rules.LEVEL.at(rule.loc_of("level"), f"`{rule.level}` is not an incident level; "
                                 "use one of " + ", ".join(m.INCIDENT_LEVELS))
        for key in ("title", "message", "resolve_message"):
            if rule.has(key) and not getattr(rule, key).strip():
                yield rules.EMPTY.at(rule.loc_of(key), f"the rule's `{key}` is empty; write what "
                                     "readers should see")
        for key in ("message", "resolve_message"):
            for url, _ in links_in(getattr(rule, key)):
                # The incident is written when an alert arrives, maybe long after this check:
                # only addresses that cannot go missing or run code are allowed.
                if classify(url).kind not in (Kind.EXTERNAL, Kind.FRAGMENT):
                    yield rules.LINK.at(rule.loc_of(key), f"`{url}`: a monitor rule's message may "
                                        "link only http, https and mailto addresses")


def check_api(config: m.Config) -> Iterator[Diagnostic]:
    """Each service of ``api.services`` stands for a component that exists."""
    ids = [c.id for c in config.walk()]
    for service in config.api.services if config.api else ():
        if service.component not in ids:
            yield rules.UNKNOWN_COMPONENT.at(
                service.loc, f"service {service.id} names no component of components.yml: "
                f"`{service.component}`{suggest(service.component, ids)}; known ids: {', '.join(ids)}")
