"""Property: nothing internal or in test mode reaches any byte the public data sources write.

Random repositories hold incidents and maintenance, some internal, in ``mode: test`` or in
triage (or declined), some with internal updates, and incident metadata: roles, private and
public custom fields, a follow-up ticket, a post-mortem link, the creator, the call, the
debrief, follow-ups and who acknowledged the incident.  Every title, message, body, person
and field value carries its own marker word, and internal entries carry one in their id
too.  The public build's pages, feeds, JSON, badges, calendar, reliability reports and site
metadata must hold no internal marker, in their contents or their paths, while every
public title, message and public field shows up somewhere.  The messages ``statusgen
notify`` would send hold no internal marker either, on every channel type, while a
team channel (``internal: true``) is beside them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from statusgen import model as m
from statusgen.check.run import check
from statusgen.compute.snapshot import Snapshot, snapshot
from statusgen.diagnostics import Location, Severity
from statusgen.notify.formats import deliveries
from statusgen.notify.outgoing import Scene
from statusgen.notify.run import channel_events
from statusgen.render.pages import render_pages
from statusgen.render.reports import render_reports
from statusgen.source.parse import parse_config
from tests.datasource import render_all
from tests.helpers import COMPONENTS, NOW, REPO_ROOT

LEAVES = ("api", "db", "queue")
REFS = (*LEAVES, "platform")


FIELDS = """\
incident_fields:
  reference: {prefix: INC-}
  roles: [lead, communications]
  custom:
    - {id: notes, type: text, public: false}
    - {id: ticket, type: link, public: false}
    - {id: summary, type: text, public: true}
"""


def config() -> m.Config:
    parsed, problems = parse_config((COMPONENTS + FIELDS).encode("utf-8"))
    assert parsed is not None, problems
    return parsed


CONFIG = config()
TEAM = m.Channel(loc=Location("components.yml", 1, 1), id="team", type=m.ChannelType.SLACK,
                 url_env="TEAM_URL", internal=True)
PUBLIC = tuple(m.Channel(loc=Location("components.yml", 1, 1), id=str(kind), type=kind,
                         retrospective=True) for kind in m.ChannelType)
"""One public channel of each type, which must never hear anything internal."""


@dataclass
class Markers:
    """Marker words, split by who may see them."""

    public: set[str] = field(default_factory=set)
    internal: set[str] = field(default_factory=set)
    count: int = 0

    def new(self, draw: st.DrawFn) -> str:
        # Fixed length, so no marker is a part of another; "mark" and digits never occur by chance.
        self.count += 1
        letters = draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=6, max_size=6))
        return f"mark{self.count:03d}{letters}"


def loc(path: str) -> Location:
    return Location(path)


def refs(draw: st.DrawFn, path: str, levels: tuple[m.Level, ...], at_least: int = 0,
         ) -> tuple[m.ComponentRef, ...]:
    ids = draw(st.lists(st.sampled_from(REFS), min_size=at_least, max_size=2, unique=True))
    return tuple(m.ComponentRef(loc=loc(path), id=i, level=draw(st.sampled_from(levels)))
                 for i in ids)


@st.composite
def incidents(draw: st.DrawFn, markers: Markers, number: int) -> m.Incident:
    kind = draw(st.sampled_from(m.Kind))
    visibility = draw(st.sampled_from(m.Visibility))
    mode = draw(st.sampled_from(m.Mode))
    ended = mode is m.Mode.RETROSPECTIVE or draw(st.booleans())
    stage = None if kind is m.Kind.MAINTENANCE else draw(st.sampled_from(
        (None, m.Stage.DECLINED, *((m.Stage.LEARNING, m.Stage.CLOSED) if ended else (m.Stage.TRIAGE,)))))
    published = visibility is m.Visibility.PUBLIC and mode is not m.Mode.TEST and \
        (stage is None or not stage.unaccepted)
    title_marker = markers.new(draw)
    (markers.public if published else markers.internal).add(title_marker)
    slug = f"2026-{number:02d}-{title_marker}" if not published else f"2026-{number:02d}-entry"
    path = f"incidents/{slug}.md"

    statuses = list(m.STATUSES[kind])
    middle = draw(st.lists(st.sampled_from(statuses[1:3]), max_size=2))
    chronological = [statuses[0], *middle, *([statuses[3]] if ended else [])]
    if mode is m.Mode.RETROSPECTIVE:
        chronological[0] = statuses[1]  # written after the fact: need not start at the start

    window = None
    start = NOW - timedelta(minutes=draw(st.integers(60, 60 * 24 * 120)))
    if kind is m.Kind.MAINTENANCE:
        window_start = NOW + timedelta(minutes=draw(st.integers(-60 * 24 * 100, 60 * 24 * 10)))
        window = m.Window(loc=loc(path), start=window_start,
                          end=window_start + timedelta(minutes=draw(st.integers(30, 300))))
        start = min(start, window_start - timedelta(days=1))
    gaps = draw(st.lists(st.integers(1, 600), min_size=len(chronological),
                         max_size=len(chronological)))
    times: list[datetime] = []
    at = start
    for gap in gaps:
        at += timedelta(minutes=gap)
        times.append(at)
    assume(times[-1] <= NOW)

    flags = draw(st.lists(st.booleans(), min_size=len(times), max_size=len(times)))
    if visibility is m.Visibility.PUBLIC:  # the checker's rules, test mode included
        if all(flags):
            flags[draw(st.integers(0, len(flags) - 1))] = False
        if ended:
            flags[-1] = False  # the end of a public entry is public
    updates = []
    for status, when, internal in zip(chronological, times, flags, strict=True):
        marker = markers.new(draw)
        (markers.public if published and not internal else markers.internal).add(marker)
        components = None
        if kind is m.Kind.INCIDENT and draw(st.booleans()):
            components = refs(draw, path, (m.Level.OPERATIONAL, *m.INCIDENT_LEVELS))
        updates.append(m.Update(loc=loc(path), at=when, status=status, internal=internal,
                                message=f"Update {status} **{marker}** here.",
                                components=components))
    body_marker = markers.new(draw)
    if not published:
        markers.internal.add(body_marker)
    if kind is m.Kind.MAINTENANCE:
        components = tuple(m.ComponentRef(loc=loc(path), id=i, level=None)
                           for i in draw(st.lists(st.sampled_from(REFS), max_size=2, unique=True)))
        impact = m.Impact.NONE
    else:
        components = refs(draw, path, m.INCIDENT_LEVELS)
        impact = draw(st.sampled_from((m.Impact.MINOR, m.Impact.MAJOR, m.Impact.CRITICAL)))
    keys = (("impact", loc(path)), ("mode", loc(path)))
    meta = metadata(draw, markers, published, path)
    acknowledged = None
    if kind is m.Kind.INCIDENT and draw(st.booleans()):
        person = markers.new(draw)
        markers.internal.add(person)
        # Anywhere from the start to the end (or the last update of an open incident).
        at = times[0] + (times[-1] - times[0]) * draw(st.integers(0, 4)) / 4
        acknowledged = m.Acknowledgement(loc=loc(path), at=at.replace(microsecond=0),
                                         by=f"Person {person}")
    return m.Incident(
        loc=loc(path), keys=keys, id=slug, path=path, kind=kind, title=f"Title {title_marker}",
        impact=impact, components=components, visibility=visibility, mode=mode, window=window,
        updates=tuple(reversed(updates)), body=f"Post-mortem {body_marker}.",
        reference=f"INC-{number}", roles=meta.roles, fields=meta.fields,
        external_issue=meta.external_issue, postmortem_url=meta.postmortem_url, stage=stage,
        creator=meta.creator, call_url=meta.call_url, debrief=meta.debrief,
        follow_ups=meta.follow_ups, acknowledged=acknowledged,
    )


@dataclass
class Metadata:
    """What an incident records besides its timeline."""

    roles: tuple[m.Assigned, ...] = ()
    fields: tuple[m.FieldEntry, ...] = ()
    external_issue: str = ""
    postmortem_url: str = ""
    creator: m.Creator | None = None
    call_url: str = ""
    debrief: str = ""
    follow_ups: tuple[m.FollowUp, ...] = ()


def metadata(draw: st.DrawFn, markers: Markers, published: bool, path: str) -> Metadata:
    """Roles, custom fields and links, each value a marker: only the public fields and the
    post-mortem link of a published entry may be seen."""
    def marker(public: bool) -> str:
        found = markers.new(draw)
        (markers.public if public and published else markers.internal).add(found)
        return found

    found = Metadata()
    if draw(st.booleans()):
        found.roles = tuple(m.Assigned(loc=loc(path), role=role, person=f"Person {marker(False)}")
                            for role in draw(st.lists(st.sampled_from(("lead", "communications")),
                                                      min_size=1, unique=True)))
    fields = []
    if draw(st.booleans()):
        fields.append(m.FieldEntry(loc=loc(path), id="notes", value=f"Notes {marker(False)}"))
    if draw(st.booleans()):
        fields.append(m.FieldEntry(loc=loc(path), id="ticket",
                                   value=f"https://tracker.example/{marker(False)}"))
    if draw(st.booleans()):
        fields.append(m.FieldEntry(loc=loc(path), id="summary", value=f"Summary {marker(True)}"))
    found.fields = tuple(fields)
    if draw(st.booleans()):
        found.external_issue = f"https://tracker.example/{marker(False)}"
    if draw(st.booleans()):
        found.postmortem_url = f"https://docs.example/{marker(True)}"
    if draw(st.booleans()):
        found.creator = m.Creator(loc=loc(path), kind=draw(st.sampled_from(m.CreatorKind)),
                                  name=f"Creator {marker(False)}")
    if draw(st.booleans()):
        found.call_url = f"https://call.example/{marker(False)}"
    if draw(st.booleans()):
        found.debrief = f"https://docs.example/debrief/{marker(False)}"
    if draw(st.booleans()):
        found.follow_ups = (m.FollowUp(loc=loc(path), title=f"Follow {marker(False)}",
                                       owner=f"Owner {marker(False)}",
                                       link=f"https://tracker.example/{marker(False)}"),)
    return found


@st.composite
def repositories(draw: st.DrawFn) -> tuple[m.Repository, Markers]:
    markers = Markers()
    count = draw(st.integers(1, 6))
    found = tuple(draw(incidents(markers, number)) for number in range(1, count + 1))
    return m.Repository(config=CONFIG, incidents=found, files=count + 1), markers


def everything(outputs: dict[str, bytes]) -> bytes:
    return b"\n".join(path.encode("utf-8") + b"\n" + data for path, data in outputs.items())


def published(snap: Snapshot) -> bytes:
    """Every byte the data sources, the pages and the reliability reports of ``snap`` write."""
    themes = REPO_ROOT / "themes"
    return everything({**render_all(snap), **render_pages(snap, themes), **render_reports(snap, themes)})


def leaks_nothing(case: tuple[m.Repository, Markers]) -> None:
    """The property: no internal marker in the public build, every public one there."""
    repo, markers = case
    problems = [d for d in check(repo, NOW) if d.severity is Severity.ERROR]
    assume(not problems)
    public = published(snapshot(repo, NOW, internal=False))
    leaked = sorted(marker for marker in markers.internal if marker.encode() in public)
    assert leaked == []
    missing = sorted(marker for marker in markers.public if marker.encode() not in public)
    assert missing == []
    sent = messages(repo)
    assert [marker for marker in markers.internal if marker.encode() in sent] == []
    internal = published(snapshot(repo, NOW, internal=True))
    # The internal build shows what the team alone may see: the markers are real.
    assert all(marker.encode() in internal for marker in markers.public)
    assert any(marker.encode() in internal for marker in markers.internal) or not markers.internal


def messages(repo: m.Repository) -> bytes:
    """Every message the public channels would receive at ``NOW``, with a team channel beside."""
    repo = replace(repo, config=replace(repo.config, notify=(TEAM, *PUBLIC)))
    scene = Scene(repo, NOW)
    due = channel_events(repo, NOW)
    # The team's messages first: the words worked out for them must not be reused for others.
    for event in due[TEAM.id]:
        deliveries(TEAM, event, scene)
    return b"\n".join(d.body for channel in PUBLIC for event in due[channel.id]
                      for d in deliveries(channel, event, scene))


# Each example renders two whole sites: a few in the fast suite, many in the slow one.
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(repositories())
def test_no_internal_marker_reaches_a_public_output(case: tuple[m.Repository, Markers]) -> None:
    leaks_nothing(case)


@pytest.mark.slow
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(repositories())
def test_no_internal_marker_reaches_a_public_output_of_many_repositories(
        case: tuple[m.Repository, Markers]) -> None:
    leaks_nothing(case)


def test_the_example_content_leaks_nothing() -> None:
    from tests.datasource import example_snapshot

    public = published(example_snapshot())
    for secret in (b"ACME-FINANCE-7731", b"billing-export", b"failover-drill", b"cache-eu-3",
                   b"Keep watching for an hour", b"Dana Ruiz", b"Sam Okafor", b"Priya", b"OPS-2290",
                   b"OPS-2291", b"1840", b"meet.acme.example", b"debriefs/inc-3",
                   b"replication lag", b"Rehearse the failover"):
        assert secret not in public
    internal = published(example_snapshot(internal=True))
    for secret in (b"ACME-FINANCE-7731", b"cache-eu-3", b"Dana Ruiz", b"OPS-2290", b"1840",
                   b"meet.acme.example", b"replication lag"):
        assert secret in internal
