# ruff: noqa: RUF001 (the expected texts hold the dashes and arrows the languages write)
"""Notifications in the page's language: what real receivers get from ``statusgen notify`` for a
German page (Slack, Discord, Teams, the webhook and email through an SMTP server) holds no
English word of statusgen's and German dates; right-to-left languages are marked so."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from bs4 import BeautifulSoup

from statusgen import model as m
from statusgen.commands.cli import main
from statusgen.notify.events import due_events
from statusgen.notify.formats import deliveries
from statusgen.notify.outgoing import Delivery, Scene
from tests.conftest import StatusRepo
from tests.notify.repos import incident, maintenance, repository
from tests.notify.servers import Receiver, receiver, smtp_server
from tests.render.test_i18n import WORD, english_words

NOW = "2026-11-22T09:00:00Z"
AT = datetime.fromisoformat(NOW)
COMPONENTS = """\
page:
  title: Kappa
  url: https://status.kappa.example/
  timezone: Europe/Berlin
  language: {language}
components:
  - id: alpha
    name: Alpha
  - id: grp
    name: Gamma
    components:
      - {{id: delta, name: Delta}}
      - {{id: epsilon, name: Epsilon}}
notify:
  - {{id: chat, type: slack, url_env: SLACK_URL}}
  - {{id: discord, type: discord, url_env: DISCORD_URL}}
  - {{id: teams, type: teams, url_env: TEAMS_URL}}
  - {{id: partners, type: webhook, url_env: HOOK_URL}}
  - {{id: customers, type: email, smtp_env: SMTP_URL, from: Kappa <kappa@kappa.example>,
      to_env: SUBSCRIBERS}}
"""
"""A page whose own words are no language's: every English word of a message is statusgen's."""

LONG = json.dumps(" ".join(["Omikron."] * 4000))
"""An update longer than every chat's limit and the webhook's: each says where the rest is."""
IMAGE = json.dumps("Omikron ![](https://kappa.example/omikron.png)")


def files(language: str) -> dict[str, str]:
    """An incident created (a very long message), updated (components changed, an image
    without a text) and resolved; three maintenances announced: one that starts soon (a
    reminder), one whose window has begun and one whose window has ended, with no update
    saying so."""
    return {
        "components.yml": COMPONENTS.format(language=language),
        "incidents/2026-11-22-omega.md": incident("Omega", [
            {"at": "2026-11-22T08:40:00Z", "status": "resolved", "message": "Omikron.",
             "components": "{alpha: operational, delta: operational, epsilon: operational}"},
            {"at": "2026-11-22T08:30:00Z", "status": "identified", "message": IMAGE,
             "components": "{alpha: degraded_performance}"},
            {"at": "2026-11-22T08:00:00Z", "status": "investigating", "message": LONG}],
            components="{alpha: partial_outage, delta: major_outage, epsilon: major_outage}"),
        "incidents/2026-11-22-tau.md": maintenance(
            "Tau", "2026-11-22T09:30:00Z", "2026-11-22T10:30:00Z",
            [{"at": "2026-11-20T12:00:00Z", "status": "scheduled", "message": "Omikron."}],
            components="[alpha]"),
        "incidents/2026-11-22-rho.md": maintenance(
            "Rho", "2026-11-22T08:00:00Z", "2026-11-22T10:00:00Z",
            [{"at": "2026-11-19T12:00:00Z", "status": "scheduled", "message": "Omikron."}],
            components="[delta]"),
        "incidents/2026-11-21-phi.md": maintenance(
            "Phi", "2026-11-21T23:00:00Z", "2026-11-22T02:00:00Z",
            [{"at": "2026-11-18T12:00:00Z", "status": "scheduled", "message": "Omikron."}],
            components="[epsilon]"),
    }


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    with receiver() as found:
        for name in ("SLACK_URL", "DISCORD_URL", "TEAMS_URL", "HOOK_URL"):
            monkeypatch.setenv(name, found.url.replace("/hook/", f"/{name.lower()}/"))
        yield found


# --- What a reader meets in each format -----------------------------------------------------------

_SLACK_LINK = re.compile(r"<https?://[^|>]*\|([^>]*)>")
_MARKDOWN_LINK = re.compile(r"\[((?:[^\]\\]|\\.)*)\]\(https?://[^)]*\)")
_URL = re.compile(r"https?://\S+")


def _words(texts: list[str]) -> str:
    """The texts as read: links by their words, addresses left out."""
    joined = "\n".join(texts)
    joined = _SLACK_LINK.sub(r"\1", joined)
    joined = _MARKDOWN_LINK.sub(r"\1", joined)
    return _URL.sub(" ", joined)


def slack_text(doc: Any) -> str:
    texts = [doc["text"]]
    for block in doc["blocks"]:
        if "text" in block:
            texts.append(block["text"]["text"])
        texts += [f["text"] for f in block.get("fields", [])]
        texts += [e["text"] for e in block.get("elements", [])]
    return _words(texts)


def discord_text(doc: Any) -> str:
    [embed] = doc["embeds"]
    texts = [embed["title"], embed.get("description", ""), embed["footer"]["text"]]
    texts += [f"{f['name']} {f['value']}" for f in embed.get("fields", [])]
    return _words(texts)


def teams_text(doc: Any) -> str:
    card = doc["attachments"][0]["content"]
    texts = [a["title"] for a in card["actions"]]
    for element in card["body"]:
        texts.append(element.get("text", ""))
        texts += [f"{f['title']} {f['value']}" for f in element.get("facts", [])]
    return _words(texts)


def webhook_text(doc: Any) -> str:
    """The words of a webhook that are the page's: the updates' bodies (Statuspage's own
    strings, ``status`` and the rest, stay English: receivers match on them)."""
    return _words([u["body"] for u in doc.get("incident", {}).get("incident_updates", [])])


def mail_text(message: EmailMessage) -> str:
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None and html is not None
    soup = BeautifulSoup(html.get_content(), "html.parser")
    return _words([str(message["Subject"]), plain.get_content(), soup.get_text(" ")])


def english(text: str, tag: str) -> list[str]:
    forbidden = english_words(tag)
    return sorted({w for w in WORD.findall(text) if w.lower() in forbidden})


# --- The tests ------------------------------------------------------------------------------------

def test_a_german_page_s_notifications_reach_real_receivers_in_german(
        status_repo: StatusRepo, hook: Receiver, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo(files("de"))
    with smtp_server(auth=False) as (box, port):
        monkeypatch.setenv("SMTP_URL", f"smtp://127.0.0.1:{port}")
        monkeypatch.setenv("SUBSCRIBERS", "leser@kappa.example")
        assert main(["notify", "--root", str(root), "--now", NOW, "--attempts", "1",
                     "--since", "2026-11-15T00:00:00Z"]) == 0, capsys.readouterr()
    kinds = {"slack_url": slack_text, "discord_url": discord_text, "teams_url": teams_text,
             "hook_url": webhook_text}
    said: dict[str, list[str]] = {kind: [] for kind in kinds}
    incidents = []  # the webhook's incident messages (the others are one per component)
    for request in hook.requests:
        kind, doc = request.path.split("/")[1], json.loads(request.body)
        if kind != "hook_url" or "incident" in doc:
            said[kind].append(kinds[kind](doc))
            incidents += [doc] if kind == "hook_url" else []
    said["email"] = [mail_text(mail.message) for mail in box.mails]
    # Created, updated and resolved; three maintenances scheduled, a reminder, a start, an end.
    assert {kind: len(texts) for kind, texts in said.items()} == dict.fromkeys(said, 9)
    for kind, texts in said.items():
        for text in texts:
            assert english(text, "de") == [], (kind, text)
    for kind in ("slack_url", "discord_url", "teams_url", "email"):
        text = "\n".join(said[kind])
        assert "22. Nov. 2026, 09:30 MEZ" in text, kind  # when the update was posted
        assert "Ursache gefunden: Omega" in text and "Behoben: Omega" in text, kind
        assert "Erinnerung: Tau" in text and "Beginn: Rho" in text, kind
        assert "Die geplante Wartung beginnt am 22. Nov. 2026, 10:30 MEZ; geplantes Ende: " \
               "11:30 MEZ." in text, kind
        assert "Das Wartungsfenster hat begonnen: 22. Nov. 2026, 09:00 MEZ – 11:00 MEZ." in text, kind
        assert "Das Wartungsfenster ist beendet: 22. Nov. 2026, 00:00 MEZ – 03:00 MEZ." in text, kind
        assert "Teilweiser Ausfall → Eingeschränkte Leistung" in text, kind
        assert ("Auf der Statusseite ansehen" if kind == "email" else  # the long update, cut
                "Weiterlesen auf der Statusseite") in text, kind
    assert "Bild" in "\n".join(said["slack_url"])  # the image without a text, as a link
    oldest = [doc["incident"]["incident_updates"][-1]["body"] for doc in incidents
              if doc["incident"]["id"] == "2026-11-22-omega"]
    assert oldest and all(body.endswith(
        " (weiter unter https://status.kappa.example/incidents/2026-11-22-omega/)") for body in oldest)
    subjects = sorted(str(mail.message["Subject"]) for mail in box.mails)
    assert "[Kappa] Ursache gefunden: Omega" in subjects
    html = box.mails[0].message.get_body(("html",))
    assert html is not None and '<html lang="de" dir="ltr">' in html.get_content()


def test_the_english_check_finds_a_word_left_in_english(status_repo: StatusRepo) -> None:
    """The check can fail: the same messages for an English page are full of the words the
    German ones must not have."""
    repo = repository(status_repo(files("en")), AT)
    found = set()
    for delivery in _deliveries(repo, m.ChannelType.SLACK):
        found |= set(english(slack_text(json.loads(delivery.body)), "de"))
    assert {"Identified", "Reminder", "Read", "rest", "page", "image", "Partial", "outage"} <= found


def _deliveries(repo: m.Repository, kind: m.ChannelType) -> list[Delivery]:
    scene = Scene(repo, AT)
    [channel] = [c for c in repo.config.notify if c.type is kind]
    return [d for event in due_events(repo, AT) for d in deliveries(channel, event, scene)]


def test_an_arabic_email_reads_right_to_left_and_its_arrows_point_that_way(status_repo: StatusRepo) -> None:
    repo = repository(status_repo(files("ar")), AT)
    mails = [message_from_bytes(d.body, policy=policy.default)
             for d in _deliveries(repo, m.ChannelType.EMAIL)]
    updated = next(mail for mail in mails if "حُدّد السبب" in str(mail["Subject"]))
    assert isinstance(updated, EmailMessage)
    html = updated.get_body(("html",))
    assert html is not None
    soup = BeautifulSoup(html.get_content(), "html.parser")
    assert soup.html is not None and soup.html["lang"] == "ar" and soup.html["dir"] == "rtl"
    assert "انقطاع جزئي ← أداء منخفض" in soup.get_text()
    assert "22 نوفمبر 2026" in soup.get_text()


def test_a_message_written_in_the_page_s_language_is_the_one_sent(status_repo: StatusRepo) -> None:
    written = files("de")
    written["incidents/2026-11-22-omega.md"] = written["incidents/2026-11-22-omega.md"].replace(
        "message: Omikron.", "message: {en: Fixed., de: Alles läuft wieder.}")
    repo = repository(status_repo(written), AT)
    texts = [slack_text(json.loads(d.body)) for d in _deliveries(repo, m.ChannelType.SLACK)]
    assert any("Alles läuft wieder." in text for text in texts)
    assert not any("Fixed." in text for text in texts)


def test_a_word_the_theme_overrides_is_overridden_in_notifications_too(
        status_repo: StatusRepo, hook: Receiver, capsys: pytest.CaptureFixture[str]) -> None:
    chat_only = files("de")
    config = chat_only["components.yml"]
    chat_only["components.yml"] = config[:config.index("  - {id: discord")]
    chat_only["themes/default/locales/de.po"] = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Resolved"\nmsgstr "Erledigt"\n')
    root = status_repo(chat_only)
    assert main(["notify", "--root", str(root), "--now", NOW, "--attempts", "1",
                 "--since", "2026-11-15T00:00:00Z"]) == 0, capsys.readouterr()
    text = "\n".join(slack_text(json.loads(r.body)) for r in hook.requests)
    assert "Erledigt: Omega" in text and "Behoben" not in text
    assert "Ursache gefunden: Omega" in text  # what the theme leaves alone stays statusgen's
