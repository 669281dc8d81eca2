"""Every format's messages against what its platform documents and what real receivers read:
shapes and limits from the fixtures (tests/fixtures/notify/), hostile text made inert,
links absolute and safe, and whatever the size of the update, a message that fits."""

from __future__ import annotations

import json
import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest

from statusgen import model as m
from statusgen.notify.events import EventKind, due_events
from statusgen.notify.formats import deliveries
from statusgen.notify.markup import size
from statusgen.notify.outgoing import Delivery, Scene
from statusgen.notify.webhook import INCIDENT_EXTRAS, UPDATE_EXTRAS
from tests.conftest import StatusRepo
from tests.datasource import errors
from tests.helpers import NOW, REPO_ROOT
from tests.hostile import MARKDOWN, html_problems
from tests.notify.repos import components, incident, loaded, maintenance, repository

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "notify"
LIMITS = json.loads((FIXTURES / "limits.json").read_text(encoding="utf-8"))
PAGE = "https://status.test.example/"

HOSTILE = "\n\n".join([
    "<!channel> <!here> <!everyone> <@U024BE7LH> <#C024BE7LR> @everyone @here &amp; & < >",
    "*bold* _it_ ~strike~ `code` ```fence``` > quote | pipe [x](y) <https://evil.example|click>",
    *MARKDOWN,
])


def build(status_repo: StatusRepo, kind: m.ChannelType, message: str = "Some **API** requests fail.",
          *, title: str = "API errors", levels: str = "{api: partial_outage}",
          changed: str = "{api: degraded_performance}",
          extra_files: dict[str, str] | None = None) -> list[Delivery]:
    files = {"components.yml": components(),
             "incidents/2026-11-22-api.md": incident(
                 json.dumps(title), [{"at": "2026-11-22T08:10:00Z", "status": "identified",
                                      "message": json.dumps(message),
                                      "components": changed},
                                     {"at": "2026-11-22T08:00:00Z", "status": "investigating",
                                      "message": "Looking.", "components": levels}],
                 components=levels),
             **(extra_files or {})}
    repo = loaded(status_repo(files))
    [event] = [e for e in due_events(repo, NOW) if e.id == "2026-11-22-api/20261122T081000Z"]
    [channel] = [c for c in repo.config.notify if c.type is kind]
    return deliveries(channel, event, Scene(repo, NOW))


def payload(delivery: Delivery) -> Any:
    return json.loads(delivery.body)


def many_components(count: int) -> dict[str, Any]:
    """Arguments of :func:`build` for an update that changes ``count`` components."""
    ids = [f"c{n:02d}" for n in range(count)]
    text = components().replace("components:\n  - id: api\n", "components:\n" + "".join(
        f"  - id: {i}\n    name: Component {i} {'x' * 40}\n" for i in ids) + "  - id: api\n")
    return {"extra_files": {"components.yml": text},
            "levels": "{" + ", ".join(f"{i}: major_outage" for i in ids) + "}",
            "changed": "{" + ", ".join(f"{i}: partial_outage" for i in ids) + "}"}


# --- Slack ---------------------------------------------------------------------------------------

def mrkdwn_texts(doc: Any) -> list[str]:
    found = []
    for block in doc["blocks"]:
        if block["type"] == "section":
            found += [block["text"]["text"]] if "text" in block else []
            found += [f["text"] for f in block.get("fields", [])]
        elif block["type"] == "context":
            found += [e["text"] for e in block["elements"]]
    return found


def test_slack_is_block_kit_within_its_limits(status_repo: StatusRepo) -> None:
    huge = "\n\n".join(f"Paragraph {n}: " + "word " * 200 for n in range(100))
    [delivery] = build(status_repo, m.ChannelType.SLACK, huge, title="T" * 400, **many_components(30))
    doc = payload(delivery)
    limits = LIMITS["slack"]
    assert [b["type"] for b in doc["blocks"]] == ["header", "section", "section", "context"]
    assert len(doc["blocks"]) <= limits["blocks"]
    header = doc["blocks"][0]["text"]
    assert header["type"] == "plain_text" and size(header["text"]) <= limits["header_text"]
    assert size(doc["blocks"][1]["text"]["text"]) <= limits["section_text"]
    fields = doc["blocks"][2]["fields"]
    assert len(fields) <= limits["section_fields"]
    assert all(size(f["text"]) <= limits["section_field_text"] for f in fields)
    assert "and 21 more components" in fields[-1]["text"]
    assert len(doc["blocks"][3]["elements"]) <= limits["context_elements"]
    assert size(doc["text"]) <= limits["text"]
    assert sum(size(t) for t in mrkdwn_texts(doc)) + size(header["text"]) < limits["blocks_total_observed"]
    # Cut, with a link to the rest.
    assert doc["blocks"][1]["text"]["text"].endswith(
        f"<{PAGE}incidents/2026-11-22-api/|Read the rest on the status page>")


def test_slack_text_cannot_mention_or_link_on_its_own(status_repo: StatusRepo) -> None:
    [delivery] = build(status_repo, m.ChannelType.SLACK, HOSTILE, title="<!channel> & <@U1>")
    doc = payload(delivery)
    texts = [doc["text"], doc["blocks"][0]["text"]["text"], *mrkdwn_texts(doc)]
    for text in texts:
        for token in re.findall(r"<[^>]*>", text):
            # The only `<…>` left are links to http(s) addresses, which statusgen wrote.
            assert re.fullmatch(r"<https?://[^|<>\s]+\|[^<>]*>", token), token
        assert "<!" not in text and "<@" not in text and "<#" not in text
    assert "&lt;!channel&gt;" in doc["blocks"][1]["text"]["text"]
    assert "&lt;!channel&gt; &amp; &lt;@U1&gt;" in doc["blocks"][0]["text"]["text"]
    assert "javascript" not in "".join(re.findall(r"<([^|>]*)\|", "".join(texts))).lower()


# --- Discord -------------------------------------------------------------------------------------

def test_discord_is_one_embed_within_its_limits(status_repo: StatusRepo) -> None:
    huge = "\n\n".join(f"Paragraph {n}: " + "word " * 300 for n in range(60))
    [delivery] = build(status_repo, m.ChannelType.DISCORD, huge, title="T" * 400, **many_components(40))
    doc = payload(delivery)
    limits = LIMITS["discord"]
    [embed] = doc["embeds"]
    assert doc["allowed_mentions"] == {"parse": []}
    assert size(embed["title"]) <= limits["title"]
    assert size(embed["description"]) <= limits["description"]
    assert len(embed["fields"]) <= limits["fields"]
    assert all(size(f["name"]) <= limits["field_name"] and size(f["value"]) <= limits["field_value"]
               for f in embed["fields"])
    assert size(embed["footer"]["text"]) <= limits["footer_text"]
    total = size(embed["title"]) + size(embed["description"]) + size(embed["footer"]["text"]) + \
        sum(size(f["name"]) + size(f["value"]) for f in embed["fields"])
    assert total <= limits["total"]
    assert embed["description"].endswith(
        f"[Read the rest on the status page]({PAGE}incidents/2026-11-22-api/)")
    assert embed["url"] == f"{PAGE}incidents/2026-11-22-api/"
    assert embed["color"] == 0xEF6C00  # major


def test_discord_text_cannot_ping_anyone(status_repo: StatusRepo) -> None:
    [delivery] = build(status_repo, m.ChannelType.DISCORD, HOSTILE, title="@everyone down")
    embed = payload(delivery)["embeds"][0]
    for text in (embed["title"], embed["description"]):
        assert not re.search(r"(?<!\u200b)@(everyone|here)", text.replace("@\u200b", "@\u200b"))
        assert "@everyone" not in text and "@here" not in text
        assert not re.search(r"(?<!\\)<@", text)


# --- Teams ---------------------------------------------------------------------------------------

def test_teams_is_an_adaptive_card_message_like_microsofts_example(status_repo: StatusRepo) -> None:
    example = json.loads((FIXTURES / "teams-adaptive-card-message.json").read_text(encoding="utf-8"))
    huge = "\n\n".join(f"Paragraph {n}: " + "wörd " * 300 for n in range(100))
    [delivery] = build(status_repo, m.ChannelType.TEAMS, huge, **many_components(30))
    doc = payload(delivery)
    assert len(delivery.body) <= LIMITS["teams"]["message_bytes_observed"] < LIMITS["teams"]["message_bytes"]
    assert doc["type"] == example["type"]
    [attachment] = doc["attachments"]
    assert set(attachment) == set(example["attachments"][0])
    assert attachment["contentType"] == example["attachments"][0]["contentType"]
    assert attachment["contentUrl"] is None
    card = attachment["content"]
    for key in ("$schema", "type"):
        assert card[key] == example["attachments"][0]["content"][key]
    assert {element["type"] for element in card["body"]} <= {"TextBlock", "FactSet"}
    assert card["actions"] == [{"type": "Action.OpenUrl", "title": "View on the status page",
                                "url": f"{PAGE}incidents/2026-11-22-api/"}]
    assert "Read the rest on the status page" in card["body"][1]["text"]


# --- Statuspage's webhook ------------------------------------------------------------------------

def kinds(value: Any) -> str:
    return type(value).__name__


def test_the_webhook_has_statuspages_shape(status_repo: StatusRepo) -> None:
    example = json.loads((FIXTURES / "statuspage-webhook-incident.json").read_text(encoding="utf-8"))
    incident_message, component_message = build(status_repo, m.ChannelType.WEBHOOK)
    doc = payload(incident_message)
    assert set(doc) == set(example)
    assert set(doc["page"]) == set(example["page"])
    assert set(example["meta"]) <= set(doc["meta"])
    # Every key of Statuspage's incident, of the same JSON type where both have a value.
    for key, value in example["incident"].items():
        assert key in doc["incident"], key
        if value is not None and doc["incident"][key] is not None:
            assert kinds(doc["incident"][key]) == kinds(value), key
    for key in example["incident"]["incident_updates"][0]:
        assert key in doc["incident"]["incident_updates"][0], key
    # What is left once the webhook's additions are taken away is the site's API object.
    api = {k: v for k, v in doc["incident"].items() if k not in INCIDENT_EXTRAS}
    api["incident_updates"] = [{k: v for k, v in u.items() if k not in UPDATE_EXTRAS}
                               for u in api["incident_updates"]]
    assert errors("incident", api) == []
    # Newest first: the update this message announces is [0].
    assert [u["status"] for u in doc["incident"]["incident_updates"]] == ["identified", "investigating"]
    # Plain text, as Statuspage's bodies are (and as the site's API gives them).
    assert doc["incident"]["incident_updates"][0]["body"] == "Some API requests fail."
    assert doc["page"]["status_description"] == "Partial System Outage"

    component_example = json.loads((FIXTURES / "statuspage-webhook-component.json").read_text(
        encoding="utf-8"))
    component = payload(component_message)
    assert set(component) == set(component_example)
    for part in ("component_update", "component"):
        assert set(component[part]) == set(component_example[part])
        assert {k: kinds(v) for k, v in component[part].items()} == \
            {k: kinds(v) for k, v in component_example[part].items()}
    assert (component["component_update"]["old_status"], component["component_update"]["new_status"],
            component["component"]["name"]) == ("partial_outage", "degraded_performance", "API")


def resolve(doc: Any, path: list[str | int]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def test_what_statuspage_consumers_read_is_there(status_repo: StatusRepo) -> None:
    paths = json.loads((FIXTURES / "consumer-paths.json").read_text(encoding="utf-8"))
    examples = {"incident": "statuspage-webhook-incident.json",
                "component": "statuspage-webhook-component.json"}
    incident_message, component_message = build(status_repo, m.ChannelType.WEBHOOK)
    ours = {"incident": payload(incident_message), "component": payload(component_message)}
    for kind, listed in paths.items():
        example = json.loads((FIXTURES / examples[kind]).read_text(encoding="utf-8"))
        for path in listed:
            value = resolve(ours[kind], path)
            assert value is not None, path
            try:
                assert kinds(value) == kinds(resolve(example, path)), path
            except KeyError:  # not in Atlassian's example (`incident.components`): a list
                assert isinstance(value, list), path
    assert resolve(ours["component"], ["component_update", "new_status"]) == "degraded_performance"
    assert resolve(ours["incident"], ["incident", "incident_updates", 0, "body"]) == \
        "Some API requests fail."


def test_a_maintenance_webhook_is_a_scheduled_maintenance_object(status_repo: StatusRepo) -> None:
    root = status_repo({"components.yml": components(), "incidents/2026-11-30-db.md": maintenance(
        "Database upgrade", "2026-11-30T02:00:00Z", "2026-11-30T04:00:00Z",
        [{"at": "2026-11-22T08:00:00Z", "status": "scheduled", "message": "Read-only."}],
        components="[api]")})
    repo = repository(root)
    [event] = [e for e in due_events(repo, NOW) if e.kind is EventKind.SCHEDULED]
    [channel] = [c for c in repo.config.notify if c.type is m.ChannelType.WEBHOOK]
    [delivery] = deliveries(channel, event, Scene(repo, NOW))
    incident_doc = payload(delivery)["incident"]
    api = {k: v for k, v in incident_doc.items() if k not in INCIDENT_EXTRAS or
           k in ("scheduled_for", "scheduled_until")}
    api["incident_updates"] = [{k: v for k, v in u.items() if k not in UPDATE_EXTRAS}
                               for u in api["incident_updates"]]
    assert errors("scheduled_maintenance", api) == []
    assert incident_doc["scheduled_for"].startswith("2026-11-30T03:00:00.000+01:00")
    assert incident_doc["scheduled_remind_prior"] is True


# --- Email ---------------------------------------------------------------------------------------

def parsed(delivery: Delivery) -> EmailMessage:
    message = message_from_bytes(delivery.body, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_email_is_plain_text_and_html_with_a_clear_subject(status_repo: StatusRepo) -> None:
    [delivery] = build(status_repo, m.ChannelType.EMAIL,
                       "See [the history](../history/) and [docs](https://docs.example/a?b=1).")
    message = parsed(delivery)
    assert message["Subject"] == "[Test Status] Identified: API errors"
    assert message["From"] == "Test Status <status@test.example>"
    assert message["To"] == "undisclosed-recipients:;"
    assert message["Message-ID"] == f"<{delivery.id}@status.test.example>"
    assert message.get_content_type() == "multipart/alternative"
    text, html = (message.get_body(("plain",)), message.get_body(("html",)))
    assert text is not None and html is not None
    plain, markup = text.get_content(), html.get_content()
    assert f"{PAGE}incidents/2026-11-22-api/" in plain
    assert "the history (https://status.test.example/history/)" in plain
    assert f'<a href="{PAGE}incidents/2026-11-22-api/">View on the status page</a>' in markup
    assert '<a href="https://status.test.example/history/">the history</a>' in markup
    # The same delivery is the same message: its id does not change from run to run.
    [again] = build(status_repo, m.ChannelType.EMAIL,
                    "See [the history](../history/) and [docs](https://docs.example/a?b=1).")
    assert again.id == delivery.id


def html_of(delivery: Delivery) -> str:
    part = parsed(delivery).get_body(("html",))
    assert part is not None
    text: str = part.get_content()
    return text


@pytest.mark.parametrize("hostile", [*MARKDOWN, HOSTILE], ids=range(len(MARKDOWN) + 1))
def test_email_html_runs_nothing_whatever_the_message(status_repo: StatusRepo, hostile: str) -> None:
    [delivery] = build(status_repo, m.ChannelType.EMAIL, hostile,
                       title='"><img src=x onerror=alert(1)> & </title><script>')
    assert html_problems(html_of(delivery)) == []


def test_links_are_absolute_and_never_to_what_the_page_hides(status_repo: StatusRepo) -> None:
    hidden = incident("Hidden", [{"at": "2026-11-20T08:00:00Z", "status": "investigating",
                                  "message": "Secret."}], extra="visibility: internal")
    shown = incident("Shown", [{"at": "2026-11-20T08:00:00Z", "status": "investigating",
                                "message": "Public."}])
    message = ("See [before](2026-11-20-shown.md), [team](2026-11-20-hidden.md), "
               "[history](../history/) and [x](javascript:alert(1)).")
    files = {"incidents/2026-11-20-hidden.md": hidden, "incidents/2026-11-20-shown.md": shown}
    # A link Markdown refuses stays text, as on the page; in no format may it become a link.
    as_link = {m.ChannelType.SLACK: r"<javascript:", m.ChannelType.DISCORD: r"(?<!\\)\]\(javascript:",
               m.ChannelType.TEAMS: r"(?<!\\)\]\(javascript:", m.ChannelType.EMAIL: r"href=\"javascript:"}
    for kind, pattern in as_link.items():
        [delivery] = build(status_repo, kind, message, extra_files=files)
        body = html_of(delivery) if kind is m.ChannelType.EMAIL \
            else json.dumps(payload(delivery), ensure_ascii=False)
        assert f"{PAGE}incidents/2026-11-20-shown/" in body, kind
        assert "2026-11-20-hidden" not in body, kind
        assert f"{PAGE}history/" in body, kind
        assert not re.search(pattern, body.replace("\\\\", "\\"), re.IGNORECASE), kind


def test_every_message_has_the_same_stable_id_for_the_same_channel_and_event(
        status_repo: StatusRepo) -> None:
    first = [d.id for kind in m.ChannelType for d in build(status_repo, kind)]
    second = [d.id for kind in m.ChannelType for d in build(status_repo, kind)]
    assert first == second and len(set(first)) == len(first)



def test_a_huge_update_is_cut_with_a_link_in_the_webhook_and_the_email(status_repo: StatusRepo) -> None:
    huge = "\n\n".join(f"Paragraph {n}: " + "wörd " * 100 for n in range(800))  # ~400,000 characters
    incident_message, _ = build(status_repo, m.ChannelType.WEBHOOK, huge)
    body = payload(incident_message)["incident"]["incident_updates"][0]["body"]
    assert len(body) <= 20_000 and body.endswith(f"(continued at {PAGE}incidents/2026-11-22-api/)")
    assert len(incident_message.body) <= 256 * 1024
    [mail] = build(status_repo, m.ChannelType.EMAIL, huge)
    assert len(mail.body) < 600_000
    html = html_of(mail)
    assert f'<a href="{PAGE}incidents/2026-11-22-api/">Read the rest on the status page</a>' in html
    assert html_problems(html) == []
