"""Safe YAML that remembers where every value came from.

PyYAML's loaders throw locations away, keep the last of two duplicate keys and
expand aliases without bound.  We compose the node graph ourselves and turn it
into located values, refusing duplicate keys, tags we did not ask for, and alias
expansions past a small bound.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import NamedTuple

import yaml

from .diagnostics import Diagnostic, Location, error

# Nodes visited while expanding one document: far above any real status file,
# far below what an alias bomb needs to hurt.
MAX_NODES = 20_000
MAX_DEPTH = 40

_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_SCALARS = {
    _STR,
    _TIMESTAMP,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_TYPE_NAMES = {tag: tag.rsplit(":", 1)[-1] for tag in _SCALARS}
# libyaml's parser when PyYAML was built with it: the same nodes, marks and errors,
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


class _Converter:
    def __init__(self, loader: yaml.SafeLoader, path: str, line_offset: int, text: str) -> None:
        self.loader = loader
        self.path = path
        self.line_offset = line_offset
        self.lines = _Lines(text)
        # YAML also breaks lines at U+0085, U+2028 and U+2029, editors do not; only then
        # must a mark's line and column be recounted from its character index.
        self.marks_agree = not any(c in text for c in "\x85\u2028\u2029")
        self.visited = 0
        self.diagnostics: list[Diagnostic] = []

    def at(self, index: int) -> Location:
        line, column = self.lines.position(index)
        return Location(self.path, line + self.line_offset, column)

    def loc(self, mark: yaml.Mark | None) -> Location:
        if mark is None:
            return self.at(0)
        if self.marks_agree and mark.line < len(self.lines.starts):
            return Location(self.path, mark.line + 1 + self.line_offset, mark.column + 1)
        return self.at(mark.index)

    def convert(self, node: yaml.Node, depth: int) -> Node:
        self.visited += 1
        loc = self.loc(node.start_mark)
        if self.visited > MAX_NODES:
            raise _Abort(
                error(loc, "yaml-alias", "aliases expand this document past "
                      f"{MAX_NODES} values; write the values out instead of using aliases")
            )
        if depth > MAX_DEPTH:
            raise _Abort(error(loc, "yaml-depth", f"values are nested more than {MAX_DEPTH} "
                               "levels deep; the format never needs that"))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, loc)
        if isinstance(node, yaml.SequenceNode):
            self.check_tag(node, _SEQ, loc)
            return Seq(tuple(self.convert(n, depth + 1) for n in node.value), loc)
        if isinstance(node, yaml.MappingNode):
            self.check_tag(node, _MAP, loc)
            return self.mapping(node, loc, depth)
        raise _Abort(error(loc, "yaml", "unsupported YAML node"))

    def check_tag(self, node: yaml.Node, expected: str, loc: Location) -> None:
        if node.tag != expected:
            self.diagnostics.append(
                error(loc, "yaml-tag", f"YAML tag `{_written(node.tag)}` is not allowed; remove it")
            )

    def scalar(self, node: yaml.ScalarNode, loc: Location) -> Scalar:
        tag = node.tag
        if tag not in _SCALARS:
            self.diagnostics.append(
                error(loc, "yaml-tag", f"YAML tag `{_written(tag)}` is not allowed; remove it")
            )
            return Scalar(str(node.value), str(node.value), _STR, loc)
        value: ScalarValue
        if tag in (_STR, _TIMESTAMP):
            value = str(node.value)
        else:
            try:
                constructed = self.loader.construct_object(node)
            except (ValueError, KeyError, ArithmeticError, yaml.YAMLError):
                # `!!int abc`, `0x_` (PyYAML resolves it as a number it cannot read),
                # or an integer too long for Python to convert.
                kind = tag.rsplit(":", 1)[-1]
                shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
                self.diagnostics.append(
                    error(loc, "yaml", f"YAML reads `{shown}` as {kind} but cannot convert "
                          "it; remove any `!!` tag, and put the value in quotes if it is text")
                )
                return Scalar(str(node.value), str(node.value), _STR, loc)
            value = constructed if isinstance(constructed, (int, float, bool)) else None
        return Scalar(value, str(node.value), tag, loc)

    def mapping(self, node: yaml.MappingNode, loc: Location, depth: int) -> Map:
        entries: list[tuple[Scalar, Node]] = []
        seen: dict[str, Location] = {}
        for key_node, value_node in node.value:
            key_loc = self.loc(key_node.start_mark)
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.diagnostics.append(
                    error(key_loc, "yaml-tag", "merge keys (<<) are not supported; "
                          "write the keys out")
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.diagnostics.append(
                    error(key_loc, "type", "a key must be a plain name, not a list or mapping")
                )
                continue
            key = self.scalar(key_node, key_loc)
            name = key.text
            key = Scalar(name, name, _STR, key_loc)
            if name in seen:
                first = seen[name]
                self.diagnostics.append(
                    error(key_loc, "duplicate-key", f"key `{name}` appears twice (first on "
                          f"line {first.line}); keep one")
                )
                continue
            seen[name] = key_loc
            entries.append((key, self.convert(value_node, depth + 1)))
        return Map(tuple(entries), loc)


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
    loader = _LOADER(text)
    converter = _Converter(loader, path, line_offset, text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, []
        return converter.convert(root, 0), converter.diagnostics
    except _Abort as abort:
        return None, [*converter.diagnostics, abort.diagnostic]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        if mark is not None and text[mark.index:mark.index + 1] == "\t":
            problem += "; YAML does not allow '\\t' (a tab) here: indent with spaces"
        return None, [error(converter.loc(mark), "yaml",
                            f"YAML syntax: {problem or 'cannot be read'}")]
    except yaml.reader.ReaderError as exc:
        return None, [_unreadable(exc, converter.lines, path, line_offset)]
    except yaml.YAMLError as exc:
        return None, [error(converter.loc(None), "yaml", f"YAML syntax: {exc}")]
    except RecursionError:
        return None, [error(converter.loc(None), "yaml-depth",
                            "values are nested too deeply to read")]
    finally:
        loader.dispose()


def _unreadable(exc: yaml.reader.ReaderError, lines: _Lines, path: str, line_offset: int) -> Diagnostic:
    line, column = lines.position(exc.position)
    character = exc.character if isinstance(exc.character, int) else ord(exc.character or "\0")
    return error(Location(path, line + line_offset, column), "yaml",
                 f"YAML does not allow the invisible character U+{character:04X} (a control "
                 "or non-printable character); remove it")
