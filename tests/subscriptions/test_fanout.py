"""Exactly once per subscriber: a service killed (SIGKILL) in the middle of a fan-out carries
on after a restart, losing no mail and repeating at most the one in flight, under the same
``Message-ID``; a second post of the same event sends nothing."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

import pytest

from statusgen.subscriptions.store import Store
from tests.conftest import StatusRepo
from tests.helpers import COMPONENTS, eventually
from tests.notify.servers import free_port, smtp_server
from tests.subscriptions.service import TOKEN, Service, subscriptions_yml

SUBSCRIBERS = 600
EVENT = {"id": "2026-11-22-api/20261122T080000Z", "name": "incident.created",
         "subject": "[Test Status] Investigating: API errors", "text": "Some requests fail.\n",
         "html": "<!DOCTYPE html><html><body><p>Some requests fail.</p></body></html>",
         "components": ["api"]}


@pytest.mark.slow
def test_killed_mid_fan_out_it_resumes_without_loss(status_repo: StatusRepo) -> None:
    port = free_port()
    root = status_repo({"components.yml": COMPONENTS + subscriptions_yml(port)})
    database = str(root / "subs.db")
    store = Store(database)
    store.migrate()
    now = datetime.now(UTC)
    for i in range(SUBSCRIBERS):
        store.add_confirmed("email", f"r{i}@example.org", ("db",) if i % 10 == 0 else (), now)
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    with smtp_server(auth=False) as (box, smtp):
        service = Service(root, database, smtp, port).start()
        try:
            assert service.request("POST", "/api/events", json.dumps(EVENT).encode(), headers)[0] == 202
            eventually(lambda: len(box.mails) >= 50, "the fan-out's first fifty mails")
            service.kill()
            before = len(box.mails)
            assert before < SUBSCRIBERS * 0.9, "the fan-out ended before the kill"
            service.start()
            service.idle()
            status, _, answer = service.request("POST", "/api/events", json.dumps(EVENT).encode(), headers)
            assert (status, json.loads(answer)["new"]) == (200, False)
            service.idle()
        finally:
            service.kill()
    wanted = {f"r{i}@example.org" for i in range(SUBSCRIBERS) if i % 10}
    got = Counter(r for m in box.mails for r in m.recipients)
    assert set(got) == wanted  # nobody lost, nobody who follows only db
    repeated = [r for r, n in got.items() if n > 1]
    assert len(repeated) <= 1  # at most the mail in flight at the kill
    for address in repeated:
        assert len({m.message["Message-ID"] for m in box.mails if address in m.recipients}) == 1
    assert store.sent(str(EVENT["id"])) == len(wanted)
