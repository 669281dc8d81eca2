"""Exactly once, end to end: ``statusgen notify`` run as a process, again and again, while a
team edits the repository, against a receiver per channel on 127.0.0.1.

Along the way one receiver fails and recovers, and one run is killed with SIGKILL while a
receiver holds its request.  In the end every channel has received every message due to
it exactly once, except the one message in flight when the run was killed, which arrives
at most twice, with the same delivery id both times.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from statusgen.notify.events import due_events, for_channel
from statusgen.notify.formats import keys
from statusgen.notify.outgoing import delivery_id
from tests.conftest import StatusRepo
from tests.notify.repos import components, incident, maintenance, repository
from tests.notify.servers import PASSWORD, USER, Answer, Mailbox, Receiver, receiver, smtp_server

STATUSGEN = str(Path(sys.executable).parent / "statusgen")
T0 = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
HOOK_SECRET = "partner-signing-key"

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def stamp(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


class Team:
    """The repository, the receivers, and how to run ``statusgen notify`` as CI does."""

    def __init__(self, root: Path, hooks: dict[str, Receiver], box: Mailbox, smtp_port: int) -> None:
        self.root = root
        self.hooks = hooks
        self.box = box
        self.log = root / ".statusgen" / "notified.json"
        self.env = {**os.environ,
                    "SLACK_URL": hooks["chat"].url, "DISCORD_URL": hooks["discord"].url,
                    "TEAMS_URL": hooks["teams"].url, "HOOK_URL": hooks["partners"].url,
                    "HOOK_SECRET": HOOK_SECRET,
                    "SMTP_URL": f"smtp://{USER}:{PASSWORD.replace('@', '%40').replace('/', '%2F')}"
                                f"@127.0.0.1:{smtp_port}",
                    "SUBSCRIBERS": "ops@example.org, cto@example.org"}
        self.runs: list[datetime] = []

    def write(self, name: str, text: str) -> None:
        (self.root / "incidents" / name).write_text(text, encoding="utf-8")

    def command(self, now: datetime, *extra: str) -> list[str]:
        self.runs.append(now)
        return [STATUSGEN, "notify", "--root", str(self.root), "--now", stamp(now), "--format", "json",
                "--attempts", "2", "--timeout", "5", *extra]

    def run(self, now: datetime, *extra: str) -> tuple[int, list[dict[str, str]]]:
        proc = subprocess.run(self.command(now, *extra), env=self.env, capture_output=True,
                              text=True, timeout=120, check=False)
        assert proc.returncode in (0, 1), proc.stderr
        return proc.returncode, json.loads(proc.stdout)

    def received(self) -> dict[str, Counter[str]]:
        """Each channel's delivery ids, as many times as a receiver accepted them."""
        got = {name: Counter(r.delivery for r in hook.requests if r.accepted)
               for name, hook in self.hooks.items()}
        got["customers"] = Counter(mail.message["Message-ID"].strip("<>").split("@")[0]
                                   for mail in self.box.mails)
        return got


@pytest.fixture
def team(status_repo: StatusRepo) -> Iterator[Team]:
    root = status_repo({"components.yml": components(), "incidents/2026-11-20-old.md": incident(
        "An older outage", [{"at": "2026-11-20T10:30:00Z", "status": "resolved", "message": "Fixed."},
                            {"at": "2026-11-20T10:00:00Z", "status": "investigating",
                             "message": "Looking."}])})
    with ExitStack() as stack:
        hooks = {name: stack.enter_context(receiver()) for name in ("chat", "discord", "teams", "partners")}
        box, port = stack.enter_context(smtp_server())
        yield Team(root, hooks, box, port)


def results(report: list[dict[str, str]]) -> Counter[tuple[str, str]]:
    return Counter((line["channel"], line["result"]) for line in report)


@pytest.mark.slow
def test_every_message_arrives_once_across_failures_and_a_kill(team: Team) -> None:
    # 1. The first run with no log records the past and sends nothing.
    code, report = team.run(T0)
    assert code == 0 and report and {line["result"] for line in report} == {"recorded"}
    assert all(not hook.requests for hook in team.hooks.values()) and not team.box.mails
    assert json.loads(team.log.read_text())["format"] == "statusgen-notified 1"

    # 2. An incident is opened: every channel hears of it, once, even when run twice.
    opened = {"at": stamp(T0 + timedelta(minutes=5)), "status": "investigating",
              "message": "API requests fail."}
    team.write("2026-11-22-api.md", incident("API errors", [opened]))
    assert team.run(T0 + timedelta(minutes=6))[0] == 0
    assert team.run(T0 + timedelta(minutes=7))[1] == []
    assert [len(hook.requests) for hook in team.hooks.values()] == [1, 1, 1, 2]
    assert len(team.box.mails) == 1 and team.box.mails[0].recipients == ["ops@example.org",
                                                                        "cto@example.org"]
    assert all(r.signed_by(HOOK_SECRET) for r in team.hooks["partners"].requests)

    # 3. An update while the partners' receiver is down: the others get it, the run fails.
    identified = {"at": stamp(T0 + timedelta(minutes=20)), "status": "identified",
                  "message": "A bad deploy.", "components": "{api: degraded_performance}"}
    team.write("2026-11-22-api.md", incident("API errors", [identified, opened]))
    team.hooks["partners"].answer(Answer(500), Answer(500))
    code, report = team.run(T0 + timedelta(minutes=21))
    assert code == 1
    assert results(report) == Counter({("chat", "sent"): 1, ("discord", "sent"): 1, ("teams", "sent"): 1,
                                       ("partners", "failed"): 1, ("partners", "waiting"): 1,
                                       ("customers", "sent"): 1})

    # 4. It recovers: the next run sends what it missed, in order, and nothing else.
    code, report = team.run(T0 + timedelta(minutes=31))
    assert code == 0 and results(report) == Counter({("partners", "sent"): 2})
    bodies = [json.loads(r.body) for r in team.hooks["partners"].requests if r.body]
    assert bodies[-2]["incident"]["incident_updates"][0]["body"] == "A bad deploy."
    assert bodies[-1]["component_update"]["new_status"] == "degraded_performance"

    # 5. A maintenance is scheduled and the incident resolved; the run is killed while the
    #    chat's receiver holds the first message.
    resolved = {"at": stamp(T0 + timedelta(minutes=40)), "status": "resolved", "message": "Fixed."}
    team.write("2026-11-22-api.md", incident("API errors", [resolved, identified, opened]))
    team.write("2026-11-25-db.md", maintenance(
        "Database upgrade", "2026-11-25T02:00:00Z", "2026-11-25T03:00:00Z",
        [{"at": stamp(T0 + timedelta(minutes=41)), "status": "scheduled", "message": "Read-only."}]))
    chat = team.hooks["chat"]
    before = len(chat.requests)
    chat.answer(Answer(hang=30))
    process = subprocess.Popen(team.command(T0 + timedelta(minutes=42)), env=team.env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        chat.wait_for(before + 1)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    killed = chat.requests[-1].delivery

    # 6. The next runs deliver everything left, the message in flight again, under its id.
    assert team.run(T0 + timedelta(minutes=45))[0] == 0
    assert team.run(T0 + timedelta(minutes=50))[1] == []

    # 7. The maintenance starts and ends by the clock, with no update.
    assert team.run(datetime(2026, 11, 25, 2, 5, tzinfo=UTC))[0] == 0
    assert team.run(datetime(2026, 11, 25, 3, 5, tzinfo=UTC))[0] == 0
    assert team.run(datetime(2026, 11, 25, 3, 10, tzinfo=UTC))[1] == []

    # Exactly once: what every channel received is what was due to it, less what its first
    # run recorded; one copy each, but for the message in flight at the kill.
    repo = repository(team.root, datetime(2026, 11, 25, 3, 10, tzinfo=UTC))
    log = json.loads(team.log.read_text())["channels"]
    received = team.received()
    for channel in repo.config.notify:
        due = {key for now in team.runs for event in for_channel(channel, due_events(repo, now),
                                                                 repo.config, now)
               for key in keys(channel, event)}
        recorded = {key for key, entry in log[channel.id].items() if not entry["sent"]}
        sent = {key for key, entry in log[channel.id].items() if entry["sent"]}
        assert sent == due - recorded, channel.id
        expected = Counter({delivery_id(repo.config.page, channel, key): 1 for key in sent})
        if channel.id == "chat":
            expected[killed] = received["chat"][killed]
            assert received["chat"][killed] in (1, 2)
        assert received[channel.id] == expected, channel.id
    assert any(e.endswith("started-20261125T020000Z") for e in log["chat"])
    assert any(e.endswith("completed-20261125T030000Z") for e in log["chat"])
