"""The send log: which messages each channel has had, so that none is sent twice.

A plain JSON file (default ``.statusgen/notified.json``)::

    {"format": "statusgen-notified 1",
     "channels": {"team-slack": {"2026-11-22-api-latency/20261122T065800Z":
                                 {"at": "2026-11-22T06:58:00Z", "logged": "2026-11-22T07:00:04Z",
                                  "sent": true}}}}

``at`` is when the event happened, ``logged`` when the message was sent (or recorded
without sending, ``"sent": false``, by a channel's first run).  The file is rewritten
atomically (:func:`~statusgen.output.atomic.replace_file`) after every message sent, so a
message is in the log from the moment it is known to be delivered.  Entries of events
older than the horizon are dropped: such events are never due again.

A log that cannot be read is an error, never a fresh start: starting afresh would record
the messages still to send as already sent.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from statusgen.compute.notified import KEPT
from statusgen.output.atomic import replace_file

FORMAT = "statusgen-notified 1"
DEFAULT = Path(".statusgen") / "notified.json"
SIZE_LIMIT = 64 * 1024 * 1024
KEEP = KEPT
"""Entries of events older than this are dropped (a day more than the horizon of due events)."""


class LogError(Exception):
    """The send log cannot be read, written or locked."""


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


class SendLog:
    """The log of one run: read once, recorded into, saved after every message sent."""

    def __init__(self, path: Path, channels: dict[str, dict[str, dict[str, Any]]],
                 existed: bool) -> None:
        self.path = path
        self.channels = channels
        self.existed = existed

    @classmethod
    def load(cls, path: Path) -> SendLog:
        """The log at ``path``; an empty one when there is no file yet."""
        try:
            with path.open("rb") as handle:
                data = handle.read(SIZE_LIMIT + 1)
        except FileNotFoundError:
            return cls(path, {}, existed=False)
        except OSError as exc:
            raise LogError(f"cannot read the send log {path}: {exc.strerror}") from None
        if len(data) > SIZE_LIMIT:
            raise LogError(f"the send log {path} is over {SIZE_LIMIT // 1024 // 1024} MiB")
        try:
            doc = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise LogError(f"the send log {path} is not JSON ({exc})") from None
        return cls(path, _checked(doc, path), existed=True)

    def knows(self, channel: str) -> bool:
        """Whether a run has already seen ``channel`` (else its next run is its first)."""
        return channel in self.channels

    def has(self, channel: str, key: str) -> bool:
        return key in self.channels.get(channel, {})

    def sent_keys(self) -> dict[str, bool]:
        """Every event any channel has, and whether one of them sent it (rather than recording it
        without sending on its first run)."""
        found: dict[str, bool] = {}
        for entries in self.channels.values():
            for key, entry in entries.items():
                found[key] = found.get(key, False) or entry["sent"]
        return found

    def add_channel(self, channel: str) -> None:
        self.channels.setdefault(channel, {})

    def record(self, channel: str, key: str, at: datetime, logged: datetime, sent: bool) -> None:
        self.channels.setdefault(channel, {})[key] = {
            "at": _stamp(at), "logged": _stamp(logged), "sent": sent}

    def prune(self, now: datetime, channels: Collection[str]) -> None:
        """Drop entries of events that can never be due again, and channels no longer
        configured (one added again later starts with a first run, never a flood)."""
        for gone in set(self.channels) - set(channels):
            del self.channels[gone]
        oldest = now - KEEP
        for entries in self.channels.values():
            for key in [k for k, v in entries.items() if (_time(v["at"]) or now) < oldest]:
                del entries[key]

    def dumps(self) -> bytes:
        doc = {"format": FORMAT, "channels": {
            channel: dict(sorted(entries.items())) for channel, entries in sorted(self.channels.items())}}
        return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")

    def save(self) -> None:
        """Write the log atomically: the old one or the new one, never half of either."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            replace_file(self.path, self.dumps())
        except OSError as exc:
            raise LogError(f"cannot write the send log {self.path}: {exc.strerror or exc}") from None


def _checked(doc: Any, path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """The channels of a log read from disk, every value of the expected type."""
    def bad(why: str) -> LogError:
        return LogError(f"the send log {path} is not one statusgen wrote ({why}); restore it "
                        "from its branch, or delete it to start again (the next run then "
                        "records what is due without sending it)")
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise bad(f"its `format` is not {FORMAT!r}")
    channels = doc.get("channels")
    if not isinstance(channels, dict):
        raise bad("no `channels`")
    for channel, entries in channels.items():
        if not isinstance(entries, dict):
            raise bad(f"channel {channel!r} is not a mapping")
        for key, entry in entries.items():
            if not (isinstance(entry, dict) and _time(entry.get("at")) and _time(entry.get("logged"))
                    and isinstance(entry.get("sent"), bool)):
                raise bad(f"the entry {key!r} of {channel!r} lacks `at`, `logged` or `sent`")
    return channels


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the log's lock: one ``statusgen notify`` at a time per log, or :class:`LogError`."""
    lock = path.with_name(f".{path.name}.statusgen-lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as exc:
        raise LogError(f"cannot make the send log's lock {lock}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LogError(f"another `statusgen notify` is using the send log {path}; let it "
                           "finish") from None
        yield
    finally:
        os.close(descriptor)
