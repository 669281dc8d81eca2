"""Markdown for messages and post-mortems: CommonMark, no raw HTML, safe links only.

Links are decided twice: markdown-it refuses a link whose written URL has an
unsafe scheme (:func:`~generator.links.safe_final` as ``validateLink``), and after
every rewrite the URL that will stand in the ``href`` or ``src`` is checked again,
so a link that only becomes a scheme once rebased is dropped, its text kept.
"""

from __future__ import annotations

from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token

from generator.source.links import safe_final

Rewrite = Callable[[str], str | None]
"""Maps a link as written to the URL to publish, or ``None`` to show its text only."""


def _parser(validate: Callable[[str], bool]) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.validateLink = validate  # type: ignore[method-assign,assignment]
    return md


_MD = _parser(safe_final)
_SCAN = _parser(lambda url: True)
"""Sees every link, the unsafe ones too, so the check can name them."""


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


def render_markdown(text: str, rewrite: Rewrite | None = None, shift_headings: int = 0) -> str:
    """HTML for ``text``; ``rewrite`` maps links (``None`` drops one, keeping its text);
    ``shift_headings`` demotes headings so a post-mortem's ``#`` sits under the page's ``<h1>``."""
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


def might_link(text: str) -> bool:
    """Cheap test: without ``[`` or ``<``, CommonMark (linkify off) makes no link."""
    return "[" in text or "<" in text


def links_in(text: str) -> list[tuple[str, int]]:
    """Every link and image URL in ``text`` as markdown-it reads it, each with the 0-based
    line of ``text`` it is on (of its paragraph or list item: Markdown knows no finer)."""
    if not might_link(text):
        return []
    found: list[tuple[str, int]] = []

    def collect(tokens: list[Token], line: int) -> None:
        for token in tokens:
            here = token.map[0] if token.map else line
            for attr in ("href", "src"):
                value = token.attrGet(attr)
                if isinstance(value, str):
                    found.append((value, here))
            if token.children:
                collect(token.children, here)

    collect(_SCAN.parse(text), 0)
    return found
