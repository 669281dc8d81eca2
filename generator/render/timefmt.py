"""Times as readers and machines see them, with no dependence on the system locale."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def iso(at: datetime) -> str:
    """ISO 8601 with offset, to the second: ``2026-11-22T07:45:00+01:00``."""
    return at.replace(microsecond=0).isoformat()


def iso_utc(at: datetime, tz: tzinfo | None = None) -> str:
    """ISO 8601 in ``tz`` (UTC by default) with milliseconds, as Statuspage's API writes it."""
    from datetime import UTC

    local = at.astimezone(tz or UTC)
    return local.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def local_time(at: datetime, tz: tzinfo) -> str:
    """``22 Nov 2026, 07:45 CET`` in the page's zone."""
    t = at.astimezone(tz)
    return f"{t.day} {MONTHS[t.month - 1][:3]} {t.year}, {t:%H:%M} {t.tzname()}"


def local_date(at: datetime, tz: tzinfo) -> str:
    """``22 November 2026`` in the page's zone."""
    t = at.astimezone(tz)
    return f"{t.day} {MONTHS[t.month - 1]} {t.year}"


def month_name(month: int) -> str:
    return MONTHS[month - 1]


def duration(span: timedelta) -> str:
    """``2 h 18 min``, ``3 days 4 h``, ``45 min``, ``less than a minute``."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} h")
    if minutes and not days:
        parts.append(f"{minutes} min")
    return " ".join(parts)


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name`` (validated by the schema)."""
    return ZoneInfo(name)


def whole_seconds(value: float) -> int:
    """Seconds rounded to the nearest whole one, halves up: how the API and the reports write
    every duration."""
    return math.floor(value + 0.5)
