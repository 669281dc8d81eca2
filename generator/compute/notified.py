"""The bell of the internal build's entry history: whether each update was notified, read
from ``statusgen notify``'s send log, and the keys the log names updates by.

The send log keeps, per channel, the events it sent (``"sent": true``) or recorded without
sending on the channel's first run (``false``), under ``<entry id>/<update time>``
(:func:`event_keys`); it forgets events older than the notification horizon and a day.
So each update is:

* ``sent``: a channel has it;
* ``quiet``: written with ``notify: false``, or of a drill: never sent;
* ``unsent``: recorded without sending, or no channel hears it (an internal update or
  entry without a team channel, a page without channels);
* ``pending``: not sent yet, and still due;
* ``unknown``: older than the log remembers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from statusgen import model as m

HORIZON = timedelta(days=7)
"""Updates older than this at ``now`` are never sent (``statusgen notify``'s horizon)."""
KEPT = HORIZON + timedelta(days=1)
"""How long the send log remembers an event."""


class Bell(StrEnum):
    """Whether an update was notified."""

    SENT = "sent"
    QUIET = "quiet"
    UNSENT = "unsent"
    PENDING = "pending"
    UNKNOWN = "unknown"


def compact(at: datetime) -> str:
    """``20261122T065800Z``: a time as part of an id."""
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event_keys(chronological: Iterable[m.Update]) -> list[str]:
    """Each update's part of its event id: its time, ``-2``, ``-3`` … for the same second.

    Event ids are the send log's keys, kept apart from the updates' public ids
    (:mod:`statusgen.compute.updates`): a log written by an older version keeps naming
    the same messages, so upgrading sends nothing twice."""
    keys: list[str] = []
    seen: dict[str, int] = {}
    for update in chronological:
        key = compact(update.at)
        seen[key] = seen.get(key, 0) + 1
        keys.append(key if seen[key] == 1 else f"{key}-{seen[key]}")
    return keys


def _keys(incident: m.Incident, updates: tuple[m.Update, ...]) -> dict[int, str]:
    """The event id of each of ``updates`` (a subsequence of the incident's, newest first), by
    its index among all of them: as the channels that see only these name them."""
    chosen = {index for index, u in enumerate(incident.updates) if any(u is s for s in updates)}
    ordered = [i for i in reversed(range(len(incident.updates))) if i in chosen]
    keys = event_keys(incident.updates[i] for i in ordered)
    return {i: f"{incident.id}/{key}" for i, key in zip(ordered, keys, strict=True)}


def bells(incident: m.Incident, sent: Mapping[str, bool], now: datetime,
          config: m.Config) -> tuple[Bell, ...]:
    """The bell of each update of ``incident`` (as written, newest first) at ``now``, from the
    send log's ``sent`` (event id → whether a channel sent it)."""
    team = any(c.internal for c in config.notify)
    public = incident.visible_updates(False) if incident.published else ()
    # Public channels number only the public updates, team channels every one.
    names = (_keys(incident, incident.updates), _keys(incident, public))
    out = []
    for index, update in enumerate(incident.updates):
        logged = [sent[k] for keys in names if (k := keys.get(index, "")) in sent]
        heard = bool(config.notify) and (team or (incident.published and not update.internal))
        if any(logged):
            out.append(Bell.SENT)
        elif not update.notify or incident.mode is m.Mode.TEST:
            out.append(Bell.QUIET)
        elif logged or not heard:
            out.append(Bell.UNSENT)
        elif now - update.at > HORIZON:
            out.append(Bell.UNKNOWN if now - update.at > KEPT else Bell.UNSENT)
        else:
            out.append(Bell.PENDING)
    return tuple(out)
