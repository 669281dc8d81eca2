"""The team's own channels (``internal: true``) hear internal updates; public ones never do.

Real receivers on 127.0.0.1: a team Slack and a team webhook marked internal, a public Slack
beside them.  An internal update reaches only the team's, marked; made public later, it
reaches the public channel once and the team's not again; a drill reaches none.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from statusgen.check.notify import check_channels
from statusgen.notify.deliver import Sender
from statusgen.notify.log import SendLog
from statusgen.notify.report import preview, preview_text
from statusgen.notify.run import State, notify
from tests.conftest import StatusRepo
from tests.helpers import NOW
from tests.notify.repos import components, incident, loaded, repository
from tests.notify.servers import Receiver, receiver

CHANNELS = """\
notify:
  - id: team
    type: slack
    url_env: TEAM_URL
    internal: true
  - id: team-hook
    type: webhook
    url_env: TEAM_HOOK_URL
    internal: true
  - id: chat
    type: slack
    url_env: CHAT_URL
"""
START = NOW - timedelta(hours=2)
CREATED = {"at": "2026-11-22T07:40:00Z", "status": "investigating", "message": "Some requests fail."}
SECRET = "Failover to the standby in eu-west went wrong"


def api_errors(internal: bool) -> str:
    note = {"at": "2026-11-22T07:50:00Z", "status": "identified", "message": SECRET}
    if internal:
        note["internal"] = "true"
    return incident("API errors", [note, CREATED], components="")  # no component messages


DRILL = incident("Database drill", [{"at": "2026-11-22T07:45:00Z", "status": "investigating",
                                           "message": "Practice run."}], extra="mode: test")


@pytest.fixture
def hooks() -> Iterator[dict[str, Receiver]]:
    with receiver() as team, receiver() as team_hook, receiver() as chat:
        yield {"team": team, "team-hook": team_hook, "chat": chat}


def run(root: Path, hooks: dict[str, Receiver], *, dry_run: bool = False,
        titles: list[str] | None = None) -> list[tuple[str, str, str]]:
    environ = {"TEAM_URL": hooks["team"].url, "TEAM_HOOK_URL": hooks["team-hook"].url,
               "CHAT_URL": hooks["chat"].url}
    report = notify(repository(root), NOW, SendLog.load(root / "notified.json"),
                    Sender(environ, root, backoff=0.01, timeout=2.0), since=START, dry_run=dry_run)
    assert not report.failed
    if titles is not None:
        titles.extend(o.title for o in report.outcomes)
    return [(o.channel.id, o.key, o.state) for o in report.outcomes]


def test_internal_updates_reach_the_team_once_and_the_public_once_made_public(
        status_repo: StatusRepo, hooks: dict[str, Receiver]) -> None:
    root = status_repo({"components.yml": components(CHANNELS),
                        "incidents/2026-11-22-api.md": api_errors(internal=True),
                        "incidents/2026-11-22-drill.md": DRILL})
    created, noted = "2026-11-22-api/20261122T074000Z", "2026-11-22-api/20261122T075000Z"
    due = [("team", created), ("team-hook", created), ("chat", created), ("team", noted),
           ("team-hook", noted)]
    titles: list[str] = []
    assert run(root, hooks, dry_run=True, titles=titles) == [(*d, State.DUE) for d in due]
    assert titles == ["API errors"] * 3 + ["🔒 [Internal] API errors"] * 2
    assert run(root, hooks) == [(*d, State.SENT) for d in due]
    bodies = {name: [r.body.decode() for r in hook.requests] for name, hook in hooks.items()}
    assert len(bodies["team"]) == 2 and len(bodies["team-hook"]) == 2
    assert len(bodies["chat"]) == 1
    assert SECRET not in bodies["chat"][0]
    assert all("Practice run" not in b for sent in bodies.values() for b in sent)  # the drill
    assert "🔒" in bodies["team"][1] and "[Internal]" in bodies["team"][1] and SECRET in bodies["team"][1]
    assert "🔒" not in bodies["team"][0]  # a public update is not marked, even for the team
    marked = json.loads(bodies["team-hook"][1])["incident"]
    assert marked["internal"] is True and marked["name"].startswith("🔒")
    assert json.loads(bodies["team-hook"][0])["incident"]["internal"] is False
    assert "internal" not in json.loads(bodies["chat"][0]).get("incident", {})

    internal = repository(root)
    (root / "incidents" / "2026-11-22-api.md").write_text(api_errors(internal=False), encoding="utf-8")
    public = repository(root)
    # The pull request that makes the update public previews it for the public channel only.
    [(channel, event, text)] = preview(internal, public, NOW).messages
    assert (channel.id, event.id, event.internal) == ("chat", noted, False) and SECRET in text
    assert run(root, hooks) == [("chat", noted, State.SENT)]
    assert run(root, hooks) == []
    assert [len(hooks[name].requests) for name in ("team", "team-hook", "chat")] == [2, 2, 2]
    assert SECRET in hooks["chat"].requests[1].body.decode()
    assert "🔒" not in hooks["chat"].requests[1].body.decode()


def test_an_email_channel_cannot_be_internal(status_repo: StatusRepo) -> None:
    channels = """\
notify:
  - id: customers
    type: email
    smtp_env: SMTP_URL
    from: status@test.example
    to_env: SUBSCRIBERS
    internal: true
"""
    root = status_repo({"components.yml": components(channels)})
    [problem] = check_channels(loaded(root).config)
    assert "cannot be `internal: true`" in problem.message and problem.location.line > 1


def test_the_preview_shows_an_internal_update_to_the_team_channels_only(status_repo: StatusRepo) -> None:
    root = status_repo({"components.yml": components(CHANNELS),
                        "incidents/2026-11-22-api.md": incident("API errors", [CREATED], components="")})
    base = repository(root)
    (root / "incidents" / "2026-11-22-api.md").write_text(api_errors(internal=True), encoding="utf-8")
    found = preview(base, repository(root), NOW)
    assert [(c.id, e.internal) for c, e, _ in found.messages] == [("team", True), ("team-hook", True)]
    assert all(text.startswith("Identified: 🔒 [Internal] API errors") for _, _, text in found.messages)
    assert "team (slack) incident.updated (internal):" in preview_text(found)


def test_an_overdue_next_update_reaches_the_team_channels_once_and_never_the_public(
        status_repo: StatusRepo, hooks: dict[str, Receiver]) -> None:
    promised = {**CREATED, "next_update": "30m"}  # by 08:10, and NOW is 09:00
    root = status_repo({"components.yml": components(CHANNELS),
                        "incidents/2026-11-22-api.md": incident("API errors", [promised],
                                                                components="")})
    late = "2026-11-22-api/late-20261122T081000Z"
    created = "2026-11-22-api/20261122T074000Z"
    assert run(root, hooks) == [(c, created, State.SENT) for c in ("team", "team-hook", "chat")] + \
        [("team", late, State.SENT), ("team-hook", late, State.SENT)]
    assert run(root, hooks) == []
    said = hooks["team"].requests[1].body.decode()
    assert "Next update overdue" in said and "🔒" in said and "has not been posted" in said
    assert json.loads(hooks["team-hook"].requests[1].body)["incident"]["internal"] is True
    assert len(hooks["chat"].requests) == 1
