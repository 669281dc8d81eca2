"""Parsed incidents as compact plain JSON, and back: what the parse cache keeps on disk.

JSON, never pickle or marshal: a pull request can commit the cache folder, and reading a
cache must never run code.  A model object is written as the list of its fields' values,
in the dataclass's order; how to read each value back (a time, an enumeration, a
location, a nested object, a tuple of them) is worked out once per class from the
field's type, so a field added to the model is cached without a line written here.
Locations are written as ``[line, column]``: every location of a parsed file is in that
file.  Anything that does not fit the plan raises :class:`CodecError`, and the whole
cache is then ignored.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any

from statusgen import model as m
from statusgen.diagnostics import Diagnostic, Location, Severity

Reader = Callable[[Any, str], Any]
"""Turns a JSON value back into a model value; the second argument is the file's path."""


class CodecError(ValueError):
    """The JSON is not an encoding this version wrote."""


def encode(value: Any) -> Any:
    """``value`` (model objects, tuples, enums, dates and times, locations) as JSON data."""
    if value is None or isinstance(value, bool | int | float | str):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Location):
        return [value.line, value.column]
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [encode(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [encode(getattr(value, f.name)) for f in _fields(type(value))]
    raise CodecError(f"cannot encode {type(value).__name__}")


_FIELDS: dict[type[Any], tuple[dataclasses.Field[Any], ...]] = {}


def _fields(cls: type[Any]) -> tuple[dataclasses.Field[Any], ...]:
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = tuple(f for f in dataclasses.fields(cls) if f.init)
    return found


def _fail(message: str) -> Any:
    raise CodecError(message)


@cache
def reader(kind: Any) -> Reader:
    """How to read a value of the type ``kind`` (a field's annotation)."""
    origin = typing.get_origin(kind)
    if origin in (types.UnionType, typing.Union):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        if len(options) != 1:
            raise TypeError(f"the cache cannot read {kind}")
        inner = reader(options[0])
        return lambda v, path: None if v is None else inner(v, path)
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            item = reader(args[0])
            return lambda v, path: tuple([item(x, path) for x in v]) if isinstance(v, list) \
                else _fail("expected a list")
        parts = [reader(a) for a in args]
        return lambda v, path: tuple([r(x, path) for r, x in zip(parts, v, strict=True)])
    if kind is Location:
        return lambda v, path: Location(path, int(v[0]), int(v[1]))
    if kind is datetime:
        return lambda v, path: datetime.fromisoformat(v)
    if kind is date:
        return lambda v, path: date.fromisoformat(v)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return lambda v, path: kind(v)
    if kind in (str, int, bool, float):
        return lambda v, path: v if type(v) is kind or isinstance(v, kind) else \
            _fail(f"expected {kind.__name__}")
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _object_reader(kind)
    raise TypeError(f"the cache cannot read {kind}")


_new = object.__new__


def _object_reader(cls: type[Any]) -> Reader:
    hints = typing.get_type_hints(cls)
    names = [f.name for f in _fields(cls)]
    # Resolved on first use: a class may hold itself (a component's members).
    readers: list[Reader] = []
    frozen = cls.__dataclass_params__.frozen and not hasattr(cls, "__post_init__")

    def read(value: Any, path: str) -> Any:
        if not readers:
            readers.extend(reader(hints[name]) for name in names)
        if not isinstance(value, list) or len(value) != len(readers):
            raise CodecError(f"a {cls.__name__} of another shape")
        values = [read_one(v, path) for read_one, v in zip(readers, value, strict=True)]
        if not frozen:
            return cls(*values)
        # What a frozen dataclass's __init__ does, without its object.__setattr__ per field (a
        # fifth of reading 10,000 incidents back); a field left out of __init__ reads its
        # class default.
        made = _new(cls)
        made.__dict__.update(zip(names, values, strict=True))
        return made
    return read


def encode_parsed(incident: m.Incident | None, problems: list[Diagnostic]) -> Any:
    """One file's parse result as JSON data (the incident's digest after its fields: it is no
    field a copy may carry)."""
    found = None if incident is None else [encode(incident), incident.digest]
    return [found, [[d.location.path, d.location.line, d.location.column,
                                str(d.severity), d.code, d.message] for d in problems]]


def _shared(incident: m.Incident) -> m.Incident:
    """``incident`` holding each text once: the parser's reading of a body or message names
    the very string it read, which JSON gives back as a second copy (a fifth of the memory of
    10,000 entries with long post-mortems).  The objects are this decoder's, not yet seen by
    anyone, so their fields are set in place."""
    prose = incident.body_prose
    if prose is not None and prose.source == incident.body:
        prose.__dict__["source"] = incident.body
    for update in incident.updates:
        if update.prose is not None and update.prose.source == update.message:
            update.prose.__dict__["source"] = update.message
    return incident


def decode_parsed(data: Any, path: str) -> tuple[m.Incident | None, list[Diagnostic]]:
    """What :func:`encode_parsed` wrote for the file at ``path``."""
    try:
        incident, problems = data
        if incident is not None:
            fields, digest = incident
            if not isinstance(digest, str):
                raise CodecError(f"{path}: the digest is no string")
            incident = m.stamped(_shared(reader(m.Incident)(fields, path)), digest)
        return (incident,
                [Diagnostic(Location(p, int(line), int(column)), Severity(s), str(code), str(text))
                 for p, line, column, s, code, text in problems])
    except CodecError:
        raise
    except (TypeError, ValueError, KeyError) as exc:
        raise CodecError(str(exc)) from exc
