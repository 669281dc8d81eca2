"""Safe YAML that remembers where every value came from.

PyYAML's loaders throw locations away, keep the last of two duplicate keys and
expand aliases without bound.  We read the parser's events and build located
values ourselves, refusing duplicate keys, tags we did not ask for, nesting past
a small depth and alias expansions past a small bound.  A syntax error is told
in the words of its usual fix, at the place of the mistake.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import deque
from collections.abc import Callable
from typing import Any, NamedTuple

import yaml

from statusgen import rules
from statusgen.diagnostics import Diagnostic, Location

# Values that aliases add to one document by repeating what an anchor names: far
# above any real status file, far below what an alias bomb needs to hurt.
MAX_NODES = 20_000
MAX_DEPTH = 40

_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_SCALARS = {
    _STR,
    _TIMESTAMP,
    _NULL,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
}
_TYPE_NAMES = {tag: tag.rsplit(":", 1)[-1] for tag in _SCALARS}
# libyaml's parser when PyYAML was built with it: the same events, marks and errors,
# about ten times faster than the pure-Python one.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"

ScalarValue = str | int | float | bool | None


class Comment(NamedTuple):
    """A comment written where a value belongs (``key: #1 priority``), and where its ``#`` is."""

    text: str
    loc: Location


class Scalar(NamedTuple):
    """A scalar: ``value`` as YAML reads it, ``text`` as written.

    ``comment`` is set on an empty value followed by a comment on the same line:
    the author most likely meant that comment as the value.
    """

    value: ScalarValue
    text: str
    tag: str
    loc: Location
    comment: Comment | None = None

    @property
    def type_name(self) -> str:
        return _TYPE_NAMES.get(self.tag) or self.tag.rsplit(":", 1)[-1]


class Seq(NamedTuple):
    """A list of located values."""

    items: tuple[Node, ...]
    loc: Location


class Map(NamedTuple):
    """A mapping with string keys, in the order written; each key keeps its own location."""

    entries: tuple[tuple[Scalar, Node], ...]
    loc: Location

    def get(self, key: str) -> Node | None:
        for k, v in self.entries:
            if k.value == key:
                return v
        return None


Node = Scalar | Seq | Map


def _written(tag: str) -> str:
    """A tag as the author wrote it: ``!!binary`` rather than ``tag:yaml.org,2002:binary``."""
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


class _Abort(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic


class _Lines:
    """Character offsets into lines and columns, as an editor counts them.

    PyYAML's own line numbers also break lines at U+0085, U+2028 and U+2029,
    which editors show inside a line; only ``\\n`` counts here (the loader has
    already turned ``\\r\\n`` and ``\\r`` into ``\\n``). A final newline ends the
    last line rather than starting another, so the end of the text is the end
    of its last line.
    """

    def __init__(self, text: str) -> None:
        self.starts = [0]
        at = text.find("\n")
        while at != -1:
            self.starts.append(at + 1)
            at = text.find("\n", at + 1)
        if len(self.starts) > 1 and self.starts[-1] == len(text):
            self.starts.pop()
        self.length = len(text)
        self.text = text

    def position(self, index: int) -> tuple[int, int]:
        """1-based line and column of the character at ``index``."""
        index = max(0, min(index, self.length))
        line = bisect_right(self.starts, index) - 1
        start = self.starts[line]
        end = self.text.find("\n", start)
        if end == -1:
            end = self.length
        return line + 1, min(index, end) - start + 1


class _Builder:
    """Located values from the parser's events, one node at a time.

    Reading events rather than PyYAML's composed nodes lets the depth bound stop
    the parser where the bound is passed (the composer would first build the
    whole tree, recursing in Python), and names the place of every alias.
    """

    def __init__(self, loader: yaml.SafeLoader, path: str, line_offset: int, text: str) -> None:
        self.loader = loader
        # Typed here: PyYAML's stubs leave the parser's methods untyped.
        self.next: Callable[[], Any] = loader.get_event
        self.resolve: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = loader.resolve
        self.path = path
        self.line_offset = line_offset
        self.text = text
        self.lines = _Lines(text)
        # YAML also breaks lines at U+0085, U+2028 and U+2029, editors do not; only then
        # must a mark's line and column be recounted from its character index.
        self.marks_agree = not any(c in text for c in "\x85\u2028\u2029")
        self.anchors: dict[str, Node] = {}
        self.open_anchors: dict[str, Location] = {}
        self.measured: dict[int, tuple[int, int]] = {}
        self.repeated = 0
        self.diagnostics: list[Diagnostic] = []

    def at(self, index: int) -> Location:
        line, column = self.lines.position(index)
        return Location(self.path, line + self.line_offset, column)

    def loc(self, mark: Any) -> Location:
        if self.marks_agree and mark.line < len(self.lines.starts):
            return Location(self.path, mark.line + 1 + self.line_offset, mark.column + 1)
        return self.at(mark.index)

    def document(self) -> Node | None:
        """The stream's only document, or ``None`` when it has none."""
        self.next()  # the stream's start
        if type(self.next()) is yaml.StreamEndEvent:
            return None
        root = self.node(self.next(), 0)
        self.next()  # the document's end
        extra = self.next()
        if type(extra) is not yaml.StreamEndEvent:
            raise _Abort(rules.YAML.at(self.loc(extra.start_mark), "YAML syntax: a second document "
                                       "starts here, but the file holds one; remove the `---` or `...` "
                                       "line before it"))
        return root

    def node(self, event: Any, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise self.too_deep(self.loc(event.start_mark))
        kind = type(event)
        if kind is yaml.AliasEvent:
            return self.alias(event, depth)
        anchor = event.anchor
        if anchor is not None:
            self.open_anchor(anchor, self.loc(event.start_mark))
        built: Node
        if kind is yaml.ScalarEvent:
            built = self.scalar(event)
        elif kind is yaml.SequenceStartEvent:
            built = self.sequence(event, depth)
        else:
            built = self.mapping(event, depth)
        if anchor is not None:
            del self.open_anchors[anchor]
            self.anchors[anchor] = built
        return built

    def too_deep(self, loc: Location) -> _Abort:
        return _Abort(rules.YAML_DEPTH.at(loc, f"values are nested more than {MAX_DEPTH} levels "
                                          "deep; the format never needs that"))

    def open_anchor(self, name: str, loc: Location) -> None:
        defined = self.anchors.get(name)
        first = defined.loc if defined is not None else self.open_anchors.get(name)
        if first is not None:
            raise _Abort(rules.YAML.at(loc, f"YAML syntax: the anchor `&{name}` is already used on "
                                       f"line {first.line}; give this one another name"))
        self.open_anchors[name] = loc

    def alias(self, event: Any, depth: int) -> Node:
        name = event.anchor
        loc = self.loc(event.start_mark)
        node = self.anchors.get(name)
        if node is None:
            if name in self.open_anchors:
                raise _Abort(rules.YAML_DEPTH.at(
                    loc, f"the alias `*{name}` is inside the value it "
                    "repeats, which would nest it forever; write the values out"))
            raise _Abort(rules.YAML.at(loc, f"YAML syntax: the alias `*{name}` has no anchor "
                                       f"`&{name}` before it; write the value out"))
        values, height = self.measure(node)
        if depth + height > MAX_DEPTH:
            raise self.too_deep(loc)
        self.repeated += values
        if self.repeated > MAX_NODES:
            raise _Abort(rules.YAML_ALIAS.at(
                loc, f"aliases expand this document by more than "
                f"{MAX_NODES} values (each alias counts every value it repeats; "
                f"`*{name}` here repeats {values}); write the values out instead "
                "of using aliases"))
        return node

    def measure(self, node: Node) -> tuple[int, int]:
        """How many values ``node`` holds with its aliases expanded, and how deep they go.

        Only aliased values are measured, each once: an alias repeats the very
        object its anchor built, so the sizes of shared parts are remembered.
        """
        if isinstance(node, Scalar):
            return 1, 0
        known = self.measured.get(id(node))
        if known is None:
            children = node.items if isinstance(node, Seq) else tuple(v for _, v in node.entries)
            values, height = 1, 0
            for child in children:
                child_values, child_height = self.measure(child)
                values += child_values
                height = max(height, child_height + 1)
            known = self.measured[id(node)] = (values, height)
        return known

    def check_tag(self, tag: str | None, expected: str, loc: Location) -> None:
        if tag is not None and tag != "!" and tag != expected:
            self.diagnostics.append(
                rules.YAML_TAG.at(loc, f"YAML tag `{_written(tag)}` is not allowed; remove it")
            )

    def sequence(self, event: Any, depth: int) -> Seq:
        loc = self.loc(event.start_mark)
        self.check_tag(event.tag, _SEQ, loc)
        items = []
        child = self.next()
        while type(child) is not yaml.SequenceEndEvent:
            items.append(self.node(child, depth + 1))
            child = self.next()
        return Seq(tuple(items), loc)

    def mapping(self, event: Any, depth: int) -> Map:
        loc = self.loc(event.start_mark)
        self.check_tag(event.tag, _MAP, loc)
        entries: list[tuple[Scalar, Node]] = []
        seen: dict[str, Location] = {}
        child = self.next()
        while type(child) is not yaml.MappingEndEvent:
            key = self.key(child, depth)
            value = self.node(self.next(), depth + 1)
            child = self.next()
            if key is None:
                continue
            name = key.text
            first = seen.get(name)
            if first is not None:
                self.diagnostics.append(
                    rules.DUPLICATE_KEY.at(key.loc, f"key `{name}` appears twice (first on "
                                           f"line {first.line}); keep one")
                )
                continue
            seen[name] = key.loc
            entries.append((key, value))
        return Map(tuple(entries), loc)

    def key(self, event: Any, depth: int) -> Scalar | None:
        """A key as text, or ``None`` when it cannot be one (reported)."""
        if type(event) is yaml.ScalarEvent and event.tag is None and event.anchor is None:
            # The usual key, a plain name: no tag to resolve, no node to build twice.
            key = Scalar(event.value, event.value, _STR, self.loc(event.start_mark))
            merge = event.value == "<<" and event.implicit[0]
        else:
            node = self.node(event, depth + 1)
            if not isinstance(node, Scalar):
                self.diagnostics.append(
                    rules.TYPE.at(node.loc, "a key must be a plain name, not a list or mapping")
                )
                return None
            key = Scalar(node.text, node.text, _STR, node.loc)
            merge = node.tag == _MERGE
        if merge:
            self.diagnostics.append(
                rules.YAML_TAG.at(key.loc, "merge keys (<<) are not supported; write the keys out")
            )
            return None
        return key

    def scalar(self, event: Any) -> Scalar:
        loc = self.loc(event.start_mark)
        value: str = event.value
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolve(yaml.ScalarNode, value, event.implicit)
        if tag in (_STR, _TIMESTAMP, _MERGE):
            # `<<` is a merge key only as a key; as a value it is the text written.
            return Scalar(value, value, tag, loc)
        if tag == _NULL:
            return Scalar(None, value, tag, loc, None if value else self.comment(event.start_mark.index))
        if tag not in _SCALARS:
            self.diagnostics.append(
                rules.YAML_TAG.at(loc, f"YAML tag `{_written(tag)}` is not allowed; remove it")
            )
            return Scalar(value, value, _STR, loc)
        node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
        try:
            constructed = self.loader.construct_object(node)
        except (ValueError, KeyError, ArithmeticError, yaml.YAMLError):
            # `!!int abc`, `0x_` (PyYAML resolves it as a number it cannot read),
            # or an integer too long for Python to convert.
            kind = tag.rsplit(":", 1)[-1]
            shown = value if len(value) <= 40 else value[:37] + "..."
            self.diagnostics.append(
                rules.YAML.at(loc, f"YAML reads `{shown}` as {kind} but cannot convert "
                              "it; remove any `!!` tag, and put the value in quotes if it is text")
            )
            return Scalar(value, value, _STR, loc)
        return Scalar(constructed if isinstance(constructed, (int, float, bool)) else None,
                      value, tag, loc)

    def comment(self, index: int) -> Comment | None:
        """The comment after an empty value's place, when it is on the same line."""
        end = self.text.find("\n", index)
        rest = self.text[index:] if end == -1 else self.text[index:end]
        stripped = rest.lstrip(" \t")
        if not stripped.startswith("#"):
            return None
        return Comment(stripped.rstrip(), self.at(index + len(rest) - len(stripped)))


def parse_yaml(text: str, path: str, line_offset: int = 0) -> tuple[Node | None, list[Diagnostic]]:
    """Parse one YAML document into located values.

    ``line_offset`` is the number of lines before ``text`` in the file, so that
    locations point at the file as the user sees it. Returns ``None`` and the
    problems when the text cannot be read.
    """
    bad = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if bad is not None:
        # Found here, so both parsers report it the same way, by character position.
        lines = _Lines(text)
        return None, [_unreadable(yaml.reader.ReaderError(path, bad.start(), ord(bad.group()),
                                                          "unicode", "special characters"),
                                  lines, path, line_offset)]
    return _parse(text, path, line_offset, _LOADER)


def _parse(text: str, path: str, line_offset: int,
           loader_class: type[yaml.SafeLoader]) -> tuple[Node | None, list[Diagnostic]]:
    loader = loader_class(text)
    builder = _Builder(loader, path, line_offset, text)
    try:
        return builder.document(), builder.diagnostics
    except _Abort as abort:
        return None, [*builder.diagnostics, abort.diagnostic]
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in (exc.problem or "") and loader_class is not yaml.SafeLoader:
            # libyaml from PyYAML 6.0.3 on refuses about 1000 levels while it looks ahead,
            # before its events reach our bound; the pure-Python parser, which has no such
            # limit, stops at the bound, where every other parser does.
            return _parse(text, path, line_offset, yaml.SafeLoader)
        index, message = _explain(_Failure(exc, text, _last_events(text, loader_class), line_offset))
        return None, [rules.YAML.at(builder.at(index), f"YAML syntax: {message}")]
    except yaml.reader.ReaderError as exc:
        return None, [_unreadable(exc, builder.lines, path, line_offset)]
    except yaml.YAMLError as exc:
        return None, [rules.YAML.at(builder.at(0), f"YAML syntax: {exc}")]
    finally:
        loader.dispose()


def _unreadable(exc: yaml.reader.ReaderError, lines: _Lines, path: str, line_offset: int) -> Diagnostic:
    line, column = lines.position(exc.position)
    character = exc.character if isinstance(exc.character, int) else ord(exc.character or "\0")
    return rules.YAML.at(Location(path, line + line_offset, column),
                         f"YAML does not allow the invisible character U+{character:04X} (a control "
                         "or non-printable character); remove it")


# Syntax errors, explained.  Each explainer recognises one common mistake from the
# parser's error, the text and the last events read before it, and returns where the
# mistake is and its fix; the parser's own words are kept only when none does.

class _Failure(NamedTuple):
    """A syntax error, with what it takes to explain it."""

    exc: yaml.MarkedYAMLError
    text: str
    events: list[Any]
    line_offset: int

    @property
    def at(self) -> int:
        """Where the parser found the problem."""
        mark = self.exc.problem_mark or self.exc.context_mark
        return mark.index if mark is not None else 0

    def last_scalar(self) -> Any:
        """The value read just before the error, when it was the last event."""
        last = self.events[-1] if self.events else None
        return last if type(last) is yaml.ScalarEvent else None

    def line_of(self, index: int) -> tuple[int, int]:
        """Where the line holding ``index`` starts and ends (before its newline)."""
        start = self.text.rfind("\n", 0, index) + 1
        end = self.text.find("\n", index)
        return start, len(self.text) if end == -1 else end

    def file_line(self, index: int) -> int:
        return self.text.count("\n", 0, index) + 1 + self.line_offset


def _last_events(text: str, loader_class: type[yaml.SafeLoader]) -> list[Any]:
    """The last two events before the parser fails on ``text``: read again, as errors are rare."""
    loader = loader_class(text)
    events: Callable[[], Any] = loader.get_event
    last: deque[Any] = deque(maxlen=2)
    try:
        event = events()
        while event is not None and type(event) is not yaml.StreamEndEvent:
            last.append(event)
            event = events()
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return list(last)


def _explain(failure: _Failure) -> tuple[int, str]:
    for explainer in (_tab, _unclosed_quote, _backslash, _colon_in_value, _after_quote, _misaligned):
        found = explainer(failure)
        if found is not None:
            return found
    exc = failure.exc
    problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
    return failure.at, problem or "cannot be read"


_EXAMPLE_LENGTH = 60
_DOUBLED = "'it''s'"
_KEY = re.compile(r"(\w[\w.-]*) *:(?:[ \t]|$)")
_KEY_LINE = re.compile(r"( *)((?:- +)*)(\w[\w.-]*) *:(?:[ \t]|$)")
_ITEM_LINE = re.compile(r"( *)-(?:[ \t]|$)")
_COMMENT = re.compile(r"[ \t]+#.*$")


def double_quoted(value: str) -> str:
    """``value`` as a double-quoted YAML scalar, shortened to fit in a message as an example."""
    if len(value) > _EXAMPLE_LENGTH:
        value = value[:_EXAMPLE_LENGTH - 1].rstrip() + "…"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _tab(failure: _Failure) -> tuple[int, str] | None:
    if failure.text[failure.at:failure.at + 1] != "\t":
        return None
    return failure.at, "YAML does not allow '\\t' (a tab) here: indent with spaces"


def _unclosed_quote(failure: _Failure) -> tuple[int, str] | None:
    """A quote that runs to the end of the text (or to a `---` line): name the opening quote."""
    exc = failure.exc
    opening = exc.context_mark
    if (opening is None or exc.context != "while scanning a quoted scalar"
            or not any(word in (exc.problem or "") for word in ("end of stream", "document"))):
        return None
    quote = failure.text[opening.index]
    rest = failure.text[opening.index + 1:failure.line_of(opening.index)[1]].rstrip()
    example = f", as in `{quote}{rest}{quote}`" if rest and quote not in rest and len(rest) <= 50 else ""
    return opening.index, f"this `{quote}` is never closed: end the value with `{quote}`{example}"


def _backslash(failure: _Failure) -> tuple[int, str] | None:
    """``"C:\\Users"``: in double quotes a backslash starts an escape."""
    exc = failure.exc
    problem = exc.problem or ""
    if "quoted scalar" not in (exc.context or "") or not ("escape" in problem or "hex" in problem):
        return None
    start = failure.line_of(failure.at)[0]
    backslash = failure.text.rfind("\\", start, failure.at + 1)
    if backslash == -1:
        return None
    return backslash, ("inside double quotes a backslash starts an escape: write `\\\\` for a "
                       "backslash, or use single quotes")


def _colon_in_value(failure: _Failure) -> tuple[int, str] | None:
    """``title: Outage: API down``, or a key indented deeper than its siblings."""
    exc = failure.exc
    value = failure.last_scalar()
    if (not isinstance(exc, yaml.scanner.ScannerError) or value is None or value.style not in (None, "")
            or not (exc.problem or "").startswith("mapping values are not allowed")):
        return None
    colon = failure.at
    if value.end_mark.index > colon or failure.text[value.end_mark.index:colon].strip():
        return None
    start, end = failure.line_of(colon)
    if value.start_mark.index < start:
        # The line goes on a value begun above: most often a key indented too deep.
        written = failure.text[start:colon + 1].lstrip(" ")
        key = _KEY.match(written + " ")
        if key is not None and key.end() == len(written) + 1:
            found = _misindented_key(failure, colon - len(written) + 1, key.group(1))
            if found is not None:
                return found
    whole = _COMMENT.sub("", value.value + failure.text[value.end_mark.index:end]).strip()
    owner = failure.events[0] if len(failure.events) == 2 else None
    example = double_quoted(whole)
    if (type(owner) is yaml.ScalarEvent and owner.end_mark is not None
            and owner.end_mark.line == value.start_mark.line):
        example = f"{owner.value}: {example}"
    # The parser's words, the same from every parser, are the ones people search for.
    return colon, (f"a value containing `: ` must be in quotes: {example} "
                   "(mapping values are not allowed here)")


def _after_quote(failure: _Failure) -> tuple[int, str] | None:
    """Text right after a closing quote: a quote inside the value, one never closed, or words left out."""
    value = failure.last_scalar()
    if not isinstance(failure.exc, yaml.parser.ParserError) or value is None or value.style not in ("'", '"'):
        return None
    text, at = failure.text, failure.at
    gap = text[value.end_mark.index:at]
    if at < value.end_mark.index or gap.strip(" \t"):
        return None
    quote, opened, closed = value.style, value.start_mark, value.end_mark
    if opened.line < closed.line and not gap:
        return opened.index, (f"this `{quote}` is never closed on its line, so the value runs on to "
                              f"the `{quote}` on line {failure.file_line(closed.index)}; end the value "
                              f"with `{quote}` on this line")
    if opened.line != closed.line:
        return None
    end = failure.line_of(at)[1]
    after = _COMMENT.sub("", text[at:end]).rstrip()
    if not gap or after.endswith(quote):
        return closed.index - 1, _quote_inside(text[opened.index:end].rstrip())
    return at, (f"text after the closing `{quote}`: put the whole value inside the quotes, "
                f"as in {double_quoted(value.value + gap + after)}")


def _quote_inside(written: str) -> str:
    """How to write a quote inside a value quoted with the same character, shown on ``written``."""
    example = None
    if 3 <= len(written) <= _EXAMPLE_LENGTH and written[-1] == written[0]:
        inner = written[1:-1].replace("''", "'") if written[0] == "'" else written[1:-1]
        example = "'" + inner.replace("'", "''") + "'"
    if written[0] == "'":
        return f"inside single quotes write an apostrophe twice ({example or _DOUBLED}) or use double quotes"
    shown = f" ({example})" if example else ""
    return (f"a `\"` inside double quotes ends the value: put the value in single quotes{shown}, "
            "or write that quote as `\\\"`")


def _misaligned(failure: _Failure) -> tuple[int, str] | None:
    """A key or a list item that starts a line with fewer or more spaces than its siblings."""
    exc = failure.exc
    if not isinstance(exc, yaml.parser.ParserError) or exc.context not in (
            "while parsing a block mapping", "while parsing a block collection"):
        return None
    at = failure.at
    start, end = failure.line_of(at)
    if failure.text[start:at].strip(" "):
        return None
    written = failure.text[at:end]
    if _ITEM_LINE.match(written):
        return _misindented_item(failure, at)
    key = _KEY.match(written)
    return _misindented_key(failure, at, key.group(1)) if key is not None else None


def _lines_above(failure: _Failure, index: int) -> list[tuple[int, str]]:
    """The non-blank lines above the one holding ``index``, nearest first, with their start."""
    found = []
    end = failure.line_of(index)[0] - 1
    while end > 0:
        start = failure.text.rfind("\n", 0, end) + 1
        line = failure.text[start:end]
        if line.strip() and not line.lstrip().startswith("#"):
            found.append((start, line))
        end = start - 1
    return found


def _closest(failure: _Failure, at: int, above: list[tuple[int, str]],
             siblings: list[tuple[int, int, str]]) -> str | None:
    """Of the ``(start of line, column, name)`` above ``at``, the one whose column is nearest.

    Ties go to the nearer line; ``None`` when that column is ``at``'s own, so the
    mistake is something else.
    """
    column = at - failure.line_of(at)[0]
    if not siblings:
        return None
    start, best, name = min(siblings, key=lambda s: (abs(s[1] - column), -s[0]))
    if best == column:
        return None
    where = "the line above" if start == above[0][0] else f"line {failure.file_line(start)}"
    return f"{name} on {where} ({best})"


def _misindented_key(failure: _Failure, at: int, key: str) -> tuple[int, str] | None:
    above = _lines_above(failure, at)
    siblings = []
    for start, line in above:
        match = _KEY_LINE.match(line)
        if match is not None:
            siblings.append((start, len(match.group(1)) + len(match.group(2)), f"`{match.group(3)}`"))
    found = _closest(failure, at, above, siblings)
    return None if found is None else (at, f"indent `{key}` with the same number of spaces as {found}")


def _misindented_item(failure: _Failure, at: int) -> tuple[int, str] | None:
    above = _lines_above(failure, at)
    siblings = []
    for start, line in above:
        match = _ITEM_LINE.match(line)
        if match is not None:
            siblings.append((start, len(match.group(1)), "the `-`"))
    found = _closest(failure, at, above, siblings)
    return None if found is None else (at, f"indent this `-` with the same number of spaces as {found}")
