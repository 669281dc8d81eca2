"""From what a source says to an entry that passes ``statusgen validate``.

Readers collect a :class:`Draft` per item as the source has it (statuses and levels as
the source words them, updates in any order); :func:`settle` maps it onto the format
and repairs what the format's rules refuse, noting each repair with the item:
an update in the future, updates out of order, a ``resolved`` that is not the newest,
an empty message, a maintenance status on an incident, ``under_maintenance`` set
by an incident, a maintenance without a window, a component named without a level
below operational (kept, at ``operational``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from statusgen import model as m
from statusgen.diagnostics import with_article
from statusgen.importers.plan import Entry, Levels, Note, Update

SKEW = timedelta(minutes=5)
"""How far in the future ``validate`` lets an update be."""
DEFAULT_WINDOW = timedelta(hours=1)
"""A maintenance window's length when the source gives no end."""

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")

_CROSS: dict[m.Kind, dict[str, str]] = {
    # The nearest status of the entry's own kind, when the source mixes them.
    m.Kind.INCIDENT: {"scheduled": "investigating", "in_progress": "identified",
                      "verifying": "monitoring", "completed": "resolved"},
    m.Kind.MAINTENANCE: {"investigating": "in_progress", "identified": "in_progress",
                         "monitoring": "verifying", "resolved": "completed"},
}
_BEFORE_TERMINAL = {m.Kind.INCIDENT: m.Status.MONITORING, m.Kind.MAINTENANCE: m.Status.VERIFYING}


@dataclass
class DraftUpdate:
    """An update as the source has it."""

    at: datetime
    status: str
    message: str
    """Markdown."""
    levels: list[tuple[str, str]] = field(default_factory=list)
    """Component key → the level the source gives it from this update on."""


@dataclass
class Draft:
    """An item as the source has it, before :func:`settle`."""

    source: str
    title: str
    kind: m.Kind
    updates: list[DraftUpdate]
    """Oldest first, as far as the source says; sorted again here."""
    impact: str = "none"
    named: list[str] = field(default_factory=list)
    """Keys of the components the item names."""
    window: tuple[datetime | None, datetime | None] | None = None
    body: str = ""


def one_line(text: str) -> str:
    """``text`` as the format's one-line text: no controls, direction overrides or breaks."""
    return _SPACE.sub(" ", _BIDI.sub("", _CONTROL.sub(" ", text))).strip()


def clean_markdown(text: str) -> str:
    """Markdown without the control characters the format refuses; ``\\n`` line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x85", "\n")
    return _CONTROL.sub("", text.replace("\u2028", "\n").replace("\u2029", "\n\n")).strip()


class _Notes:
    """Notes about one item; each kind of repair is noted once, however often it happens."""

    def __init__(self, item: str, out: list[Note]) -> None:
        self.item, self.out, self.seen = item, out, set[str]()

    def add(self, text: str, kind: str = "repaired") -> None:
        if text not in self.seen:
            self.seen.add(text)
            self.out.append(Note(self.item, text, kind))


def settle(draft: Draft, now: datetime, notes: list[Note]) -> Entry | None:
    """The entry ``draft`` becomes, repaired so that it validates; ``None`` when nothing of
    it can be shown (no update left), with the reason in ``notes``."""
    title = one_line(draft.title)
    note = _Notes(f"{draft.source} “{title or draft.title}”", notes)
    if not title:
        title = f"Untitled {draft.kind}"
        note.add(f"the title is empty: it is now “{title}”")
    kept = []
    for u in draft.updates:
        if u.at - now > SKEW:
            note.add(f"an update at {u.at.isoformat()} is in the future and was left out",
                     "not imported")
        else:
            kept.append(u)
    if not kept:
        note.add("it has no update that can be shown", "not imported")
        return None
    ordered = sorted(kept, key=lambda u: u.at)
    if [u.at for u in ordered] != [u.at for u in kept]:
        note.add("its updates were not in time order: they are sorted by time")
    ordered.reverse()  # newest first; of two in one second, the later in the source first
    statuses = _statuses(ordered, draft.kind, note)
    messages = [_message(u.message, s, note) for u, s in zip(ordered, statuses, strict=True)]
    impact = _impact(draft.impact, draft.kind, note)
    if draft.kind is m.Kind.INCIDENT:
        components, levels = _incident_levels(draft, ordered, statuses, note)
        window = None
    else:
        components = tuple((key, None) for key in _maintained(draft, ordered))
        levels = [None] * len(ordered)
        window = _window(draft, ordered, statuses, note)
    updates = tuple(Update(at=u.at, status=s, message=msg, components=lv)
                    for u, s, msg, lv in zip(ordered, statuses, messages, levels, strict=True))
    return Entry(source=draft.source, title=title, kind=draft.kind, updates=updates,
                 impact=impact, components=components, window=window,
                 body=clean_markdown(draft.body))


def _statuses(updates: list[DraftUpdate], kind: m.Kind, note: _Notes) -> list[m.Status]:
    """Each update's status in the entry's kind, newest first; one terminal status at most."""
    allowed = {s.value for s in m.STATUSES[kind]}
    out: list[m.Status] = []
    previous = m.INITIAL[kind]
    for u in reversed(updates):  # oldest first: an unknown status keeps the one before
        word = u.status.strip().lower().replace(" ", "_")
        if word in allowed:
            status = m.Status(word)
        elif word in _CROSS[kind]:
            status = m.Status(_CROSS[kind][word])
            note.add(f"the {kind} has updates with the status `{word}`, which is not "
                     f"{with_article(kind)} "
                     f"status: written as `{status}`")
        else:
            status = previous
            note.add(f"the status `{u.status}` is not known: the update keeps `{status}`",
                     "not mapped")
        out.append(status)
        previous = status
    out.reverse()
    terminal = m.TERMINAL[kind]
    for index in range(1, len(out)):
        if out[index] is terminal:
            out[index] = _BEFORE_TERMINAL[kind]
            note.add(f"`{terminal}` is only the newest update's status: an earlier `{terminal}` "
                     f"update is written as `{out[index]}`")
    return out


def _message(text: str, status: m.Status, note: _Notes) -> str:
    cleaned = clean_markdown(text)
    if cleaned != text.strip().replace("\r\n", "\n") and _CONTROL.search(text):
        note.add("control characters were removed from a message")
    if not cleaned:
        cleaned = status.value.replace("_", " ").capitalize() + "."
        note.add(f"an update has no text: it says “{cleaned}”")
    return cleaned


def _impact(raw: str, kind: m.Kind, note: _Notes) -> m.Impact:
    word = raw.strip().lower()
    if kind is m.Kind.MAINTENANCE or word in ("maintenance", ""):
        return m.Impact.NONE
    if word in {i.value for i in m.Impact}:
        return m.Impact(word)
    note.add(f"the impact `{raw}` is not known: written as `none`", "not mapped")
    return m.Impact.NONE


def _level(raw: str, note: _Notes) -> m.Level | None:
    word = raw.strip().lower()
    if word == m.Level.UNDER_MAINTENANCE:
        note.add("the incident sets a component `under_maintenance`, which only a maintenance "
                 "can: written as `degraded_performance`")
        return m.Level.DEGRADED_PERFORMANCE
    if word in {lv.value for lv in m.Level}:
        return m.Level(word)
    note.add(f"the component level `{raw}` is not known and was left out", "not mapped")
    return None


def _incident_levels(draft: Draft, updates: list[DraftUpdate], statuses: list[m.Status],
                     note: _Notes) -> tuple[Levels, list[Levels | None]]:
    """The incident's levels at its first update, and what each update changes (newest first)."""
    current: dict[str, m.Level] = {}
    changes: list[Levels | None] = []
    first: Levels = ()
    oldest = len(updates) - 1
    for index in range(oldest, -1, -1):
        given = [(key, _level(raw, note)) for key, raw in updates[index].levels]
        levels = [(key, lv) for key, lv in given if lv is not None]
        if index == oldest:
            start = {k: lv for k, lv in levels if lv in m.INCIDENT_LEVELS}
            first = tuple(start.items())
            current.update(start)
            changes.append(None)
            continue
        if statuses[index] is m.TERMINAL[m.Kind.INCIDENT]:
            if any(lv is not m.Level.OPERATIONAL for _, lv in levels):
                note.add("a component stays degraded after the incident was resolved; resolving "
                         "ends every level here", "not mapped")
            changes.append(None)
            continue
        changed = {k: lv for k, lv in levels if current.get(k, m.Level.OPERATIONAL) is not lv}
        current.update(changed)
        changes.append(tuple(changed.items()) or None)
    changes.reverse()
    # A component the source names but never puts below operational stays named, at
    # `operational`, in the update that first names it (the oldest when only the entry does):
    # the entry is in the component's history, and no outage is invented for it.
    recorded = {key for key, _ in first} | {key for c in changes for key, _ in c or ()}
    named = [(index, key) for index in range(oldest, -1, -1) for key, _ in updates[index].levels]
    named += [(oldest, key) for key in draft.named]
    for index, key in named:
        if key not in recorded:
            recorded.add(key)
            changes[index] = (*(changes[index] or ()), (key, m.Level.OPERATIONAL))
            note.add("the source names components without a level below operational: each is "
                     "listed at `operational` in the update that names it, with no outage")
    return first, changes


def _maintained(draft: Draft, updates: list[DraftUpdate]) -> list[str]:
    keys = list(draft.named)
    for u in reversed(updates):
        keys.extend(key for key, _ in u.levels)
    return list(dict.fromkeys(keys))


def _window(draft: Draft, updates: list[DraftUpdate], statuses: list[m.Status],
            note: _Notes) -> tuple[datetime, datetime]:
    start, end = draft.window or (None, None)
    if start is None:
        started = [u.at for u, s in zip(updates, statuses, strict=True) if s is m.Status.IN_PROGRESS]
        start = min(started, default=updates[-1].at)
        note.add("the maintenance has no scheduled start: it starts at its first update "
                 "in progress, or its first update")
    if end is None or end <= start:
        done = [u.at for u, s in zip(updates, statuses, strict=True)
                if s is m.Status.COMPLETED and u.at > start]
        why = "no scheduled end" if end is None else "an end before its start"
        end = done[0] if done else start + DEFAULT_WINDOW
        note.add(f"the maintenance has {why}: it ends "
                 f"{'when it was completed' if done else 'an hour after it starts'}")
    return start, end
