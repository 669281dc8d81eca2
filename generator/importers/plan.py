"""What a reader hands over: the source's page, components and entries, in the format's terms.

Entries name components by the *source's* key (a Statuspage component id, a cState
system name); :mod:`.apply` maps those keys to ids of ``components.yml``.  Every
message and body is Markdown already, as it will be written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from statusgen import model as m

Levels = tuple[tuple[str, m.Level | None], ...]
"""Component key → level (``None`` for a maintenance's components), in order."""


@dataclass(frozen=True)
class Update:
    """One update of an entry."""

    at: datetime
    status: m.Status
    message: str
    components: Levels | None = None
    """Levels from this update on; ``None`` keeps the previous ones."""


@dataclass(frozen=True)
class Entry:
    """One incident or maintenance of the source."""

    source: str
    """``<system>/<the source's id>``, kept in the file's ``source`` key."""
    title: str
    kind: m.Kind
    updates: tuple[Update, ...]
    """Newest first."""
    impact: m.Impact = m.Impact.NONE
    components: Levels = ()
    window: tuple[datetime, datetime] | None = None
    body: str = ""
    reference: str = ""
    """Sources have none: the import gives a new file the next declared reference."""

    @property
    def label(self) -> str:
        """How reports name the item: its source key and title."""
        return f"{self.source} “{self.title}”"


@dataclass(frozen=True)
class Component:
    """A component (or a group) of the source."""

    key: str
    """The source's own key: entries name the component by it."""
    name: str
    description: str = ""
    group: str | None = None
    """The key of the group it belongs to."""
    is_group: bool = False
    retired: bool = False
    """Named only by old entries, not in the source's own list of components."""
    upstream: tuple[str, str] | None = None
    """A third party's component: its provider's Statuspage address and its name there."""


@dataclass(frozen=True)
class Page:
    """The source page's settings, used when ``components.yml`` is created."""

    title: str
    url: str
    timezone: str = "UTC"
    description: str = ""


_VALUES = re.compile(r"`[^`]*`|“[^”]*”|\([^)]*\)|\d+")
"""What a note's text names of its item (a value, a name, a list, a count)."""


@dataclass(frozen=True)
class Note:
    """A repair the importer made, or something it could not map, with the source item."""

    item: str
    text: str
    kind: str = "repaired"
    """``repaired``, ``not mapped``, ``not imported`` or ``to review`` (a suggestion)."""

    def __str__(self) -> str:
        return f"{self.kind}: {self.item}: {self.text}"

    @property
    def topic(self) -> str:
        """The kind of repair, for counting: the text without what it names of its item."""
        return _VALUES.sub("…", self.text)


@dataclass
class Imported:
    """Everything a reader found."""

    system: str
    """``statuspage`` or ``cstate``: the first part of every entry's ``source``."""
    page: Page | None = None
    components: list[Component] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    """What the user should know about the source as a whole (the public API's limit)."""
