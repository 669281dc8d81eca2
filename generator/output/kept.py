"""Outputs whose bytes are not in memory: one the previous site already holds (:class:`Kept`),
which the writer keeps instead of writing, and one this build made and holds in a file
until it is written (:class:`Held`, made by :mod:`statusgen.output.held`).

The record of outputs (:class:`statusgen.incremental.record.Written`) decides which are kept;
the writer only honours it, and renders one after all if its file cannot be linked.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any


class Elsewhere(bytes):
    """An output whose bytes are not held here (an empty ``bytes``): :attr:`size` says how
    many it has and :meth:`made` gives them."""

    size: int

    def made(self) -> bytes:
        raise NotImplementedError


class Kept(Elsewhere):
    """An output the last build wrote from the same inputs, still as it was written: it holds
    no bytes; :meth:`made` renders it, should keeping the file fail."""

    key: str
    name: str
    make: Callable[[], Any]

    def made(self) -> bytes:
        """The bytes, rendered now."""
        value = self.make()
        return bytes(value[self.name] if self.name else value)


class Held(Elsewhere):
    """An output made by this build and kept in the file ``path`` until it is written."""

    path: str
    digest: str
    """What :func:`~statusgen.output.spare.digest` gives of its bytes."""
    key = ""
    name = ""
    """Set by the record of outputs, as on any output it keeps the key of."""

    def made(self) -> bytes:
        with open(self.path, "rb") as file:
            return file.read()

    def place(self, target: str) -> None:
        """Make the new file ``target`` hold these bytes: a link to the held file, which the
        build never writes into again (a copy where links are refused)."""
        try:
            os.link(self.path, target)
        except OSError:
            with open(target, "xb") as file:
                file.write(self.made())


def kept(key: str, name: str, size: int, make: Callable[[], Any]) -> Kept:
    """A :class:`Kept` output: ``name`` picks it from a value holding several files."""
    found = Kept()
    found.key, found.name, found.size, found.make = key, name, size, make
    return found


def output_size(data: bytes) -> int:
    """How many bytes an output has, kept or not."""
    return data.size if isinstance(data, Elsewhere) else len(data)


def materialized(data: bytes) -> bytes:
    """The bytes of an output, rendering a kept one and reading a held one."""
    return data.made() if isinstance(data, Elsewhere) else data
