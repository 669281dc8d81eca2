"""Markdown as the format reads it: one CommonMark parser configuration for reading links
and for rendering, so what the check sees is what the page shows.

Raw HTML is off (it is shown as text), tables are on, nothing is linkified.
"""

from __future__ import annotations

from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token


def parser(validate: Callable[[str], bool]) -> MarkdownIt:
    """A parser of the format's Markdown whose links pass ``validate`` (else stay text)."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.validateLink = validate  # type: ignore[method-assign,assignment]
    return md


_SCAN = parser(lambda url: True)
"""Sees every link, the unsafe ones too, so the check can name them."""


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
