"""Markdown for messages and post-mortems: CommonMark, no raw HTML, safe links only.

The Markdown was read when its file was (:func:`statusgen.source.markdown.prose`); here
each link and image is decided on the URL that will stand in the page: the written URL
and the URL ``rewrite`` makes of it must both be safe
(:func:`~statusgen.source.links.safe_final`), else the link keeps only its text and the
image its alternative text.
"""

from __future__ import annotations

from collections.abc import Callable, Container

from markdown_it.common.utils import escapeHtml

from statusgen import model as m
from statusgen.prose import Prose
from statusgen.render import paths
from statusgen.source.links import INCIDENTS, Kind, classify, encode_path, safe_final
from statusgen.source.markdown import prose

Rewrite = Callable[[str], str | None]
"""Maps a link as written to the URL to publish, or ``None`` to show its text only."""


def _finals(read: Prose, rewrite: Rewrite | None) -> list[str | None]:
    """Each slot's URL as published, or ``None`` where the link or image may not be."""
    out: list[str | None] = []
    for slot in read.slots:
        final = slot.url if rewrite is None else rewrite(slot.url)
        out.append(final if final is not None and safe_final(slot.url) and safe_final(final)
                   else None)
    return out


def fill_html(read: Prose, rewrite: Rewrite | None = None) -> str:
    """The HTML of ``read`` with every link and image through ``rewrite``: one that may not
    be published keeps its text (a link) or its alternative text (an image)."""
    if not read.slots:
        return "".join(read.html)
    finals = _finals(read, rewrite)
    out = []
    for at, part in enumerate(read.html):
        if not at % 2:
            out.append(part)
            continue
        kind, index = part[0], int(part[1:])
        slot, final = read.slots[index], finals[index]
        if kind == "/":
            out.append("</a>" if final is not None else "</span>")
        elif final is None:
            out.append(slot.alt if kind == "i" else "<span>")
        else:
            out.append(f'{"<img src" if kind == "i" else "<a href"}="{escapeHtml(final)}{slot.tail}')
    return "".join(out)


def fill_text(read: Prose, rewrite: Rewrite | None = None) -> str:
    """The plain text of ``read``: paragraphs and list items on their own lines, each link
    followed by its published URL in brackets, images by nothing (their alternative text
    when they may not be shown)."""
    finals = _finals(read, rewrite) if read.slots else []
    out = []
    for at, part in enumerate(read.text):
        if not at % 2:
            out.append(part)
            continue
        kind, index = part[0], int(part[1:])
        final = finals[index]
        if kind == "/" and final:
            out.append(f" ({final})")
        elif kind == "i" and final is None:
            out.append(_unescape(read.slots[index].alt))
    lines = [line.rstrip() for line in "".join(out).split("\n")]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


def _unescape(text: str) -> str:
    return text.replace("&quot;", '"').replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")


def message(update: m.Update, language: str, default: str) -> tuple[Prose, str | None]:
    """The message of ``update`` for readers of ``language`` (see
    :meth:`~statusgen.model.Update.message_in`), read, and the fallback's language."""
    text, kept, written = update.prose_in(language, default)
    return (kept if kept is not None and kept.source == text else prose(text)), written


def body(incident: m.Incident) -> Prose:
    """The post-mortem of ``incident``, read, its headings under the page's title."""
    kept = incident.body_prose
    return kept if kept is not None and kept.source == incident.body else prose(incident.body, 1)


def render_markdown(text: str, rewrite: Rewrite | None = None, shift_headings: int = 0) -> str:
    """HTML for Markdown not read with a file (a notification's own text); ``rewrite`` maps
    links (``None`` drops one, keeping its text); ``shift_headings`` demotes headings."""
    return fill_html(prose(text, shift_headings), rewrite)


def linker(to_site: Callable[[str], str], shown: Container[str]) -> Callable[[str], str | None]:
    """A rewrite for :func:`~statusgen.render.markdown.render_markdown`: each link as this page must
    publish it, or ``None`` for a link that may not be published.

    ``to_site`` turns an (encoded) output path into a URL from the page being rendered
    (relative for pages, absolute for feeds); links to entries not in ``shown`` (internal,
    or unknown) are dropped, so a public page never names an entry it does not show.
    """
    def rewrite(url: str) -> str | None:
        link = classify(url)
        fragment = f"#{link.fragment}" if link.fragment else ""
        if link.kind in (Kind.EXTERNAL, Kind.FRAGMENT):
            return url
        if link.kind is Kind.SITE:
            if link.target.startswith("/"):
                return encode_path(link.target) + fragment
            return to_site(encode_path(link.target)) + fragment
        if link.kind is Kind.ENTRY:
            if link.target not in shown:
                return None
            return to_site(paths.incident_page(link.target)) + fragment
        if link.kind is Kind.FILE:
            return to_site(encode_path(f"{INCIDENTS}/{link.target}")) + fragment
        return None
    return rewrite
