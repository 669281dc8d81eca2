"""Email: a plain-text and HTML message (``multipart/alternative``) per event.

The subject names the page, the status and the entry (``[Acme Status] Identified:
Elevated API response times``); both parts link to the entry's page.  The HTML is the
site's own rendering of the update (raw HTML off, links absolute and safe) with every
other word escaped; every word is in the page's language, and the HTML says so (``lang``,
``dir``).  ``Message-ID`` is the delivery's stable id, so a mail client that
receives the rare duplicate shows it once.  Recipients are not in the message: they are
the envelope's (each sees the list's own address, never the others').
"""

from __future__ import annotations

import html
import re
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from urllib.parse import urlsplit

from statusgen import model as m
from statusgen.notify.markup import clip
from statusgen.notify.notice import Notice
from statusgen.notify.outgoing import EVENT_HEADER, Delivery, Scene, delivery_id
from statusgen.render.markdown import render_markdown

SUBJECT_LIMIT = 200
MESSAGE_LIMIT = 100_000
"""Characters of the update's Markdown in a message; the rest is on the page."""
UNDISCLOSED = "undisclosed-recipients:;"
_MARKDOWN = re.compile(r"([\\`*_\[\]<>&!#])")


def _footer(notice: Notice) -> str:
    return notice.lang._("%(page)s sends its public updates to this list.", page=notice.page.title)


def _message_markdown(notice: Notice) -> str:
    text = notice.message
    if len(text) > MESSAGE_LIMIT:
        # Any Markdown renders to safe HTML, so cutting it anywhere is safe.
        label = _MARKDOWN.sub(r"\\\1", notice.read_more)  # the words as text, never as Markdown
        text = text[:MESSAGE_LIMIT] + f"\n\n… [{label}]({notice.url})"
    return text


def _html(notice: Notice) -> str:
    e = html.escape
    colour = f"#{notice.colour:06x}"
    lang = notice.lang
    # Where lines start, for the band and the table: mail clients know few logical properties.
    start = "right" if lang.direction == "rtl" else "left"
    rows = "".join(f"<tr><th scope=\"row\" align=\"{start}\">{e(c.name)}</th>"
                   f"<td>{e(notice.level_change(c))}</td></tr>" for c in notice.changes)
    parts = [
        "<!DOCTYPE html>",
        f"<html lang=\"{e(lang.tag)}\" dir=\"{lang.direction}\"><head><meta charset=\"utf-8\">",
        f"<title>{e(notice.subject)}</title></head>",
        "<body style=\"font-family: sans-serif; line-height: 1.5; max-width: 40em;\">",
        f"<h1 style=\"font-size: 1.25em; border-{start}: 6px solid {colour}; padding-{start}: 0.5em;\">"
        f"{e(notice.headline)}</h1>",
    ]
    if notice.lead:
        parts.append(f"<p>{e(notice.lead)}</p>")
    if notice.message:
        parts.append(render_markdown(_message_markdown(notice), notice.rewrite, shift_headings=1))
    if rows:
        parts.append(f"<table>{rows}</table>")
    parts += [
        f"<p><a href=\"{e(notice.url)}\">{e(notice.view_on_page)}</a> · {e(notice.when)}</p>",
        f"<p style=\"color: #555; font-size: 0.85em;\">{e(_footer(notice))}</p>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _text(notice: Notice) -> str:
    plain = notice.plain()
    if len(plain) > MESSAGE_LIMIT:
        plain = clip(plain, MESSAGE_LIMIT) + "\n\n" + notice.lang._(
            "Read the rest on the status page: %(url)s", url=notice.url)
    return f"{plain}\n\n-- \n{_footer(notice)}\n"


def build(channel: m.Channel, notice: Notice, scene: Scene) -> list[Delivery]:
    """The one message of ``notice`` for an email channel."""
    key = notice.event.id
    ident = delivery_id(scene.config.page, channel, key)
    host = urlsplit(scene.config.page.url).hostname or "statusgen.invalid"
    message = EmailMessage(policy=SMTP)
    message["Subject"] = clip(" ".join(notice.subject.split()), SUBJECT_LIMIT)
    message["From"] = channel.sender
    message["To"] = UNDISCLOSED
    message["Date"] = format_datetime(scene.now)
    message["Message-ID"] = f"<{ident}@{host}>"
    message["Auto-Submitted"] = "auto-generated"
    message[EVENT_HEADER] = notice.event.name
    message.set_content(_text(notice))
    message.add_alternative(_html(notice), subtype="html")
    return [Delivery(channel, key, notice.event.name, notice, message.as_bytes(), ident,
                     content_type="message/rfc822")]
