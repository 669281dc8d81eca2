"""History: one page per year with entries, by month, newest first, and an index.

A page never holds more than one year, so its size does not grow with the
whole history; ``history/index.html`` shows the latest year and links them all.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.compute.snapshot import Snapshot
from generator.compute.status import Entry
from generator.render import paths, timefmt


@dataclass(frozen=True)
class YearLink:
    year: int
    path: str
    count: int


@dataclass(frozen=True)
class MonthOf:
    """A month's entries, newest start first (entries not yet made into views)."""

    id: str
    """``2026-11``: the heading's anchor."""
    label: str
    """``November 2026``."""
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class YearOf:
    year: int
    months: tuple[MonthOf, ...]


def by_year(snap: Snapshot) -> tuple[YearOf, ...]:
    """Every year with entries, newest first, each by month in the page's zone."""
    years: dict[int, dict[int, list[Entry]]] = {}
    for e in snap.entries:  # newest start first
        local = e.started_at.astimezone(snap.tz)
        years.setdefault(local.year, {}).setdefault(local.month, []).append(e)
    return tuple(
        YearOf(year, tuple(
            MonthOf(f"{year}-{month:02d}", f"{timefmt.month_name(month)} {year}", tuple(entries))
            for month, entries in sorted(years[year].items(), reverse=True)
        ))
        for year in sorted(years, reverse=True)
    )


def year_links(years: tuple[YearOf, ...]) -> tuple[YearLink, ...]:
    return tuple(YearLink(y.year, paths.history_page(y.year),
                          sum(len(month.entries) for month in y.months)) for y in years)


def latest(snap: Snapshot, years: tuple[YearOf, ...]) -> YearOf | None:
    """The year the index shows: the newest with something that has started, else the newest."""
    for y in years:
        if any(not e.upcoming for month in y.months for e in month.entries):
            return y
    return years[0] if years else None
