"""``statusgen subscribers import statuspage|export|delete`` on a real SQLite file, and the
signed links."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from statusgen.commands.cli import main
from statusgen.subscriptions.store import Store
from statusgen.subscriptions.tokens import Purpose, make, read
from tests.helpers import REPO_ROOT

CSV = REPO_ROOT / "tests" / "fixtures" / "statuspage-subscribers" / "subscribers.csv"
KEY = b"k" * 40
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def subscribers(tmp_path: Path, *args: str) -> int:
    return main(["subscribers", *args, "--root", str(tmp_path), "--database", str(tmp_path / "s.db")])


def test_import_export_delete(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert subscribers(tmp_path, "import", "statuspage", str(CSV)) == 0
    err = capsys.readouterr().err
    assert "3 added, 1 already here, 2 skipped" in err and "subscribers.csv:3: skipped" in err
    assert "5555550100" not in err  # a skipped row is named by its line, not its address
    store = Store(str(tmp_path / "s.db"))
    assert store.by_address("grace@example.org") is not None
    assert subscribers(tmp_path, "export", "Grace@example.org") == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["address"] == "grace@example.org" and exported["state"] == "confirmed"
    assert subscribers(tmp_path, "delete", "grace@example.org") == 0
    assert store.by_address("grace@example.org") is None
    assert subscribers(tmp_path, "export", "grace@example.org") == 1


def test_a_link_works_for_its_purpose_until_it_expires() -> None:
    token = make(KEY, Purpose.CONFIRM, 7, NOW)
    claim = read(KEY, token, Purpose.CONFIRM, NOW)
    assert claim is not None and claim.subscriber == 7
    assert read(KEY, token, Purpose.UNSUBSCRIBE, NOW) is None
    assert read(b"x" * 40, token, Purpose.CONFIRM, NOW) is None
    assert read(KEY, token, Purpose.CONFIRM, NOW + timedelta(days=3)) is None
    forged = token.replace(".7.", ".8.")
    assert read(KEY, forged, Purpose.CONFIRM, NOW) is None


def test_a_link_is_spent_once(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "s.db"))
    assert store.migrate() == store.migrate()  # migrating twice changes nothing
    claim = read(KEY, make(KEY, Purpose.MANAGE, 1, NOW), Purpose.MANAGE, NOW)
    assert claim is not None
    assert store.spend(claim.nonce, claim.expires, NOW)
    assert not store.spend(claim.nonce, claim.expires, NOW)
