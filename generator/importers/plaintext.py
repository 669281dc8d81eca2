"""Plain text as Markdown that reads back as the same text, line for line (and back).

Statuspage's update bodies are plain text: a ``*`` is a star, a line starting with
``#`` is not a heading, and a line break is a line break.  Markdown would read them
otherwise, so each character Markdown could take as syntax is escaped with a
backslash, and each line break inside a paragraph becomes a hard break (a backslash
at the end of the line).  Only what could be syntax is escaped, so ordinary
sentences stay as they were written.
"""

from __future__ import annotations

import html
import re

from statusgen.source.links import safe_final
from statusgen.source.markdown import prose

_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
"""Statuspage's editor stores some line breaks as HTML."""

# Characters that start inline syntax anywhere in a line (links, code, emphasis,
# raw HTML, entities, tables, strike-through); `_` only where it can open or close
# emphasis, that is next to something other than a letter or a digit.
_INLINE = re.compile(r"[\\`*\[\]<>|~]|&(?=#?\w+;)|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
# What makes a line a block of its own: a heading, a quote, a list item, a fence,
# a thematic break or a setext underline.
_BLOCK = re.compile(r"(#{1,6}(?=\s|$)|[-+*](?=\s|$)|=+\s*$|-+\s*$|\d{1,9}(?=[.)](\s|$)))")


def markdown_from_text(text: str) -> str:
    """``text`` (plain, with line breaks) as Markdown showing exactly that text.

    Blank lines separate paragraphs; other line breaks are kept as hard breaks;
    leading spaces are kept as no-break spaces, which Markdown does not read as
    indentation.
    """
    text = _BR.sub("\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.rstrip() for line in text.split("\n")]
    out = [_escape_line(line) for line in lines]
    for index, line in enumerate(out[:-1]):
        if line and out[index + 1]:
            out[index] = line + "\\"
    return "\n".join(out).strip("\n")


def _escape_line(line: str) -> str:
    stripped = line.lstrip(" \t")
    indent = "\u00a0" * (len(line) - len(stripped))
    escaped = _INLINE.sub(lambda found: "\\" + found.group(), stripped)
    block = _BLOCK.match(escaped)
    if block:
        marker = block.group()
        # `1.` or `1)` starts an ordered list: escape the punctuation after the digits.
        escaped = marker + "\\" + escaped[len(marker):] if marker[0].isdigit() else "\\" + escaped
    return indent + escaped


def text_from_markdown(text: str) -> str:
    """The plain text Markdown ``text`` shows, for a field that is plain text (a page's
    description): each link's text with its address in brackets after it (only its text
    when the address may not be published), each image its alternative text.  The
    render step's :func:`fill_text` does the same for pages; importers sit below it."""
    read = prose(text)
    out = []
    for at, part in enumerate(read.text):
        if not at % 2:
            out.append(part)
            continue
        slot = read.slots[int(part[1:])]
        if part[0] == "/" and safe_final(slot.url):
            out.append(f" ({slot.url})")
        elif part[0] == "i":
            out.append(html.unescape(slot.alt))
    return "".join(out).strip()
