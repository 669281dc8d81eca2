"""Safe YAML that remembers where every value came from.

PyYAML's loaders throw locations away, keep the last of two duplicate keys and
expand aliases without bound.  We compose the node graph ourselves and turn it
into located values, refusing duplicate keys, tags we did not ask for, and alias
expansions past a small bound.
"""

from __future__ import annotations

from dataclasses import dataclass

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
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"

ScalarValue = str | int | float | bool | None


@dataclass(frozen=True)
class Scalar:
    """A scalar: ``value`` as YAML reads it, ``text`` as written."""

    value: ScalarValue
    text: str
    tag: str
    loc: Location

    @property
    def type_name(self) -> str:
        return self.tag.rsplit(":", 1)[-1]


@dataclass(frozen=True)
class Seq:
    """A list of located values."""

    items: tuple[Node, ...]
    loc: Location


@dataclass(frozen=True)
class Map:
    """A mapping with string keys, in the order written; each key keeps its own location."""

    entries: tuple[tuple[Scalar, Node], ...]
    loc: Location

    def get(self, key: str) -> Node | None:
        for k, v in self.entries:
            if k.value == key:
                return v
        return None


Node = Scalar | Seq | Map


class _Abort(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic


class _Converter:
    def __init__(self, loader: yaml.SafeLoader, path: str, line_offset: int) -> None:
        self.loader = loader
        self.path = path
        self.line_offset = line_offset
        self.visited = 0
        self.diagnostics: list[Diagnostic] = []

    def loc(self, mark: yaml.Mark | None) -> Location:
        if mark is None:
            return Location(self.path, 1 + self.line_offset, 1)
        return Location(self.path, mark.line + 1 + self.line_offset, mark.column + 1)

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
                error(loc, "yaml-tag", f"YAML tag {node.tag!r} is not allowed; remove it")
            )

    def scalar(self, node: yaml.ScalarNode, loc: Location) -> Scalar:
        tag = node.tag
        if tag not in _SCALARS:
            self.diagnostics.append(
                error(loc, "yaml-tag", f"YAML tag {tag!r} is not allowed; remove it")
            )
            return Scalar(str(node.value), str(node.value), _STR, loc)
        value: ScalarValue
        if tag in (_STR, _TIMESTAMP):
            value = str(node.value)
        else:
            constructed = self.loader.construct_object(node)
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
    loader = yaml.SafeLoader(text)
    converter = _Converter(loader, path, line_offset)
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
        return None, [error(converter.loc(mark), "yaml",
                            f"YAML syntax: {problem or 'cannot be read'}")]
    except yaml.YAMLError as exc:
        return None, [error(converter.loc(None), "yaml", f"YAML syntax: {exc}")]
    except RecursionError:
        return None, [error(converter.loc(None), "yaml-depth",
                            "values are nested too deeply to read")]
    finally:
        loader.dispose()
