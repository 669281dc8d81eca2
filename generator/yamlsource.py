"""Safe YAML that remembers where every value came from.

PyYAML's loaders throw locations away, keep the last of two duplicate keys and
expand aliases without bound.  We read the parser's events and build located
values ourselves, refusing duplicate keys, tags we did not ask for, nesting past
a small depth and alias expansions past a small bound.  A syntax error is told
in the words of its usual fix, at the place of the mistake.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import Any, NamedTuple

import yaml

from .diagnostics import Diagnostic, Location, error

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


class Scalar(NamedTuple):
    """A scalar: ``value`` as YAML reads it, ``text`` as written."""

    value: ScalarValue
    text: str
    tag: str
    loc: Location

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
            raise _Abort(error(self.loc(extra.start_mark), "yaml", "YAML syntax: a second document "
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
        return _Abort(error(loc, "yaml-depth", f"values are nested more than {MAX_DEPTH} levels "
                            "deep; the format never needs that"))

    def open_anchor(self, name: str, loc: Location) -> None:
        defined = self.anchors.get(name)
        first = defined.loc if defined is not None else self.open_anchors.get(name)
        if first is not None:
            raise _Abort(error(loc, "yaml", f"YAML syntax: the anchor `&{name}` is already used on "
                               f"line {first.line}; give this one another name"))
        self.open_anchors[name] = loc

    def alias(self, event: Any, depth: int) -> Node:
        name = event.anchor
        loc = self.loc(event.start_mark)
        node = self.anchors.get(name)
        if node is None:
            if name in self.open_anchors:
                raise _Abort(error(loc, "yaml-depth", f"the alias `*{name}` is inside the value it "
                                   "repeats, which would nest it forever; write the values out"))
            raise _Abort(error(loc, "yaml", f"YAML syntax: the alias `*{name}` has no anchor "
                               f"`&{name}` before it; write the value out"))
        values, height = self.measure(node)
        if depth + height > MAX_DEPTH:
            raise self.too_deep(loc)
        self.repeated += values
        if self.repeated > MAX_NODES:
            raise _Abort(error(loc, "yaml-alias", f"aliases expand this document by more than "
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
                error(loc, "yaml-tag", f"YAML tag `{_written(tag)}` is not allowed; remove it")
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
                    error(key.loc, "duplicate-key", f"key `{name}` appears twice (first on "
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
                    error(node.loc, "type", "a key must be a plain name, not a list or mapping")
                )
                return None
            key = Scalar(node.text, node.text, _STR, node.loc)
            merge = node.tag == _MERGE
        if merge:
            self.diagnostics.append(
                error(key.loc, "yaml-tag", "merge keys (<<) are not supported; write the keys out")
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
            return Scalar(None, value, tag, loc)
        if tag not in _SCALARS:
            self.diagnostics.append(
                error(loc, "yaml-tag", f"YAML tag `{_written(tag)}` is not allowed; remove it")
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
                error(loc, "yaml", f"YAML reads `{shown}` as {kind} but cannot convert "
                      "it; remove any `!!` tag, and put the value in quotes if it is text")
            )
            return Scalar(value, value, _STR, loc)
        return Scalar(constructed if isinstance(constructed, (int, float, bool)) else None,
                      value, tag, loc)


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
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        if mark is not None and text[mark.index:mark.index + 1] == "\t":
            problem += "; YAML does not allow '\\t' (a tab) here: indent with spaces"
        return None, [error(builder.loc(mark) if mark else builder.at(0), "yaml",
                            f"YAML syntax: {problem or 'cannot be read'}")]
    except yaml.reader.ReaderError as exc:
        return None, [_unreadable(exc, builder.lines, path, line_offset)]
    except yaml.YAMLError as exc:
        return None, [error(builder.at(0), "yaml", f"YAML syntax: {exc}")]
    finally:
        loader.dispose()


def _unreadable(exc: yaml.reader.ReaderError, lines: _Lines, path: str, line_offset: int) -> Diagnostic:
    line, column = lines.position(exc.position)
    character = exc.character if isinstance(exc.character, int) else ord(exc.character or "\0")
    return error(Location(path, line + line_offset, column), "yaml",
                 f"YAML does not allow the invisible character U+{character:04X} (a control "
                 "or non-printable character); remove it")
