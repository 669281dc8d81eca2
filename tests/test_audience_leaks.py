"""Property: nothing of one audience reaches another audience's build or the public one.

The random repositories of :mod:`tests.test_leaks`, with three audiences whose components
overlap; some entries are given to one audience (``audiences: [beta]``), their
components moved onto that audience's, and their public markers become that audience's.
Every output (pages, feeds, JSON, badges, calendar, reports, site metadata) of the public
build and of every other audience's build holds none of them, nor any internal marker,
while the audience's own build shows them all; the public notification channels hear none.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from statusgen import model as m
from statusgen.check.run import check
from statusgen.compute.audience import audience_repository
from statusgen.compute.snapshot import snapshot
from statusgen.diagnostics import Location, Severity
from statusgen.source.parse import parse_config
from tests.helpers import COMPONENTS, NOW
from tests.test_leaks import FIELDS, Markers, incidents, messages, published

AUDIENCES = """\
audiences:
  - {id: alpha, name: Alpha, components: [api]}
  - {id: beta, name: Beta, components: [platform]}
  - {id: gamma, name: Gamma, components: [queue, api]}
"""


def config() -> m.Config:
    parsed, problems = parse_config((COMPONENTS + FIELDS + AUDIENCES).encode("utf-8"))
    assert parsed is not None, problems
    return parsed


CONFIG = config()
SHOWN = {a.id: tuple(r.id for r in a.components) for a in CONFIG.audiences}
"""What each audience's entries may name: its components as written."""


@dataclass
class Audiences:
    """Each audience's markers, besides the public and internal ones."""

    markers: Markers = field(default_factory=Markers)
    only: dict[str, set[str]] = field(default_factory=lambda: {a: set() for a in SHOWN})


def within(refs: tuple[m.ComponentRef, ...], allowed: tuple[str, ...]) -> tuple[m.ComponentRef, ...]:
    """``refs`` moved onto ``allowed``, each id once."""
    moved = {allowed[n % len(allowed)]: r for n, r in enumerate(refs)}
    return tuple(replace(r, id=i) for i, r in moved.items())


def given_to(incident: m.Incident, audience: str) -> m.Incident:
    """``incident`` for ``audience`` alone, naming only its components, its id a marker."""
    allowed = SHOWN[audience]
    slug = f"{incident.id[:8]}{incident.title.removeprefix('Title ')}"
    path = f"incidents/{slug}.md"
    updates = tuple(u if u.components is None else replace(u, components=within(u.components, allowed))
                    for u in incident.updates)
    return replace(incident, id=slug, path=path, components=within(incident.components, allowed),
                   updates=updates, audiences=(m.Declared(loc=Location(path), id=audience),))


@st.composite
def repositories(draw: st.DrawFn) -> tuple[m.Repository, Audiences]:
    found = Audiences()
    entries = []
    for number in range(1, draw(st.integers(1, 6)) + 1):
        before = set(found.markers.public)
        entry = draw(incidents(found.markers, number))
        audience = draw(st.sampled_from((None, *SHOWN)))
        if audience is not None:
            theirs = found.markers.public - before
            found.markers.public -= theirs
            found.only[audience] |= theirs
            entry = given_to(entry, audience)
        entries.append(entry)
    return m.Repository(config=CONFIG, incidents=tuple(entries), files=len(entries) + 1), found


def leaks_nothing(case: tuple[m.Repository, Audiences]) -> None:
    repo, found = case
    assume(not [d for d in check(repo, NOW) if d.severity is Severity.ERROR])
    internal = found.markers.internal
    builds: dict[str | None, bytes] = {None: published(snapshot(repo, NOW)),
                                       **{a.id: published(snapshot(audience_repository(repo, a), NOW))
                                          for a in CONFIG.audiences}}
    for built, output in builds.items():
        forbidden = internal.union(*(mine for a, mine in found.only.items() if a != built))
        assert sorted(marker for marker in forbidden if marker.encode() in output) == []
        if built is not None:
            assert sorted(mk for mk in found.only[built] if mk.encode() not in output) == []
    assert all(marker.encode() in builds[None] for marker in found.markers.public)
    sent = messages(repo)
    assert [mk for mk in internal.union(*found.only.values()) if mk.encode() in sent] == []


# Each example renders four whole sites: a few in the fast suite, many in the slow one.
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(repositories())
def test_nothing_of_one_audience_reaches_another_or_the_public(
        case: tuple[m.Repository, Audiences]) -> None:
    leaks_nothing(case)


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(repositories())
def test_nothing_of_one_audience_reaches_another_or_the_public_in_many_repositories(
        case: tuple[m.Repository, Audiences]) -> None:
    leaks_nothing(case)
