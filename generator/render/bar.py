"""The uptime bar: one tick per day, quiet stretches drawn as one dashed stroke.

A bar of 90 days for each of many components would weigh more than the rest
of the front page, so consecutive days that read alike share one SVG path (its
dashes still show one tick per day) and one tooltip: quiet stretches, and days
of an entry left open for weeks that each saw the same level, uptime and
entries. Any other day that saw an entry has its own, naming the date, the
uptime and what happened; the screen readers' summary names the newest of those runs.
"""

from __future__ import annotations

from statusgen.compute.views import Day, Snapshot, Uptime
from statusgen.render import labels
from statusgen.render.i18n import Language
from statusgen.render.views import Bar, BarRun

DAY = 6
"""Width of one day in the SVG's units: a tick of 4 and a gap of 2 (see ``.bar`` in the CSS)."""
HEIGHT = 30
NO_DATA = "no-data"
"""A run's class for days before the component went into service."""


def _range(first: Day, last: Day, lang: Language) -> str:
    return lang.date_range(first.date, last.date)


def _quiet(day: Day) -> bool:
    return not day.entries and day.uptime >= 1.0


SUMMARY_RUNS = 5
"""The screen readers' summary names the newest runs of days that saw an entry, and counts the
rest: on a busy page, a label naming every day of 200 bars is hours of listening, and each
day's tooltip (and the component's page) still says it all."""

TITLES = 3
"""A day's tooltip names at most this many entries: a page with hundreds of incidents open
for years would otherwise repeat every title on every day of every bar."""


def _titles(snap: Snapshot, day: Day, lang: Language) -> str:
    titles = []
    for entry_id in day.entries[:TITLES]:
        found = snap.get(entry_id)
        titles.append(found.incident.title if found is not None else entry_id)
    more = len(day.entries) - TITLES
    text = titles[0] if titles else ""
    for title in titles[1:]:
        text = lang._("%(first)s; %(second)s", first=text, second=title)
    if more > 0:
        text = lang.n_("%(titles)s; and %(num)s more", "%(titles)s; and %(num)s more", more,
                       titles=text)
    return text


def _day_text(snap: Snapshot, day: Day, lang: Language) -> str:
    return lang._("%(level)s, %(percent)s uptime: %(titles)s",
                  level=lang.gettext(labels.LEVELS[day.level]), percent=lang.percent(day.uptime),
                  titles=_titles(snap, day, lang))


def _text(snap: Snapshot, day: Day, lang: Language) -> str:
    """What a day that saw an entry says after its date (empty for a quiet day): consecutive
    days of one level that say the same share one run."""
    return "" if _quiet(day) else _day_text(snap, day, lang)


def uptime_bar(snap: Snapshot, uptime: Uptime, lang: Language) -> Bar:
    """The bar of one component or group."""
    groups: list[tuple[list[Day], str]] = []
    for day in uptime.days:
        text = _text(snap, day, lang)
        last = groups[-1] if groups else None
        if last is not None and last[1] == text and last[0][-1].level is day.level and \
                last[0][-1].counted == day.counted:
            last[0].append(day)
        else:
            groups.append(([day], text))
    runs = []
    eventful = []
    x = 0
    for days, text in groups:
        first, final = days[0], days[-1]
        when = lang.short_date(first.date) if len(days) == 1 else _range(first, final, lang)
        level = str(first.level)
        if not first.counted:  # before the component's start_date
            label = lang._("%(days)s: no data", days=when)
            level = NO_DATA
        elif _quiet(first):
            label = lang._("%(days)s: %(level)s, %(percent)s uptime, no incidents",
                           days=when, level=lang.gettext(labels.LEVELS[first.level]),
                           percent=lang.percent(1.0))
        else:
            label = lang._("%(day)s: %(text)s", day=when, text=text)
            eventful.append(label)
        runs.append(BarRun(x, DAY * len(days), len(days), level, label))
        x += DAY * len(days)
    count = len(uptime.days)
    shown = lang.percent(uptime.ratio)
    summary = lang.n_("Uptime over the last %(num)s day: %(percent)s.",
                      "Uptime over the last %(num)s days: %(percent)s.", count, percent=shown)
    if eventful:
        named = _sentences(eventful[-SUMMARY_RUNS:], lang)
        earlier = len(eventful) - SUMMARY_RUNS
        if earlier > 0:
            named = lang.n_("%(titles)s; and %(num)s more", "%(titles)s; and %(num)s more",
                            earlier, titles=named)
        summary = lang._("%(summary)s Days with incidents or maintenance: %(days)s.",
                         summary=summary, days=named)
    else:
        summary = lang._("%(summary)s No incidents or maintenance.", summary=summary)
    return Bar(days=count, width=DAY * count, height=HEIGHT, runs=tuple(runs),
               percent=shown, label=summary)


def _sentences(parts: list[str], lang: Language) -> str:
    """Days of a summary, one after the other as the language separates sentences."""
    text = parts[0]
    for part in parts[1:]:
        text = lang._("%(first)s. %(second)s", first=text, second=part)
    return text
