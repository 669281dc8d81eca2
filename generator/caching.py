"""What the pipeline lets the speed layer plug in: a keyed cache, and a map over many items.

Compute and render take a :class:`Cache` and a :data:`Mapper` as parameters and work
the same without them (:data:`NO_CACHE`, :func:`serial_map`).  The mechanisms that
make rebuilds cheap — entries kept between the dev server's rebuilds, pages rendered
on several cores — live in :mod:`statusgen.incremental`, apart from the logic they
speed up.

A cached value must depend only on its key and its scope's context: keys are built
next to the call that computes the value, from everything that call reads.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Protocol, TypeVar

V = TypeVar("V")
K = TypeVar("K", bound=Hashable)
T = TypeVar("T")
R = TypeVar("R")


class Store(Protocol):
    """One kind of cached value (entry pages, feed timelines …), valid for one context."""

    def cached(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value for ``key``: kept from before, or made now by ``make``."""

    def cached_all(self, keys: Sequence[K], make: Callable[[list[K]], list[V]]) -> list[V]:
        """The values for ``keys``, in order: those not kept are made together by ``make``
        (given the missing keys, in order), so they can be made in parallel."""


class Cache(Protocol):
    """Named stores; a store is emptied when its context (settings, components, theme) changes."""

    def scope(self, name: str, context: Hashable) -> Store:
        """The store ``name``, for ``context``."""


class _Nothing:
    def cached(self, key: Hashable, make: Callable[[], V]) -> V:
        return make()

    def cached_all(self, keys: Sequence[K], make: Callable[[list[K]], list[V]]) -> list[V]:
        return make(list(keys))

    def scope(self, name: str, context: Hashable) -> Store:
        return self


NO_CACHE: Cache = _Nothing()
"""Keeps nothing: every value is made."""

class Mapper(Protocol):
    """``[task(item) for item in items]``, perhaps on several processes; the order is kept."""

    def __call__(self, task: Callable[[T], R], items: Sequence[T], /) -> list[R]:
        ...


def serial_map(task: Callable[[T], R], items: Sequence[T], /) -> list[R]:
    """The plain :data:`Mapper`: one item after the other, in this process."""
    return [task(item) for item in items]
