"""What a change does to the public page: two snapshots in, a structured diff out.

:func:`diff` compares the page before and after a change at the same ``now``:
the banner, every component's level, and each incident and maintenance by id
(added, updated with new updates, resolved, reopened, edited, removed).  Both
snapshots must be public ones (``internal=False``); the diff then cannot name
anything the public does not see.  :func:`render_markdown` (a pull request
comment or job summary) and :func:`render_text` (a terminal) in
:mod:`statusgen.render.diff` print it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from statusgen import model as m
from statusgen.compute.snapshot import Snapshot
from statusgen.compute.status import Entry


class Change(StrEnum):
    """What happened to one entry."""

    ADDED = "added"
    UPDATED = "updated"
    RESOLVED = "resolved"
    """An incident resolved or a maintenance completed."""
    REOPENED = "reopened"
    EDITED = "edited"
    """Same updates, other words or fields."""
    REMOVED = "removed"
    NOT_COMPARABLE = "not comparable"


@dataclass(frozen=True)
class Banner:
    indicator: str
    description: str


@dataclass(frozen=True)
class ComponentChange:
    """One component or group whose level changes; ``None`` where it is not on that page."""

    id: str
    name: str
    group: str | None
    """The group's name, for a member of a group."""
    before: m.Level | None
    after: m.Level | None


@dataclass(frozen=True)
class UpdateLine:
    """An update as the diff shows it: its time, status and the first line of its message."""

    at: datetime
    status: m.Status
    message: str


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


class DetailKind(StrEnum):
    """What else about an entry changed."""

    TITLE = "title"
    IMPACT = "impact"
    COMPONENTS = "components"
    WINDOW = "window"
    EDITED = "edited"
    """``after`` earlier updates were edited."""
    REMOVED = "removed"
    """``after`` updates were removed."""
    WRITE_UP = "write-up"
    """``before``/``after``: whether there was a write-up."""


@dataclass(frozen=True)
class Detail:
    """One other difference: the values before and after (their meaning by ``kind``)."""

    kind: DetailKind
    before: object = None
    after: object = None


@dataclass(frozen=True)
class EntryChange:
    """One incident or maintenance the change touches."""

    id: str
    path: str
    kind: m.Kind
    title: str
    change: Change
    status_before: m.Status | None
    status_after: m.Status | None
    new_updates: tuple[UpdateLine, ...] = ()
    """Public updates the change adds, newest first."""
    window_before: Window | None = None
    window_after: Window | None = None
    details: tuple[Detail, ...] = ()
    """Other differences (the title, the impact, the window …)."""
    note: str = ""
    """Why an entry is not comparable."""


@dataclass(frozen=True)
class PageDiff:
    """Everything the public page says differently after the change."""

    base: str
    """What the page is compared with: ``origin/main (1a2b3c4)``."""
    now: datetime
    timezone: str
    banner_before: Banner | None
    """``None`` when the base could not be computed at all."""
    banner_after: Banner
    components: tuple[ComponentChange, ...]
    incidents: tuple[EntryChange, ...]
    maintenance: tuple[EntryChange, ...]
    notes: tuple[str, ...] = ()

    @property
    def comparable(self) -> bool:
        return self.banner_before is not None

    @property
    def changed(self) -> bool:
        """Whether the public page shows anything differently (or cannot be compared)."""
        return (not self.comparable or self.banner_before != self.banner_after
                or bool(self.components or self.incidents or self.maintenance))


def first_line(text: str) -> str:
    """The first non-blank line of a message, stripped."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _banner(snap: Snapshot) -> Banner:
    return Banner(snap.indicator, snap.description)


def _components(before: Snapshot, after: Snapshot) -> tuple[ComponentChange, ...]:
    names = {c.id: c for c in before.config.walk()} | {c.id: c for c in after.config.walk()}
    order = [c.id for c in after.config.walk()]
    order += [c.id for c in before.config.walk() if c.id not in order]
    changes = []
    for component_id in order:
        old = before.levels.get(component_id)
        new = after.levels.get(component_id)
        if old is new:
            continue
        component = names[component_id]
        group = names.get(component.group) if component.group else None
        changes.append(ComponentChange(component_id, component.name,
                                       group.name if group else None, old, new))
    return tuple(changes)


def _update_line(update: m.Update) -> UpdateLine:
    return UpdateLine(update.at, update.status, first_line(update.message))


def _window(entry: Entry) -> Window | None:
    window = entry.incident.window
    return Window(window.start, window.end) if window else None


def _refs(refs: Iterable[m.ComponentRef]) -> dict[str, str | None]:
    return {r.id: (str(r.level) if r.level else None) for r in refs}


def _details(old: Entry, new: Entry) -> list[Detail]:
    a, b = old.incident, new.incident
    out = []
    if a.title != b.title:
        out.append(Detail(DetailKind.TITLE, a.title, b.title))
    if a.kind is m.Kind.INCIDENT and a.impact is not b.impact:
        out.append(Detail(DetailKind.IMPACT, a.impact, b.impact))
    if _refs(a.components) != _refs(b.components):
        out.append(Detail(DetailKind.COMPONENTS))
    if a.kind is m.Kind.MAINTENANCE and _window(old) != _window(new):
        out.append(Detail(DetailKind.WINDOW, _window(old), _window(new)))
    old_updates = {u.at: u for u in a.updates}
    new_updates = {u.at: u for u in b.updates}
    edited = sum(1 for at, u in new_updates.items()
                 if at in old_updates and _same_update(old_updates[at], u) is False)
    removed = sum(1 for at in old_updates if at not in new_updates)
    if edited:
        out.append(Detail(DetailKind.EDITED, after=edited))
    if removed:
        out.append(Detail(DetailKind.REMOVED, after=removed))
    if a.body != b.body:
        out.append(Detail(DetailKind.WRITE_UP, bool(a.body), bool(b.body)))
    return out


def _same_update(a: m.Update, b: m.Update) -> bool:
    return (a.status, a.message, _refs(a.components or ()), a.components is None) == \
           (b.status, b.message, _refs(b.components or ()), b.components is None)


def _ended(entry: Entry) -> bool:
    if entry.incident.kind is m.Kind.INCIDENT:
        return entry.incident.terminal is not None
    return entry.status is m.Status.COMPLETED


def _make(old: Entry | None, new: Entry | None, change: Change, *,
          new_updates: tuple[UpdateLine, ...] = (), details: tuple[Detail, ...] = (),
          note: str = "") -> EntryChange:
    shown = new or old
    assert shown is not None
    incident = shown.incident
    return EntryChange(
        id=incident.id, path=incident.path, kind=incident.kind, title=incident.title,
        change=change,
        status_before=old.status if old else None,
        status_after=new.status if new else None,
        new_updates=new_updates,
        window_before=_window(old) if old else None,
        window_after=_window(new) if new else None,
        details=details,
        note=note,
    )


def _entry_change(old: Entry | None, new: Entry | None) -> EntryChange | None:
    if old is None:
        assert new is not None
        updates = tuple(_update_line(u) for u in new.incident.updates)
        return _make(None, new, Change.ADDED, new_updates=updates)
    if new is None:
        return _make(old, None, Change.REMOVED)
    before_times = {u.at for u in old.incident.updates}
    added = tuple(_update_line(u) for u in new.incident.updates if u.at not in before_times)
    details = tuple(_details(old, new))
    if _ended(new) and not _ended(old):
        change = Change.RESOLVED
    elif _ended(old) and not _ended(new):
        change = Change.REOPENED
    elif added:
        change = Change.UPDATED
    elif details or old.status is not new.status:
        change = Change.EDITED
    else:
        return None
    return _make(old, new, change, new_updates=added, details=details)


def diff(before: Snapshot | None, after: Snapshot, *, base: str = "the base",
         not_comparable: dict[str, str] | None = None, notes: Collection[str] = ()) -> PageDiff:
    """What the public page at ``after`` shows differently from ``before``.

    ``before`` is ``None`` when the base could not be computed at all.
    ``not_comparable`` maps the path of an entry that could not be read at the base to
    the reason: such an entry is reported as not comparable rather than as added.
    """
    if (before is not None and before.internal) or after.internal:
        raise ValueError("diff compares public pages: build both snapshots with internal=False")
    broken = not_comparable or {}
    tz = after.page.timezone
    old_entries = {e.id: e for e in before.entries} if before else {}
    new_entries = {e.id: e for e in after.entries}
    changes: list[EntryChange] = []
    ids = list(new_entries) + [i for i in old_entries if i not in new_entries]
    for entry_id in ids if before is not None else ():
        new = new_entries.get(entry_id)
        old = old_entries.get(entry_id)
        if old is None and new is not None and new.incident.path in broken:
            changes.append(_make(None, new, Change.NOT_COMPARABLE, note=broken[new.incident.path]))
            continue
        change = _entry_change(old, new)
        if change is not None:
            changes.append(change)
    return PageDiff(
        base=base,
        now=after.now,
        timezone=tz,
        banner_before=_banner(before) if before else None,
        banner_after=_banner(after),
        components=_components(before, after) if before else (),
        incidents=tuple(c for c in changes if c.kind is m.Kind.INCIDENT),
        maintenance=tuple(c for c in changes if c.kind is m.Kind.MAINTENANCE),
        notes=tuple(notes),
    )


# --- rendering ---------------------------------------------------------------------------
