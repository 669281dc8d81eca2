"""The one rule for a moment in time, whoever reads it.

A file's ``at:``, a maintenance window, a named timestamp, an alert's start, ``--at`` and
``--now`` are all read by :func:`read_timestamp`: ISO 8601 with an explicit zone (``Z`` or
an offset), from :data:`EARLIEST` up to (not including) :data:`LATEST` once in UTC.

Python's dates end at years 1 and 9999, and the pages compute around each moment: it is
shown in the page's zone (up to a day from UTC), the history and the calendar open the
years either side of it, reports run to the end of its quarter, a window's end plus its
duration is compared with ``now``.  A time of ``9999-12-31T23:59:59-01:00`` is read by
``datetime`` but is already in year 10000 in UTC.  So the range is held well inside those
ends: from 1970 (no status page is older, and times before it would make negative epoch
seconds in sort keys) to the end of 8999, which leaves a thousand years of room to every
computation.  The validator, ``ingest``, the relay and the build all use this one range,
so what ``validate`` accepts is what ``build`` can compute.
"""

from __future__ import annotations

from datetime import UTC, datetime

from statusgen import rules
from statusgen.diagnostics import Diagnostic, Location

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
"""The first moment statusgen accepts."""
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
"""The first moment statusgen no longer accepts."""
EXAMPLE = "2026-11-22T10:42:00Z"


class TimestampError(ValueError):
    """A timestamp statusgen does not take; ``code`` is the diagnostic's code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def parse_timestamp(raw: str) -> datetime | None:
    """An ISO 8601 timestamp, with or without a zone, or ``None`` when it cannot be read."""
    try:
        return datetime.fromisoformat(raw.strip())
    except ValueError:
        return None


def in_range(at: datetime) -> bool:
    """Whether ``at`` (with a zone) lies in the range every computation supports."""
    # Comparing aware times never converts them, so this holds for 0001-01-01T00:00+01:00 too.
    return EARLIEST <= at < LATEST


def range_problem(shown: str) -> str:
    """Why ``shown`` (a time as the user wrote it) is refused for its range, and what to do."""
    return (f"`{shown}` is outside the times statusgen can show, from "
            f"{EARLIEST:%Y-%m-%dT%H:%M:%SZ} to before {LATEST:%Y-%m-%dT%H:%M:%SZ} in UTC; "
            "check the year and the offset")


def check_timestamp(raw: str, where: Location) -> datetime | Diagnostic:
    """``raw`` as an aware datetime, or the error at ``where`` when it is not ISO 8601, has
    no zone, or lies outside the supported range."""
    parsed = parse_timestamp(raw)
    if parsed is None:
        return rules.TIMESTAMP.at(where, f"`{raw}` is not an ISO 8601 timestamp; write it "
                                  f"like {EXAMPLE}")
    if parsed.tzinfo is None:
        return rules.TIMESTAMP_ZONE.at(where, f"`{raw}` has no time zone; add `Z` for UTC or "
                                       "an offset such as +01:00")
    if not in_range(parsed):
        return rules.TIMESTAMP_RANGE.at(where, range_problem(raw))
    return parsed


def read_timestamp(raw: str) -> datetime:
    """:func:`check_timestamp` for a time given outside a file (``--at``, ``--now``):
    :class:`TimestampError` with the same words."""
    found = check_timestamp(raw, Location(""))
    if isinstance(found, Diagnostic):
        raise TimestampError(found.code, found.message)
    return found
