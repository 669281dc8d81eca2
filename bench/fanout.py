"""The subscriptions service's fan-out, measured: subscribers mailed per second to a local
SMTP server (aiosmtpd, counting and dropping each message), and the service's memory at the
start and end of the fan-out and at its peak, which stay flat however many subscribers there
are (they are read from the database a page at a time).

    python -m bench.fanout 10000 100000

Each run: a fresh SQLite database with N confirmed subscribers, ``statusgen subscribers
serve`` as a process, one event posted to ``api/events``, timed until ``/healthz`` says no
event is pending.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from statusgen.subscriptions.store import Store

KEY = TOKEN = "b" * 40
COMPONENTS = """\
page:
  title: Bench Status
  url: https://status.bench.example/
components:
  - id: api
    name: API
subscriptions:
  url: http://127.0.0.1:{port}/
  from: status@bench.example
  smtp_env: BENCH_SMTP
"""
EVENT = {"id": "bench/20261122T080000Z", "name": "incident.created",
         "subject": "[Bench Status] Investigating: API errors", "text": "Some requests fail.\n",
         "html": "<!DOCTYPE html><html><body><p>Some requests fail.</p></body></html>",
         "components": ["api"]}


class Counter:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _get(port: int, path: str) -> Any:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        return json.loads(connection.getresponse().read())
    finally:
        connection.close()


def _memory(pid: int) -> dict[str, int]:
    """Resident and peak resident memory of ``pid``, in KiB."""
    found: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0])
    return found


def run(subscribers: int) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix="statusgen-fanout-"))
    port = _port()
    (folder / "incidents").mkdir()
    (folder / "components.yml").write_text(COMPONENTS.format(port=port))
    database = folder / "subs.db"
    Store(str(database)).migrate()
    with sqlite3.connect(database) as conn:
        conn.executemany("INSERT INTO subscribers (kind, address, components, state, created, "
                         "confirmed) VALUES ('email', ?, '', 'confirmed', '', '')",
                         ((f"r{i}@bench.example",) for i in range(subscribers)))
    counter, smtp = Counter(), _port()
    controller = Controller(counter, hostname="127.0.0.1", port=smtp)
    controller.start()
    env = {**os.environ, "STATUSGEN_SUBSCRIBERS_KEY": KEY, "STATUSGEN_SUBSCRIBERS_TOKEN": TOKEN,
           "BENCH_SMTP": f"smtp://127.0.0.1:{smtp}"}
    service = subprocess.Popen([sys.executable, "-m", "statusgen", "subscribers", "serve", "--root",
                                str(folder), "--listen", f"127.0.0.1:{port}", "--database",
                                str(database)], env=env, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                _get(port, "/healthz")
                break
            except OSError:
                time.sleep(0.05)
        before = _memory(service.pid)["VmRSS"]
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", "/api/events", json.dumps(EVENT).encode(),
                           {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
        assert connection.getresponse().status == 202
        middle = 0
        while _get(port, "/healthz")["pending"]:
            if not middle and counter.count >= subscribers // 2:
                middle = _memory(service.pid)["VmRSS"]
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        after = _memory(service.pid)
    finally:
        service.terminate()
        service.wait(timeout=30)
        controller.stop()
    assert counter.count == subscribers, (counter.count, subscribers)
    return {"subscribers": subscribers, "seconds": round(seconds, 1),
            "per_second": round(subscribers / seconds), "rss_start_mib": round(before / 1024, 1),
            "rss_half_mib": round(middle / 1024, 1), "rss_end_mib": round(after["VmRSS"] / 1024, 1),
            "peak_mib": round(after["VmHWM"] / 1024, 1)}


def main(argv: list[str]) -> None:
    for count in [int(a) for a in argv] or [10_000]:
        print(json.dumps(run(count)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
