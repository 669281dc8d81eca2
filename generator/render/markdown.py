"""Markdown for messages and post-mortems: CommonMark, no raw HTML, safe links only.

Links are decided twice: markdown-it refuses a link whose written URL has an
unsafe scheme (:func:`~generator.links.safe_final` as ``validateLink``), and after
every rewrite the URL that will stand in the ``href`` or ``src`` is checked again,
so a link that only becomes a scheme once rebased is dropped, its text kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container

from markdown_it.token import Token

from generator.render import paths
from generator.source.links import INCIDENTS, Kind, classify, encode_path, safe_final
from generator.source.markdown import parser

Rewrite = Callable[[str], str | None]
"""Maps a link as written to the URL to publish, or ``None`` to show its text only."""

_MD = parser(safe_final)


def _unlink(token: Token) -> None:
    """Turn a link into a plain span, or an image into its alt text."""
    if token.type == "image":
        token.type = "text"
        token.content = token.content or "".join(c.content for c in token.children or ())
        token.children = None
        token.attrs = {}
        return
    token.tag = "span"
    token.attrs = {}


def _rewrite_tokens(tokens: list[Token], rewrite: Rewrite | None) -> None:
    for token in tokens:
        for attr in ("href", "src"):
            value = token.attrGet(attr)
            if not isinstance(value, str):
                continue
            final = rewrite(value) if rewrite is not None else value
            if final is None or not safe_final(final):
                _unlink(token)
                break
            token.attrSet(attr, final)
        if token.children:
            _rewrite_tokens(token.children, rewrite)


def _pair_closers(tokens: list[Token]) -> None:
    """Mark each ``link_close`` whose ``link_open`` was dropped, so it closes a span."""
    opened: list[Token] = []
    for token in tokens:
        if token.type == "link_open":
            opened.append(token)
        elif token.type == "link_close" and opened and opened.pop().tag == "span":
            token.tag = "span"
        if token.children:
            _pair_closers(token.children)


# One line of words and plain punctuation, starting with a letter: markdown-it makes it one
# paragraph, escaping only `"`. Most messages are such a line, and skipping the parser for
# them halves the cost of rendering a history (a test holds the shortcut to the parser).
_PLAIN = re.compile(r"[^\W\d_][^\W_]*(?:[ ,.;:'\"?()/%$@=+-]+[^\W_]*)*[.?!]?\Z")


def plain_paragraph(text: str) -> str | None:
    """The HTML markdown-it makes of ``text`` when it is one plain line, else ``None``."""
    if len(text) > 2000 or not _PLAIN.match(text) or "  " in text or text.endswith(" "):
        return None
    return f"<p>{text.replace(chr(34), '&quot;')}</p>\n"


def render_markdown(text: str, rewrite: Rewrite | None = None, shift_headings: int = 0) -> str:
    """HTML for ``text``; ``rewrite`` maps links (``None`` drops one, keeping its text);
    ``shift_headings`` demotes headings so a post-mortem's ``#`` sits under the page's ``<h1>``."""
    plain = plain_paragraph(text)
    if plain is not None:
        return plain
    tokens = _MD.parse(text)
    _rewrite_tokens(tokens, rewrite)
    _pair_closers(tokens)
    if shift_headings:
        for token in tokens:
            if token.type in ("heading_open", "heading_close"):
                level = min(int(token.tag[1]) + shift_headings, 6)
                token.tag = f"h{level}"
    html: str = _MD.renderer.render(tokens, _MD.options, {})
    return html


def linker(to_site: Callable[[str], str], shown: Container[str]) -> Callable[[str], str | None]:
    """A rewrite for :func:`~generator.markdown.render_markdown`: each link as this page must
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
