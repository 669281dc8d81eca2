"""An update's Markdown in a chat's own markup, escaped for it, and cut to fit its limits.

The Markdown is first rendered as the site renders it (raw HTML off, links made absolute
from ``page.url``, unsafe links and links to entries the page does not show dropped,
their text kept); the HTML is then walked and written in a :class:`Dialect`.  Every piece
of the author's text passes through the dialect's ``escape``, which is where each chat's
syntax and mentions (``<!channel>``, ``@everyone``) are made inert.

Lengths are counted in UTF-16 code units, as the chats' JavaScript clients count them: at
least as many as characters, so a text that fits by this count fits by theirs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote

from statusgen.render.markdown import Rewrite, render_markdown

ELLIPSIS = "…"
GRAVE = "\u02cb"
"""A backtick look-alike for backticks inside code, where a chat has no escape for them."""


def size(text: str) -> int:
    """Length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Dialect:
    """How one chat writes each piece of markup; every function gets escaped text except
    ``code``, ``pre`` and ``link``'s URL, which get raw text and escape it themselves."""

    escape: Callable[[str], str]
    strong: Callable[[str], str]
    em: Callable[[str], str]
    code: Callable[[str], str]
    pre: Callable[[str], str]
    link: Callable[[str, str], str]
    """``(escaped label, raw URL)``."""
    quote: Callable[[str], str] = lambda text: text
    bullet: str = "• "


# --------------------------------------------------------------------------
# HTML into a small tree
# --------------------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        """The plain text inside, as a reader sees it."""
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag == "br":
                parts.append("\n")
            elif child.tag == "img":
                parts.append(child.attrs.get("alt", ""))
            else:
                parts.append(child.text())
        return "".join(parts)


_VOID = frozenset({"br", "img", "hr"})


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(html: str) -> Node:
    tree = _Tree()
    tree.feed(html)
    tree.close()
    return tree.root


# --------------------------------------------------------------------------
# The tree in a dialect
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One paragraph, list, heading …: in the dialect, and as plain text to cut from."""

    rich: str
    plain: str


_SPACE = re.compile(r"[ \t\r\n]+")


def _inline(node: Node, d: Dialect) -> str:
    out: list[str] = []
    for child in node.children:
        if isinstance(child, str):
            out.append(d.escape(_SPACE.sub(" ", child)))
            continue
        tag = child.tag
        if tag == "br":
            out.append("\n")
        elif tag in ("strong", "b"):
            out.append(_wrap(d.strong, _inline(child, d)))
        elif tag in ("em", "i"):
            out.append(_wrap(d.em, _inline(child, d)))
        elif tag == "code":
            out.append(d.code(child.text()))
        elif tag == "a" and child.attrs.get("href"):
            label = _SPACE.sub(" ", child.text()).strip() or child.attrs["href"]
            out.append(d.link(d.escape(label), child.attrs["href"]))
        elif tag == "img" and child.attrs.get("src"):
            label = child.attrs.get("alt") or "image"
            out.append(d.link(d.escape(label), child.attrs["src"]))
        else:  # a dropped link (a span), or anything else: its text
            out.append(_inline(child, d))
    return "".join(out)


def _wrap(mark: Callable[[str], str], inner: str) -> str:
    # Markup around spaces is not markup in these chats: keep the spaces outside.
    stripped = inner.strip()
    if not stripped:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()):]
    return f"{lead}{mark(stripped)}{trail}"


def _list(node: Node, d: Dialect, depth: int) -> list[str]:
    lines: list[str] = []
    ordered = node.tag == "ol"
    start = int(node.attrs.get("start", "1")) if node.attrs.get("start", "1").isdigit() else 1
    items = [c for c in node.children if isinstance(c, Node) and c.tag == "li"]
    for number, item in enumerate(items, start=start):
        marker = f"{number}. " if ordered else d.bullet
        text: list[str] = []
        nested: list[str] = []
        for child in item.children:
            if isinstance(child, Node) and child.tag in ("ul", "ol"):
                nested.extend(_list(child, d, depth + 1))
            elif isinstance(child, Node) and child.tag == "p":
                text.append(_inline(child, d).strip())
            else:
                holder = Node("span", children=[child])
                text.append(_inline(holder, d))
        line = " ".join(t.strip() for t in text if t.strip())
        lines.append("  " * depth + marker + line)
        lines.extend(nested)
    return lines


def _block(node: Node, d: Dialect) -> str:
    tag = node.tag
    if tag in ("ul", "ol"):
        return "\n".join(_list(node, d, 0))
    if tag == "pre":
        return d.pre(node.text().rstrip("\n"))
    if tag == "blockquote":
        inner = "\n\n".join(b.rich for b in blocks_of(node, d))
        return d.quote(inner)
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return _wrap(d.strong, _inline(node, d).strip())
    if tag == "hr":
        return "———"
    if tag == "table":
        rows = []
        for row in _descendants(node, "tr"):
            cells = [_inline(c, d).strip() for c in row.children
                     if isinstance(c, Node) and c.tag in ("td", "th")]
            rows.append(" | ".join(cells))
        return "\n".join(rows)
    return _inline(node, d).strip()


def _descendants(node: Node, tag: str) -> list[Node]:
    found: list[Node] = []
    for child in node.children:
        if isinstance(child, Node):
            if child.tag == tag:
                found.append(child)
            else:
                found.extend(_descendants(child, tag))
    return found


def blocks_of(root: Node, d: Dialect) -> list[Block]:
    """The top-level blocks under ``root``, each in the dialect and as plain text."""
    out = []
    for child in root.children:
        if isinstance(child, str):
            if child.strip():
                out.append(Block(d.escape(child.strip()), child.strip()))
            continue
        rich = _block(child, d)
        if rich.strip():
            out.append(Block(rich, child.text().strip()))
    return out


def _name_images(node: Node, word: str) -> None:
    """Give every image without a text ``word`` as its text (a chat shows an image as a link)."""
    for child in node.children:
        if isinstance(child, Node):
            if child.tag == "img" and not child.attrs.get("alt"):
                child.attrs["alt"] = word
            _name_images(child, word)


def blocks(markdown: str, rewrite: Rewrite, d: Dialect, image: str = "image") -> list[Block]:
    """An update's Markdown as blocks of the dialect, links rewritten by ``rewrite``; an image
    without a text is a link called ``image`` (the word in the message's language)."""
    root = parse_html(render_markdown(markdown, rewrite))
    _name_images(root, image)
    return blocks_of(root, d)


# --------------------------------------------------------------------------
# Fitting a limit
# --------------------------------------------------------------------------


def cut(plain: str, room: int, escape: Callable[[str], str]) -> str:
    """The longest start of ``plain`` that, escaped and followed by ``…``, takes at most
    ``room``; cut at a space when there is one near the end."""
    if room <= size(ELLIPSIS):
        return ""
    low, high = 0, len(plain)
    while low < high:  # the longest prefix that fits, by bisection (escaping may grow it)
        middle = (low + high + 1) // 2
        if size(escape(plain[:middle])) + size(ELLIPSIS) <= room:
            low = middle
        else:
            high = middle - 1
    prefix = plain[:low]
    space = prefix.rfind(" ")
    if space > low * 3 // 4:
        prefix = prefix[:space]
    return escape(prefix.rstrip()) + ELLIPSIS if prefix.strip() else ""


def clip(text: str, limit: int, escape: Callable[[str], str] = str) -> str:
    """One line of ``text``, escaped, within ``limit`` (cut with ``…`` if it must be)."""
    escaped = escape(text)
    return escaped if size(escaped) <= limit else cut(text, limit, escape)


def fit(parts: list[Block], limit: int, more: str, d: Dialect, separator: str = "\n\n") -> str:
    """The blocks joined, within ``limit``: whole blocks while they fit, then as much of the
    next as fits, as plain text, and ``more`` (a link to the rest) after them."""
    whole = separator.join(b.rich for b in parts)
    if size(whole) <= limit:
        return whole
    budget = limit - size(more) - size(separator)
    kept: list[str] = []
    used = 0
    for block in parts:
        joint = size(separator) if kept else 0
        if used + joint + size(block.rich) <= budget:
            kept.append(block.rich)
            used += joint + size(block.rich)
            continue
        piece = cut(block.plain, budget - used - joint, d.escape)
        if piece:
            kept.append(piece)
        break
    return separator.join([*kept, more]) if size(more) <= limit else clip(more, limit)


def safe_url(url: str, unsafe: str) -> str:
    """``url`` with the characters that would end it in a chat's syntax percent-encoded."""
    return "".join(quote(c, safe="") if c in unsafe or c.isspace() else c for c in url)
