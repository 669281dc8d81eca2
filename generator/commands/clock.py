"""The build's ``now``: from ``--now``, ``SOURCE_DATE_EPOCH`` or the system clock.

Only the command line reads the clock; everything below receives ``now``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime

from statusgen.source.timestamps import TimestampError, in_range, range_problem, read_timestamp


class ClockError(ValueError):
    """``--now`` or ``SOURCE_DATE_EPOCH`` cannot be read."""


def resolve_now(option: str | None, environ: Mapping[str, str] = os.environ) -> datetime:
    """``--now`` wins, then ``SOURCE_DATE_EPOCH`` (reproducible builds), then the clock."""
    if option is not None:
        try:
            return read_timestamp(option).astimezone(UTC)
        except TimestampError as exc:
            raise ClockError(f"--now: {exc}") from exc
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            now = datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise ClockError(f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of "
                             "seconds since 1970") from exc
        if not in_range(now):
            raise ClockError(f"SOURCE_DATE_EPOCH={epoch!r}: {range_problem(now.isoformat())}")
        return now
    return datetime.now(UTC).replace(microsecond=0)
