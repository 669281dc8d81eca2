"""``statusgen relay`` as a real process on 127.0.0.1, pointed at a :class:`FakeGitHub`."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import time
from pathlib import Path

from tests.relay.fake_github import REPOSITORY, TOKEN, FakeGitHub
from tests.test_workflows import VENV_BIN

RELAY_TOKEN = "relay-token-for-tests-0123456789"


class RelayProcess:
    """Started with :meth:`start`, stopped with :meth:`stop` (SIGTERM, as systemd does)."""

    def __init__(self, queue: Path, github: FakeGitHub, log: Path, *extra: str) -> None:
        self.queue, self.github, self.log, self.extra = queue, github, log, extra
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0

    def start(self) -> RelayProcess:
        env = {**os.environ, "STATUSGEN_RELAY_TOKEN": RELAY_TOKEN, "STATUSGEN_GITHUB_TOKEN": TOKEN}
        self.log.write_text("")
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(VENV_BIN / "statusgen"), "relay", "--repository", REPOSITORY, "--listen",
                 "127.0.0.1:0", "--queue", str(self.queue), "--api-url", self.github.url,
                 "--key-interval", "0", *self.extra], env=env, stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            found = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", self.log.read_text())
            if found:
                self.port = int(found.group(1))
                return self
            assert self.process.poll() is None, self.log.read_text()
            time.sleep(0.02)
        raise AssertionError("the relay did not start: " + self.log.read_text())

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def post(self, path: str, body: bytes, token: str | None = RELAY_TOKEN,
             headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """POST ``body``; a 503 turn-away (every connection busy) is retried, as monitors do."""
        for _ in range(50):
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            try:
                connection.request("POST", path, body, {
                    **({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})})
                answer = connection.getresponse()
                data = answer.read()
            finally:
                connection.close()
            if answer.status != 503:
                return answer.status, data
            time.sleep(0.05)
        return 503, data

    def get(self, path: str) -> bytes:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path)
            return connection.getresponse().read()
        finally:
            connection.close()

    def memory(self, field: str = "VmRSS") -> int:
        """The process's resident memory (``VmRSS``) or its peak (``VmHWM``), in KiB."""
        assert self.process is not None
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        found = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
        assert found, status
        return int(found.group(1))
