"""Problems found in a status repository, and the three ways of printing them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple


def with_article(noun: str) -> str:
    """``noun`` after its indefinite article, for messages: ``an incident``, ``a maintenance``,
    ``an Alertmanager payload``.  Chosen by the first letter, which is right for every word
    statusgen puts there (none is an ``a user`` or an ``an hour``)."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


class Severity(StrEnum):
    """How bad a problem is: errors stop a build, warnings do only under ``--strict``."""

    ERROR = "error"
    WARNING = "warning"


class Location(NamedTuple):
    """A place in a file as the user sees it: path relative to the root, 1-based line and column.

    A named tuple, not a dataclass: the loader makes one for every key and value of
    every file, and tuples are several times cheaper to create and to cache.
    """

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Diagnostic:
    """One problem: where it is, how bad, which rule (``code``) and how to fix it."""

    location: Location
    severity: Severity
    code: str
    message: str

    @property
    def sort_key(self) -> tuple[Location, str, str]:
        return (self.location, self.code, self.message)


@dataclass(frozen=True)
class Rule:
    """One rule of :mod:`statusgen.rules`: its code in diagnostics, how bad breaking it is,
    and the two columns of the docs."""

    code: str
    severity: Severity
    means: str
    fix: str
    stages: tuple[str, ...] = ("check",)

    def at(self, location: Location, message: str) -> Diagnostic:
        """This rule broken at ``location``, with the severity the rule has."""
        return Diagnostic(location, self.severity, self.code, message)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """By file, line and column, without duplicates."""
    return sorted(set(diagnostics), key=lambda d: d.sort_key)


def strictly(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """``--strict``: every warning becomes an error."""
    return [
        Diagnostic(d.location, Severity.ERROR, d.code, d.message) for d in diagnostics
    ]


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    """True when any diagnostic is an error."""
    return any(d.severity is Severity.ERROR for d in diagnostics)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(diagnostics: Iterable[Diagnostic], files: int) -> str:
    """``2 errors, 1 warning in 12 files``."""
    ds = list(diagnostics)
    errors = sum(d.severity is Severity.ERROR for d in ds)
    return (
        f"{_plural(errors, 'error')}, {_plural(len(ds) - errors, 'warning')} "
        f"in {_plural(files, 'file')}"
    )


# A file name or a value can hold terminal escape sequences (ESC [ …), other controls, or
# direction overrides that make a line read differently: shown escaped, never raw.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, breaks: bool = False) -> str:
    """``text`` safe to print on one line of a terminal: controls and direction overrides
    escaped (``\\x1b``), lone surrogates too; ``breaks`` keeps CR and LF (for formats that
    escape them their own way)."""
    # A quoted YAML value may hold an escaped lone surrogate ("\\ud800"), which no
    # stream can encode; show it as that escape rather than fail while printing.
    text = _UNSAFE.sub(lambda m: m.group() if breaks and m.group() in "\r\n" else _escape(m), text)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _printable(text: str) -> str:
    # Lone surrogates only: JSON escapes its own controls, and the line-based formats
    # escape each field before joining lines.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def format_text(diagnostics: Iterable[Diagnostic]) -> str:
    """One line a problem: ``path:line:col: error: message [code]``."""
    return "".join(
        f"{printable(str(d.location))}: {d.severity}: {printable(d.message)} [{d.code}]\n"
        for d in sort_diagnostics(diagnostics)
    )


def _escape_data(text: str) -> str:
    # GitHub's workflow-command escaping: a message may span lines and hold '%'.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(diagnostics: Iterable[Diagnostic]) -> str:
    """GitHub Actions workflow commands, so a pull request shows each problem on its line."""
    lines = []
    for d in sort_diagnostics(diagnostics):
        props = ",".join(
            f"{k}={_escape_property(str(v))}"
            for k, v in (
                ("file", printable(d.location.path)),
                ("line", d.location.line),
                ("col", d.location.column),
                ("title", f"statusgen {d.code}"),
            )
        )
        lines.append(f"::{d.severity} {props}::{_escape_data(printable(d.message, breaks=True))}\n")
    return "".join(lines)


def format_json(diagnostics: Iterable[Diagnostic]) -> str:
    """A JSON list of ``{path, line, column, severity, code, message}``."""
    return _printable(json.dumps(
        [
            {
                "path": d.location.path,
                "line": d.location.line,
                "column": d.location.column,
                "severity": str(d.severity),
                "code": d.code,
                "message": d.message,
            }
            for d in sort_diagnostics(diagnostics)
        ],
        indent=2,
        ensure_ascii=False,
    )) + "\n"


FORMATS = {"text": format_text, "github": format_github, "json": format_json}
