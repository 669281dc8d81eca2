"""Which events are due at ``now``: one per public update, a maintenance's start, end and
reminder by the clock, nothing internal, nothing older than the horizon."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from statusgen import model as m
from statusgen.notify.events import STALE, Event, EventKind, due_events, for_channel
from tests.conftest import StatusRepo
from tests.notify.repos import components, incident, maintenance, repository

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)

UPDATES = [
    {"at": "2026-11-22T08:30:00Z", "status": "resolved", "message": "Fixed."},
    {"at": "2026-11-22T08:10:00Z", "status": "monitoring", "message": "Watching.",
     "components": "{api: degraded_performance}"},
    {"at": "2026-11-22T08:05:00Z", "status": "identified", "message": "Team note.", "internal": "true"},
    {"at": "2026-11-22T08:00:00Z", "status": "investigating", "message": "Looking."},
]


def names(events: Iterable[Event]) -> list[tuple[str, str]]:
    return [(e.id, e.name) for e in events]


def test_each_public_update_is_one_event_with_the_components_it_changed(status_repo: StatusRepo) -> None:
    root = status_repo({"components.yml": components(),
                        "incidents/2026-11-22-api.md": incident("API errors", UPDATES)})
    events = due_events(repository(root), NOW)
    assert names(events) == [
        ("2026-11-22-api/20261122T080000Z", "incident.created"),
        ("2026-11-22-api/20261122T081000Z", "incident.updated"),
        ("2026-11-22-api/20261122T083000Z", "incident.resolved"),
    ]
    created, updated, resolved = events
    assert [(c.component, c.old, c.new) for c in created.changes] == [
        ("api", m.Level.OPERATIONAL, m.Level.PARTIAL_OUTAGE)]
    assert [(c.component, c.new) for c in updated.changes] == [("api", m.Level.DEGRADED_PERFORMANCE)]
    assert [(c.component, c.new) for c in resolved.changes] == [("api", m.Level.OPERATIONAL)]
    # Each event holds the entry as it was then: the created event knows no later update.
    assert [u.status for u in created.entry.incident.updates] == [m.Status.INVESTIGATING]
    assert created.entry.status is m.Status.INVESTIGATING and resolved.entry.resolved_at is not None
    assert all(u.message != "Team note." for e in events for u in e.entry.incident.updates)


def test_an_event_keeps_its_id_when_later_updates_are_added(status_repo: StatusRepo) -> None:
    first = status_repo({"components.yml": components(),
                         "incidents/2026-11-22-api.md": incident("API errors", UPDATES[3:])})
    later = status_repo({"components.yml": components(),
                         "incidents/2026-11-22-api.md": incident("API errors", UPDATES)})
    before = {e.id for e in due_events(repository(first), NOW)}
    assert before <= {e.id for e in due_events(repository(later), NOW)}


def test_updates_in_the_same_second_get_their_own_ids(status_repo: StatusRepo) -> None:
    updates = [{"at": "2026-11-22T08:00:00Z", "status": "identified", "message": "Second."},
               {"at": "2026-11-22T08:00:00Z", "status": "investigating", "message": "First."}]
    root = status_repo({"components.yml": components(),
                        "incidents/2026-11-22-api.md": incident("API errors", updates)})
    assert [e.id for e in due_events(repository(root), NOW)] == [
        "2026-11-22-api/20261122T080000Z", "2026-11-22-api/20261122T080000Z-2"]


def test_never_due_internal_entries_drills_notify_false_old_and_future_updates(
        status_repo: StatusRepo) -> None:
    old = (NOW - STALE - timedelta(hours=1)).isoformat()
    quiet = [{"at": "2026-11-22T08:10:00Z", "status": "identified", "message": "Quiet.",
              "notify": "false"},
             {"at": "2026-11-22T08:00:00Z", "status": "investigating", "message": "Loud."}]
    root = status_repo({
        "components.yml": components(),
        "incidents/a-internal.md": incident("Internal", UPDATES[3:], extra="visibility: internal"),
        "incidents/b-drill.md": incident("Drill", UPDATES[3:], extra="mode: test"),
        "incidents/c-quiet.md": incident("Quiet", quiet),
        "incidents/d-old.md": incident("Old", [{"at": old, "status": "investigating",
                                                "message": "Long ago."}]),
        "incidents/e-soon.md": incident("Soon", [{"at": "2026-11-22T09:03:00Z",
                                                  "status": "investigating", "message": "Soon."}]),
    })
    repo = repository(root)
    assert names(due_events(repo, NOW)) == [("c-quiet/20261122T080000Z", "incident.created"),
                                            ("e-soon/20261122T090300Z", "incident.created")]
    # An update a few minutes ahead of the clock is due (the same skew `validate` allows); at
    # an earlier `now` it is not there yet.
    assert [e.id for e in due_events(repo, NOW - timedelta(minutes=10))] == [
        "c-quiet/20261122T080000Z"]


def test_a_maintenance_reminds_starts_and_completes_by_the_clock(status_repo: StatusRepo) -> None:
    announced = [{"at": "2026-11-20T12:00:00Z", "status": "scheduled", "message": "Upgrade."}]
    root = status_repo({"components.yml": components(),
                        "incidents/2026-11-22-db.md": maintenance(
                            "Database upgrade", "2026-11-22T10:00:00Z", "2026-11-22T12:00:00Z",
                            announced)})
    repo = repository(root)
    at = {name: datetime(2026, 11, 22, hour, minute, tzinfo=UTC)
          for name, hour, minute in (("before", 8, 0), ("soon", 9, 30), ("during", 10, 5),
                                     ("after", 12, 5))}
    assert names(due_events(repo, at["before"])) == [
        ("2026-11-22-db/20261120T120000Z", "maintenance.scheduled"),
        ("2026-11-22-db/reminder-20261122T100000Z", "maintenance.reminder")]
    during = due_events(repo, at["during"])
    assert names(during)[-1] == ("2026-11-22-db/started-20261122T100000Z", "maintenance.started")
    assert [(c.component, c.new) for c in during[-1].changes] == [("db", m.Level.UNDER_MAINTENANCE)]
    assert during[-1].entry.status is m.Status.IN_PROGRESS
    after = due_events(repo, at["after"])
    # Once it has ended, its start is history: only the end is due.
    assert names(after)[1:] == [("2026-11-22-db/completed-20261122T120000Z", "maintenance.completed")]
    assert [(c.component, c.new) for c in after[-1].changes] == [("db", m.Level.OPERATIONAL)]

    channel = repo.config.notify[0]
    assert channel.reminder == 60
    reminders = [e for e in for_channel(channel, due_events(repo, at["soon"]), repo.config, at["soon"])
                 if e.kind is EventKind.REMINDER]
    assert len(reminders) == 1  # within the hour before the start
    assert not [e for e in for_channel(channel, due_events(repo, at["before"]), repo.config,
                                       at["before"]) if e.kind is EventKind.REMINDER]


def test_updates_that_start_and_end_a_maintenance_replace_the_clock(status_repo: StatusRepo) -> None:
    updates = [{"at": "2026-11-22T10:40:00Z", "status": "completed", "message": "Done early."},
               {"at": "2026-11-22T09:55:00Z", "status": "in_progress", "message": "Starting now."},
               {"at": "2026-11-20T12:00:00Z", "status": "scheduled", "message": "Upgrade."}]
    root = status_repo({"components.yml": components(),
                        "incidents/2026-11-22-db.md": maintenance(
                            "Database upgrade", "2026-11-22T10:00:00Z", "2026-11-22T12:00:00Z",
                            updates)})
    later = datetime(2026, 11, 22, 12, 30, tzinfo=UTC)
    events = due_events(repository(root, later), later)
    assert names(events) == [
        ("2026-11-22-db/20261120T120000Z", "maintenance.scheduled"),
        ("2026-11-22-db/20261122T095500Z", "maintenance.started"),
        ("2026-11-22-db/20261122T104000Z", "maintenance.completed")]


def test_a_quietly_announced_maintenance_sends_nothing_by_the_clock(status_repo: StatusRepo) -> None:
    quiet = [{"at": "2026-11-20T12:00:00Z", "status": "scheduled", "message": "Upgrade.",
              "notify": "false"}]
    root = status_repo({"components.yml": components(),
                        "incidents/2026-11-22-db.md": maintenance(
                            "Database upgrade", "2026-11-22T10:00:00Z", "2026-11-22T12:00:00Z", quiet)})
    repo = repository(root)
    for hour in (8, 9, 10, 13):
        assert due_events(repo, datetime(2026, 11, 22, hour, 30, tzinfo=UTC)) == ()


def test_channels_choose_components_kinds_and_retrospective_entries(status_repo: StatusRepo) -> None:
    channels = """\
notify:
  - id: api-only
    type: slack
    url_env: A
    components: [api]
  - id: platform
    type: slack
    url_env: B
    components: [platform]
  - id: maintenance
    type: slack
    url_env: C
    events: [maintenance]
  - id: everything
    type: slack
    url_env: D
    retrospective: true
"""
    done = [{"at": "2026-11-22T08:30:00Z", "status": "resolved", "message": "Over."},
            {"at": "2026-11-22T08:00:00Z", "status": "identified", "message": "Was slow."}]
    root = status_repo({
        "components.yml": components(channels),
        "incidents/a-api.md": incident("API", UPDATES[3:]),
        "incidents/b-db.md": incident("DB", UPDATES[3:], components="{db: major_outage}"),
        "incidents/c-page.md": incident("Everything", UPDATES[3:], components=""),
        "incidents/d-retro.md": incident("Retro", done, extra="mode: retrospective"),
        "incidents/e-maint.md": maintenance("Upgrade", "2026-12-01T10:00:00Z",
                                            "2026-12-01T11:00:00Z", [
                                                {"at": "2026-11-22T08:00:00Z", "status": "scheduled",
                                                 "message": "Planned."}], components="[queue]"),
    })
    repo = repository(root)
    events = due_events(repo, NOW)
    got = {c.id: sorted({e.incident.id for e in for_channel(c, events, repo.config, NOW)})
           for c in repo.config.notify}
    assert got == {
        "api-only": ["a-api", "c-page"],
        "platform": ["b-db", "c-page", "e-maint"],
        "maintenance": ["e-maint"],
        "everything": ["a-api", "b-db", "c-page", "d-retro", "e-maint"],
    }


def test_a_recurring_maintenance_is_announced_once_as_its_next_occurrence(
        status_repo: StatusRepo) -> None:
    announced = [{"at": "2026-11-16T12:00:00Z", "status": "scheduled", "message": "Nightly."}]
    root = status_repo({"components.yml": components(),
                        "incidents/nightly.md": maintenance(
                            "Nightly patching", "2026-11-17T02:00:00Z", "2026-11-17T02:30:00Z",
                            announced, extra="repeat: FREQ=DAILY")})
    repo = repository(root)
    days = {name: datetime(2026, 11, day, 1, 0, tzinfo=UTC) for name, day in
            (("first", 16), ("second", 17), ("third", 18), ("later", 22))}
    first = names(due_events(repo, days["first"] + timedelta(hours=12)))
    # Only the next occurrence: the others come due in their turn.
    assert first == [("nightly-2026-11-17/20261116T120000Z", "maintenance.scheduled"),
                     ("nightly-2026-11-17/reminder-20261117T020000Z", "maintenance.reminder")]
    # Days later the same announcement is still the one event, however many occurrences
    # have come and gone: the series is never announced again.
    for name in ("second", "third", "later"):
        scheduled = [e for e in due_events(repo, days[name]) if e.kind is EventKind.SCHEDULED]
        assert [e.id for e in scheduled] == ["nightly-2026-11-17/20261116T120000Z"]
    ended = names(due_events(repo, days["third"]))
    assert ("nightly-2026-11-17/completed-20261117T023000Z", "maintenance.completed") in ended
    assert ("nightly-2026-11-18/reminder-20261118T020000Z", "maintenance.reminder") in ended
    assert not [n for n in ended if n[0].startswith("nightly-2026-11-19")]
