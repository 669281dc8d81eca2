"""A reader's whole journey against the real service (a process), a real mail server (aiosmtpd)
and ``statusgen notify``: sign up, confirm, hear an update once, leave with one click, hear
nothing more; on SQLite, and on PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from statusgen.commands.cli import main
from tests.conftest import StatusRepo
from tests.helpers import eventually
from tests.notify.repos import components, incident
from tests.notify.servers import Mail, Mailbox, free_port, smtp_server
from tests.subscriptions.service import TOKEN, Service, postgresql, subscriptions_yml

NOW = "2026-11-22T09:00:00Z"
OPENED = {"at": "2026-11-22T08:00:00Z", "status": "investigating", "message": "Some requests fail."}
UPDATED = {"at": "2026-11-22T08:30:00Z", "status": "identified", "message": "A bad deploy."}
LINK = re.compile(r"http://127\.0\.0\.1:\d+/\S+")


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    with smtp_server(auth=False) as found:
        yield found


def notify(root: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("STATUSGEN_SUBSCRIBERS_TOKEN", TOKEN)
    return main(["notify", "--root", str(root), "--now", NOW, "--attempts", "1",
                 "--since", "2026-11-01T00:00:00Z"])


def journey(status_repo: StatusRepo, box: Mailbox, smtp: int, database: str,
            monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    root = status_repo({"components.yml": components("") + subscriptions_yml(port),
                        "incidents/2026-11-22-api.md": incident("API errors", [OPENED])})
    service = Service(root, database if database else str(root / "subs.db"), smtp, port).start()
    try:
        status, _, page = service.request(
            "POST", "/subscribe", b"email=reader%40example.org&components=api",
            {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 202 and b"Check your inbox" in page
        confirm = eventually(lambda: box.mails, "confirmation mail")[0]
        assert confirm.recipients == ["reader@example.org"]
        link = LINK.findall(confirm.message.get_body(("plain",)).get_content())[0]  # type: ignore[union-attr]
        assert "/confirm/" in link
        assert service.request("GET", service.path(link))[0] == 200
        assert service.request("GET", service.path(link))[0] == 400  # single use

        assert notify(root, monkeypatch) == 0
        service.idle()
        mails = [m for m in box.mails if m is not confirm]
        assert len(mails) == 1
        update = mails[0].message
        assert update["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        unsubscribe = update["List-Unsubscribe"].strip("<>")
        assert unsubscribe in update.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert "API errors" in update["Subject"] and update["To"] == "reader@example.org"
        assert notify(root, monkeypatch) == 0  # nothing new: nothing posted, nothing sent
        service.idle()
        assert len(box.mails) == 2

        status, _, _ = service.request("POST", service.path(unsubscribe),
                                       b"List-Unsubscribe=One-Click",
                                       {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 200
        (root / "incidents" / "2026-11-22-api.md").write_text(incident("API errors", [UPDATED, OPENED]))
        assert notify(root, monkeypatch) == 0
        service.idle()
        assert len(box.mails) == 2
        _no_address_in(service.log.read_text(), box.mails)
    finally:
        service.kill()


def _no_address_in(log: str, mails: list[Mail]) -> None:
    assert "reader@example.org" not in log
    assert all(m.message["To"] == "reader@example.org" for m in mails)


def test_journey_on_sqlite(status_repo: StatusRepo, mailbox: tuple[Mailbox, int],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    journey(status_repo, *mailbox, "", monkeypatch)


@pytest.mark.slow
def test_journey_on_postgresql(status_repo: StatusRepo, mailbox: tuple[Mailbox, int],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    with postgresql() as url:
        journey(status_repo, *mailbox, url, monkeypatch)
