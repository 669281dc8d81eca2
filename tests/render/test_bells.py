"""The bell and the lock: the internal build's entry history says of each update whether it is
internal or public, and whether it was notified, from ``statusgen notify``'s send log, in
words of the page's language; the public build says neither."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path

import pytest

from statusgen import model as m
from statusgen.commands.cli import main
from statusgen.compute.notified import Bell, bells
from statusgen.diagnostics import Location
from statusgen.notify.events import due_events
from tests.helpers import COMPONENTS, NOW

StatusRepo = Callable[[Mapping[str, str | bytes]], Path]
Capsys = pytest.CaptureFixture[str]

CHANNELS = """\
notify:
  - id: hooks
    type: webhook
    url_env: HOOK_URL
"""
INCIDENT = """\
---
title: API errors
impact: minor
updates:
  - at: 2026-11-22T08:50:00Z
    status: monitoring
    message: A fix is out; we are watching.
  - at: 2026-11-22T08:40:00Z
    status: identified
    internal: true
    message: The cache node is at fault.
  - at: 2026-11-22T08:20:00Z
    status: identified
    notify: false
    message: We found the cause.
  - at: 2026-11-22T08:00:00Z
    status: investigating
    message: We are looking into it.
---
"""
ID = "2026-11-22-api"
LOG = {"format": "statusgen-notified 1", "channels": {"hooks": {
    f"{ID}/20261122T080000Z": {"at": "2026-11-22T08:00:00Z", "logged": "2026-11-22T08:01:00Z",
                               "sent": True}}}}


def incident(updates: list[tuple[int, bool, bool]], mode: m.Mode = m.Mode.STANDARD) -> m.Incident:
    """An incident whose updates (newest first) are ``(minutes before NOW, internal, notify)``."""
    where = Location(f"incidents/{ID}.md")
    return m.Incident(loc=where, id=ID, path=where.path, title="API errors", mode=mode,
                      updates=tuple(m.Update(loc=where, at=NOW - timedelta(minutes=ago),
                                             status=m.Status.INVESTIGATING, message="x",
                                             internal=internal, notify=notify)
                                    for ago, internal, notify in updates))


def config(*channels: m.Channel) -> m.Config:
    return m.Config(loc=Location("components.yml"), page=m.Page(loc=Location("components.yml"),
                                                                title="T", url="https://x.example/"),
                    notify=channels)


HOOK = m.Channel(loc=Location("components.yml"), id="hooks", type=m.ChannelType.WEBHOOK,
                 url_env="HOOK_URL")
TEAM = m.Channel(loc=Location("components.yml"), id="team", type=m.ChannelType.SLACK,
                 url_env="TEAM_URL", internal=True)


def test_each_state_from_the_send_log() -> None:
    entry = incident([(10, False, True), (20, True, True), (30, False, False), (40, False, True),
                      (60 * 24 * 7 + 60, False, True), (60 * 24 * 9, False, True)])
    # The keys are the ones notify computes for the same updates.
    due = {e.id for e in due_events(m.Repository(config=config(HOOK), incidents=(entry,), files=1),
                                    NOW)}
    assert f"{ID}/{(NOW - timedelta(minutes=40)).strftime('%Y%m%dT%H%M%SZ')}" in due
    sent = {f"{ID}/{(NOW - timedelta(minutes=40)).strftime('%Y%m%dT%H%M%SZ')}": True}
    assert bells(entry, sent, NOW, config(HOOK)) == (
        Bell.PENDING, Bell.UNSENT, Bell.QUIET, Bell.SENT, Bell.UNSENT, Bell.UNKNOWN)
    # A team channel hears the internal update; recorded without sending on its first run.
    internal_key = f"{ID}/{(NOW - timedelta(minutes=20)).strftime('%Y%m%dT%H%M%SZ')}"
    assert bells(entry, {**sent, internal_key: False}, NOW, config(HOOK, TEAM))[:2] == \
        (Bell.PENDING, Bell.UNSENT)
    assert bells(entry, sent, NOW, config(HOOK, TEAM))[1] is Bell.PENDING
    assert set(bells(entry, sent, NOW, config())) <= {Bell.SENT, Bell.QUIET, Bell.UNSENT}


def test_a_drill_is_never_notified() -> None:
    drill = incident([(10, False, True)], mode=m.Mode.TEST)
    assert bells(drill, {}, NOW, config(HOOK)) == (Bell.QUIET,)


def build(capsys: Capsys, root: Path, *args: str) -> str:
    capsys.readouterr()
    assert main(["build", "--root", str(root), "--now", "2026-11-22T09:00:00Z", "--no-cache",
                 *args]) == 0
    return capsys.readouterr().err


def page(root: Path, site: str, language: str = "") -> str:
    return (root / site / language / "incidents" / ID / "index.html").read_text(encoding="utf-8")


def tags(html: str) -> list[str]:
    """The tags of the updates' heads, in the history's order."""
    return re.findall(r'<span class="tag tag-(?:bell bell-[a-z]+|public|internal)">([^<]*)</span>',
                      html.split('id="updates-h"')[1].split("</ol>")[0])


def test_the_internal_history_shows_the_bell_and_the_lock(status_repo: StatusRepo,
                                                          capsys: Capsys) -> None:
    two = COMPONENTS.replace("page:\n", "page:\n  languages: [en, de]\n")
    root = status_repo({"components.yml": two + CHANNELS,
                        f"incidents/{ID}.md": INCIDENT,
                        ".statusgen/notified.json": json.dumps(LOG)})
    build(capsys, root, "--internal", "--out", str(root / "team"))
    assert tags(page(root, "team")) == [
        "Public", "Not notified yet", "Internal", "Not notified",
        "Public", "Not notified: notifications off", "Public", "Notified"]
    assert tags(page(root, "team", "de")) == [
        "Öffentlich", "Noch nicht benachrichtigt", "Intern", "Nicht benachrichtigt",
        "Öffentlich", "Nicht benachrichtigt: Benachrichtigungen aus", "Öffentlich",
        "Benachrichtigt"]
    build(capsys, root, "--out", str(root / "public"))
    public = page(root, "public")
    assert tags(public) == []
    for word in ("Notified", "notified", "tag-bell", "tag-public", "The cache node"):
        assert word not in public


def test_another_log_and_an_unreadable_one(status_repo: StatusRepo, capsys: Capsys) -> None:
    root = status_repo({"components.yml": COMPONENTS.replace("page:\n", "page:\n  timezone: UTC\n")
                        + CHANNELS, f"incidents/{ID}.md": INCIDENT, "log.json": json.dumps(LOG),
                        "bad.json": "{"})
    build(capsys, root, "--internal", "--out", str(root / "a"), "--send-log", str(root / "log.json"))
    assert tags(page(root, "a"))[-1] == "Notified"
    err = build(capsys, root, "--internal", "--out", str(root / "b"), "--send-log",
                str(root / "bad.json"))
    assert "is not JSON" in err and "shows no notifications" in err
    assert [t for t in tags(page(root, "b")) if "otif" in t] == []
    # Without a log, nothing was sent yet.
    build(capsys, root, "--internal", "--out", str(root / "c"))
    assert "Notified" not in tags(page(root, "c"))


def test_the_build_is_redone_when_the_log_changes(status_repo: StatusRepo, capsys: Capsys) -> None:
    root = status_repo({"components.yml": COMPONENTS + CHANNELS, f"incidents/{ID}.md": INCIDENT})
    args = ("--internal", "--out", str(root / "team"))
    capsys.readouterr()
    assert main(["build", "--root", str(root), "--now", "2026-11-22T09:00:00Z", *args]) == 0
    assert "Notified" not in tags(page(root, "team"))
    (root / ".statusgen").mkdir()
    (root / ".statusgen" / "notified.json").write_text(json.dumps(LOG), encoding="utf-8")
    assert main(["build", "--root", str(root), "--now", "2026-11-22T09:00:00Z", *args]) == 0
    assert tags(page(root, "team"))[-1] == "Notified"
