"""An audience's build as data: the public build of a narrowed repository.

The narrowed repository holds only the audience's components, and only the entries that
touch them or name the audience; everything downstream (redaction, compute, render) then
runs unchanged, so an audience's site can show nothing the narrowed repository lacks: no
other component, no entry for another audience, nothing internal.
"""

from __future__ import annotations

from dataclasses import replace

from statusgen import model as m


def audience_repository(repo: m.Repository, audience: m.Audience) -> m.Repository:
    """What ``audience``'s site is the public build of.

    Its config keeps the audience's components (a group with only its members listed), its
    ``url`` in place of the page's, and no notification channels, subscriptions or other
    audiences.  Its entries are the public ones touching those components or naming no
    component at all (page-wide), and the ones naming the audience, written as public
    (their visibility, mode and stage still apply); the references to other components are
    left out.
    """
    config = repo.config
    listed = {leaf for ref in audience.components for leaf in config.expand(ref.id)}
    components = tuple(kept for c in config.components if (kept := _kept(c, listed)) is not None)
    page = replace(config.page, url=audience.url) if audience.url else config.page
    narrowed = replace(config, page=page, components=components, notify=(), subscriptions=None,
                       audiences=())
    incidents = tuple(_narrowed(i, narrowed) for i in repo.incidents
                      if _shown(i, audience.id, listed, config))
    return replace(repo, config=narrowed, incidents=incidents)


def _kept(component: m.Component, listed: set[str]) -> m.Component | None:
    """``component`` as the audience sees it: a group with the members it lists."""
    if not component.is_group:
        return component if component.id in listed else None
    members = tuple(c for c in component.members if c.id in listed)
    if not members:
        return None
    return component if len(members) == len(component.members) else replace(component, members=members)


def _shown(incident: m.Incident, audience: str, listed: set[str], config: m.Config) -> bool:
    if incident.audiences:
        return any(d.id == audience for d in incident.audiences)
    refs = [*incident.components, *(r for u in incident.updates for r in u.components or ())]
    return not refs or any(leaf in listed for ref in refs for leaf in config.expand(ref.id))


def _narrowed(incident: m.Incident, config: m.Config) -> m.Incident:
    """``incident`` without the audiences it names and the components ``config`` (the
    narrowed one) lacks; a group stays, standing for the members the audience sees.  The
    same object when nothing is left out, so what was computed for it is reused."""
    def keep(refs: tuple[m.ComponentRef, ...]) -> tuple[m.ComponentRef, ...]:
        return tuple(r for r in refs if config.get(r.id) is not None)

    updates = tuple(u if u.components is None or keep(u.components) == u.components
                    else replace(u, components=keep(u.components) or None)
                    for u in incident.updates)
    components = keep(incident.components)
    if not incident.audiences and components == incident.components and \
            all(a is b for a, b in zip(updates, incident.updates, strict=True)):
        return incident
    return replace(incident, audiences=(), components=components, updates=updates)
