"""What a feed, a document or a report reads of the site around its entries.

A snapshot has all of it; a step (:mod:`statusgen.steps`) is given a :class:`Site`: only
the settings and components, which build it is, the entries its entry links to that are
shown, and the clock when what it writes shows it.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Protocol

from statusgen import model as m
from statusgen.render.timefmt import zone


class Around(Protocol):
    """A snapshot, or a step's :class:`Site`."""

    @property
    def config(self) -> m.Config: ...
    @property
    def page(self) -> m.Page: ...
    @property
    def tz(self) -> tzinfo: ...
    @property
    def internal(self) -> bool: ...
    @property
    def ids(self) -> Container[str]: ...
    @property
    def now(self) -> datetime | None: ...


@dataclass(frozen=True)
class Site:
    """The part of the site a step reads."""

    config: m.Config
    internal: bool
    ids: frozenset[str] = frozenset()
    """The entries the step's entry links to that this build shows."""
    now: datetime | None = None
    """The clock, only where the output shows it."""

    @property
    def page(self) -> m.Page:
        return self.config.page

    @property
    def tz(self) -> tzinfo:
        return zone(self.page.timezone)
