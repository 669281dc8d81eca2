"""Markdown for messages and post-mortems: CommonMark, no raw HTML, safe links only."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def is_safe_link(url: str) -> bool:
    """Relative links, fragments, and http(s)/mailto; never javascript:, data: or file:."""
    stripped = url.strip()
    if not _SCHEME.match(stripped):
        return True
    return urlsplit(stripped).scheme.lower() in SAFE_SCHEMES


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.validateLink = is_safe_link  # type: ignore[method-assign]
    return md


_MD = _parser()


def _is_relative(url: str) -> bool:
    return not (_SCHEME.match(url) or url.startswith(("/", "#", "//")))


def rebase(prefix: str) -> Callable[[str], str]:
    """A rewriter for relative links in an incident's body, written relative to ``incidents/``.

    Links to another incident's file (``other.md``) go to its page.
    """
    def rewrite(url: str) -> str:
        if not _is_relative(url):
            return url
        path, _, fragment = url.partition("#")
        if path.endswith(".md") and "/" not in path:
            path = path[: -len(".md")] + "/"
        joined = posixpath.normpath(prefix + path) + ("/" if path.endswith("/") else "")
        return joined + (f"#{fragment}" if fragment else "")
    return rewrite


def _rewrite_tokens(tokens: list[Token], rewrite: Callable[[str], str]) -> None:
    for token in tokens:
        for attr in ("href", "src"):
            value = token.attrGet(attr)
            if isinstance(value, str):
                token.attrSet(attr, rewrite(value))
        if token.children:
            _rewrite_tokens(token.children, rewrite)


def render_markdown(text: str, rewrite: Callable[[str], str] | None = None,
                    shift_headings: int = 0) -> str:
    """HTML for ``text``; ``rewrite`` maps relative links, ``shift_headings`` demotes headings
    so a post-mortem's ``#`` sits under the page's own ``<h1>``."""
    tokens = _MD.parse(text)
    if rewrite is not None:
        _rewrite_tokens(tokens, rewrite)
    if shift_headings:
        for token in tokens:
            if token.type in ("heading_open", "heading_close"):
                level = min(int(token.tag[1]) + shift_headings, 6)
                token.tag = f"h{level}"
    html: str = _MD.renderer.render(tokens, _MD.options, {})
    return html


def relative_files(text: str) -> dict[str, int]:
    """The relative files (images, attachments) a body links to, as written, each with the
    0-based line of the body it is on."""
    found: dict[str, int] = {}

    def collect(tokens: list[Token], line: int) -> None:
        for token in tokens:
            here = token.map[0] if token.map else line
            for attr in ("href", "src"):
                value = token.attrGet(attr)
                if isinstance(value, str) and _is_relative(value):
                    path = value.partition("#")[0].partition("?")[0]
                    if path and not path.endswith((".md", "/")):
                        found.setdefault(path, here)
            if token.children:
                collect(token.children, here)

    collect(_MD.parse(text), 0)
    return found
