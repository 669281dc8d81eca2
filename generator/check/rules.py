"""Check: the lifecycle and content rules, over the whole loaded repository.

Every rule adds located diagnostics; none stops the others.  The clock is a
parameter so that the same files give the same verdict in CI and at home.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from generator import model as m
from generator.diagnostics import Diagnostic, error, warning
from generator.source.links import Kind, classify
from generator.source.schema import suggest

SKEW = timedelta(minutes=5)
STALE = timedelta(days=14)


def check(repo: m.Repository, now: datetime) -> list[Diagnostic]:
    """Every rule over ``repo`` as of ``now``."""
    out = list(check_config(repo.config))
    published = {i.id: i.published for i in repo.incidents}
    for incident in repo.incidents:
        out.extend(check_incident(incident, repo.config, now))
        out.extend(check_links(incident, published))
    out.extend(check_duplicates(repo.incidents))
    return out


# A component's files sit beside the page's: api/shields/page.json is the page's badge.
RESERVED_COMPONENT_IDS = ("page",)


def check_config(config: m.Config) -> Iterator[Diagnostic]:
    """Component ids are unique across the whole file, groups included, and not reserved."""
    seen: dict[str, m.Component] = {}
    for component in config.walk():
        if component.id in RESERVED_COMPONENT_IDS:
            yield error(component.loc_of("id"), "reserved-id", f"`{component.id}` is reserved "
                        f"(api/shields/{component.id}.json is the whole page's badge); choose "
                        "another id")
        first = seen.setdefault(component.id, component)
        if first is not component:
            # Compared as objects: two entries on one line (flow style) are still two.
            yield error(component.loc_of("id"), "duplicate-id", f"component id `{component.id}` is "
                        f"already used on line {first.loc_of('id').line}; ids must be unique, "
                        "groups included")


def _a(kind: m.Kind) -> str:
    """``an incident``, ``a maintenance``."""
    return f"an {kind}" if kind is m.Kind.INCIDENT else f"a {kind}"


def stamp(at: datetime) -> str:
    """A timestamp as a person would write it back: ``Z`` for UTC."""
    text = at.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def check_incident(incident: m.Incident, config: m.Config, now: datetime) -> Iterator[Diagnostic]:
    """The rules that need one incident and ``components.yml``."""
    yield from _content(incident)
    yield from _lifecycle(incident)
    yield from _order(incident)
    yield from _times(incident, now)
    yield from _visibility(incident)
    yield from _components(incident, config)


def _content(incident: m.Incident) -> Iterator[Diagnostic]:
    if not incident.title.strip():
        yield error(incident.loc_of("title"), "empty", "the title is empty; say what readers notice")
    for update in incident.updates:
        if not update.message.strip():
            yield error(update.loc_of("message"), "empty",
                        "the message is empty; tell readers what is happening")
    if incident.kind is m.Kind.INCIDENT and not incident.has("impact"):
        yield error(incident.loc, "required",
                    "an incident needs `impact`: none, minor, major or critical")
    if incident.kind is m.Kind.INCIDENT and incident.impact is m.Impact.NONE:
        levels = [r for r in _all_refs(incident) if r.level is m.Level.MAJOR_OUTAGE]
        if levels:
            yield warning(incident.loc_of("impact"), "impact-mismatch", f"`impact: none` but "
                          f"`{levels[0].id}` is in major_outage (line {levels[0].loc.line}); "
                          "raise the impact or lower the level")


def _all_refs(incident: m.Incident) -> Iterator[m.ComponentRef]:
    yield from incident.components
    for update in incident.updates:
        yield from update.components or ()


def _lifecycle(incident: m.Incident) -> Iterator[Diagnostic]:
    kind = incident.kind
    allowed = m.STATUSES[kind]
    terminal = m.TERMINAL[kind]
    for index, update in enumerate(incident.updates):
        if update.status not in allowed:
            yield error(update.loc_of("status"), "status-kind", f"`{update.status}` is not "
                        f"{_a(kind)} status; use one of {', '.join(allowed)}")
        elif update.status is terminal and index > 0:
            yield error(update.loc_of("status"), "terminal", f"`{terminal}` ends the {kind}, so it "
                        "can only be the newest update (the first in the list), and only once")
    # An entry may start at any status: hosted pages open incidents as `identified` or even
    # `resolved`, and every imported history has such entries.
    if incident.mode is m.Mode.RETROSPECTIVE and incident.terminal is None:
        yield error(incident.loc_of("mode"), "retrospective", "a retrospective entry is written "
                    f"after the fact and must end with a `{terminal}` update")
    if kind is m.Kind.MAINTENANCE:
        if incident.window is None:
            yield error(incident.loc, "window", "a maintenance needs `window: {start: …, end: …}`")
        elif incident.window.end <= incident.window.start:
            yield error(incident.window.loc_of("end"), "window", "the window ends before it starts; "
                        "`end` must be after `start`")
    elif incident.window is not None:
        yield error(incident.loc_of("window"), "window", "only maintenance has a window; remove it "
                    "or add `kind: maintenance`")


def _order(incident: m.Incident) -> Iterator[Diagnostic]:
    # Two updates in the same second are fine (commands pasted together, imported histories
    # kept to the second): the list's order then says which came later.
    for above, below in zip(incident.updates, incident.updates[1:], strict=False):
        if below.at > above.at:
            yield error(below.loc_of("at"), "order", f"updates are not newest first: "
                        f"{stamp(below.at)} (line {below.loc_of('at').line}) is later than "
                        f"{stamp(above.at)} (line {above.loc_of('at').line}); put the newest update "
                        "first")


def _times(incident: m.Incident, now: datetime) -> Iterator[Diagnostic]:
    for update in incident.updates:
        # A difference, not `now + SKEW`: that overflows for a `now` in the year 9999.
        if update.at - now > SKEW:
            yield error(update.loc_of("at"), "future", f"{stamp(update.at)} is in the future (now is "
                        f"{stamp(now)}); check the date and the zone")
    oldest = incident.updates[-1].at
    if incident.kind is m.Kind.INCIDENT and incident.terminal is None and now - oldest > STALE:
        yield warning(incident.updates[0].loc_of("status"), "stale-open", f"open for "
                      f"{(now - oldest).days} days; forgot to resolve? add a `resolved` update")


def _visibility(incident: m.Incident) -> Iterator[Diagnostic]:
    if incident.visibility is m.Visibility.INTERNAL:
        return
    if all(u.internal for u in incident.updates):
        yield error(incident.updates[0].loc_of("internal"), "no-public-update", "a public entry "
                    "needs at least one update without `internal: true`; readers would see none")
    elif incident.terminal is not None and incident.terminal.internal:
        yield error(incident.terminal.loc_of("internal"), "internal-terminal", f"the "
                    f"`{incident.terminal.status}` update is internal, so the public page would "
                    "never see this end; remove `internal: true`")


def _components(incident: m.Incident, config: m.Config) -> Iterator[Diagnostic]:
    ids = [c.id for c in config.walk()]
    for ref in incident.components:
        yield from _reference(ref, ids)
        if incident.kind is m.Kind.MAINTENANCE:
            if ref.level not in (None, m.Level.UNDER_MAINTENANCE):
                yield error(ref.loc_of("level"), "level", "maintenance puts components "
                            "under_maintenance; list their ids: `components: [db]`")
        elif ref.level is None:
            yield error(ref.loc, "level", f"give `{ref.id}` a level: `{{{ref.id}: "
                        "partial_outage}`; one of " + ", ".join(m.INCIDENT_LEVELS))
        elif ref.level not in m.INCIDENT_LEVELS:
            yield error(ref.loc_of("level"), "level", f"`{ref.level}` is not an incident level; use "
                        "one of " + ", ".join(m.INCIDENT_LEVELS))
    for update in incident.updates:
        if update.components is None:
            continue
        if incident.kind is m.Kind.MAINTENANCE:
            yield error(update.loc_of("components"), "level", "maintenance updates cannot set "
                        "levels; the maintenance's `components` are under maintenance")
            continue
        allowed = (m.Level.OPERATIONAL, *m.INCIDENT_LEVELS)
        for ref in update.components:
            yield from _reference(ref, ids)
            if ref.level not in allowed:
                yield error(ref.loc_of("level") if ref.level else ref.loc, "level", f"give "
                            f"`{ref.id}` one of " + ", ".join(allowed))


def _reference(ref: m.ComponentRef, ids: list[str]) -> Iterator[Diagnostic]:
    if ref.id not in ids:
        yield error(ref.loc, "unknown-component", f"no component `{ref.id}` in components.yml"
                    f"{suggest(ref.id, ids)}; known ids: {', '.join(ids)}")


def check_links(incident: m.Incident, published: dict[str, bool]) -> Iterator[Diagnostic]:
    """Links that could run code or leave the site, and links to entries that are missing or
    that the public page does not show."""
    for url, where in incident.all_links():
        link = classify(url)
        if link.kind is Kind.UNSAFE:
            yield error(where, "link", f"`{url}`: {link.reason}")
        elif link.kind is Kind.OUTSIDE:
            yield error(where, "attachment", f"`{url}` points outside incidents/; put the file in "
                        "incidents/ and link it by its name")
        elif link.kind is Kind.ENTRY:
            if link.target not in published:
                yield error(where, "link", f"`{url}` links to `{link.target}.md`, which is not in "
                            f"incidents/{suggest(link.target, list(published))}; fix the link")
            elif incident.published and not published[link.target]:
                yield warning(where, "link-hidden", f"`{url}` links to an entry the public page "
                              "does not show (internal or a drill); the public page shows the "
                              "link's text without the link")


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
