"""The shapes of repository the benchmark builds, each exposing one way a page can grow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.entries import Files


@dataclass(frozen=True)
class Shape:
    """A way to generate a repository of ``n`` entries from a seed."""

    name: str
    summary: str
    files: Callable[[int, int], Files]
    """``(n, seed)`` → every file of the repository."""
