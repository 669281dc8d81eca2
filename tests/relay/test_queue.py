"""The relay's queue on disk: first in, first out; bounded; merged per alert group; kept
across restarts; a file it cannot read set aside."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from statusgen.relay.queue import DiskQueue, Full, Item


def entry(key: str, n: int) -> bytes:
    return json.dumps({"key": key, "dispatch": {"event_type": "alert", "client_payload": {"n": n}}}).encode()


def everything(queue: DiskQueue) -> list[int]:
    """Take every item in order, as the sender does, and return what each held."""
    found = []
    while (item := queue.take(lambda i: True, timeout=0)) is not None:
        found.append(json.loads(queue.read(item))["dispatch"]["client_payload"]["n"])
        queue.done(item)
    return found


def test_first_in_first_out_and_on_disk_before_put_returns(tmp_path: Path) -> None:
    queue = DiskQueue(tmp_path / "q", limit=10)
    for n in range(3):
        seq, merged = queue.put(f"k{n}", entry(f"k{n}", n))
        assert not merged and (tmp_path / "q" / f"{seq:012d}.json").read_bytes() == entry(f"k{n}", n)
    assert stat.S_IMODE((tmp_path / "q").stat().st_mode) == 0o700
    assert queue.depth() == 3 and everything(queue) == [0, 1, 2] and queue.depth() == 0
    assert list((tmp_path / "q").glob("*.json")) == []


def test_a_newer_state_of_a_group_replaces_the_waiting_one(tmp_path: Path) -> None:
    queue = DiskQueue(tmp_path / "q", limit=10)
    queue.put("group-a", entry("group-a", 1))
    queue.put("", entry("", 2))
    queue.put("", entry("", 3))  # requests without a key are never merged
    _, merged = queue.put("group-a", entry("group-a", 4))
    assert merged and everything(queue) == [2, 3, 4]


def test_the_item_being_sent_is_not_replaced(tmp_path: Path) -> None:
    queue = DiskQueue(tmp_path / "q", limit=10)
    queue.put("group-a", entry("group-a", 1))
    busy = queue.take(lambda i: True, timeout=0)
    assert busy is not None
    _, merged = queue.put("group-a", entry("group-a", 2))
    assert not merged
    assert queue.take(lambda i: True, timeout=0) is None  # one at a time
    queue.release(busy)
    assert everything(queue) == [1, 2]


def test_the_queue_is_bounded(tmp_path: Path) -> None:
    queue = DiskQueue(tmp_path / "q", limit=2)
    queue.put("a", entry("a", 1))
    queue.put("b", entry("b", 2))
    with pytest.raises(Full):
        queue.put("c", entry("c", 3))
    _, merged = queue.put("a", entry("a", 4))  # a merge takes no room
    assert merged and queue.depth() == 2


def test_a_restart_finds_the_queue_in_order(tmp_path: Path) -> None:
    first = DiskQueue(tmp_path / "q", limit=10)
    for n in range(5):
        first.put(f"k{n}", entry(f"k{n}", n))
    (tmp_path / "q" / "000000000099.json").write_bytes(b"{not json")
    (tmp_path / "q" / "notes.txt").write_text("left alone")
    again = DiskQueue(tmp_path / "q", limit=10)
    assert again.depth() == 5 and everything(again) == [0, 1, 2, 3, 4]
    assert (tmp_path / "q" / "dead" / "000000000099.json").exists()
    assert (tmp_path / "q" / "notes.txt").exists()
    seq, _ = again.put("k", entry("k", 9))
    assert seq == 6  # numbering goes on after what was found


def test_take_waits_for_ready_items(tmp_path: Path) -> None:
    queue = DiskQueue(tmp_path / "q", limit=10)
    queue.put("cooling", entry("cooling", 1))
    queue.put("other", entry("other", 2))

    def ready(item: Item) -> bool:
        return item.key != "cooling"

    item = queue.take(ready, timeout=0.05)
    assert item is not None and item.key == "other"
    queue.done(item)
    assert queue.take(ready, timeout=0.05) is None
    dead = queue.take(lambda i: True, timeout=0)
    assert dead is not None and queue.dead(dead).parent.name == "dead" and queue.depth() == 0
