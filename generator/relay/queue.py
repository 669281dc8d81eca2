"""The relay's queue: every accepted request is a file on disk until GitHub has taken it.

A request is acknowledged only once its file is written whole (a temporary file, flushed and
linked into place), so neither a crash nor a GitHub outage loses it.  The queue is bounded
(``limit`` files); only an index of sequence numbers and keys is kept in memory.  Requests about
the same alert group (the same ``key``) are merged while they wait: the newest replaces the
older, because each notification carries the group's whole current state.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from statusgen.output.atomic import create_file

_NAME = re.compile(r"([0-9]{12})\.json\Z")
MAX_ITEM = 256 * 1024
"""Bytes of one queued file read back; what the relay writes is far smaller."""


class Full(Exception):
    """The queue holds ``limit`` requests: the sender should try again later."""


@dataclass(frozen=True)
class Item:
    """One queued request: its place in line, its merge key (``""``: never merged) and when it
    was accepted (the monotonic clock)."""

    seq: int
    key: str
    accepted: float
    path: Path


class DiskQueue:
    """A bounded first-in, first-out queue of files under ``folder``, shared by the request
    threads (:meth:`put`) and the one sender thread (:meth:`take`, :meth:`done`, ...)."""

    def __init__(self, folder: Path, limit: int) -> None:
        self.folder = folder
        self.dead_folder = folder / "dead"
        self.limit = limit
        self._changed = threading.Condition()
        self._items: dict[int, Item] = {}
        self._busy: int | None = None
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o700)  # queued alerts name hosts; only the relay's user reads them
        self._recover()
        self._next = max(self._items, default=0) + 1

    def _recover(self) -> None:
        """The files a previous run left, in their order; an unreadable one is set aside."""
        now = time.monotonic()
        for path in sorted(self.folder.iterdir()):
            found = _NAME.match(path.name)
            if found is None or not path.is_file():
                continue
            try:
                with path.open("rb") as file:
                    key = json.loads(file.read(MAX_ITEM)).get("key", "")
            except (OSError, ValueError, AttributeError):
                self._set_aside(path)
                continue
            seq = int(found.group(1))
            self._items[seq] = Item(seq, key if isinstance(key, str) else "", now, path)

    def put(self, key: str, data: bytes) -> tuple[int, bool]:
        """Queue ``data`` (written whole before this returns); ``(seq, merged)``, where
        ``merged`` says it replaced a waiting request with the same key.  :class:`Full`."""
        with self._changed:
            older = next((i for i in self._items.values()
                          if key and i.key == key and i.seq != self._busy), None)
            if older is None and len(self._items) >= self.limit:
                raise Full(f"the queue holds {self.limit} requests")
            seq = self._next
            self._next += 1
            path = self.folder / f"{seq:012d}.json"
            create_file(path, data)
            self._items[seq] = Item(seq, key, time.monotonic(), path)
            if older is not None:
                del self._items[older.seq]
                older.path.unlink(missing_ok=True)
            self._changed.notify_all()
            return seq, older is not None

    def take(self, ready: Callable[[Item], bool], timeout: float) -> Item | None:
        """The oldest request ``ready`` accepts, now marked as being sent; ``None`` when none is
        within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                if self._busy is None:
                    item = next((i for i in sorted(self._items.values(), key=lambda i: i.seq)
                                 if ready(i)), None)
                    if item is not None:
                        self._busy = item.seq
                        return item
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._changed.wait(remaining)

    def done(self, item: Item) -> None:
        """GitHub took ``item``: forget it."""
        with self._changed:
            self._items.pop(item.seq, None)
            self._busy = None
            item.path.unlink(missing_ok=True)
            self._changed.notify_all()

    def release(self, item: Item) -> None:
        """``item`` could not be sent now: it stays first in line."""
        with self._changed:
            self._busy = None
            self._changed.notify_all()

    def dead(self, item: Item) -> Path:
        """GitHub refused ``item`` for good: it moves to ``dead/`` for a person to look at."""
        with self._changed:
            self._items.pop(item.seq, None)
            self._busy = None
            self._changed.notify_all()
            return self._set_aside(item.path)

    def _set_aside(self, path: Path) -> Path:
        self.dead_folder.mkdir(exist_ok=True)
        target = self.dead_folder / path.name
        with contextlib.suppress(FileNotFoundError):  # removed by hand meanwhile
            os.replace(path, target)
        return target

    def read(self, item: Item) -> bytes:
        """The bytes queued for ``item``."""
        with item.path.open("rb") as file:
            return file.read(MAX_ITEM)

    def depth(self) -> int:
        """How many requests wait (the one being sent included)."""
        with self._changed:
            return len(self._items)

    def oldest_age(self) -> float:
        """Seconds the oldest waiting request has waited (0 when none)."""
        with self._changed:
            oldest = min((i.accepted for i in self._items.values()), default=None)
        return 0.0 if oldest is None else time.monotonic() - oldest
