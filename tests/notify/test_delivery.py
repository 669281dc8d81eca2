"""Sending to real receivers on 127.0.0.1: an HTTP server per webhook type and an SMTP server.

The receivers check what a real one would (the signature, the envelope, the parsed
message) and misbehave as real ones do: 500, 429 with ``Retry-After``, a redirect, an
answer that never comes, a mail server that says "try again later".
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from statusgen import model as m
from statusgen.net.policy import retry_after
from statusgen.notify.deliver import Sender
from statusgen.notify.events import due_events
from statusgen.notify.formats import deliveries
from statusgen.notify.outgoing import Delivery, Scene
from statusgen.notify.targets import SetupError, SmtpTarget, target
from tests.conftest import StatusRepo
from tests.helpers import NOW
from tests.notify.repos import components, incident, repository
from tests.notify.servers import PASSWORD, USER, Answer, Receiver, receiver, smtp_server

SECRET = "k3y-0f-the-partners"

# The test server takes a password without TLS: it only listens on 127.0.0.1.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiver() as found:
        yield found


def messages(status_repo: StatusRepo, kind: m.ChannelType) -> list[Delivery]:
    root = status_repo({"components.yml": components(), "incidents/2026-11-22-api.md": incident(
        "API errors", [{"at": "2026-11-22T08:00:00Z", "status": "investigating",
                        "message": "Some requests fail."}])})
    repo = repository(root)
    [event] = due_events(repo, NOW)
    [channel] = [c for c in repo.config.notify if c.type is kind]
    return deliveries(channel, event, Scene(repo, NOW))


def sender(environ: dict[str, str], root: Path = Path("."), **options: object) -> Sender:
    options.setdefault("backoff", 0.01)
    options.setdefault("timeout", 2.0)
    return Sender(environ, root, **options)  # type: ignore[arg-type]


def test_a_webhook_is_signed_and_carries_its_delivery_id(status_repo: StatusRepo, hook: Receiver) -> None:
    found = messages(status_repo, m.ChannelType.WEBHOOK)
    send = sender({"HOOK_URL": hook.url, "HOOK_SECRET": SECRET})
    assert [send.send(d).ok for d in found] == [True, True]
    assert [r.body for r in hook.requests] == [d.body for d in found]
    for request, delivery in zip(hook.requests, found, strict=True):
        assert request.path == "/hook/s3cr3t-t0ken"
        assert request.signed_by(SECRET)
        assert not request.signed_by("another key")
        assert request.delivery == delivery.id
        assert request.headers["x-statusgen-event"] == delivery.name
        assert request.headers["content-type"] == "application/json; charset=utf-8"
    assert json.loads(hook.requests[0].body)["incident"]["name"] == "API errors"


@pytest.mark.parametrize("kind", [m.ChannelType.SLACK, m.ChannelType.DISCORD, m.ChannelType.TEAMS])
def test_chats_get_their_json_unsigned(status_repo: StatusRepo, hook: Receiver, kind: m.ChannelType) -> None:
    [delivery] = messages(status_repo, kind)
    variable = {m.ChannelType.SLACK: "SLACK_URL", m.ChannelType.DISCORD: "DISCORD_URL",
                m.ChannelType.TEAMS: "TEAMS_URL"}[kind]
    result = sender({variable: hook.url}).send(delivery)
    assert result.ok and result.attempts == 1
    [request] = hook.requests
    assert json.loads(request.body) == json.loads(delivery.body)
    assert "x-statusgen-signature" not in request.headers


def test_a_failing_receiver_is_retried_with_the_same_id_until_it_answers(
        status_repo: StatusRepo, hook: Receiver) -> None:
    [delivery, _] = messages(status_repo, m.ChannelType.WEBHOOK)
    hook.answer(Answer(500, body=b"upstream down"), Answer(503))
    waits: list[float] = []
    result = sender({"HOOK_URL": hook.url, "HOOK_SECRET": SECRET}, sleep=waits.append,
                    backoff=0.5).send(delivery)
    assert result.ok and result.attempts == 3
    assert all(0.75 * base <= w <= base for w, base in zip(waits, [0.5, 1.0], strict=True))  # doubling
    assert len({r.delivery for r in hook.requests}) == 1 and len(hook.requests) == 3


def test_429_is_retried_after_what_the_receiver_asked(status_repo: StatusRepo, hook: Receiver) -> None:
    [delivery] = messages(status_repo, m.ChannelType.SLACK)
    hook.answer(Answer(429, {"Retry-After": "2"}))
    waits: list[float] = []
    assert sender({"SLACK_URL": hook.url}, sleep=waits.append).send(delivery).ok
    assert waits == [2.0]
    hook.answer(Answer(429, {"Retry-After": "3600"}))
    result = sender({"SLACK_URL": hook.url}, sleep=waits.append).send(delivery)
    assert not result.ok and "waits for the next run" in result.detail and waits == [2.0]
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after("soon") is None


def test_teams_throttling_inside_a_200_is_retried(status_repo: StatusRepo, hook: Receiver) -> None:
    [delivery] = messages(status_repo, m.ChannelType.TEAMS)
    hook.answer(Answer(200, body=b"Microsoft Teams endpoint returned HTTP error 429 with ContextId x"))
    result = sender({"TEAMS_URL": hook.url}).send(delivery)
    assert result.ok and result.attempts == 2


def test_a_receiver_that_never_answers_times_out(status_repo: StatusRepo, hook: Receiver) -> None:
    [delivery] = messages(status_repo, m.ChannelType.DISCORD)
    hook.answer(Answer(hang=5))
    started = time.monotonic()
    result = sender({"DISCORD_URL": hook.url}, timeout=0.3, attempts=1).send(delivery)
    assert time.monotonic() - started < 3
    assert not result.ok and "timed out" in result.detail.lower()


@pytest.mark.parametrize(("answer", "tries"), [(Answer(301, {"Location": "https://elsewhere.example/"}), 1),
                                              (Answer(400, body=b"invalid_payload"), 1),
                                              (Answer(404, body=b"no_service"), 1)])
def test_redirects_and_refusals_are_not_retried(status_repo: StatusRepo, hook: Receiver,
                                                answer: Answer, tries: int) -> None:
    [delivery] = messages(status_repo, m.ChannelType.SLACK)
    hook.answer(answer)
    result = sender({"SLACK_URL": hook.url}).send(delivery)
    assert not result.ok and result.attempts == tries and len(hook.requests) == tries
    assert f"HTTP {answer.status}" in result.detail


def test_no_report_shows_a_url_token_or_key(status_repo: StatusRepo, hook: Receiver) -> None:
    [delivery, _] = messages(status_repo, m.ChannelType.WEBHOOK)
    hook.answer(*[Answer(500, body=f"bad token s3cr3t-t0ken for {hook.url} {SECRET}".encode())] * 3)
    result = sender({"HOOK_URL": hook.url, "HOOK_SECRET": SECRET}).send(delivery)
    assert not result.ok
    for secret in ("s3cr3t-t0ken", hook.url, SECRET):
        assert secret not in result.detail
    unreachable = sender({"HOOK_URL": "http://127.0.0.1:9/x/s3cr3t-t0ken", "HOOK_SECRET": SECRET},
                         attempts=1).send(delivery)
    assert not unreachable.ok and "s3cr3t-t0ken" not in unreachable.detail


def test_a_signed_webhook_is_never_sent_over_plain_http(status_repo: StatusRepo) -> None:
    [delivery, _] = messages(status_repo, m.ChannelType.WEBHOOK)
    result = sender({"HOOK_URL": "http://hooks.example/s3cr3t-t0ken", "HOOK_SECRET": SECRET}).send(delivery)
    assert not result.ok and result.attempts == 1 and "plain http" in result.detail
    assert "s3cr3t-t0ken" not in result.detail


def test_missing_or_wrong_variables_name_the_variable_not_the_value(status_repo: StatusRepo) -> None:
    [delivery] = messages(status_repo, m.ChannelType.SLACK)
    result = sender({}).send(delivery)
    assert not result.ok and result.attempts == 0 and "SLACK_URL" in result.detail
    result = sender({"SLACK_URL": "ftp://files.example/s3cr3t"}).send(delivery)
    assert "SLACK_URL is not an http(s) URL" in result.detail and "s3cr3t" not in result.detail


# --- email ---------------------------------------------------------------------------------------

def test_email_reaches_every_subscriber_through_a_real_smtp_server(
        status_repo: StatusRepo, tmp_path: Path) -> None:
    [delivery] = messages(status_repo, m.ChannelType.EMAIL)
    people = [f"reader{n}@example.org" for n in range(150)]
    listing = tmp_path / "subscribers.txt"
    listing.write_text("# our customers\n" + "\n".join(people[:100]) + "\n" +
                       ", ".join(people[100:]) + "  # the rest\nreader1@example.org\n", encoding="utf-8")
    with smtp_server() as (box, port):
        url = f"smtp://{USER}:{PASSWORD.replace('@', '%40').replace('/', '%2F')}@127.0.0.1:{port}"
        result = sender({"SMTP_URL": url, "SUBSCRIBERS": str(listing)}).send(delivery)
        assert result.ok, result.detail
        assert result.detail == "150 recipients"
    assert [len(mail.recipients) for mail in box.mails] == [100, 50]  # two transactions
    assert sorted(r for mail in box.mails for r in mail.recipients) == sorted(people)
    mail = box.mails[0]
    assert mail.sender == "status@test.example"
    message = mail.message
    assert message["Subject"] == "[Test Status] Investigating: API errors"
    assert message["Message-ID"] == f"<{delivery.id}@status.test.example>"
    assert not any(p in str(message) for p in ("reader0@", "reader149@"))  # no one sees the list
    text = message.get_body(("plain",))
    assert text is not None and "Some requests fail." in text.get_content()


def test_a_mail_server_that_says_try_later_is_tried_again(status_repo: StatusRepo) -> None:
    [delivery] = messages(status_repo, m.ChannelType.EMAIL)
    with smtp_server(auth=False) as (box, port):
        box.refuse = 1
        result = sender({"SMTP_URL": f"smtp://127.0.0.1:{port}",
                         "SUBSCRIBERS": "a@example.org, b@example.org"}).send(delivery)
    assert result.ok and result.attempts == 2 and len(box.mails) == 1


def test_a_wrong_password_fails_without_showing_it(status_repo: StatusRepo) -> None:
    [delivery] = messages(status_repo, m.ChannelType.EMAIL)
    with smtp_server() as (box, port):
        result = sender({"SMTP_URL": f"smtp://{USER}:wrong-pass-123@127.0.0.1:{port}",
                         "SUBSCRIBERS": "a@example.org"}).send(delivery)
    assert not result.ok and result.detail.startswith("SMTP 535") and box.mails == []
    assert "wrong-pass-123" not in result.detail


def test_recipients_and_server_urls_are_checked(status_repo: StatusRepo, tmp_path: Path) -> None:
    repo = repository(status_repo({"components.yml": components()}))
    [channel] = [c for c in repo.config.notify if c.type is m.ChannelType.EMAIL]
    good = {"SMTP_URL": "smtps://u:p@mail.example", "SUBSCRIBERS": "A <a@example.org>; b@example.org"}
    found = target(channel, good, tmp_path)
    assert isinstance(found, SmtpTarget)
    assert (found.port, found.implicit_tls) == (465, True)
    assert found.recipients == ("a@example.org", "b@example.org")
    assert not found.loopback
    for environ, message in (
            ({**good, "SMTP_URL": "https://mail.example"}, "SMTP_URL is not a URL like"),
            ({**good, "SUBSCRIBERS": "a@example.org, not an address"}, r"entry 2 \(line 1\)"),
            ({**good, "SUBSCRIBERS": "missing.txt"}, "cannot be read"),
            ({**good, "SUBSCRIBERS": "a@example.org\r\nBcc: x@evil.example"}, "control character")):
        with pytest.raises(SetupError, match=message):
            target(channel, environ, tmp_path)
