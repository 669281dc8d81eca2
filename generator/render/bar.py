"""The uptime bar: one tick per day, quiet stretches drawn as one dashed stroke.

A bar of 90 days for each of many components would weigh more than the rest
of the front page, so consecutive days with nothing to say share one SVG path
(its dashes still show one tick per day) and one tooltip; a day that saw an
entry always has its own, naming the date, the uptime and what happened.
"""

from __future__ import annotations

from generator.compute.snapshot import Snapshot
from generator.compute.uptime import Day, Uptime
from generator.render import labels
from generator.render.entries import percent, short_date
from generator.render.views import Bar, BarRun

DAY = 6
"""Width of one day in the SVG's units: a tick of 4 and a gap of 2 (see ``.bar`` in the CSS)."""
HEIGHT = 30
DASH = "\u2013"
"""The en dash between two dates."""


def _range(first: Day, last: Day) -> str:
    if first.date == last.date:
        return short_date(first.date)
    if first.date.year == last.date.year:
        head = short_date(first.date).rsplit(" ", 1)[0]
        return f"{head} {DASH} {short_date(last.date)}"
    return f"{short_date(first.date)} {DASH} {short_date(last.date)}"


def _quiet(day: Day) -> bool:
    return not day.entries and day.uptime >= 1.0


TITLES = 3
"""A day's tooltip names at most this many entries: a page with hundreds of incidents open
for years would otherwise repeat every title on every day of every bar."""


def _titles(snap: Snapshot, day: Day) -> str:
    titles = []
    for entry_id in day.entries[:TITLES]:
        found = snap.get(entry_id)
        titles.append(found.incident.title if found is not None else entry_id)
    more = len(day.entries) - TITLES
    return "; ".join(titles) + (f"; and {more} more" if more > 0 else "")


def _day_text(snap: Snapshot, day: Day) -> str:
    return f"{labels.LEVELS[day.level]}, {percent(day.uptime)} uptime: {_titles(snap, day)}"


def uptime_bar(snap: Snapshot, uptime: Uptime) -> Bar:
    """The bar of one component or group."""
    groups: list[list[Day]] = []
    for day in uptime.days:
        last = groups[-1] if groups else None
        if last is not None and _quiet(day) and _quiet(last[-1]) and last[-1].level is day.level:
            last.append(day)
        else:
            groups.append([day])
    runs = []
    x = 0
    for days in groups:
        first, final = days[0], days[-1]
        if _quiet(first):
            label = f"{_range(first, final)}: {labels.LEVELS[first.level]}, {percent(1.0)} uptime, " \
                    "no incidents"
        else:
            label = f"{short_date(first.date)}: {_day_text(snap, first)}"
        runs.append(BarRun(x, DAY * len(days), len(days), str(first.level), label))
        x += DAY * len(days)
    count = len(uptime.days)
    eventful = [f"{short_date(d.date)}: {_day_text(snap, d)}" for d in uptime.days if not _quiet(d)]
    summary = f"Uptime over the last {count} days: {uptime.percent}%. " + (
        "Days with incidents or maintenance: " + ". ".join(eventful) + "." if eventful
        else "No incidents or maintenance.")
    return Bar(days=count, width=DAY * count, height=HEIGHT, runs=tuple(runs),
               percent=f"{uptime.percent}%", label=summary)
