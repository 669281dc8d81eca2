"""What the API and the notifications say about each update: its id, and whether it notifies.

An update's id is ``<incident id>-u<digest>``: eight base-36 characters of a SHA-256 of
the update's time (UTC, to the second), its status and its ordinal among the updates of
the same incident written with that same time and status (1 for the oldest in the file).
Adding, editing, hiding or showing another update leaves it as it is, and the public and
internal builds give the same update the same id.  The message never goes into the
digest: an internal text must not be found again by trying guesses against the id.
"""

from __future__ import annotations

import hashlib
from datetime import UTC

from statusgen import model as m

_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
ID_LENGTH = 8
"""Base-36 characters of an update id's digest: 36**8 makes two updates of one incident
sharing an id a one in a trillion chance."""


def base36(text: str, length: int) -> str:
    """``length`` base-36 characters of the SHA-256 of ``text``, least significant first."""
    number = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest(), "big")
    chars = []
    for _ in range(length):
        number, digit = divmod(number, 36)
        chars.append(_BASE36[digit])
    return "".join(chars)


def page_id(page: m.Page) -> str:
    """The page's stable id: 12 base-36 characters of SHA-256 of ``page.url``."""
    return base36(page.url, 12)


def update_ids(incident: m.Incident, written: m.Incident | None = None) -> tuple[str, ...]:
    """The id of each update of ``incident``, in its order (newest first).

    ``written`` is the incident as its file has it when ``incident`` is a redacted or
    shortened copy: updates of the same second and status are numbered among all of
    them, internal ones included, so that showing one does not renumber the others.
    """
    whole = written if written is not None else incident
    seen: dict[tuple[str, m.Status], int] = {}
    ids: list[str] = []
    # Oldest first: a twin added above (newer in the file) takes the next ordinal.
    for update in reversed(whole.updates):
        moment = update.at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        ordinal = seen[moment, update.status] = seen.get((moment, update.status), 0) + 1
        ids.append(f"{whole.id}-u{base36(f'{moment} {update.status} {ordinal}', ID_LENGTH)}")
    ids.reverse()
    if whole is incident:
        return tuple(ids)
    return _picked(whole.updates, ids, incident.updates)


def _picked(written: tuple[m.Update, ...], ids: list[str],
            shown: tuple[m.Update, ...]) -> tuple[str, ...]:
    """The ids of ``shown``, a subsequence of ``written`` (the same objects, in order)."""
    pairs = iter(zip(written, ids, strict=True))
    out = []
    for update in shown:
        for candidate, update_id in pairs:
            if candidate is update or candidate == update:
                out.append(update_id)
                break
        else:
            raise ValueError("the updates shown are not the written incident's, in its order")
    return tuple(out)


def delivers(incident: m.Incident, update: m.Update) -> bool:
    """Whether the notification channels are told of ``update``: never of one written with
    ``notify: false``, an internal update, or an entry the public does not see (an internal
    entry, a drill)."""
    return update.notify and not update.internal and incident.published
