"""History: every entry by year and month in the page's zone, newest first.

Pure data: the pages, labels and links of the history are the renderer's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import tzinfo

from statusgen.compute.status import Entry


@dataclass(frozen=True)
class Month:
    """A month's entries, newest start first."""

    year: int
    month: int
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Year:
    year: int
    months: tuple[Month, ...]
    """Newest first."""

    @property
    def count(self) -> int:
        return sum(len(m.entries) for m in self.months)


def by_year(entries: Iterable[Entry], tz: tzinfo) -> tuple[Year, ...]:
    """Every year with entries, newest first, each by month in ``tz``; ``entries`` come newest
    start first and keep that order."""
    years: dict[int, dict[int, list[Entry]]] = {}
    for e in entries:
        local = e.started_at.astimezone(tz)
        years.setdefault(local.year, {}).setdefault(local.month, []).append(e)
    return tuple(
        Year(year, tuple(Month(year, month, tuple(found))
                         for month, found in sorted(years[year].items(), reverse=True)))
        for year in sorted(years, reverse=True)
    )


def latest(years: tuple[Year, ...]) -> Year | None:
    """The year the history's index shows: the newest with something that has started, else
    the newest."""
    for y in years:
        if any(not e.upcoming for month in y.months for e in month.entries):
            return y
    return years[0] if years else None
