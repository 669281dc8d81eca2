"""What a rule over one incident may look at besides the incident itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from statusgen import model as m


@dataclass(frozen=True)
class Context:
    """The repository around the incident being checked, and the clock."""

    config: m.Config
    now: datetime | None
    """``None`` for the rules whose verdict may be kept while the clock moves: they cannot
    read it (:meth:`clock`)."""
    published: dict[str, bool]
    """Every entry's id, and whether the public page shows it."""

    def clock(self) -> datetime:
        """The clock, for the rules that read it."""
        if self.now is None:
            raise RuntimeError("a rule kept while the clock moves read the clock")
        return self.now
