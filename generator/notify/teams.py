"""Microsoft Teams: a message with one Adaptive Card, for an incoming webhook or a Workflows
webhook ("When a Teams webhook request is received").

A card's ``TextBlock`` reads a subset of Markdown (bold, italic, lists, links) and no
HTML; the author's Markdown characters are escaped with a backslash.  A mention needs an
``<at>`` tag *and* an entity in the card's ``msteams`` object, which statusgen never
writes, so no text can mention anyone.  Teams refuses a message over 28 KB; statusgen
keeps the whole message under :data:`LIMIT` bytes of JSON.
"""

from __future__ import annotations

import re

from statusgen import model as m
from statusgen.notify.markup import Block, Dialect, blocks, clip, fit, safe_url
from statusgen.notify.notice import Notice
from statusgen.notify.outgoing import Delivery, Scene, delivery_id, dump

LIMIT = 20_000
"""Bytes of the whole JSON message: Teams documents 28 KB, and refuses some messages a
little over 21 KB in practice."""
TEXT_LIMIT = 8_000
"""Characters of the update's text, before the message is measured."""
FACTS = 20
CARD_VERSION = "1.4"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"

_SPECIAL = re.compile(r"([\\*_`\[\]()<>#~|])")
_LINE_START = re.compile(r"(?m)^(\s*)([+-]|\d+\.)")


def escape(text: str) -> str:
    """Markdown characters behind a backslash."""
    text = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda found: found.group(1) + "\\" + found.group(2), text)


MARKDOWN = Dialect(
    escape=escape,
    strong=lambda text: f"**{text}**",
    em=lambda text: f"_{text}_",
    code=escape,
    pre=lambda text: "\n\n".join(escape(line) for line in text.split("\n")),
    link=lambda label, url: f"[{label}]({safe_url(url, '()<>[]')})",
    bullet="- ",
)


def _text(text: str, **style: object) -> dict[str, object]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _message(notice: Notice, budget: int) -> dict[str, object]:
    body: list[dict[str, object]] = [
        _text(clip(notice.headline, 300, escape), weight="Bolder", size="Medium", style="heading")]
    parts = [Block(escape(notice.lead), notice.lead)] if notice.lead else []
    parts += blocks(notice.message, notice.rewrite, MARKDOWN, notice.image)
    if parts:
        more = f"… [{escape(notice.read_more)}]({safe_url(notice.url, '()<>[]')})"
        body.append(_text(fit(parts, budget, more, MARKDOWN)))
    facts = [{"title": clip(c.name, 200, escape), "value": escape(notice.level_change(c))}
             for c in notice.changes]
    if len(facts) > FACTS:
        facts[FACTS - 1:] = [{"title": "…",
                              "value": escape(notice.more_components(len(facts) - FACTS + 1))}]
    if facts:
        body.append({"type": "FactSet", "facts": facts})
    body.append(_text(escape(f"{notice.page.title} · {notice.when}"), isSubtle=True, size="Small"))
    card = {"$schema": SCHEMA, "type": "AdaptiveCard", "version": CARD_VERSION, "body": body,
            "actions": [{"type": "Action.OpenUrl", "title": notice.view_on_page,
                         "url": notice.url}]}
    return {"type": "message",
            "attachments": [{"contentType": CONTENT_TYPE, "contentUrl": None, "content": card}]}


def build(channel: m.Channel, notice: Notice, scene: Scene) -> list[Delivery]:
    """The one message of ``notice`` for a Teams channel, within :data:`LIMIT` bytes."""
    budget = TEXT_LIMIT
    body = dump(_message(notice, budget))
    while len(body) > LIMIT and budget > 200:
        budget //= 2
        body = dump(_message(notice, budget))
    key = notice.event.id
    return [Delivery(channel, key, notice.event.name, notice, body,
                     delivery_id(scene.config.page, channel, key))]
