"""A recurring maintenance's rule, read once for whoever needs it: the check that reports a
bad one, the computation that expands it, the calendar that publishes it.

The rule is an RFC 5545 ``RRULE`` read by python-dateutil.  Its first occurrence is the
window's start in the page's zone, as a calendar's ``DTSTART;TZID=…`` is: occurrences keep
the wall-clock time across daylight-saving changes, a time that does not exist that day
(02:30 when the clocks jump from 02:00 to 03:00) is read with the offset before the jump,
as RFC 5545 says, and ``UNTIL`` is in UTC.  An ``UNTIL`` written as a date alone
(``UNTIL=20260630``) means the end of that day in the page's zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr

FREQUENCIES = {"DAILY": DAILY, "WEEKLY": WEEKLY, "MONTHLY": MONTHLY, "YEARLY": YEARLY}
"""What a maintenance may repeat by: a rule more often than daily would fill the page with
entries, and no maintenance plan is written that way."""
HORIZON = timedelta(days=90)
"""How far past ``now`` the pages, the API and notifications expand an unbounded rule."""
_UNTIL_DATE = re.compile(r"UNTIL=([0-9]{8})(?=;|\Z)")


def occurrence_id(series_id: str, day: date) -> str:
    """The id of the occurrence of ``series_id`` on ``day``: its page's address."""
    return f"{series_id}-{day.isoformat()}"


@dataclass(frozen=True)
class Rule:
    """A rule that reads, anchored at its first occurrence."""

    text: str
    """The rule as a calendar publishes it: without ``RRULE:``, ``UNTIL`` in UTC."""
    recurrence: rrule
    first: datetime
    """The first occurrence's start, in the page's zone."""
    duration: timedelta
    """Wall-clock length of each occurrence: the window's."""

    def starts(self, upto: datetime) -> list[datetime]:
        """Every occurrence's start until ``upto`` (inclusive), in the page's zone, oldest first."""
        found: list[datetime] = self.recurrence.between(self.first, upto, inc=True)
        return found

    def end(self, start: datetime) -> datetime:
        """The end of the occurrence starting at ``start``: the same wall-clock length, so a
        02:00 to 03:00 window stays 02:00 to 03:00 across a daylight-saving change."""
        zone = start.tzinfo
        wall = start.replace(tzinfo=None) + self.duration
        return wall.replace(tzinfo=zone)


def read_rule(text: str, start: datetime, end: datetime, zone: ZoneInfo) -> Rule | str:
    """The rule ``text`` of a maintenance whose first window is ``start`` to ``end``; what is
    wrong with it, in words, when it does not read."""
    written = text.strip().removeprefix("RRULE:")
    if not written:
        return "the rule is empty; write one such as FREQ=WEEKLY;BYDAY=TU"
    parts = dict(p.partition("=")[::2] for p in written.upper().split(";"))
    freq = parts.get("FREQ", "")
    if not freq:
        return "the rule has no FREQ; start it with FREQ=DAILY, WEEKLY, MONTHLY or YEARLY"
    if freq not in FREQUENCIES:
        return (f"FREQ={freq} is not allowed for maintenance; use DAILY, WEEKLY, MONTHLY or "
                "YEARLY")
    timed = sorted(parts.keys() & {"BYHOUR", "BYMINUTE", "BYSECOND"})
    if timed:
        # An occurrence is named by its date: two on one day would be one entry twice.
        return (f"{', '.join(timed)} cannot be used: the window gives the time, and a "
                "maintenance occurs at most once a day")
    if "COUNT" in parts and "UNTIL" in parts:
        return "a rule has COUNT or UNTIL, not both (RFC 5545)"
    first = start.astimezone(zone)
    try:
        written = _UNTIL_DATE.sub(lambda found: "UNTIL=" + _end_of_day(found.group(1), zone),
                                  written)
        recurrence = rrulestr(written, dtstart=first)
    except (ValueError, TypeError, OverflowError) as exc:
        return str(exc) or type(exc).__name__
    if not isinstance(recurrence, rrule):
        return "write one RRULE, without DTSTART, EXDATE or other lines"
    wall = end.astimezone(zone).replace(tzinfo=None) - first.replace(tzinfo=None)
    return Rule(written, recurrence, first, wall if wall > timedelta(0) else end - start)


def _end_of_day(written: str, zone: ZoneInfo) -> str:
    day = date(int(written[:4]), int(written[4:6]), int(written[6:]))
    last = datetime.combine(day, time(23, 59, 59), zone).astimezone(UTC)
    return last.strftime("%Y%m%dT%H%M%SZ")
