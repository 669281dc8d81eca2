"""Slack: an incoming webhook's message in Block Kit, the update in Slack's mrkdwn.

Slack reads ``&``, ``<`` and ``>`` as its own syntax in every text: a mention
(``<!channel>``, ``<@U024BE7LH>``) or a link is always between ``<`` and ``>``, so
escaping the three characters leaves the author's text inert.  Limits: a header's text 150
characters, a section's text 3,000, a section's fields 10 of 2,000 each, a context's
elements 10, 50 blocks (Block Kit's reference); the message's blocks stay far below the
~13,000 characters Slack refuses as ``msg_blocks_too_long``.
"""

from __future__ import annotations

from statusgen import model as m
from statusgen.notify.markup import GRAVE, Block, Dialect, blocks, clip, fit, safe_url
from statusgen.notify.notice import Notice
from statusgen.notify.outgoing import Delivery, Scene, delivery_id, dump

HEADER_LIMIT = 150
SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
FIELDS = 10
FALLBACK_LIMIT = 3000
"""The notification text (``text``), shown where blocks are not."""
FIELD_TEXT = 300
"""How much of a field a component's name may fill (its levels take some 50 more)."""


def escape(text: str) -> str:
    """Slack's three control characters as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _code(text: str) -> str:
    return f"`{escape(text).replace('`', GRAVE)}`" if text.strip() else escape(text)


def _link(label: str, url: str) -> str:
    return f"<{escape(safe_url(url, '<>|'))}|{label.replace('|', '¦')}>"


MRKDWN = Dialect(
    escape=escape,
    strong=lambda text: f"*{text}*",
    em=lambda text: f"_{text}_",
    code=_code,
    pre=lambda text: f"```{escape(text).replace('```', GRAVE * 3)}```",
    link=_link,
    quote=lambda text: "\n".join(f"> {line}" for line in text.split("\n")),
)


def build(channel: m.Channel, notice: Notice, scene: Scene) -> list[Delivery]:
    """The one message of ``notice`` for a Slack channel."""
    url = notice.url
    more = f"… {_link(escape(notice.read_more), url)}"
    parts = [Block(escape(notice.lead), notice.lead)] if notice.lead else []
    parts += blocks(notice.message, notice.rewrite, MRKDWN, notice.image)
    section: list[dict[str, object]] = []
    if parts:
        section.append({"type": "section", "text": {"type": "mrkdwn",
                                                    "text": fit(parts, SECTION_LIMIT, more, MRKDWN)}})
    changes = [f"*{clip(c.name, FIELD_TEXT, escape)}*\n{escape(notice.level_change(c))}"
               for c in notice.changes]
    if len(changes) > FIELDS:
        changes[FIELDS - 1:] = [escape(notice.more_components(len(changes) - FIELDS + 1))]
    if changes:
        section.append({"type": "section", "fields": [{"type": "mrkdwn", "text": text}
                                                      for text in changes]})
    page_link = _link(escape(notice.view_on_page), url)
    footer = f"{escape(notice.page.title)} · {escape(notice.when)} · {page_link}"
    payload = {
        "text": clip(notice.subject, FALLBACK_LIMIT, escape),
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "emoji": False,
                                        "text": clip(notice.headline, HEADER_LIMIT, escape)}},
            *section,
            {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(footer, SECTION_LIMIT)}]},
        ],
        "unfurl_links": False,
        "unfurl_media": False,
    }
    key = notice.event.id
    return [Delivery(channel, key, notice.event.name, notice, dump(payload),
                     delivery_id(scene.config.page, channel, key))]
