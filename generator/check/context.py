"""What a rule over one incident may look at besides the incident itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from statusgen import model as m


@dataclass(frozen=True)
class Context:
    """The repository around the incident being checked, and the clock."""

    config: m.Config
    now: datetime
    published: dict[str, bool]
    """Every entry's id, and whether the public page shows it."""
