"""Digests of cache keys that mean the same in the next process.

The render memo's keys are the objects a value was made from (an entry, the site's view,
the clock while an entry runs).  Python's own hashes change from one process to the
next, so a key kept on disk is a digest of the key's contents: every field of every
dataclass, in order, with its type's name.  An object read from a file stands for itself
by the digest of that file's bytes (``digest``, kept by incidents and the configuration),
with its number of updates, so an incident redacted for a build is told from the whole
one; what else a build changes in it (private fields) is a function of the scope's
context, which names the build (public or internal).  An object made from others (an
entry, from its incident and the clock) names them in ``__stable__``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta, tzinfo
from enum import Enum
from typing import Any


class Unstable(TypeError):
    """The key holds something with no digest (a function, an open file): never kept."""


_FIELDS: dict[type[Any], tuple[str, ...]] = {}


def _names(cls: type[Any]) -> tuple[str, ...]:
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return found


Memo = dict[int, tuple[Any, str]]
"""Digests of objects already walked in one build, by identity (the object is held, so its
identity cannot be reused while the memo lives)."""


def _walk(value: Any, out: list[str], memo: Memo | None) -> None:
    if value is None or isinstance(value, bool | int | float):
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
    elif isinstance(value, tuple | list):
        out.append(f"({len(value)}")
        for item in value:
            _walk(item, out, memo)
        out.append(")")
    elif isinstance(value, frozenset | set):
        out.append("{" + ",".join(sorted(fingerprint(item, memo) for item in value)) + "}")
    elif isinstance(value, Mapping):
        out.append("{" + ",".join(sorted(fingerprint(k, memo) + "=" + fingerprint(v, memo)
                                         for k, v in value.items())) + "}")
    elif hasattr(value, "__stable__") or (dataclasses.is_dataclass(value)
                                          and not isinstance(value, type)):
        digest = getattr(value, "digest", None)
        if isinstance(digest, str) and digest:
            out.append(f"{type(value).__name__}#{digest}#{len(getattr(value, 'updates', ()))}")
            return
        if memo is None:
            out.append(_object(value, None))
            return
        # An entry is read by many keys (each period it runs through): walked once.
        known = memo.get(id(value))
        if known is None:
            known = memo[id(value)] = (value, _object(value, memo))
        out.append(known[1])
    else:
        raise Unstable(f"no stable digest for {type(value).__name__}")


def _object(value: Any, memo: Memo | None) -> str:
    out = [f"{type(value).__name__}("]
    if hasattr(value, "__stable__"):
        # An object made from others says which: its digest is theirs (see its method).
        _walk(value.__stable__(), out, memo)
    else:
        for field in _names(type(value)):
            _walk(getattr(value, field), out, memo)
    out.append(")")
    return _digest(out)


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def fingerprint(value: Any, memo: Memo | None = None) -> str:
    """A digest of ``value``'s contents that is the same in every process; ``memo`` keeps
    the digests of the dataclasses walked, for the keys of one build."""
    out: list[str] = []
    _walk(value, out, memo)
    return _digest(out)


def stable(value: Any, memo: Memo | None = None) -> str | None:
    """:func:`fingerprint`, or ``None`` for a key that has none."""
    try:
        return fingerprint(value, memo)
    except Unstable:
        return None

