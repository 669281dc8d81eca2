"""`next_update` on an update: the page says when the next one comes, and validate warns when
it is late."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from statusgen.commands.cli import main
from tests.conftest import StatusRepo
from tests.helpers import INCIDENT, NOW, incident, rows, validate

PROMISED = incident("    message: We are looking into it.\n",
                    "    message: We are looking into it.\n    next_update: 30m\n")


def test_a_duration_counts_from_the_update_and_is_late_only_once_passed(
        status_repo: StatusRepo) -> None:
    root = status_repo({"incidents/a.md": PROMISED})
    # The update is at 08:00, so the next was promised by 08:30.
    assert validate(root, NOW.replace(hour=8, minute=29)) == []
    late = validate(root, NOW)  # 09:00
    assert rows(late) == [("incidents/a.md", 10, 18, "warning", "next-update-late")]
    assert "by 2026-11-22T08:30:00Z, 30 minutes ago" in late[0].message
    assert "statusgen update a --message" in late[0].message


def test_a_newer_update_or_the_end_keeps_it_quiet(status_repo: StatusRepo) -> None:
    newer = PROMISED.replace("updates:\n", "updates:\n  - at: 2026-11-22T08:40:00Z\n"
                             "    status: identified\n    message: Found it.\n")
    resolved = PROMISED.replace("updates:\n", "updates:\n  - at: 2026-11-22T08:40:00Z\n"
                                "    status: resolved\n    message: Fixed.\n")
    assert validate(status_repo({"incidents/a.md": newer}), NOW) == []
    assert validate(status_repo({"incidents/a.md": resolved}), NOW) == []


def test_a_time_works_too_and_one_before_the_update_is_an_error(status_repo: StatusRepo) -> None:
    at_time = PROMISED.replace("next_update: 30m", "next_update: 2026-11-22T10:00:00Z")
    assert validate(status_repo({"incidents/a.md": at_time}), NOW) == []
    before = PROMISED.replace("next_update: 30m", "next_update: 2026-11-22T07:00:00Z")
    assert [d.code for d in validate(status_repo({"incidents/a.md": before}), NOW)] == \
        ["next-update"]
    bad = PROMISED.replace("next_update: 30m", "next_update: soon")
    found = validate(status_repo({"incidents/a.md": bad}), NOW)
    assert found and found[0].location.line == 10


def test_the_page_shows_it_while_open(status_repo: StatusRepo, tmp_path: Path) -> None:
    root = status_repo({"incidents/a.md": PROMISED})
    assert main(["build", "--root", str(root), "--out", str(tmp_path / "site"),
                 "--now", (NOW - timedelta(minutes=45)).isoformat()]) == 0
    for page in ("index.html", "incidents/a/index.html"):
        text = (tmp_path / "site" / page).read_text()
        assert "Next update by" in text and 'datetime="2026-11-22T08:30:00' in text


def test_update_writes_it(status_repo: StatusRepo) -> None:
    root = status_repo({"incidents/a.md": INCIDENT})
    assert main(["update", "a", "--root", str(root), "--message", "Still on it.",
                 "--next-update", "1h", "--at", "2026-11-22T08:50:00Z",
                 "--now", NOW.isoformat()]) == 0
    assert "    next_update: 1h\n" in (root / "incidents/a.md").read_text()
    assert validate(root, NOW + timedelta(hours=2))[0].code == "next-update-late"
