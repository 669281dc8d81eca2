"""Discord: a webhook's message with one embed, coloured by impact.

Mentions are switched off with ``allowed_mentions: {"parse": []}``, Discord's documented
way, and ``@everyone`` and ``@here`` are broken with a zero-width space besides, so not
even their highlight shows.  Limits (Discord's "Embed Limits"): title 256 characters,
description 4,096, 25 fields of 256 (name) and 1,024 (value), footer 2,048, and 6,000 for
all of them together.
"""

from __future__ import annotations

import re
from datetime import UTC

from statusgen import model as m
from statusgen.notify.markup import GRAVE, Block, Dialect, blocks, clip, fit, safe_url, size
from statusgen.notify.notice import Notice
from statusgen.notify.outgoing import Delivery, Scene, delivery_id, dump

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELDS = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
TOTAL_LIMIT = 6000

_ANYWHERE = re.compile(r"([\\*_~`|\[\]()<])")
_LINE_START = re.compile(r"(?m)^(\s*)([#>+-]|\d+\.)")
_MENTION = re.compile(r"@(everyone|here)", re.IGNORECASE)


def escape(text: str) -> str:
    """Discord's Markdown characters behind a backslash; ``@everyone`` broken."""
    text = _ANYWHERE.sub(r"\\\1", text)
    text = _LINE_START.sub(lambda found: found.group(1) + "\\" + found.group(2), text)
    return _unmention(text)


def _unmention(text: str) -> str:
    return _MENTION.sub("@\u200b\\1", text)


def _code(text: str) -> str:
    # Inside code a backslash is shown as it is: only the backticks need replacing.
    return f"`{_unmention(text.replace('`', GRAVE))}`" if text.strip() else escape(text)


def _pre(text: str) -> str:
    return f"```\n{_unmention(text.replace('```', GRAVE * 3))}\n```"


def _link(label: str, url: str) -> str:
    return f"[{label}]({safe_url(url, '()<>')})"


MARKDOWN = Dialect(
    escape=escape,
    strong=lambda text: f"**{text}**",
    em=lambda text: f"*{text}*",
    code=_code,
    pre=_pre,
    link=_link,
    quote=lambda text: "\n".join(f"> {line}" for line in text.split("\n")),
)


def build(channel: m.Channel, notice: Notice, scene: Scene) -> list[Delivery]:
    """The one message of ``notice`` for a Discord channel."""
    title = clip(notice.headline, TITLE_LIMIT, escape)
    footer = clip(f"{notice.page.title} · {notice.when}", FOOTER_LIMIT)
    pairs = [(clip(c.name, FIELD_NAME_LIMIT, escape),
              clip(notice.level_change(c), FIELD_VALUE_LIMIT, escape)) for c in notice.changes]
    if len(pairs) > FIELDS:
        pairs[FIELDS - 1:] = [("…", escape(notice.more_components(len(pairs) - FIELDS + 1)))]
    fields = [{"name": name, "value": value, "inline": True} for name, value in pairs]
    others = size(title) + size(footer) + sum(size(name) + size(value) for name, value in pairs)
    parts = [Block(escape(notice.lead), notice.lead)] if notice.lead else []
    parts += blocks(notice.message, notice.rewrite, MARKDOWN, notice.image)
    more = f"… {_link(escape(notice.read_more), notice.url)}"
    embed: dict[str, object] = {
        "title": title,
        "url": notice.url,
        "color": notice.colour,
        "timestamp": notice.at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "footer": {"text": footer},
    }
    room = min(DESCRIPTION_LIMIT, TOTAL_LIMIT - others)
    if parts and room > 0:
        embed["description"] = fit(parts, room, more, MARKDOWN)
    if fields:
        embed["fields"] = fields
    payload = {"embeds": [embed], "allowed_mentions": {"parse": []}}
    key = notice.event.id
    return [Delivery(channel, key, notice.event.name, notice, dump(payload),
                     delivery_id(scene.config.page, channel, key))]
