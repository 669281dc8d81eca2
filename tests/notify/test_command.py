"""``statusgen notify`` as a user runs it, ``--no-notify`` when writing an update, and the
messages ``statusgen diff`` shows a pull request's reviewer."""

from __future__ import annotations

import fcntl
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from statusgen.commands.cli import main
from tests.conftest import StatusRepo
from tests.notify.repos import components, incident
from tests.notify.servers import Receiver, receiver

NOW = "2026-11-22T09:00:00Z"
CHAT = """\
notify:
  - id: chat
    type: slack
    url_env: SLACK_URL
  - id: hooks
    type: webhook
    url_env: HOOK_URL
"""
OPENED = {"at": "2026-11-22T08:00:00Z", "status": "investigating", "message": "Some requests fail."}
UPDATED = {"at": "2026-11-22T08:30:00Z", "status": "identified", "message": "A bad deploy."}


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    with receiver() as found:
        monkeypatch.setenv("SLACK_URL", found.url)
        monkeypatch.setenv("HOOK_URL", found.url)
        yield found


def notify(root: Path, *args: str) -> int:
    return main(["notify", "--root", str(root), "--now", NOW, "--attempts", "1", *args])


def repo(status_repo: StatusRepo, *updates: dict[str, str], channels: str = CHAT) -> Path:
    return status_repo({"components.yml": components(channels),
                        "incidents/2026-11-22-api.md": incident("API errors", list(updates))})


def test_first_run_records_then_new_updates_are_sent_once(
        status_repo: StatusRepo, hook: Receiver, capsys: pytest.CaptureFixture[str]) -> None:
    root = repo(status_repo, OPENED)
    assert notify(root) == 0
    out = capsys.readouterr().out
    assert "first run of channel chat" in out and "notify: 3 recorded without sending" in out
    assert hook.requests == []
    (root / "incidents" / "2026-11-22-api.md").write_text(incident("API errors", [UPDATED, OPENED]))
    assert notify(root, "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert [(line["channel"], line["event"], line["result"]) for line in report] == [
        ("chat", "incident.updated", "sent"), ("hooks", "incident.updated", "sent")]
    assert notify(root) == 0 and "nothing to send" in capsys.readouterr().out
    assert len(hook.requests) == 2
    log = json.loads((root / ".statusgen" / "notified.json").read_text(encoding="utf-8"))
    assert log["channels"]["chat"]["2026-11-22-api/20261122T083000Z"]["sent"] is True
    assert log["channels"]["chat"]["2026-11-22-api/20261122T080000Z"]["sent"] is False


def test_since_sends_what_a_first_run_would_record(
        status_repo: StatusRepo, hook: Receiver, capsys: pytest.CaptureFixture[str]) -> None:
    root = repo(status_repo, UPDATED, OPENED)
    assert notify(root, "--since", "2026-11-22T08:15:00Z", "--format", "markdown") == 0
    out = capsys.readouterr().out
    assert out.startswith("## Notifications\n")
    assert "| chat (slack) | `incident.created` | API errors | recorded without sending" in out
    assert "| chat (slack) | `incident.updated` | API errors | sent" in out
    assert len(hook.requests) == 2  # chat's and the webhook's


def test_dry_run_sends_nothing_and_writes_nothing(
        status_repo: StatusRepo, hook: Receiver, capsys: pytest.CaptureFixture[str]) -> None:
    root = repo(status_repo, OPENED)
    assert notify(root, "--dry-run", "--since", "2026-11-22T00:00:00Z") == 0
    assert "would send" in capsys.readouterr().out
    assert hook.requests == [] and not (root / ".statusgen").exists()


def test_a_channel_without_its_secret_fails_alone(
        status_repo: StatusRepo, hook: Receiver, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = repo(status_repo, OPENED)
    assert notify(root) == 0
    (root / "incidents" / "2026-11-22-api.md").write_text(incident("API errors", [UPDATED, OPENED]))
    monkeypatch.delenv("SLACK_URL")
    assert notify(root) == 1
    out = capsys.readouterr().out
    assert "failed    chat" in out and "SLACK_URL" in out and hook.url not in out
    assert "sent      hooks" in out


def test_a_broken_or_busy_log_stops_the_run(
        status_repo: StatusRepo, hook: Receiver, capsys: pytest.CaptureFixture[str]) -> None:
    root = repo(status_repo, OPENED)
    log = root / ".statusgen" / "notified.json"
    log.parent.mkdir()
    log.write_text('{"format": "statusgen-notified 1", "channels": {"chat": {"x": {}}}}')
    assert notify(root) == 1
    assert "is not one statusgen wrote" in capsys.readouterr().err
    assert log.read_text().endswith("{}}}}")  # left as it was
    log.unlink()
    lock = log.with_name(".notified.json.statusgen-lock")
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert notify(root) == 1
        assert "another `statusgen notify`" in capsys.readouterr().err
    assert not log.exists() and hook.requests == []


def test_nothing_is_sent_from_a_repository_with_errors_or_without_channels(
        status_repo: StatusRepo, hook: Receiver, capsys: pytest.CaptureFixture[str]) -> None:
    broken = repo(status_repo, {**OPENED, "status": "resolvd"})
    assert notify(broken) == 1
    assert "nothing was sent" in capsys.readouterr().err
    quiet = repo(status_repo, OPENED, channels="")
    assert notify(quiet) == 0
    assert "no `notify:` channels" in capsys.readouterr().err
    assert not (quiet / ".statusgen").exists() and hook.requests == []


@pytest.mark.parametrize("args", [["--since", "yesterday"], ["--attempts", "0"], ["--timeout", "0"]])
def test_usage_errors(status_repo: StatusRepo, args: list[str]) -> None:
    assert notify(repo(status_repo, OPENED), *args) == 2


def test_no_notify_writes_notify_false_and_the_update_is_not_sent(
        status_repo: StatusRepo, hook: Receiver, capsys: pytest.CaptureFixture[str]) -> None:
    root = repo(status_repo, OPENED)
    assert notify(root) == 0
    assert main(["update", "2026-11-22-api", "--root", str(root), "--now", NOW, "--status",
                 "identified", "--message", "A quiet correction.", "--no-notify"]) == 0
    text = (root / "incidents" / "2026-11-22-api.md").read_text(encoding="utf-8")
    assert "    message: A quiet correction.\n    notify: false\n" in text
    assert main(["resolve", "2026-11-22-api", "--root", str(root), "--now", NOW,
                 "--message", "Fixed."]) == 0
    capsys.readouterr()
    assert notify(root) == 0
    sent = [json.loads(r.body) for r in hook.requests]
    assert [b.get("text", "") for b in sent if "text" in b] == ["[Test Status] Resolved: API errors"]
    capsys.readouterr()
    assert main(["new", "Quiet one", "--root", str(root), "--now", NOW, "--impact", "minor",
                 "--message", "Shh.", "--no-notify"]) == 0
    written = capsys.readouterr().out.strip()
    assert "notify: false" in (root / written).read_text(encoding="utf-8")


# --- the pull request's preview ------------------------------------------------------------------

def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.com", "-c",
                    "commit.gpgsign=false", "-C", str(root), *args], check=True, capture_output=True)


def test_diff_shows_the_messages_a_merge_would_send_and_no_secret(
        status_repo: StatusRepo, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SLACK_URL", "https://hooks.slack.com/services/T0/B0/s3cr3tt0ken")
    root = repo(status_repo, OPENED)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    hidden = {"at": "2026-11-22T08:40:00Z", "status": "identified", "message": "Team-only <!channel>.",
              "internal": "true"}
    (root / "incidents" / "2026-11-22-api.md").write_text(
        incident("API errors", [hidden, UPDATED, OPENED]))
    (root / "components.yml").write_text(components(CHAT + """\
  - id: later
    type: discord
    url_env: DISCORD_URL
"""))
    for fmt in ("markdown", "text"):
        assert main(["diff", "--root", str(root), "--now", NOW, "--base", "HEAD", "--format", fmt]) == 0
        out = capsys.readouterr().out
        assert "A bad deploy." in out and "incident.updated" in out
        assert "Team-only" not in out and "s3cr3tt0ken" not in out and "hooks.slack.com" not in out
        assert "Channel later is new" in out
        assert "Some requests fail." not in out.split("Notifications a merge would send")[1]
    assert main(["diff", "--root", str(root), "--now", NOW, "--base", "HEAD"]) == 0
    assert "- **chat** (slack) · `incident.updated` · API errors" in capsys.readouterr().out


def test_the_docs_examples_use_every_channel_key_and_validate(status_repo: StatusRepo) -> None:
    from statusgen.source.schema import CHANNEL
    from tests.helpers import REPO_ROOT, validate

    doc = (REPO_ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    example = doc.split("### `notify`", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    notifications = (REPO_ROOT / "docs" / "notifications.md").read_text(encoding="utf-8")
    used = {line.strip().removeprefix("- ").split(":")[0] for block in (example, notifications)
            for line in block.splitlines() if line.startswith(("    ", "  - "))}
    assert {f.name for f in CHANNEL.fields} <= used
    assert validate(status_repo({"components.yml": components(example)})) == []


def test_a_channel_removed_and_added_again_starts_with_a_first_run(
        status_repo: StatusRepo, hook: Receiver, capsys: pytest.CaptureFixture[str]) -> None:
    root = repo(status_repo, OPENED)
    assert notify(root) == 0
    (root / "components.yml").write_text(components(CHAT.split("  - id: hooks")[0]))
    assert notify(root) == 0
    log = root / ".statusgen" / "notified.json"
    assert list(json.loads(log.read_text())["channels"]) == ["chat"]
    (root / "components.yml").write_text(components(CHAT))
    (root / "incidents" / "2026-11-22-api.md").write_text(incident("API errors", [UPDATED, OPENED]))
    capsys.readouterr()
    assert notify(root, "--format", "json") == 0
    lines = json.loads(capsys.readouterr().out)
    report = {(line["channel"], line["event"], line["result"]) for line in lines}
    assert ("chat", "incident.updated", "sent") in report
    assert ("hooks", "incident.updated", "recorded") in report and len(hook.requests) == 1


def test_a_dry_run_reports_a_missing_secret_as_the_real_run_does(
        status_repo: StatusRepo, hook: Receiver, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = repo(status_repo, UPDATED, OPENED)
    monkeypatch.delenv("SLACK_URL")
    since = ("--since", "2026-11-22T00:00:00Z", "--format", "json")
    assert notify(root, "--dry-run", *since) == 1
    dry = json.loads(capsys.readouterr().out)
    assert hook.requests == [] and not (root / ".statusgen").exists()
    assert notify(root, *since) == 1
    real = json.loads(capsys.readouterr().out)
    chat = [(line["event"], line["result"], line["detail"]) for line in dry
            if line["channel"] == "chat"]
    assert chat == [(line["event"], line["result"], line["detail"]) for line in real
                    if line["channel"] == "chat"]
    assert chat[0][1] == "failed" and "SLACK_URL" in chat[0][2] and "is not set" in chat[0][2]
    assert [r for _, r, _ in chat[1:]] == ["waiting"] * (len(chat) - 1)
    assert {line["result"] for line in dry if line["channel"] == "hooks"} == {"due"}
    assert {line["result"] for line in real if line["channel"] == "hooks"} == {"sent"}
