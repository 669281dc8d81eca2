"""Digests of a step's input that mean the same in the next process.

A step's input (:mod:`statusgen.steps`) is made of values: entries, the site's frame, the
clock where the step shows it.  Python's own hashes change from one process to the next,
so an input is known by a digest of its contents: every field of every dataclass, in
order, with its type's name.  An object read from files stands for itself by its
``digest`` (an incident or the configuration: the digest of its file's path and bytes; a
redacted incident: that and what the redaction kept; a theme or a language: its files'),
so 10,000 incidents are not walked field by field on every build.  An object made from
others (an entry, from its incident and the clock) names them in ``__stable__``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta, tzinfo
from enum import Enum
from pathlib import PurePath
from typing import Any


class Unstable(TypeError):
    """The key holds something with no digest (a function, an open file): never kept."""


_FIELDS: dict[type[Any], tuple[str, ...]] = {}


def _names(cls: type[Any]) -> tuple[str, ...]:
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return found


def _walk(value: Any, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(f"s{len(value)}:{value}")
        return
    # A frozen object walked before, or made by a step (:func:`known_by`), is known at once;
    # so is one that carries its own digest (first: most of what inputs hold is such).
    state = getattr(value, "__dict__", None)
    if state is not None:
        if (known := state.get(_KEPT)) is not None:
            out.append(known)
            return
        if isinstance(own := state.get("digest"), str) and own:
            out.append(f"{kind.__name__}#{own}")
            return
        if kind in _DATACLASSES:
            # Most of what inputs hold: straight to the branch the checks below end in for
            # it, past a dozen isinstance tests (a quarter of a rebuild's digests).
            _dataclass(value, kind, state, out)
            return
    if kind is tuple:
        out.append(f"({len(value)}")
        for item in value:
            _walk(item, out)
        out.append(")")
    elif value is None or isinstance(value, bool | int | float):
        out.append(repr(value))
    elif isinstance(value, Enum):
        out.append(f"{type(value).__name__}.{value.name}")
    elif isinstance(value, str):  # Markup too: its text is what it holds
        out.append(f"s{len(value)}:{value}")
    elif isinstance(value, bytes):
        out.append(f"b{hashlib.sha256(value).hexdigest()}")
    elif isinstance(value, timedelta):
        out.append(f"timedelta:{value.total_seconds()!r}")
    elif isinstance(value, datetime | date | time):
        zone = getattr(value, "tzinfo", None)
        out.append(f"{type(value).__name__}:{value.isoformat()}@{zone}")
    elif isinstance(value, tzinfo):
        out.append(f"tz:{value}")
    elif isinstance(value, PurePath):
        out.append(f"path:{value}")
    elif isinstance(value, tuple | list):
        out.append(f"({len(value)}")
        for item in value:
            _walk(item, out)
        out.append(")")
    elif isinstance(value, frozenset | set):
        if all(type(item) is str for item in value):  # ids: sorted as they are
            out.append("{" + ",".join(f"s{len(item)}:{item}" for item in sorted(value)) + "}")
        else:
            out.append("{" + ",".join(sorted(fingerprint(item) for item in value)) + "}")
    elif isinstance(value, Mapping):
        out.append("{" + ",".join(sorted(fingerprint(k) + "=" + fingerprint(v)
                                         for k, v in value.items())) + "}")
    elif isinstance(digest := getattr(value, "digest", None), str) and digest:
        out.append(f"{type(value).__name__}#{digest}")
    elif hasattr(value, "__stable__") or (dataclasses.is_dataclass(value)
                                          and not isinstance(value, type)):
        if state is not None and dataclasses.is_dataclass(value):
            _DATACLASSES.add(kind)
        _dataclass(value, kind, state, out)
    else:
        raise Unstable(f"no stable digest for {type(value).__name__}")


_KEPT = "_stable_digest"
_DATACLASSES: set[type[Any]] = set()
"""Dataclasses with a ``__dict__`` met so far, that no earlier test of :func:`_walk` takes."""


def _dataclass(value: Any, kind: type[Any], state: dict[str, Any] | None, out: list[str]) -> None:
    if isinstance(digest := getattr(value, "digest", None), str) and digest:
        out.append(f"{kind.__name__}#{digest}")
        return
    # An entry is read by many inputs (each period it runs through, each page that lists
    # it): a frozen object's digest is worked out once and kept on it.  ``replace`` makes
    # a new object, which has none.
    known = _object(value)
    params = getattr(kind, "__dataclass_params__", None)
    if params is not None and params.frozen and state is not None:
        object.__setattr__(value, _KEPT, known)
    out.append(known)


def _object(value: Any) -> str:
    out = [f"{type(value).__name__}("]
    if hasattr(value, "__stable__"):
        # An object made from others says which: its digest is theirs (see its method).
        _walk(value.__stable__(), out)
    else:
        for field in _names(type(value)):
            _walk(getattr(value, field), out)
    out.append(")")
    return _digest(out)


def known_by(value: Any, key: str) -> None:
    """Let a frozen object that a step made be known by the step's key (its name and its
    input's digest) instead of its contents: a step's result is a function of its input, so
    the key tells it from every other as well, and an entry need not be walked field by
    field by each of the pages, feeds and reports that read it."""
    params = getattr(type(value), "__dataclass_params__", None)
    if params is not None and params.frozen and hasattr(value, "__dict__") \
            and _KEPT not in value.__dict__:
        object.__setattr__(value, _KEPT, f"made:{key}")


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def fingerprint(value: Any) -> str:
    """A digest of ``value``'s contents that is the same in every process."""
    out: list[str] = []
    _walk(value, out)
    return _digest(out)


def stable(value: Any) -> str | None:
    """:func:`fingerprint`, or ``None`` for a value that has none."""
    try:
        return fingerprint(value)
    except Unstable:
        return None

