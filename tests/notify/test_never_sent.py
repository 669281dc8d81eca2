"""Property: over random repositories and channels, no message carries what must never be
sent, and every update that must be sent is sent, once, to every channel that follows it.

Every title and message holds its own marker word.  Internal entries, internal updates
and drills must leave no marker in any byte of any message; an update with ``notify:
false`` must be the subject of no message (a webhook's history may list it, as the public
page does); a channel gets only entries of its kinds that touch its components (or name
none), and retrospective ones only when it asks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import timedelta

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from statusgen import model as m
from statusgen.check.run import check
from statusgen.diagnostics import Location, Severity
from statusgen.notify.events import STALE, due_events, for_channel
from statusgen.notify.formats import deliveries
from statusgen.notify.outgoing import Scene
from statusgen.source.parse import parse_config
from tests.helpers import COMPONENTS, NOW

REFS = ("api", "db", "queue", "platform")
HERE = Location("components.yml")


@dataclass
class Markers:
    hidden: set[str] = field(default_factory=set)
    """Internal entries and updates, drills: in no message at all."""
    quiet: set[str] = field(default_factory=set)
    """Updates with ``notify: false``: the subject of no message."""
    count: int = 0

    def new(self) -> str:
        self.count += 1
        return f"mark{self.count:03d}zq"


def loc(path: str) -> Location:
    return Location(path)


@st.composite
def entries(draw: st.DrawFn, markers: Markers, number: int) -> m.Incident:
    kind = draw(st.sampled_from(m.Kind))
    visibility = draw(st.sampled_from(m.Visibility))
    mode = draw(st.sampled_from(m.Mode))
    published = visibility is m.Visibility.PUBLIC and mode is not m.Mode.TEST
    title = markers.new()
    if not published:
        markers.hidden.add(title)
    path = f"incidents/2026-{number:02d}-{title}.md"
    statuses = list(m.STATUSES[kind])
    middle = draw(st.lists(st.sampled_from(statuses[1:3]), max_size=2))
    ended = mode is m.Mode.RETROSPECTIVE or draw(st.booleans())
    chronological = [statuses[0], *middle, *([statuses[3]] if ended else [])]
    start = NOW - timedelta(minutes=draw(st.integers(30, 60 * 24 * 9)))
    window = None
    if kind is m.Kind.MAINTENANCE:
        begins = NOW + timedelta(minutes=draw(st.integers(-60 * 24 * 3, 60 * 24 * 3)))
        window = m.Window(loc=loc(path), start=begins, end=begins + timedelta(minutes=90))
        start = min(start, begins - timedelta(hours=2))
    times, at = [], start
    for _ in chronological:
        at += timedelta(minutes=draw(st.integers(1, 120)))
        times.append(at)
    assume(times[-1] <= NOW)
    internal = draw(st.lists(st.booleans(), min_size=len(times), max_size=len(times)))
    quiet = draw(st.lists(st.booleans(), min_size=len(times), max_size=len(times)))
    if visibility is m.Visibility.PUBLIC:
        if all(internal):
            internal[0] = False
        if ended:
            internal[-1] = False
    updates = []
    for status, when, hidden, silent in zip(chronological, times, internal, quiet, strict=True):
        marker = markers.new()
        if hidden or not published:
            markers.hidden.add(marker)
        elif silent:
            markers.quiet.add(marker)
        levels = None
        if kind is m.Kind.INCIDENT and draw(st.booleans()):
            levels = tuple(m.ComponentRef(loc=loc(path), id=i, level=draw(st.sampled_from(
                (m.Level.OPERATIONAL, *m.INCIDENT_LEVELS))))
                for i in draw(st.lists(st.sampled_from(REFS), max_size=2, unique=True)))
        updates.append(m.Update(loc=loc(path), at=when, status=status, internal=hidden,
                                notify=not silent, message=f"Update **{marker}** here.",
                                components=levels))
    ids = draw(st.lists(st.sampled_from(REFS), max_size=2, unique=True))
    refs = tuple(m.ComponentRef(loc=loc(path), id=i, level=None if kind is m.Kind.MAINTENANCE
                                else draw(st.sampled_from(m.INCIDENT_LEVELS))) for i in ids)
    return m.Incident(
        loc=loc(path), keys=(("impact", loc(path)),), id=path[10:-3], path=path, kind=kind,
        title=f"Title {title}", impact=m.Impact.NONE if kind is m.Kind.MAINTENANCE else m.Impact.MAJOR,
        components=refs, visibility=visibility, mode=mode, window=window,
        updates=tuple(reversed(updates)))


@st.composite
def channels(draw: st.DrawFn) -> tuple[m.Channel, ...]:
    found = []
    for number, kind in enumerate(m.ChannelType):
        follows = draw(st.lists(st.sampled_from(REFS), max_size=2, unique=True))
        events = draw(st.sampled_from([(m.Kind.INCIDENT,), (m.Kind.MAINTENANCE,),
                                       (m.Kind.INCIDENT, m.Kind.MAINTENANCE)]))
        found.append(m.Channel(
            loc=HERE, id=f"channel-{number}", type=kind, url_env="URL", sender="s@example.org",
            components=tuple(m.ComponentRef(loc=HERE, id=i, level=None) for i in follows),
            events=events, retrospective=draw(st.booleans()), reminder=draw(st.sampled_from((0, 60)))))
    return tuple(found)


@st.composite
def repositories(draw: st.DrawFn) -> tuple[m.Repository, Markers]:
    markers = Markers()
    config, _ = parse_config(COMPONENTS.encode("utf-8"))
    assert config is not None
    found = tuple(draw(entries(markers, n)) for n in range(1, draw(st.integers(1, 5)) + 1))
    config = replace(config, notify=draw(channels()))
    return m.Repository(config=config, incidents=found, files=len(found) + 1), markers


def _as_text(body: bytes) -> str:
    return body.decode("utf-8", "replace").replace("=\r\n", "").replace("=\n", "")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(repositories())
def test_nothing_hidden_or_quiet_is_sent_and_everything_due_is(case: tuple[m.Repository, Markers]) -> None:
    repo, markers = case
    # (The channels are built without the keys' locations the `channel` rule reads.)
    assume(not [d for d in check(repo, NOW) if d.severity is Severity.ERROR and d.code != "channel"])
    config = repo.config
    events = due_events(repo, NOW)
    scene = Scene(repo, NOW)
    for channel in config.notify:
        wanted = for_channel(channel, events, config, NOW)
        followed = {leaf for ref in channel.components for leaf in config.expand(ref.id)}
        for event in wanted:
            incident = event.incident
            assert incident.published and incident.kind in channel.events
            assert incident.mode is not m.Mode.RETROSPECTIVE or channel.retrospective
            assert not followed or not event.entry.named or followed & set(event.entry.named)
            assert event.update is None or (event.update.notify and not event.update.internal)
            for delivery in deliveries(channel, event, scene):
                text = _as_text(delivery.body)
                assert not [x for x in markers.hidden if x in text], (channel.type, event.id)
                subject = text
                if channel.type is m.ChannelType.WEBHOOK:
                    # The history is public, as on the page; the update announced is [0].
                    announces = delivery.key == event.id and event.update is not None
                    subject = json.loads(delivery.body)["incident"]["incident_updates"][0]["body"] \
                        if announces else ""
                assert not [x for x in markers.quiet if x in subject], (channel.type, event.id)
    # Every public update that may be sent, and no other, is an event.
    since = NOW - STALE
    expected = {(i.id, u.at, u.message) for i in repo.incidents if i.published for u in i.updates
                if u.notify and not u.internal and since <= u.at}
    assert {(e.incident.id, e.at, e.update.message) for e in events if e.update} == expected


def test_the_strategy_makes_what_the_property_needs() -> None:
    """The property is only worth its examples if they hold quiet and hidden updates."""
    seen = {"hidden": 0, "quiet": 0, "sent": 0}

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(repositories())
    def count(case: tuple[m.Repository, Markers]) -> None:
        repo, markers = case
        seen["hidden"] += bool(markers.hidden)
        seen["quiet"] += bool(markers.quiet)
        seen["sent"] += bool(due_events(repo, NOW))

    count()
    assert all(seen.values()), seen

