"""An output the previous site already holds: the writer keeps the file instead of writing it.

The record of outputs (:class:`statusgen.incremental.record.Written`) decides which are such;
the writer only honours it, and renders one after all if its file cannot be linked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Kept(bytes):
    """An output the last build wrote from the same inputs, still as it was written: it holds
    no bytes; :meth:`made` renders it, should keeping the file fail."""

    key: str
    name: str
    size: int
    make: Callable[[], Any]

    def made(self) -> bytes:
        """The bytes, rendered now."""
        value = self.make()
        return bytes(value[self.name] if self.name else value)


def kept(key: str, name: str, size: int, make: Callable[[], Any]) -> Kept:
    """A :class:`Kept` output: ``name`` picks it from a value holding several files."""
    found = Kept()
    found.key, found.name, found.size, found.make = key, name, size, make
    return found


def output_size(data: bytes) -> int:
    """How many bytes an output has, kept or not."""
    return data.size if isinstance(data, Kept) else len(data)


def materialized(data: bytes) -> bytes:
    """The bytes of an output, rendering a kept one."""
    return data.made() if isinstance(data, Kept) else data
