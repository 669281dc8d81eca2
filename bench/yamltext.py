"""Writing YAML values the way people write them, and safely when the text is not ours.

Generated text is written plain (``message: Slow responses.``); text converted from
real data is written double-quoted or as a literal block, whatever it holds.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 .,()'/-]*[A-Za-z0-9.)]|[A-Za-z]")
_NOT_TEXT = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
"""Words YAML 1.1 reads as something other than text when written plain."""


def timestamp(when: datetime) -> str:
    """``2026-11-22T10:42:00Z``: UTC to the second."""
    return f"{when.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def clean(text: str) -> str:
    """``text`` without the characters YAML or statusgen refuse (controls, direction overrides)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cf", "Cs"))


def quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar, any character escaped that must be."""
    out = ['"']
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif c.isprintable() and c not in "\u2028\u2029\x85":
            out.append(c)
        else:
            out.append(f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
    out.append('"')
    return "".join(out)


def scalar(text: str) -> str:
    """One-line text: plain when YAML reads it back as the same text, else double-quoted."""
    if _PLAIN.fullmatch(text) and text.lower() not in _NOT_TEXT:
        return text
    return quoted(text)


def block(text: str, indent: int) -> str:
    """Multi-line text as the value after ``key:``: a literal block indented by ``indent``.

    A literal block takes its indentation from its first line, so text whose first line
    starts with a space is double-quoted instead.
    """
    if "\n" not in text:
        return scalar(text)
    first = next((line for line in text.split("\n") if line.strip()), "")
    if first[:1] in (" ", "\t") or not first:
        return quoted(text)
    pad = " " * indent
    lines = [pad + line if line else "" for line in text.rstrip("\n").split("\n")]
    return "|-\n" + "\n".join(lines)
