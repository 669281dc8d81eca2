"""What a stranger may send the service: header injection in the address, bodies of a
megabyte, a hundred sign-ups, webhooks aimed at this machine; and the answers that must not
tell whether an address is subscribed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from statusgen.net.public import public_address
from statusgen.net.safety import Refused
from statusgen.subscriptions.store import Store
from tests.helpers import COMPONENTS, eventually
from tests.notify.servers import Mailbox, Receiver, free_port, receiver, smtp_server
from tests.subscriptions.service import TOKEN, Service, subscriptions_yml

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
MEGABYTE = 1024 * 1024


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, Mailbox, Receiver]]:
    root = tmp_path_factory.mktemp("hostile")
    port = free_port()
    (root / "incidents").mkdir()
    (root / "components.yml").write_text(COMPONENTS + subscriptions_yml(port))
    with smtp_server(auth=False) as (box, smtp), receiver() as hook:
        service = Service(root, str(root / "subs.db"), smtp, port).start()
        try:
            yield service, box, hook
        finally:
            service.kill()


def sign_up(service: Service, body: bytes, client: str, headers: dict[str, str] = FORM) -> int:
    return service.request("POST", "/subscribe", body, {**headers, "X-Forwarded-For": client})[0]


def test_header_injection_in_the_address_is_refused(running: tuple[Service, Mailbox, Receiver]) -> None:
    service, box, _ = running
    for body in (b"email=a%40example.org%0D%0ABcc%3A+victim%40example.org",
                 b"email=Reader+%3Ca%40example.org%3E", b"email=a%40example.org%0ABcc:x@y.org"):
        assert sign_up(service, body, "10.1.0.1") == 400
    doc = json.dumps({"email": "a@example.org\r\nBcc: victim@example.org"}).encode()
    assert sign_up(service, doc, "10.1.0.1", {"Content-Type": "application/json"}) == 400
    assert not any("victim@example.org" in m.recipients for m in box.mails)


def test_a_megabyte_body_is_refused_and_the_service_stays_up(
        running: tuple[Service, Mailbox, Receiver]) -> None:
    service, _, _ = running
    big = b"email=" + b"a" * MEGABYTE
    assert sign_up(service, big, "10.2.0.1") == 413
    status, _, _ = service.request("POST", "/api/events", b"{" + b" " * (3 * MEGABYTE) + b"}",
                                   {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    assert status == 413
    assert service.request("GET", "/healthz")[0] == 200


def test_a_hundred_sign_ups_of_one_address(running: tuple[Service, Mailbox, Receiver]) -> None:
    service, box, _ = running
    answers = [service.request("POST", "/subscribe", b"email=flood%40example.org",
                               {**FORM, "X-Forwarded-For": f"10.3.{i // 250}.{i % 250}"})
               for i in range(100)]
    statuses = [a[0] for a in answers]
    assert statuses[:5] == [202] * 5 and set(statuses[5:]) == {429}
    assert all(int(a[1]["retry-after"]) > 0 for a in answers[5:])
    eventually(lambda: any("flood@example.org" in m.recipients for m in box.mails), "a confirmation")
    assert sum("flood@example.org" in m.recipients for m in box.mails) <= 3


def test_a_hundred_sign_ups_from_one_client(running: tuple[Service, Mailbox, Receiver]) -> None:
    service, _, _ = running
    statuses = [sign_up(service, f"email=r{i}%40example.org".encode(), "10.4.0.1") for i in range(100)]
    assert statuses[:20] == [202] * 20 and set(statuses[20:]) == {429}


def test_the_answer_does_not_tell_who_is_subscribed(running: tuple[Service, Mailbox, Receiver]) -> None:
    service, _, _ = running
    store = Store(str(service.database))
    store.add_confirmed("email", "known@example.org", (), datetime.now(UTC))
    known = service.request("POST", "/subscribe", b"email=known%40example.org",
                            {**FORM, "X-Forwarded-For": "10.5.0.1"})
    unknown = service.request("POST", "/subscribe", b"email=unknown%40example.org",
                              {**FORM, "X-Forwarded-For": "10.5.0.2"})
    assert (known[0], known[2]) == (unknown[0], unknown[2])


def test_events_need_the_token(running: tuple[Service, Mailbox, Receiver]) -> None:
    service, _, _ = running
    event = json.dumps({"id": "x/1", "name": "incident.created", "subject": "s", "text": "t",
                        "html": "<p>h</p>", "components": []}).encode()
    assert service.request("POST", "/api/events", event, {"Authorization": "Bearer wrong"})[0] == 401


def test_webhooks_on_this_machine_are_never_called(running: tuple[Service, Mailbox, Receiver]) -> None:
    service, _, hook = running
    port = hook.server.server_address[1]
    for n, target in enumerate((f"http://127.0.0.1:{port}/hook", f"http://localhost:{port}/hook")):
        assert sign_up(service, f"webhook={target}".encode(), f"10.6.0.{n}") == 202
    # One that got in (imported, say) is checked again at delivery.
    Store(service.database).add_confirmed("webhook", f"http://localhost:{port}/late", (),
                                          datetime.now(UTC))
    event = json.dumps({"id": "hostile/1", "name": "incident.created", "subject": "s", "text": "t",
                        "html": "<p>h</p>", "components": []}).encode()
    assert service.request("POST", "/api/events", event, {"Authorization": f"Bearer {TOKEN}"})[0] == 202
    service.idle()
    assert hook.requests == []
    assert "private, loopback or link-local" in Path(service.log).read_text()


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.7", "169.254.169.254", "::1",
                                     "::ffff:127.0.0.1", "fe80::1", "192.168.1.1", "0.0.0.0"])
def test_private_addresses_are_refused(address: str) -> None:
    with pytest.raises(Refused):
        public_address("hooks.example.org", 443, lambda host, port: ["93.184.216.34", address])


def test_a_public_address_is_the_one_connected_to() -> None:
    assert public_address("hooks.example.org", 443, lambda host, port: ["93.184.216.34"]) == "93.184.216.34"
