"""``statusgen relay`` as a process, against a stand-in for GitHub that goes down and comes
back: nothing lost, nothing sent twice, memory bounded under a burst, the queue kept across a
restart."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.helpers import eventually
from tests.ingest.support import fixture
from tests.relay.fake_github import FakeGitHub
from tests.relay.process import RelayProcess


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub()
    fake.up()
    yield fake
    fake.down()


@pytest.fixture
def relay(tmp_path: Path, github: FakeGitHub) -> Iterator[RelayProcess]:
    process = RelayProcess(tmp_path / "queue", github, tmp_path / "relay.log").start()
    yield process
    process.kill()


def generic(key: str) -> bytes:
    return json.dumps({"key": key, "status": "firing", "title": f"check {key} failing"}).encode()


def queued(relay: RelayProcess) -> int:
    return int(json.loads(relay.get("/healthz"))["queued"])


@pytest.mark.slow
def test_github_down_for_a_while_loses_nothing_and_duplicates_nothing(
        relay: RelayProcess, github: FakeGitHub) -> None:
    github.down()
    keys = [f"check-{n:02d}" for n in range(20)]
    for key in keys:
        assert relay.post("/hooks/generic", generic(key))[0] == 202
    assert queued(relay) == 20
    # The relay tries, fails, waits longer each time.
    eventually(lambda: relay.log.read_text().count("trying again") >= 2, "second failed try")
    github.up()
    sent = github.wait_for(20, timeout=30)
    assert [d["client_payload"]["payload"]["key"] for d in sent] == keys  # in order, each once
    eventually(lambda: queued(relay) == 0, "empty queue")  # nothing left that could go twice
    assert len(github.accepted) == 20
    metrics = relay.get("/metrics").decode()
    assert 'statusgen_relay_dispatches_total{result="sent"} 20' in metrics


def test_a_restart_keeps_what_was_queued(relay: RelayProcess, github: FakeGitHub) -> None:
    github.down()
    for n in range(5):
        assert relay.post("/hooks/generic", generic(f"k{n}"))[0] == 202
    assert relay.stop() == 0
    assert "stopped; queued requests stay in" in relay.log.read_text()
    again = RelayProcess(relay.queue, github, relay.log.with_name("relay2.log")).start()
    try:
        # GitHub comes back only now: the relay's sender starts before it counts the queue.
        assert "5 requests queued" in again.log.read_text()
        github.up()
        sent = github.wait_for(5, timeout=60)
        assert [d["client_payload"]["payload"]["key"] for d in sent] == [f"k{n}" for n in range(5)]
    finally:
        again.kill()


@pytest.mark.slow
def test_a_burst_of_500_alerts_keeps_memory_bounded(relay: RelayProcess, github: FakeGitHub) -> None:
    github.down()
    template = json.loads(fixture("alertmanager-firing.json").read_bytes())

    def alert(n: int) -> bytes:
        return json.dumps({**template, "groupKey": f"{{}}:{{alertname=\"Burst{n:03d}\"}}"}).encode()

    assert relay.post("/hooks/alertmanager", alert(999))[0] == 202  # warm up
    before = relay.memory("VmRSS")
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(lambda n: relay.post("/hooks/alertmanager", alert(n))[0], range(500)))
    seconds = time.monotonic() - started
    peak = relay.memory("VmHWM")
    assert codes == [202] * 500
    assert queued(relay) == 501 and len(list(relay.queue.glob("*.json"))) == 501
    growth_mib = (peak - before) / 1024
    print(f"\n500 alerts queued in {seconds:.1f} s; resident memory {before / 1024:.1f} MiB before, "
          f"peak {peak / 1024:.1f} MiB")
    assert growth_mib < 30, f"memory grew by {growth_mib:.1f} MiB"
    github.up()
    sent = github.wait_for(501, timeout=60)
    ids = [d["client_payload"]["request_id"] for d in sent]
    assert len(ids) == 501 == len(set(ids))


def test_states_of_one_group_merge_while_they_wait(relay: RelayProcess, github: FakeGitHub) -> None:
    github.down()
    firing = fixture("alertmanager-firing.json").read_bytes()
    resolved = fixture("alertmanager-resolved.json").read_bytes()
    for n in range(100):
        assert relay.post("/hooks/alertmanager", firing if n % 2 == 0 else resolved)[0] == 202
    # One waits; a second only if a delivery came while the relay was trying to send the first.
    waiting = queued(relay)
    assert waiting in (1, 2)
    github.up()
    sent = github.wait_for(waiting)
    eventually(lambda: queued(relay) == 0, "empty queue")  # nothing left that could go too
    assert len(github.accepted) == waiting
    assert sent[-1]["client_payload"]["payload"]["status"] == "resolved"  # the newest state
    merged = re.search(r"statusgen_relay_merged_total\{\} (\d+)", relay.get("/metrics").decode())
    assert merged is not None and int(merged.group(1)) == 100 - waiting


def test_tokens_are_required_and_never_printed(tmp_path: Path, github: FakeGitHub,
                                               relay: RelayProcess) -> None:
    assert relay.post("/hooks/generic", generic("k"), token=None)[0] == 401
    assert relay.post("/hooks/generic", generic("k"), token="guess-guess-guess-guess")[0] == 401
    assert queued(relay) == 0 and github.accepted == []
    relay.stop()
    log = relay.log.read_text()
    assert "relay-token-for-tests" not in log and "ghp_fake" not in log
    short = RelayProcess(tmp_path / "q2", github, tmp_path / "short.log")
    short.extra = ("--token-env", "NO_SUCH_VARIABLE")
    with pytest.raises(AssertionError, match="set NO_SUCH_VARIABLE to the token clients must send"):
        short.start()


def test_a_killed_relay_keeps_what_it_acknowledged(relay: RelayProcess, github: FakeGitHub) -> None:
    github.down()
    for n in range(5):
        assert relay.post("/hooks/generic", generic(f"k{n}"))[0] == 202
    relay.kill()  # SIGKILL: no chance to tidy up
    again = RelayProcess(relay.queue, github, relay.log.with_name("relay2.log")).start()
    try:
        assert "5 requests queued" in again.log.read_text()
        assert again.post("/hooks/generic", generic("k5"))[0] == 202
        github.up()
        sent = github.wait_for(6, timeout=60)
        assert [d["client_payload"]["payload"]["key"] for d in sent] == [f"k{n}" for n in range(6)]
        eventually(lambda: queued(again) == 0, "empty queue")
    finally:
        again.kill()
