"""Markdown as the format reads it, parsed once when the file is read.

One CommonMark configuration (raw HTML off, shown as text; tables on; nothing linkified)
reads every message and body into a :class:`~statusgen.prose.Prose`: its HTML and its
plain text with a slot where each link or image goes, and the URL each slot was written
with.  The check reads the links from it, and every page, feed, API document and
notification fills the slots (:mod:`statusgen.render.markdown`) without parsing the
Markdown again: what the check sees is what the page shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from html.parser import HTMLParser
from typing import Any, cast

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from statusgen.prose import Prose, Slot

MARK = "\x00"
"""Around a slot's code in a template.  markdown-it turns every NUL of the source into
U+FFFD, so this character appears in a template only where a slot is."""


def parser(validate: Callable[[str], bool]) -> MarkdownIt:
    """A parser of the format's Markdown whose links pass ``validate`` (else stay text)."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.validateLink = validate  # type: ignore[method-assign,assignment]
    return md


# Every link is read, the unsafe ones too: the check names them, and the page shows only
# their text (render decides on the final URL).
_MD = parser(lambda url: True)

# One line of words and plain punctuation, starting with a letter: markdown-it makes it one
# paragraph, escaping only `"`. Most messages are such a line, and skipping the parser for
# them halves the cost of reading a history (a test holds the shortcut to the parser).
_PLAIN = re.compile(r"[^\W\d_][^\W_]*(?:[ ,.;:'\"?()/%$@=+-]+[^\W_]*)*[.?!]?\Z")


def plain_paragraph(text: str) -> str | None:
    """The HTML markdown-it makes of ``text`` when it is one plain line, else ``None``."""
    if len(text) > 2000 or not _PLAIN.match(text) or "  " in text or text.endswith(" "):
        return None
    return f"<p>{text.replace(chr(34), '&quot;')}</p>\n"


def _open_tail(renderer: Any, token: Token, attr: str, options: Any, env: Any) -> str:
    """The tag ``token`` renders to, from just after its URL's value to its end."""
    value = token.attrGet(attr)
    token.attrSet(attr, MARK)
    rendered: str = renderer.renderToken([token], 0, options, env)
    token.attrSet(attr, value if isinstance(value, str) else "")
    return rendered.split(MARK, 1)[1]


class _Slots:
    """Collects the slots while the template renders (markdown-it's ``env``)."""

    def __init__(self) -> None:
        self.slots: list[Slot] = []
        self.open: list[int] = []
        self.line = 0


def _link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token, found = tokens[idx], env["slots"]
    index = len(found.slots)
    found.slots.append(Slot(url=str(token.attrGet("href") or ""), line=found.line,
                              tail=_open_tail(self, token, "href", options, env)))
    found.open.append(index)
    return f"{MARK}a{index}{MARK}"


def _link_close(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return f"{MARK}/{env['slots'].open.pop()}{MARK}"


def _image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token, found = tokens[idx], env["slots"]
    alt = self.renderInlineAsText(token.children or [], options, env)
    token.attrSet("alt", alt)
    index = len(found.slots)
    found.slots.append(Slot(url=str(token.attrGet("src") or ""), line=found.line,
                              tail=_open_tail(self, token, "src", options, env),
                              image=True, alt=escapeHtml(alt)))
    return f"{MARK}i{index}{MARK}"


_RENDERER = cast(RendererHTML, _MD.renderer)
_MD.add_render_rule("link_open", _link_open)
_MD.add_render_rule("link_close", _link_close)
_MD.add_render_rule("image", _image)

_CODE = re.compile(f"{MARK}([ai/])([0-9]+){MARK}")


class _Text(HTMLParser):
    """The text of a template, paragraphs and list items on their own lines, a slot where
    each link's URL and each image's alt text may go."""

    BLOCKS = frozenset({"p", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote",
                        "tr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = [""]
        self.links: list[str] = []
        self.pre = 0

    def slot(self, code: str) -> None:
        self.parts += [code, ""]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            self.parts[-1] += "\n- "
        elif tag in self.BLOCKS or tag == "br":
            self.parts[-1] += "\n"
        if tag == "pre":
            self.pre += 1
        if tag == "a":
            self.links.append(dict(attrs).get("data-slot") or "")
        if tag == "img":
            self.slot(f"i{dict(attrs).get('data-slot')}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self.pre = max(self.pre - 1, 0)
        if tag == "a" and self.links:
            self.slot(f"/{self.links.pop()}")
        elif tag in self.BLOCKS:
            self.parts[-1] += "\n"

    def handle_data(self, data: str) -> None:
        if not self.pre and not data.strip() and "\n" in data:
            return  # the line breaks markdown-it puts between blocks
        self.parts[-1] += data


def _as_tags(match: re.Match[str]) -> str:
    kind, index = match.groups()
    return {"a": f'<a data-slot="{index}">', "/": "</a>", "i": f'<img data-slot="{index}">'}[kind]


def _text_template(html: str) -> tuple[str, ...]:
    reader = _Text()
    reader.feed(_CODE.sub(_as_tags, html))
    reader.close()
    return tuple(reader.parts)


def prose(text: str, shift_headings: int = 0) -> Prose:
    """``text`` read as the format's Markdown; ``shift_headings`` demotes headings so a
    post-mortem's ``#`` sits under the page's ``<h1>``."""
    plain = plain_paragraph(text)
    if plain is not None:
        return Prose(source=text, html=(plain,), text=(text,))
    tokens = _MD.parse(text)
    if shift_headings:
        for token in tokens:
            if token.type in ("heading_open", "heading_close"):
                token.tag = f"h{min(int(token.tag[1]) + shift_headings, 6)}"
    found = _Slots()
    env = {"slots": found}
    renderer, options = _RENDERER, _MD.options
    pieces = []
    # markdown-it's own render loop, noting the source line of each block for its links.
    for index, token in enumerate(tokens):
        if token.map:
            found.line = token.map[0]
        if token.type == "inline":
            if token.children:
                pieces.append(renderer.renderInline(token.children, options, env))
        elif token.type in renderer.rules:
            pieces.append(renderer.rules[token.type](tokens, index, options, env))
        else:
            pieces.append(renderer.renderToken(tokens, index, options, env))
    html = "".join(pieces)
    return Prose(source=text, html=_codes(tuple(_CODE.split(html))), text=_text_template(html),
                   slots=tuple(found.slots))


def _codes(split: tuple[str, ...]) -> tuple[str, ...]:
    """``re.split`` gives text, kind, index, text …; a template keeps text, code, text …"""
    out = [split[0]]
    for at in range(1, len(split), 3):
        out += [split[at] + split[at + 1], split[at + 2]]
    return tuple(out)


def links_in(text: str) -> list[tuple[str, int]]:
    """Every link and image URL in ``text`` as markdown-it reads it, each with the 0-based
    line of ``text`` it is on (of its paragraph or list item: Markdown knows no finer)."""
    return [(slot.url, slot.line) for slot in prose(text).slots]
