"""The file format, declared once.

Each key of ``components.yml`` and of an incident's front matter is a
:class:`Field` with its type, default and documentation.  The same declaration
reads the YAML (reporting every problem with its location) and writes the
tables of ``docs/format.md``, so the two cannot drift apart.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import parseaddr
from enum import StrEnum
from functools import cached_property
from typing import Any, TypeVar
from urllib.parse import urlsplit

from statusgen import model as m
from statusgen import rules
from statusgen.diagnostics import Diagnostic, Location
from statusgen.languages import LANGUAGES, shipped_language
from statusgen.source.links import browser_form, scheme
from statusgen.source.timestamps import EXAMPLE, check_timestamp
from statusgen.source.yaml_reader import Comment, Map, Node, Scalar, Seq, double_quoted

SLUG = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
KEY = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
"""A name that never appears in a URL (a role, a named timestamp, a custom field): a slug that
may also hold ``_``."""


class _Invalid:
    """Returned by a reader that reported a problem."""


INVALID = _Invalid()
Reader = Callable[[Node, list[Diagnostic]], Any]
E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class Field:
    """One key: how to read it, and what the reference says about it."""

    name: str
    type: str
    doc: str
    read: Reader
    required: bool = False
    default: str = ""
    example: str = ""


@dataclass(frozen=True)
class Schema:
    """A mapping's keys, and how to turn the values read into a model object."""

    name: str
    fields: tuple[Field, ...]
    build: Callable[[dict[str, Any], Location, tuple[tuple[str, Location], ...]], Any] | None = None

    @cached_property
    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    def field(self, name: str) -> Field:
        return self.by_name[name]


def suggest(word: str, choices: list[str]) -> str:
    """`` (did you mean `components`?)`` when a choice is close to ``word``."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""


def _describe(node: Node) -> str:
    if isinstance(node, Map):
        return "a mapping"
    if isinstance(node, Seq):
        return "a list"
    return {"bool": "a boolean", "null": "empty", "int": "a whole number",
            "float": "a decimal number", "timestamp": "a timestamp"}.get(node.type_name, "text")


def _wrong(node: Node, expected: str, out: list[Diagnostic]) -> _Invalid:
    hint = ""
    if isinstance(node, Scalar) and node.type_name == "bool" and "text" in expected:
        hint = f"; YAML reads `{node.text}` as a boolean, put it in quotes"
    out.append(rules.TYPE.at(node.loc, f"expected {expected}, found {_describe(node)}{hint}"))
    return INVALID


def text(node: Node, out: list[Diagnostic]) -> str | _Invalid:
    """Text; numbers are taken as written, an empty value is empty text.

    ``key: #1 priority`` is not empty text but a mistake: YAML reads `#` and
    what follows as a comment.
    """
    if isinstance(node, Scalar):
        if node.type_name == "null":
            return "" if node.comment is None else _commented(node.comment, out)
        if node.type_name != "bool":
            return node.text if node.type_name != "str" else str(node.value)
    return _wrong(node, "text", out)


# Characters no text of the format needs and an attacker loves: C0 and C1 controls (they
# end up raw in terminals and XML cannot hold them), and the bidirectional overrides
# and isolates that make a title read differently from what it says.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_BREAK = re.compile("[\n\r\x85\u2028\u2029]")


def invisible(value: str, *, markdown: bool = False) -> str | None:
    """The first character ``value`` may not hold, as ``U+001B``; ``None`` when clean.

    Markdown (messages, bodies) may hold tabs and line breaks and, for right-to-left
    text, the bidirectional controls; one-line text may not.
    """
    found = _CONTROL.search(value) or (None if markdown else _BIDI.search(value))
    return f"U+{ord(found.group()):04X}" if found else None


def line(node: Node, out: list[Diagnostic]) -> str | _Invalid:
    """One line of text, without the line break a folded (``>``) or literal (``|``) YAML
    value keeps at its end; control characters refused."""
    value = text(node, out)
    if not isinstance(value, str):
        return value
    value = value.strip()
    if _BREAK.search(value):
        out.append(rules.TEXT.at(node.loc, "this is one line of text: remove the line break "
                                 "(write the value after the key, without `|` or `>`)"))
        return INVALID
    bad = invisible(value)
    if bad is not None:
        out.append(rules.TEXT.at(node.loc, f"the value holds the invisible character {bad} (a "
                                 "control or direction override); remove it"))
        return INVALID
    return value


def markdown_text(node: Node, out: list[Diagnostic]) -> str | _Invalid:
    """Markdown text: several lines allowed, control characters refused."""
    value = text(node, out)
    if isinstance(value, str):
        bad = invisible(value, markdown=True)
        if bad is not None:
            out.append(rules.TEXT.at(node.loc, f"the text holds the invisible control character "
                                     f"{bad}; remove it"))
            return INVALID
    return value


_LANGUAGE = re.compile(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*\Z")


def language(node: Node, out: list[Diagnostic]) -> str | _Invalid:
    """A language statusgen ships (``de``, ``pt-BR``), or a regional form of one whose
    conventions CLDR knows (``de-AT``, ``en-US``): its words come from the shipped one."""
    value = line(node, out)
    if not isinstance(value, str):
        return value
    shipped = shipped_language(value) if _LANGUAGE.match(value) else None
    if shipped is not None and (shipped.lower() == value.lower() or _cldr_knows(value)):
        return shipped if shipped.lower() == value.lower() else value
    known = list(LANGUAGES)
    alias = _LANGUAGE_ALIASES.get(value.lower())
    near = f" (did you mean `{alias}`?)" if alias else suggest(value, known)
    out.append(rules.CHOICE.at(node.loc, f"`{value}` is not a language statusgen ships{near}; "
                               f"use one of {', '.join(known)}, or a regional form of one such as de-AT"))
    return INVALID


_LANGUAGE_ALIASES = {
    "zh": "zh-Hans", "zh-cn": "zh-Hans", "zh-sg": "zh-Hans", "cn": "zh-Hans", "pt": "pt-BR",
    "br": "pt-BR", "jp": "ja", "kr": "ko", "kp": "ko", "ge": "de", "iw": "he", "il": "he",
    "eg": "ar", "sa": "ar", "gb": "en", "uk": "en", "us": "en",
}
"""What people write for a shipped language that is not its tag (a country code, an old or
a wider tag), for "did you mean"."""


def _cldr_knows(tag: str) -> bool:
    """Whether CLDR has conventions (dates, numbers) for ``tag``, such as ``en-US``."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(tag, sep="-")
    except (ValueError, UnknownLocaleError):
        return False
    return True


def languages(node: Node, out: list[Diagnostic]) -> tuple[str, ...] | _Invalid:
    """A list of languages, each once."""
    if not isinstance(node, Seq) or not node.items:
        return _wrong(node, "a list of languages like [en, de]", out)
    found: list[str] = []
    for item in node.items:
        value = language(item, out)
        if isinstance(value, str):
            if value.lower() in (f.lower() for f in found):
                out.append(rules.DUPLICATE_KEY.at(item.loc, f"`{value}` is listed twice; keep one"))
            found.append(value)
    return tuple(found) if len(found) == len(node.items) else INVALID


def message(node: Node, out: list[Diagnostic]) -> str | tuple[tuple[str, str], ...] | _Invalid:
    """Markdown, or a mapping of languages to Markdown: ``{en: …, de: …}``."""
    if not isinstance(node, Map):
        return markdown_text(node, out)
    texts: list[tuple[str, str]] = []
    for key, value in node.entries:
        tag, text = language(key, out), markdown_text(value, out)
        if isinstance(tag, str) and any(tag.lower() == t.lower() for t, _ in texts):
            out.append(rules.DUPLICATE_KEY.at(key.loc, f"`{tag}` is written twice; keep one"))
        elif isinstance(text, str) and not text.strip():
            out.append(rules.REQUIRED.at(value.loc, f"the `{key.value}` message is empty; write "
                                         "it, or leave the language out"))
        elif isinstance(tag, str) and isinstance(text, str):
            texts.append((tag, text))
    if not node.entries:
        out.append(rules.REQUIRED.at(node.loc, "write the message, or a mapping of languages to "
                                     "messages like {en: …, de: …}"))
    return tuple(texts) if texts and len(texts) == len(node.entries) else INVALID


def _commented(comment: Comment, out: list[Diagnostic]) -> _Invalid:
    out.append(rules.YAML_COMMENT.at(
        comment.loc, "`#` starts a comment, so YAML reads this value "
        f"as empty: put the text in quotes, as in {double_quoted(comment.text)}"))
    return INVALID


def integer(minimum: int) -> Reader:
    def read(node: Node, out: list[Diagnostic]) -> int | _Invalid:
        if isinstance(node, Scalar) and node.type_name == "int" and isinstance(node.value, int):
            if node.value < minimum:
                out.append(rules.TYPE.at(node.loc, f"must be at least {minimum}"))
                return INVALID
            return node.value
        return _wrong(node, "a whole number", out)
    return read


def boolean(node: Node, out: list[Diagnostic]) -> bool | _Invalid:
    """``true`` or ``false``."""
    if isinstance(node, Scalar) and isinstance(node.value, bool):
        return node.value
    return _wrong(node, "true or false", out)


def choice(enum: type[E]) -> Reader:
    names = [e.value for e in enum]

    def read(node: Node, out: list[Diagnostic]) -> E | _Invalid:
        if isinstance(node, Scalar) and node.type_name in ("str", "null", "bool"):
            if node.text in names:
                return enum(node.text)
            if node.type_name == "null":
                out.append(rules.CHOICE.at(node.loc, f"no value given; use one of {', '.join(names)}"))
                return INVALID
            out.append(rules.CHOICE.at(node.loc, f"`{node.text}` is not one of "
                                       f"{', '.join(names)}{suggest(node.text, names)}"))
            return INVALID
        return _wrong(node, "one of " + ", ".join(names), out)
    return read


def slug(node: Node, out: list[Diagnostic]) -> str | _Invalid:
    """An id: lower-case letters, digits and hyphens, starting with a letter or digit."""
    value = text(node, out)
    if isinstance(value, str) and not SLUG.match(value):
        out.append(rules.SLUG.at(node.loc, f"`{value}` is not a valid id: use lower-case "
                                 "letters, digits and hyphens, starting with a letter or digit"))
        return INVALID
    return value


def key_name(node: Node, out: list[Diagnostic]) -> str | _Invalid:
    """A name: lower-case letters, digits, ``_`` and ``-``, starting with a letter or digit."""
    value = text(node, out)
    if isinstance(value, str) and not KEY.match(value):
        out.append(rules.SLUG.at(node.loc, f"`{value}` is not a valid name: use lower-case "
                                 "letters, digits, `_` and `-`, starting with a letter or digit"))
        return INVALID
    return value


def timestamp(node: Node, out: list[Diagnostic]) -> datetime | _Invalid:
    """An ISO 8601 timestamp with an explicit offset or ``Z``, in the range every page can
    show (:mod:`statusgen.source.timestamps`)."""
    if not isinstance(node, Scalar) or node.type_name not in ("str", "timestamp"):
        return _wrong(node, f"a timestamp like {EXAMPLE}", out)
    found = check_timestamp(node.text, node.loc)
    if isinstance(found, Diagnostic):
        out.append(found)
        return INVALID
    return found


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def day(node: Node, out: list[Diagnostic]) -> date | _Invalid:
    """A calendar date, ``2026-04-07``."""
    if isinstance(node, Scalar) and node.type_name in ("str", "timestamp") and \
            _DATE.match(node.text):
        try:
            return date.fromisoformat(node.text)
        except ValueError:
            pass
    return _wrong(node, "a date like 2026-04-07", out)


def days(node: Node, out: list[Diagnostic]) -> tuple[date, ...] | _Invalid:
    """A list of dates, each once."""
    if not isinstance(node, Seq):
        return _wrong(node, "a list of dates like [2026-04-07]", out)
    read = [day(item, out) for item in node.items]
    found = tuple(d for d in read if isinstance(d, date))
    if len(found) < len(read):
        return INVALID
    for item, value in zip(node.items, found, strict=True):
        if found.count(value) > 1:
            out.append(rules.DUPLICATE_KEY.at(item.loc, f"{value} is listed twice; keep one"))
            return INVALID
    return found


_URL_PATH = re.compile(r"[A-Za-z0-9\-._~/%]*\Z")


def url(node: Node, out: list[Diagnostic]) -> str | _Invalid:
    """An absolute http(s) URL with a plain path: it is written into ``robots.txt``,
    ``_headers``, feeds and the API, so it may hold nothing any of them would read as
    syntax (no control character, space, query, fragment, user name or pattern)."""
    value = text(node, out)
    if not isinstance(value, str):
        return value
    value = value.strip()
    try:
        parts = urlsplit(value)
        _ = parts.port  # raises for a port that is not a number
    except ValueError:  # also "http://[::1": an unclosed IPv6 address
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problem = "is not an absolute http(s) URL"
    elif invisible(value) is not None or " " in value or "\t" in value:
        problem = "holds a space or an invisible character"
    elif parts.username is not None or parts.password is not None:
        problem = "holds a user name or password"
    elif parts.query or parts.fragment or "?" in value or "#" in value:
        problem = "has a query (`?`) or a fragment (`#`)"
    elif not _URL_PATH.match(parts.path) or "//" in parts.path:
        problem = "has a path with characters other than letters, digits, `-._~/` and `%`"
    else:
        return value if value.endswith("/") else value + "/"
    out.append(rules.PAGE_URL.at(node.loc, f"`{value.encode('unicode_escape').decode()}` {problem}; "
                                 "write it like https://status.example.com/ or https://example.com/status/"))
    return INVALID


def timezone(node: Node, out: list[Diagnostic]) -> str | _Invalid:
    """An IANA time zone name."""
    value = text(node, out)
    if isinstance(value, str):
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            # OSError: a folder of the zone database, such as `Europe`.
            names = sorted(zoneinfo.available_timezones())
            out.append(rules.TIMEZONE.at(node.loc, f"`{value}` is not an IANA time zone such as "
                                         f"Europe/Berlin{suggest(value, names)}"))
            return INVALID
    return value


def percentage(node: Node, out: list[Diagnostic]) -> float | _Invalid:
    """A percentage above 0 and at most 100, such as ``99.9``."""
    if isinstance(node, Scalar) and node.type_name in ("int", "float") and \
            isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        if not 0 < node.value <= 100:
            out.append(rules.TYPE.at(node.loc, f"`{node.text}` is not a percentage: give a number "
                                     "above 0 and at most 100, such as 99.9"))
            return INVALID
        return float(node.value)
    return _wrong(node, "a percentage such as 99.9", out)


_PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.#-]{0,19}\Z")


def reference_prefix(node: Node, out: list[Diagnostic]) -> str | _Invalid:
    """What every reference starts with: ``INC-``; letters, digits and ``-_.#``."""
    value = line(node, out)
    if isinstance(value, str) and not _PREFIX.match(value):
        out.append(rules.FIELD_DECLARATION.at(
            node.loc, f"`{value}` cannot start a reference: use up "
            "to 20 letters, digits and `-_.#`, starting with a letter or digit, such as "
            "INC-"))
        return INVALID
    return value


def web_link_problem(url: str) -> str | None:
    """Why ``url`` is not an absolute http(s) address a page may link to; ``None`` when it is.

    Decided on what a browser would read (trimmed, tabs and line breaks gone, also once
    percent-decoded), as :func:`statusgen.source.links.safe_final` decides.
    """
    found = scheme(url)
    if found not in ("http", "https"):
        return "is not an http or https address"
    try:
        parts = urlsplit(browser_form(url))
    except ValueError:
        return "is not an address a browser can read"
    if not parts.netloc or parts.username is not None or parts.password is not None:
        return "has no host, or holds a user name or password"
    if invisible(url) is not None or any(c.isspace() for c in url):
        return "holds a space or an invisible character"
    return None


def _unique(node: Seq, out: list[Diagnostic], read: Reader) -> list[tuple[str, Node]] | _Invalid:
    found: list[tuple[str, Node]] = []
    seen: set[str] = set()
    bad = False
    for item in node.items:
        value = read(item, out)
        if not isinstance(value, str):
            bad = True
        elif value in seen:
            out.append(rules.DUPLICATE_KEY.at(item.loc, f"`{value}` is listed twice; keep one"))
            bad = True
        else:
            seen.add(value)
            found.append((value, item))
    return INVALID if bad else found


def _declared(node: Node, out: list[Diagnostic], read: Reader,
              example: str) -> tuple[m.Declared, ...] | _Invalid:
    """A list of ids read by ``read``, each once and where it is written."""
    if not isinstance(node, Seq):
        return _wrong(node, f"a list of ids such as {example}", out)
    found = _unique(node, out, read)
    if isinstance(found, _Invalid):
        return found
    return tuple(m.Declared(loc=item.loc, id=value) for value, item in found)


def declared_ids(node: Node, out: list[Diagnostic]) -> tuple[m.Declared, ...] | _Invalid:
    """A list of names, each once: ``[lead, communications]``."""
    return _declared(node, out, key_name, "[lead, communications]")


def roles(node: Node, out: list[Diagnostic]) -> tuple[m.Role, ...] | _Invalid:
    """The declared roles, each once: a name (``lead``) or a ``role`` mapping."""
    def plain(item: Node) -> m.Role | _Invalid:
        name = key_name(item, out)
        return m.Role(loc=item.loc, id=name) if isinstance(name, str) else INVALID
    return _declarations(node, out, ROLE, plain, lambda r: r.id,
                         "a list of roles such as [lead, communications]")


def options(node: Node, out: list[Diagnostic]) -> tuple[m.Option, ...] | _Invalid:
    """The values a select field may take, each once: text (``eu``) or ``{value, sort_key}``;
    in the order they are shown: by ``sort_key``, then as written (those without one last)."""
    def plain(item: Node) -> m.Option | _Invalid:
        value = line(item, out)
        return m.Option(loc=item.loc, value=value) if isinstance(value, str) else INVALID
    found = _declarations(node, out, OPTION, plain, lambda o: o.value,
                          "a list of options such as [eu, us, ap]")
    if isinstance(found, _Invalid):
        return found
    # sorted() keeps the written order among equal keys.
    return tuple(sorted(found, key=lambda o: (o.sort_key is None, o.sort_key or 0)))


def _declarations(node: Node, out: list[Diagnostic], schema: Schema,
                  plain: Callable[[Node], Any], name_of: Callable[[Any], str],
                  expected: str) -> tuple[Any, ...] | _Invalid:
    """A list whose items are each a plain value (read by ``plain``) or a ``schema`` mapping;
    each listed once by ``name_of``."""
    if not isinstance(node, Seq):
        return _wrong(node, expected, out)
    found: list[Any] = []
    seen: set[str] = set()
    bad = False
    for item in node.items:
        read = parse_object(item, schema, out) if isinstance(item, Map) else plain(item)
        if read is INVALID:
            bad = True
            continue
        name = name_of(read)
        if name in seen:
            out.append(rules.DUPLICATE_KEY.at(item.loc, f"`{name}` is listed twice; keep one"))
            bad = True
        seen.add(name)
        found.append(read)
    return INVALID if bad else tuple(found)


def _mapping(node: Node, expected: str, out: list[Diagnostic],
             read: Callable[[Scalar, Node, str], Any]) -> tuple[Any, ...] | _Invalid:
    """``{id: value, …}``: each key an id, each value read by ``read(key, value, id)``."""
    if not isinstance(node, Map):
        return _wrong(node, expected, out)
    items = []
    for written, value in node.entries:
        name = key_name(written, out)
        items.append(read(written, value, name) if isinstance(name, str) else INVALID)
    if any(i is INVALID for i in items):
        return INVALID
    return tuple(items)


def assignments(node: Node, out: list[Diagnostic]) -> tuple[m.Assigned, ...] | _Invalid:
    """``{role: person, …}``."""
    def read(key: Scalar, value: Node, role: str) -> m.Assigned | _Invalid:
        person = line(value, out)
        if not isinstance(person, str):
            return person
        if not person:
            out.append(rules.EMPTY.at(value.loc, f"no one is named for `{role}`; name the person or "
                                      "remove the key"))
            return INVALID
        return m.Assigned(loc=key.loc, keys=(("person", value.loc),), role=role, person=person)
    return _mapping(node, "a mapping of roles to people, such as {lead: Dana}", out, read)


def named_times(node: Node, out: list[Diagnostic]) -> tuple[m.NamedTime, ...] | _Invalid:
    """``{name: timestamp, …}``."""
    def read(key: Scalar, value: Node, name: str) -> m.NamedTime | _Invalid:
        at = timestamp(value, out)
        if isinstance(at, _Invalid):
            return at
        return m.NamedTime(loc=key.loc, keys=(("at", value.loc),), name=name, at=at)
    return _mapping(node, "a mapping of names to timestamps, such as {detected: …}", out, read)


def _field_value(node: Node, key_loc: Location, field_id: str,
                 out: list[Diagnostic]) -> m.FieldEntry | _Invalid:
    where = (("value", node.loc),)
    if isinstance(node, Seq):
        items = [line(item, out) for item in node.items]
        if any(isinstance(i, _Invalid) for i in items):
            return INVALID
        return m.FieldEntry(loc=key_loc, keys=where, id=field_id,
                            items=tuple(i for i in items if isinstance(i, str)))
    if isinstance(node, Scalar) and node.type_name == "null":
        out.append(rules.EMPTY.at(node.loc, "no value given; give one or remove the key"))
        return INVALID
    value = line(node, out)
    if isinstance(value, _Invalid):
        return value
    return m.FieldEntry(loc=key_loc, keys=where, id=field_id, value=value)


def field_entries(node: Node, out: list[Diagnostic]) -> tuple[m.FieldEntry, ...] | _Invalid:
    """``{field: value, …}``: text, a number, or a list of options."""
    def read(key: Scalar, value: Node, field_id: str) -> m.FieldEntry | _Invalid:
        return _field_value(value, key.loc, field_id, out)
    return _mapping(node, "a mapping of custom field ids to values, such as {team: payments}", out,
                    read)


def parse_object(node: Node, schema: Schema, out: list[Diagnostic]) -> Any:
    """Read a mapping against ``schema``: every unknown, missing or bad key is reported.

    Returns the built object, or the dict of values when the schema has no
    ``build``; ``INVALID`` when anything was wrong.
    """
    if not isinstance(node, Map):
        return _wrong(node, f"a mapping of {schema.name} keys", out)
    before = len(out)
    fields = schema.by_name
    values: dict[str, Any] = {}
    keys: list[tuple[str, Location]] = []
    for key, value in node.entries:
        name = str(key.value)
        found = fields.get(name)
        if found is None:
            names = list(fields)
            out.append(rules.UNKNOWN_KEY.at(key.loc, f"unknown key `{name}` in {schema.name}"
                                            f"{suggest(name, names)}; valid keys: {', '.join(names)}"))
            continue
        if not found.required and isinstance(value, Scalar) and value.comment is not None:
            # `description: # TODO` leaves an optional key empty on purpose; only a
            # required value (a title, a message) lost to a comment is a mistake.
            value = value._replace(comment=None)
        read = found.read(value, out)
        keys.append((name, value.loc))
        if read is not INVALID:
            values[name] = read
    written = {k for k, _ in keys}
    for f in schema.fields:
        if f.required and f.name not in written:
            example = f", for example `{f.name}: {f.example}`" if f.example else ""
            out.append(rules.REQUIRED.at(node.loc, f"{schema.name} is missing `{f.name}` "
                                         f"({f.type}); add it{example}"))
    if len(out) > before:
        return INVALID
    if schema.build is None:
        return values
    return schema.build(values, node.loc, tuple(keys))


def nested(schema: Schema) -> Reader:
    def read(node: Node, out: list[Diagnostic]) -> Any:
        return parse_object(node, schema, out)
    return read


def list_of(schema: Schema, *, non_empty: bool) -> Reader:
    def read(node: Node, out: list[Diagnostic]) -> tuple[Any, ...] | _Invalid:
        if not isinstance(node, Seq):
            return _wrong(node, f"a list of {schema.name} entries", out)
        if non_empty and not node.items:
            out.append(rules.REQUIRED.at(node.loc, f"add at least one {schema.name}"))
            return INVALID
        items = [parse_object(item, schema, out) for item in node.items]
        if any(i is INVALID for i in items):
            return INVALID
        return tuple(items)
    return read


_level = choice(m.Level)


def component_refs(node: Node, out: list[Diagnostic]) -> tuple[m.ComponentRef, ...] | _Invalid:
    """``{id: level, ...}``, or ``[id, ...]`` where the level is implied (maintenance)."""
    refs: list[m.ComponentRef | _Invalid] = []
    if isinstance(node, Map):
        for key, value in node.entries:
            cid, level = slug(key, out), _level(value, out)
            refs.append(m.ComponentRef(loc=key.loc, keys=(("level", value.loc),),
                                       id=cid, level=level)
                        if isinstance(cid, str) and isinstance(level, m.Level) else INVALID)
    elif isinstance(node, Seq):
        seen: set[str] = set()
        for item in node.items:
            cid = slug(item, out)
            if isinstance(cid, str) and cid in seen:
                out.append(rules.DUPLICATE_KEY.at(item.loc, f"`{cid}` is listed twice; keep one"))
                cid = INVALID
            if isinstance(cid, str):
                seen.add(cid)
            refs.append(m.ComponentRef(loc=item.loc, id=cid, level=None)
                        if isinstance(cid, str) else INVALID)
    else:
        return _wrong(node, "a mapping of component ids to levels", out)
    if any(r is INVALID for r in refs):
        return INVALID
    return tuple(r for r in refs if isinstance(r, m.ComponentRef))


def labels(node: Node, out: list[Diagnostic]) -> tuple[tuple[str, str], ...] | _Invalid:
    """``{name: value, ...}``: at least one label, each value text (numbers as written)."""
    if not isinstance(node, Map):
        return _wrong(node, "a mapping of label names to values", out)
    if not node.entries:
        out.append(rules.REQUIRED.at(node.loc, "add at least one label to match, such as "
                                     "`{alertname: ApiDown}`; an empty `match` would match every alert"))
        return INVALID
    pairs: list[tuple[str, str]] = []
    for key, value in node.entries:
        read = text(value, out)
        if not isinstance(read, str):
            return INVALID
        pairs.append((str(key.value), read))
    return tuple(pairs)


_DURATION = re.compile(r"([0-9]{1,6})([smhd])\Z")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def duration(node: Node, out: list[Diagnostic]) -> int | _Invalid:
    """A duration such as ``90s``, ``5m``, ``2h`` or ``1d`` (or ``0``), as seconds."""
    if isinstance(node, Scalar) and node.type_name == "int" and node.value == 0:
        return 0
    found = _DURATION.match(node.text) if isinstance(node, Scalar) and node.type_name == "str" else None
    if found is None:
        out.append(rules.DURATION.at(node.loc, "write a duration as a whole number and a unit: "
                                     "`90s`, `5m`, `2h` or `1d` (or `0`)"))
        return INVALID
    return int(found.group(1)) * _SECONDS[found.group(2)]


def monitor_kinds(node: Node, out: list[Diagnostic]) -> tuple[str, ...] | _Invalid:
    """One monitoring tool (``alertmanager``) or a list of them."""
    items = node.items if isinstance(node, Seq) else [node]
    kinds: list[str] = []
    for item in items:
        if not isinstance(item, Scalar) or item.type_name != "str":
            return _wrong(item, "one of " + ", ".join(m.MONITOR_KINDS), out)
        if item.text not in m.MONITOR_KINDS:
            out.append(rules.CHOICE.at(
                item.loc, f"`{item.text}` is not one of "
                f"{', '.join(m.MONITOR_KINDS)}{suggest(item.text, list(m.MONITOR_KINDS))}"))
            return INVALID
        kinds.append(item.text)
    return tuple(kinds)


_SERVICE_ID = re.compile(r"[1-9][0-9]{0,14}\Z")


def services(node: Node, out: list[Diagnostic]) -> tuple[m.ApiService, ...] | _Invalid:
    """``{1234: api, …}``: each key a service id (a whole number), each value a component id."""
    if not isinstance(node, Map):
        return _wrong(node, "a mapping of service ids to component ids, such as {1234: api}", out)
    found: list[m.ApiService] = []
    bad = False
    for key, value in node.entries:
        # Keys are read as text: a service id is written as plain digits.
        if not _SERVICE_ID.match(key.text):
            out.append(rules.SERVICE_ID.at(
                key.loc, f"`{key.text}` is not a service id; write the create-incident API's "
                "`service_id`, a whole number such as 1234"))
            bad = True
            continue
        component = slug(value, out)
        if not isinstance(component, str):
            bad = True
            continue
        found.append(m.ApiService(loc=key.loc, id=int(key.text), component=component))
    return INVALID if bad else tuple(found)


def creator(node: Node, out: list[Diagnostic]) -> m.Creator | _Invalid:
    """``{user: Dana}``: one key, the kind of creator, and its name."""
    kinds = [k.value for k in m.CreatorKind]
    expected = "a mapping of one key, " + ", ".join(kinds) + ", to a name, such as {user: Dana}"
    if not isinstance(node, Map) or len(node.entries) != 1:
        if isinstance(node, Map):
            out.append(rules.TYPE.at(node.loc, f"expected {expected}; found {len(node.entries)} keys"))
            return INVALID
        return _wrong(node, expected, out)
    key, value = node.entries[0]
    if key.text not in kinds:
        out.append(rules.CHOICE.at(key.loc, f"`{key.text}` is not a kind of creator; use one of "
                                   f"{', '.join(kinds)}{suggest(key.text, kinds)}"))
        return INVALID
    name = line(value, out)
    if not isinstance(name, str):
        return name
    if not name:
        out.append(rules.EMPTY.at(value.loc, f"no name is given for the {key.text}; name it or "
                                  "remove `creator`"))
        return INVALID
    return m.Creator(loc=key.loc, keys=(("name", value.loc),), kind=m.CreatorKind(key.text),
                     name=name)


def _builder(cls: type[Any], **renames: str) -> Callable[..., Any]:
    def build(values: dict[str, Any], loc: Location, keys: tuple[tuple[str, Location], ...]) -> Any:
        args = {renames.get(k, k): v for k, v in values.items()}
        return cls(loc=loc, keys=keys, **args)
    return build


PAGE = Schema("page", (
    Field("title", "text", "The page's name, shown in every title.", line, required=True,
          example="Acme Status"),
    Field("url", "URL", "The absolute address the site is published at; may have a path.",
          url, required=True, example="https://status.acme.example/"),
    Field("description", "text", "One sentence under the title and in feeds.", line,
          default='""', example="Live status of Acme services"),
    Field("timezone", "IANA zone", "The zone times are shown in and uptime days are cut in.",
          timezone, default="UTC", example="Europe/Berlin"),
    Field("keep_resolved_days", "whole number",
          "How many days a resolved incident stays on the front page.", integer(0),
          default="7", example="7"),
    Field("uptime_days", "whole number", "How many days the uptime bars cover.", integer(1),
          default="90", example="90"),
    Field("theme", "text", "A folder under `themes/`; missing files fall back to `default`.",
          slug, default="default", example="default"),
    Field("language", "language", "The language of every word and date on the page, feeds "
          "and badges: one statusgen ships (see docs/languages.md) or a regional form of one "
          "(`de-AT`, `en-US`).", language, default="en", example="de"),
    Field("languages", "list of languages", "Build the site in several languages: the first "
          "at the top, each other under `/<language>/`, linked to each other. `language`, when "
          "given too, is the one at the top.", languages, default="[language]", example="[en, de]"),
    Field("cname", "true/false", "Write a `CNAME` file naming `url`'s host, which GitHub Pages "
          "reads for a custom domain, when `url` is on one (not `*.github.io`, no path); "
          "`false` leaves it out (see docs/deploy.md).", boolean, default="true",
          example="false"),
), lambda values, loc, keys: _page(values, loc, keys))


def _page(values: dict[str, Any], loc: Location, keys: tuple[tuple[str, Location], ...]) -> Any:
    """The page; ``languages`` decides ``language`` when only it is written."""
    several: tuple[str, ...] = values.get("languages", ())
    if several:
        first = values.get("language", several[0])
        others = tuple(t for t in several if t.lower() != first.lower())
        values = {**values, "language": first, "languages": (first, *others)}
    return m.Page(loc=loc, keys=keys, **values)

UPSTREAM = Schema("upstream", (
    Field("statuspage", "URL", "A status page on Atlassian Statuspage (its public API v2, "
          "`api/v2/summary.json`).", url, default="none", example="https://www.githubstatus.com"),
    Field("instatus", "URL", "A status page on Instatus (its public `summary.json` and "
          "`v2/components.json`).", url, default="none", example="https://status.example.com"),
    Field("component", "text", "The provider's component, by the name its page shows; leave "
          "out to follow the provider's whole page.", line, default='""', example="Actions"),
    Field("name", "text", "The provider's name in \"Status from …\"; the name its page gives "
          "by default.", line, default='""', example="GitHub"),
), lambda values, loc, keys: _upstream(values, loc, keys))


def _upstream(values: dict[str, Any], loc: Location, keys: tuple[tuple[str, Location], ...]) -> Any:
    """An upstream: exactly one of the formats, with its address."""
    pages = [kind for kind in m.UpstreamKind if kind.value in values]
    if len(pages) != 1:
        where = "both `statuspage` and `instatus`" if pages else "no status page"
        return _Bad(rules.UPSTREAM.at(loc, f"upstream names {where}; write one of "
                                      "`statuspage: URL` or `instatus: URL`"))
    kind = pages[0]
    return m.Upstream(loc=loc, keys=keys, kind=kind, url=values[kind.value],
                      component=values.get("component", ""), name=values.get("name", ""))


@dataclass(frozen=True)
class _Bad:
    """A built object refused after its keys were read: the diagnostic saying why."""

    diagnostic: Diagnostic


def _checked(schema: Schema) -> Reader:
    """:func:`nested`, for a schema whose build may refuse the object (:class:`_Bad`)."""
    def read(node: Node, out: list[Diagnostic]) -> Any:
        built = parse_object(node, schema, out)
        if isinstance(built, _Bad):
            out.append(built.diagnostic)
            return INVALID
        return built
    return read


MEMBER = Schema("component", (
    Field("id", "id", "A stable slug, unique in the file; it appears in URLs.", slug,
          required=True, example="db"),
    Field("name", "text", "The name readers see.", line, required=True, example="Database"),
    Field("description", "text", "One sentence shown under the name.", line, default='""',
          example="PostgreSQL cluster"),
    Field("sla", "percentage", "An uptime target in percent; the reliability reports say whether "
          "each period met it.", percentage, default="none", example="99.9"),
    Field("retired", "boolean", "The component is gone: the front page leaves it out (a group "
          "with all its members); its own page and the entries naming it stay.", boolean,
          default="false", example="true"),
    Field("upstream", "mapping", "Read this component's level from a third party's status page "
          "at build time: `{statuspage: URL, component: NAME}` or `{instatus: URL, component: "
          "NAME}`; see docs/upstream.md.", _checked(UPSTREAM), default="none",
          example="{statuspage: https://www.githubstatus.com, component: Actions}"),
    Field("only_show_if_degraded", "boolean", "The front page shows the component only while it "
          "is not operational (Statuspage's option of the same name); its own page stays.",
          boolean, default="false", example="true"),
    Field("start_date", "date", "The day the component went into service, in the page's zone: "
          "its uptime counts from then, and its bar shows no data before.", day,
          default="none", example="2026-09-01"),
), _builder(m.Component))


def _members(node: Node, out: list[Diagnostic]) -> Any:
    if isinstance(node, Seq):
        for item in node.items:
            keys = [k for k, _ in item.entries if k.value == "components"] if isinstance(item, Map) else []
            if keys:
                out.append(rules.GROUP_DEPTH.at(keys[0].loc, "groups are one level deep: a "
                                                "group's member cannot have its own `components`"))
                return INVALID
    return list_of(MEMBER, non_empty=True)(node, out)


COMPONENT = Schema("component", (
    *MEMBER.fields,
    Field("components", "list of components",
          "Makes this entry a group: its members, each with `id`, `name` and `description`. "
          "A group's status is the worst of its members'.", _members, default="none",
          example="[{id: db, name: Database}]"),
), _builder(m.Component, components="members"))

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def env_name(node: Node, out: list[Diagnostic]) -> str | _Invalid:
    """The name of an environment variable, never its value: a URL or a password pasted in
    its place would be committed for everyone to read."""
    value = line(node, out)
    if isinstance(value, str) and not _ENV_NAME.match(value):
        pasted = "://" in value or "@" in value or len(value) > 40
        hint = (" This looks like the value itself: put it in a repository secret and write "
                "the secret's name here, such as SLACK_STATUS_WEBHOOK." if pasted else
                " Use letters, digits and `_`, such as SLACK_STATUS_WEBHOOK.")
        out.append(rules.CHANNEL.at(node.loc, "this is the name of an environment variable, "
                                    f"not a value.{hint}"))
        return INVALID
    return value


def address(node: Node, out: list[Diagnostic]) -> str | _Invalid:
    """An email address, alone or with a name: ``status@acme.example``,
    ``Acme Status <status@acme.example>``."""
    value = line(node, out)
    if not isinstance(value, str):
        return value
    _, mailbox = parseaddr(value)
    local, at, domain = mailbox.rpartition("@")
    if not at or not local or "." not in domain or any(c in mailbox for c in " ,;<>\\"):
        out.append(rules.CHANNEL.at(node.loc, f"`{value}` is not an email address; write it "
                                    "like status@acme.example or `Acme Status <status@acme.example>`"))
        return INVALID
    return value


def id_list(node: Node, out: list[Diagnostic]) -> tuple[m.ComponentRef, ...] | _Invalid:
    """``[id, ...]``: component ids, each where it is written."""
    if not isinstance(node, Seq):
        return _wrong(node, "a list of component ids, such as [api, platform]", out)
    return component_refs(node, out)


def kinds(node: Node, out: list[Diagnostic]) -> tuple[m.Kind, ...] | _Invalid:
    """``[incident, maintenance]``, either or both."""
    if not isinstance(node, Seq) or not node.items:
        return _wrong(node, "a list of incident, maintenance or both", out)
    read = choice(m.Kind)
    found = [read(item, out) for item in node.items]
    if any(not isinstance(k, m.Kind) for k in found):
        return INVALID
    return tuple(dict.fromkeys(k for k in found if isinstance(k, m.Kind)))


CHANNEL = Schema("channel", (
    Field("id", "id", "A stable slug naming the channel in the send log and in reports; "
          "renamed, it is a new channel, whose first run sends nothing.", slug, required=True,
          example="team-slack"),
    Field("type", "channel type", "slack, discord or teams (their incoming webhooks), webhook "
          "(Statuspage's webhook JSON, signed) or email.", choice(m.ChannelType), required=True,
          example="slack"),
    Field("url_env", "variable name", "slack, discord, teams and webhook: the environment "
          "variable (a repository secret) holding the webhook's URL; never the URL itself.",
          env_name, default='""', example="SLACK_STATUS_WEBHOOK"),
    Field("secret_env", "variable name", "webhook only, optional: the variable holding the key "
          "that signs each body (HMAC-SHA256, in `X-Statusgen-Signature`).", env_name,
          default='""', example="PARTNER_WEBHOOK_SECRET"),
    Field("smtp_env", "variable name", "email: the variable holding the mail server, "
          "`smtps://user:password@host:465` or `smtp://user:password@host:587` (STARTTLS).",
          env_name, default='""', example="STATUS_SMTP_URL"),
    Field("from", "email address", "email: the address messages are sent from.", address,
          default='""', example="status@acme.example"),
    Field("to_env", "variable name", "email: the variable holding the recipients: addresses "
          "separated by commas, or the path of a file of them (one or more a line, `#` "
          "comments).", env_name, default='""', example="STATUS_SUBSCRIBERS"),
    Field("components", "list of ids", "Only entries that touch one of these components (a "
          "group means its members), and entries that name no component (page-wide).",
          id_list, default="all", example="[api, platform]"),
    Field("events", "list", "`incident`, `maintenance` or both.", kinds,
          default="[incident, maintenance]", example="[incident]"),
    Field("retrospective", "true/false", "Also send `mode: retrospective` entries, which are "
          "written after the fact.", boolean, default="false", example="true"),
    Field("reminder", "minutes", "How long before a maintenance starts to send a reminder; 0 "
          "for none.", integer(0), default="60", example="1440"),
    Field("internal", "true/false", "The team's own chat or webhook: also sent internal entries "
          "and internal updates, each marked internal. Not for email, whose list is readers'.",
          boolean, default="false", example="true"),
), _builder(m.Channel, **{"from": "sender"}))
MONITOR = Schema("monitor", (
    Field("match", "mapping", "Labels (or the tool's fields) that must all have these values for "
          "an alert to open the incident: `{alertname: ApiDown}`.", labels, required=True,
          example="{alertname: ApiDown}"),
    Field("title", "text", "The incident's title: what readers see, never the alert's own text.",
          line, required=True, example="Public API unavailable"),
    Field("message", "Markdown", "The incident's first public update.", markdown_text,
          required=True, example="We are investigating errors on the public API."),
    Field("resolve_message", "Markdown", "The public update that resolves the incident when the "
          "alert resolves.", markdown_text, default=f'"{m.DEFAULT_RESOLVE_MESSAGE}"',
          example="The API is answering normally again."),
    Field("component", "id", "The component the incident affects; leave out for a page-wide "
          "incident.", slug, default="none", example="api"),
    Field("level", "level", "The component's level while the incident is open: "
          "degraded_performance, partial_outage or major_outage.", choice(m.Level),
          default="partial_outage", example="major_outage"),
    Field("impact", "impact", "none, minor, major or critical.", choice(m.Impact),
          default="minor", example="major"),
    Field("after", "duration", "Open the incident only once the alert has fired this long "
          "(`90s`, `5m`, `1h`): a flap guard. Needs the alert's start time, which Alertmanager, "
          "Grafana and Uptime Kuma send.", duration, default="0", example="5m"),
    Field("from", "tool or list", "Read only alerts from these tools: alertmanager, grafana, "
          "gatus, uptime-kuma, generic.", monitor_kinds, default="every tool",
          example="alertmanager"),
), _builder(m.MonitorRule, **{"from": "sources"}))

API = Schema("api", (
    Field("services", "mapping", "`{service_id: component id}`: the component a create-incident "
          "request's `service_id` names (docs/monitors.md). An id not listed is refused; "
          "without `services`, `service_id` is ignored.", services, default="none",
          example="{1234: api}"),
), _builder(m.ApiSettings))

SUBSCRIPTIONS = Schema("subscriptions", (
    Field("url", "URL", "The public address of the subscriptions service (`statusgen subscribers "
          "serve`): readers sign up there, and `statusgen notify` posts each public update to its "
          "`api/events`.", url, required=True, example="https://subscribe.status.acme.example/"),
    Field("from", "email address", "The address the service's mail is sent from.", address,
          required=True, example="status@acme.example"),
    Field("smtp_env", "variable name", "The variable holding the mail server the service sends "
          "through, `smtps://user:password@host:465` or `smtp://user:password@host:587`.",
          env_name, required=True, example="STATUS_SMTP_URL"),
), _builder(m.Subscriptions, **{"from": "sender"}))

REFERENCE = Schema("reference", (
    Field("prefix", "text", "What every reference starts with; a number follows (`INC-123`).",
          reference_prefix, required=True, example="INC-"),
    Field("maintenance_prefix", "text", "What a maintenance's reference starts with (`MNT-7`); "
          "without it maintenance carries no reference.", reference_prefix, default="none",
          example="MNT-"),
), _builder(m.ReferenceForm))

SEVERITY = Schema("severity", (
    Field("id", "id", "What an incident's `severity` names.", slug, required=True, example="sev1"),
    Field("name", "text", "The name readers see.", line, required=True, example="Critical"),
    Field("rank", "whole number", "1 is the most severe; each severity has its own rank.",
          integer(1), required=True, example="1"),
    Field("description", "text", "When to choose it, for the team; only in the internal "
          "build.", line, default='""', example="Customers cannot use a core feature"),
), _builder(m.SeverityLevel))

CUSTOM_FIELD = Schema("custom field", (
    Field("id", "name", "The key under an incident's `fields`.", key_name, required=True,
          example="region"),
    Field("type", "field type", "text, number, link (an http or https address), single_select "
          "(one of `options`) or multi_select (a list of `options`).", choice(m.FieldType),
          required=True, example="multi_select"),
    Field("name", "text", "The name readers see.", line, default="the id in words",
          example="Region"),
    Field("description", "text", "What the field records, for the team; only in the internal "
          "build.", line, default='""', example="Where affected customers are"),
    Field("options", "list of options", "The values a select field may take, each text or an "
          "`option` (see below); select fields only. Shown in `sort_key` order, then as written.",
          options, default="none", example="[eu, us, ap]"),
    Field("public", "true/false", "Shown on the public incident page and in the API; otherwise "
          "only in the team's internal build.", boolean, default="false", example="true"),
), _builder(m.CustomField))

OPTION = Schema("option", (
    Field("value", "text", "The value, as incidents write it.", line, required=True,
          example="eu"),
    Field("sort_key", "whole number", "Options are shown by it, lowest first; options without "
          "one follow, as written.", integer(0), default="none", example="10"),
), _builder(m.Option))

ROLE = Schema("role", (
    Field("id", "name", "The key under an incident's `roles`.", key_name, required=True,
          example="lead"),
    Field("description", "text", "What the person in it does; only in the internal build.", line,
          default='""', example="Coordinates the response"),
    Field("required", "true/false", "Every incident (not maintenance) should have someone in it: "
          "`statusgen validate` warns about an incident without.", boolean, default="false",
          example="true"),
), _builder(m.Role))

INCIDENT_TYPE = Schema("incident type", (
    Field("id", "id", "What an incident's `incident_type` names.", slug, required=True,
          example="security"),
    Field("name", "text", "The name the API shows.", line, required=True, example="Security"),
    Field("description", "text", "When to choose it, for the team; only in the internal build.",
          line, default='""', example="Data may have been exposed"),
), _builder(m.IncidentType))

INCIDENT_FIELDS = Schema("incident_fields", (
    Field("reference", "mapping", "`{prefix: INC-}`: incidents may carry a `reference` of that "
          "form; every command that writes a new incident (`new`, `new --from-json`, the relay's "
          "workflow, `ingest`, `import`) assigns the next free number.", nested(REFERENCE),
          default="none", example="{prefix: INC-}"),
    Field("severities", "list of severities", "The severities an incident's `severity` may "
          "name: see `severity` below.", list_of(SEVERITY, non_empty=True), default="none"),
    Field("roles", "list of roles", "The roles people hold in an incident: a name (`lead`) or a "
          "`role` (see below); who held them is internal, never published.", roles, default="none",
          example="[lead, communications]"),
    Field("timestamps", "list of names", "Named moments of an incident, in the order they happen. "
          "`impact_started` and `mitigated` feed the duration metrics.", declared_ids,
          default="none", example="[impact_started, detected, mitigated]"),
    Field("custom", "list of custom fields", "The team's own fields: see `custom field` below.",
          list_of(CUSTOM_FIELD, non_empty=True), default="none"),
    Field("types", "list of incident types", "The kinds of incident an incident's "
          "`incident_type` may name: see `incident type` below.",
          list_of(INCIDENT_TYPE, non_empty=True), default="none"),
), _builder(m.IncidentFields))

def slugs(node: Node, out: list[Diagnostic]) -> tuple[m.Declared, ...] | _Invalid:
    """A list of ids, each once and where it is written: ``[acme-corp]``."""
    return _declared(node, out, slug, "[acme-corp]")


AUDIENCE = Schema("audience", (
    Field("id", "id", "A stable slug: `statusgen build --audience ID`, and what an incident's "
          "`audiences` names.", slug, required=True, example="acme-corp"),
    Field("name", "text", "Who it is for, as the team calls them.", line, required=True,
          example="Acme Corp"),
    Field("components", "list of ids", "The components its page shows; a group id means all "
          "its members.", id_list, required=True, example="[api, db]"),
    Field("url", "URL", "Where its site is served, in place of `page.url`.", url,
          default="page.url", example="https://status.acme.example/acme-corp/"),
), _builder(m.Audience))

CONFIG = Schema("components.yml", (
    Field("page", "mapping", "The page's settings: see `page` below.", nested(PAGE), required=True),
    Field("components", "list of components", "The components in the order the page shows "
          "them: see the component table below.", list_of(COMPONENT, non_empty=True),
          required=True),
    Field("notify", "list of channels", "Where `statusgen notify` sends each public update: "
          "see [notifications](#notify) below and docs/notifications.md.",
          list_of(CHANNEL, non_empty=False), default="none"),
    Field("monitors", "list of monitor rules", "Rules that turn monitors' alerts into incidents "
          "(`statusgen ingest`): see the monitor table below.", list_of(MONITOR, non_empty=False),
          default="none"),
    Field("api", "mapping", "How create-incident requests (`statusgen new --from-json`, "
          "`statusgen relay`) name this page's components: see `api` below.", nested(API),
          default="none"),
    Field("subscriptions", "mapping", "Readers subscribe by email or webhook through a service "
          "of yours: see `subscriptions` below and docs/subscriptions.md.", nested(SUBSCRIPTIONS),
          default="none"),
    Field("incident_fields", "mapping", "What incidents record besides their timeline: "
          "references, severities, roles, named timestamps, custom fields; see "
          "`incident_fields` below.", nested(INCIDENT_FIELDS), default="none"),
    Field("audiences", "list of audiences", "Pages of their own for some readers (a key "
          "customer), each built with `statusgen build --audience ID`: see `audience` below "
          "and docs/audiences.md.", list_of(AUDIENCE, non_empty=False), default="none"),
), _builder(m.Config))

FOLLOW_UP = Schema("follow-up", (
    Field("title", "text", "What is to be done.", line, required=True,
          example="Alert on connection pool saturation"),
    Field("owner", "text", "Who does it.", line, default='""', example="Dana Ruiz"),
    Field("status", "follow-up status", "outstanding, completed or not_doing.",
          choice(m.FollowUpStatus), default="outstanding", example="completed"),
    Field("link", "URL", "An http(s) link to the ticket.", line, default='""',
          example="https://tracker.acme.example/OPS-8"),
), _builder(m.FollowUp))

WINDOW = Schema("window", (
    Field("start", "timestamp", "When the maintenance begins.", timestamp, required=True,
          example="2026-11-30T02:00:00Z"),
    Field("end", "timestamp", "When it is planned to end; after `start`.", timestamp,
          required=True, example="2026-11-30T04:00:00Z"),
), _builder(m.Window))


def _next_update(node: Node, out: list[Diagnostic]) -> int | datetime | _Invalid:
    """A duration (seconds after the update's ``at``) or a timestamp."""
    if isinstance(node, Scalar) and (node.type_name == "timestamp" or
                                     (node.type_name == "str" and not _DURATION.match(node.text))):
        return timestamp(node, out)
    return duration(node, out)


ACKNOWLEDGED = Schema("acknowledged", (
    Field("at", "timestamp", "When someone took ownership, with a zone.", timestamp,
          required=True, example="2026-11-22T06:55:00Z"),
    Field("by", "text", "Who took it.", line, default='""', example="Dana Ruiz"),
), _builder(m.Acknowledgement))

UPDATE = Schema("update", (
    Field("at", "timestamp", "When the update was posted, with a zone (`Z` or `+01:00`).",
          timestamp, required=True, example="2026-11-22T10:42:00Z"),
    Field("status", "status", "investigating, identified, monitoring or resolved for "
          "incidents; scheduled, in_progress, verifying or completed for maintenance.",
          choice(m.Status), required=True, example="identified"),
    Field("message", "Markdown", "What readers should know; Markdown, raw HTML is not shown. "
          "Or the message in each language, `{en: …, de: …}`: a language without its own "
          "shows the default language's (see docs/languages.md).",
          message, required=True, example="We are investigating elevated error rates."),
    Field("internal", "true/false", "Shown only in the team's internal build, never in public.",
          boolean, default="false", example="true"),
    Field("components", "mapping", "Component levels from this update on (incidents only); "
          "leave out to keep the previous ones.", component_refs, default="unchanged",
          example="{api: degraded_performance}"),
    Field("notify", "true/false", "`false`: published, but sent to no notification channel "
          "(`--no-notify`).", boolean, default="true", example="false"),
    Field("next_update", "duration or timestamp", "When the next update will come: a duration "
          "after `at` (`30m`, `2h`) or a timestamp. The page shows \"Next update by 14:30\" "
          "while the entry is open; `validate` warns once it has passed without a newer update.",
          _next_update, default="none", example="30m"),
    Field("occurrence", "date", "Recurring maintenance only: the date (in the page's zone) of "
          "the one occurrence this update is about; without it the update announces the series "
          "and is `scheduled`.", day, default="none", example="2026-04-14"),
), lambda values, loc, keys: _update(values, loc, keys))


def _update(values: dict[str, Any], loc: Location, keys: tuple[tuple[str, Location], ...]) -> Any:
    """An update; a message written per language keeps its first one as ``message``, and a
    ``next_update`` written as a duration is counted from ``at``."""
    written = values.get("message")
    if isinstance(written, tuple):
        values = {**values, "message": written[0][1], "translations": written}
    after = values.get("next_update")
    if isinstance(after, int):
        values = {**values, "next_update": values["at"] + timedelta(seconds=after)
                  if "at" in values else None}
    return m.Update(loc=loc, keys=keys, **values)

INCIDENT = Schema("incident", (
    Field("kind", "incident/maintenance", "`maintenance` for scheduled work.",
          choice(m.Kind), default="incident", example="maintenance"),
    Field("title", "text", "A short headline readers understand.", line, required=True,
          example="Elevated API response times"),
    Field("impact", "impact", "none, minor, major or critical; required for incidents.",
          choice(m.Impact), default="none (maintenance)", example="major"),
    Field("components", "mapping or list", "Incidents: `{id: level}` with level "
          "degraded_performance, partial_outage or major_outage; leave out for a page-wide "
          "incident. Maintenance: a list of ids, under maintenance during the window. A group "
          "id means all its members.", component_refs, default="none",
          example="{api: partial_outage}"),
    Field("visibility", "public/internal", "`internal` entries appear only in the team's "
          "internal build: never in the public site, feeds or API.", choice(m.Visibility),
          default="public", example="internal"),
    Field("mode", "standard/test/retrospective", "`test`: a drill, validated but never "
          "published. `retrospective`: written after the fact, never announced; must be "
          "resolved.", choice(m.Mode), default="standard", example="retrospective"),
    Field("window", "mapping", "Maintenance only, required there: `{start, end}` timestamps.",
          nested(WINDOW), default="none", example="{start: …, end: …}"),
    Field("repeat", "RRULE", "Maintenance only: repeat the window by an RFC 5545 rule "
          "(`FREQ=DAILY`, `WEEKLY`, `MONTHLY` or `YEARLY`, with `BYDAY`, `INTERVAL`, `COUNT` or "
          "`UNTIL` …); the window is the first occurrence and gives each one's length, in the "
          "page's zone.", line, default="none", example="FREQ=WEEKLY;BYDAY=TU"),
    Field("except", "list of dates", "Recurring maintenance only: dates (in the page's zone) "
          "of occurrences that do not take place.", days, default="none",
          example="[2026-04-07, 2026-12-29]"),
    Field("audiences", "list of ids", "Audiences (declared in `components.yml`) alone who see "
          "the entry, in their builds (`build --audience ID`); it then stays out of the public "
          "build, its feeds, API and notifications.", slugs, default="none",
          example="[acme-corp]"),
    Field("source", "text", "Where the entry came from when a tool wrote it: the importer's or the "
          "monitor's key (`statuspage/z3lct0r596n4`, `alertmanager/<group key>`), so that the "
          "same import or alert updates this file instead of writing another. Unique.",
          line, default='""', example="statuspage/z3lct0r596n4"),
    Field("creator", "mapping", "Who or what opened the incident: `{user: NAME}`, `{alert: "
          "MONITOR}`, `{api_key: NAME}` or `{workflow: NAME}`; the commands that write a new "
          "incident record it. Internal: never published.", creator, default="read from `source`",
          example="{user: Dana Ruiz}"),
    Field("reference", "text", "What people call the incident (`INC-123`), in the form "
          "`incident_fields.reference` declares; unique.", line, default='""', example="INC-42"),
    Field("severity", "id", "A severity `incident_fields.severities` declares; shown with its name.",
          slug, default="none", example="sev2"),
    Field("roles", "mapping", "Who held each declared role: `{lead: Dana}`. Internal: never "
          "published.", assignments, default="none", example="{lead: Dana Ruiz}"),
    Field("timestamps", "mapping", "Declared named moments, with a zone: `{detected: …}`; in "
          "their declared order, and not after the `resolved` update.", named_times,
          default="none", example="{detected: 2026-11-22T06:50:00Z}"),
    Field("fields", "mapping", "Values of the declared custom fields, each of its type: "
          "`{region: [eu]}`. Only public fields are published.", field_entries, default="none",
          example="{region: [eu], team: platform}"),
    Field("postmortem_url", "URL", "An http(s) link to the post-mortem document, shown on the "
          "incident's page.", line, default='""', example="https://docs.acme.example/pm/42"),
    Field("external_issue", "URL", "An http(s) link to the follow-up ticket. Internal: never "
          "published.", line, default='""', example="https://tracker.acme.example/OPS-7"),
    Field("incident_type", "id", "An incident type `incident_fields.types` declares.", slug,
          default="none", example="security"),
    Field("stage", "stage", "`triage`: not yet accepted, shown only in the internal build, "
          "never announced, until the key is removed; `declined`: never accepted, stays internal. "
          "After the `resolved` update, `learning` while the follow-ups are worked on, then "
          "`closed`. Incidents only.", choice(m.Stage), default="none (live, then closed)",
          example="learning"),
    Field("call_url", "URL", "An http(s) link to the incident call. Internal: never published.",
          line, default='""', example="https://meet.acme.example/inc-42"),
    Field("debrief", "URL", "An http(s) link to the debrief's notes. Internal: never "
          "published; the API says `has_debrief`.", line, default='""',
          example="https://docs.acme.example/debrief/42"),
    Field("follow_ups", "list of follow-ups", "Work the incident leaves to do: see `follow-up` "
          "below. Internal: never published.", list_of(FOLLOW_UP, non_empty=False),
          default="none"),
    Field("acknowledged", "mapping", "Incidents only: who took ownership and when, `{at, by}` "
          "(`statusgen ack`); after the first update and not after the `resolved` one. A "
          "monitor never resolves an acknowledged incident. Internal: never published.",
          nested(ACKNOWLEDGED), default="none", example="{at: 2026-11-22T06:55:00Z, by: Dana}"),
    Field("updates", "list of updates", "The timeline, newest first: see the table below.",
          list_of(UPDATE, non_empty=True), required=True),
))

SCHEMAS = (PAGE, COMPONENT, UPSTREAM, CONFIG, INCIDENT_FIELDS, REFERENCE, SEVERITY, CUSTOM_FIELD,
           OPTION, ROLE, INCIDENT, UPDATE, WINDOW, ACKNOWLEDGED, CHANNEL, MONITOR, API, INCIDENT_TYPE,
           FOLLOW_UP, SUBSCRIPTIONS, AUDIENCE)


def markdown_table(schema: Schema) -> str:
    """The reference table of one schema, as ``docs/format.md`` shows it."""
    rows = ["| key | type | required | default | meaning |", "|---|---|---|---|---|"]
    for f in schema.fields:
        rows.append(f"| `{f.name}` | {f.type} | {'yes' if f.required else 'no'} | "
                    f"{f.default or '—'} | {f.doc} |")
    return "\n".join(rows) + "\n"
