"""The render memo: values kept from one of the dev server's builds to the next.

An entry's page depends only on the entry (as computed at ``now``), the site around it
(page settings, components, theme) and, while the entry is open, the clock.  When none
of those changed, the bytes of the last build are the bytes this build would render:
a one-file edit renders one entry page, not 10,000.  :class:`RenderMemo` is the
:class:`~statusgen.caching.Cache` that keeps them; :meth:`RenderMemo.start` begins a
build, and what a build does not ask for is dropped at the start of the next.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from statusgen.caching import Store

V = TypeVar("V")
K = TypeVar("K", bound=Hashable)


class Scope:
    """What one kind of computation made, keyed by what it reads, for one context."""

    def __init__(self, context: Hashable) -> None:
        self.context = context
        self.kept: dict[Hashable, Any] = {}
        self.used: dict[Hashable, Any] = {}

    def cached(self, key: Hashable, make: Callable[[], V]) -> V:
        found = self.used.get(key, self.kept.get(key, _MISSING))
        if found is _MISSING:
            found = make()
        self.used[key] = found
        return found  # type: ignore[no-any-return]

    def cached_all(self, keys: Sequence[K], make: Callable[[list[K]], list[V]]) -> list[V]:
        missing = [k for k in keys if k not in self.used and k not in self.kept]
        made = dict(zip(missing, make(missing), strict=True)) if missing else {}
        return [self.cached(k, lambda k=k: made[k]) for k in keys]  # type: ignore[misc]

    def rotate(self) -> None:
        """Keep only what the last build used, so deleted entries do not linger."""
        self.kept, self.used = self.used, {}


_MISSING = object()


class RenderMemo:
    """The dev server's :class:`~statusgen.caching.Cache`: one :class:`Scope` per name."""

    def __init__(self) -> None:
        self._scopes: dict[str, Scope] = {}

    def start(self) -> None:
        """A build begins."""
        for scope in self._scopes.values():
            scope.rotate()

    def scope(self, name: str, context: Hashable) -> Store:
        """The scope ``name``; a different context (settings, components, theme) forgets all."""
        found = self._scopes.get(name)
        if found is None or found.context != context:
            found = self._scopes[name] = Scope(context)
        return found
