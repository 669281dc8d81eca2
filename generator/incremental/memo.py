"""Outputs kept between the dev server's rebuilds.

An entry's page depends only on the entry (as computed at ``now``), the site
around it (page settings, components, theme) and, while the entry is open, the
clock.  When none of those changed, the bytes of the last build are the bytes
this build would render: a one-file edit renders one entry page, not 10,000.
Each renderer keeps its own :class:`Scope`, valid for one context.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class Scope(Generic[V]):
    """What one renderer (or the snapshot) made, keyed by what it depends on."""

    def __init__(self) -> None:
        self._context: Hashable = None
        self._kept: dict[Hashable, V] = {}
        self._used: dict[Hashable, V] = {}

    def begin(self, context: Hashable) -> None:
        """Start a build; a different context (settings, components, theme) forgets all."""
        if context != self._context:
            self._context = context
            self._kept = {}
        self._used = {}

    def get(self, key: Hashable) -> V | None:
        found = self._kept.get(key)
        if found is not None:
            self._used[key] = found
        return found

    def put(self, key: Hashable, data: V) -> None:
        self._used[key] = data

    def end(self) -> None:
        """Keep only what this build used, so deleted entries do not linger."""
        self._kept = self._used
        self._used = {}


class RenderMemo:
    """One :class:`Scope` per renderer, kept by the dev server from one build to the next."""

    def __init__(self) -> None:
        self._scopes: dict[str, Scope[Any]] = {}

    def scope(self, name: str, context: Hashable) -> Scope[Any]:
        """The scope of renderer ``name``, begun for ``context``."""
        found: Scope[Any] = self._scopes.setdefault(name, Scope())
        found.begin(context)
        return found
