"""Parsed incidents as plain JSON, and back: what the parse cache keeps on disk.

JSON, never pickle or marshal: a pull request can commit the cache folder, and
reading a cache must never run code.  The encoding is tagged (``{"$": "Update",
…}``, ``{"$E": ["Status", "resolved"]}``, ``{"$D": "2026-…"}``), decoding accepts
only the classes and enumerations listed here, and anything else makes the whole
cache unreadable (:class:`CodecError`), so a build then parses from the files.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from enum import StrEnum
from typing import Any

from generator import model as m
from generator.diagnostics import Diagnostic, Location, Severity

CLASSES: dict[str, type[Any]] = {cls.__name__: cls for cls in (
    m.Incident, m.Update, m.ComponentRef, m.Window, Diagnostic)}
ENUMS: dict[str, type[StrEnum]] = {cls.__name__: cls for cls in (
    m.Kind, m.Impact, m.Level, m.Status, m.Visibility, m.Mode, Severity)}
_FIELDS = {name: tuple(f.name for f in dataclasses.fields(cls) if f.init) for name, cls in CLASSES.items()}


class CodecError(ValueError):
    """The JSON is not an encoding this version wrote."""


def encode(value: Any) -> Any:
    """``value`` (model objects, tuples, enums, datetimes, locations) as JSON data."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, StrEnum):
        return {"$E": [type(value).__name__, value.value]}
    if isinstance(value, str):
        return value
    if isinstance(value, Location):
        return {"$L": [value.path, value.line, value.column]}
    if isinstance(value, datetime):
        return {"$D": value.isoformat()}
    if isinstance(value, tuple | list):
        return [encode(v) for v in value]
    name = type(value).__name__
    if name in CLASSES and isinstance(value, CLASSES[name]):
        data = {"$": name}
        data.update((f, encode(getattr(value, f))) for f in _FIELDS[name])
        return data
    raise CodecError(f"cannot encode {name}")


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _object(data: dict[str, Any]) -> Any:
    if "$" in data:
        name = data.pop("$")
        cls = CLASSES.get(name) if isinstance(name, str) else None
        if cls is None or set(data) != set(_FIELDS[name]):
            raise CodecError(f"unknown object {name!r}")
        return cls(**{k: _tuples(v) for k, v in data.items()})
    if "$E" in data:
        enum, value = data["$E"]
        if enum not in ENUMS:
            raise CodecError(f"unknown enumeration {enum!r}")
        return ENUMS[enum](value)
    if "$L" in data:
        path, line, column = data["$L"]
        return Location(str(path), int(line), int(column))
    if "$D" in data:
        return datetime.fromisoformat(data["$D"])
    return data


def object_hook(data: dict[str, Any]) -> Any:
    """For ``json.loads``: rebuild tagged objects; :class:`CodecError` on anything unknown."""
    try:
        return _object(data)
    except CodecError:
        raise
    except (TypeError, ValueError, KeyError) as exc:
        raise CodecError(str(exc)) from exc
