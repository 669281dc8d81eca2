"""The subscriptions service as a real process on 127.0.0.1, and a throwaway PostgreSQL
cluster (Debian's initdb and pg_ctl) for it to use."""

from __future__ import annotations

import glob
import http.client
import json
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.helpers import eventually
from tests.notify.servers import free_port
from tests.test_workflows import VENV_BIN

KEY = "k" * 40
TOKEN = "t" * 40


def subscriptions_yml(port: int, smtp_env: str = "SUBS_SMTP") -> str:
    return ("subscriptions:\n"
            f"  url: http://127.0.0.1:{port}/\n"
            "  from: Test Status <status@test.example>\n"
            f"  smtp_env: {smtp_env}\n")


class Service:
    """``statusgen subscribers serve``: :meth:`start`, :meth:`kill` (SIGKILL), :meth:`stop`."""

    def __init__(self, root: Path, database: str, smtp_port: int, port: int) -> None:
        self.root, self.database, self.smtp_port, self.port = root, database, smtp_port, port
        self.process: subprocess.Popen[bytes] | None = None
        self.log = root / "service.log"

    def start(self) -> Service:
        env = {**os.environ, "STATUSGEN_SUBSCRIBERS_KEY": KEY, "STATUSGEN_SUBSCRIBERS_TOKEN": TOKEN,
               "SUBS_SMTP": f"smtp://127.0.0.1:{self.smtp_port}"}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(VENV_BIN / "statusgen"), "subscribers", "serve", "--root", str(self.root),
                 "--listen", f"127.0.0.1:{self.port}", "--database", self.database],
                env=env, stdout=subprocess.DEVNULL, stderr=log)

        def up() -> bool:
            assert self.process is not None and self.process.poll() is None, self.log.read_text()
            try:
                return self.request("GET", "/healthz")[0] == 200
            except OSError:
                return False

        eventually(up, "answer from the service")
        return self

    def request(self, method: str, path: str, body: bytes = b"",
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body, headers or {})
            answer = connection.getresponse()
            return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
        finally:
            connection.close()

    def path(self, url: str) -> str:
        return urlsplit(url).path

    def idle(self) -> None:
        """Wait until every event posted is fanned out."""
        eventually(lambda: json.loads(self.request("GET", "/healthz")[2])["pending"] == 0,
                   "end of the fan-out", timeout=60)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@contextmanager
def postgresql() -> Iterator[str]:
    """A PostgreSQL cluster of its own in a temporary folder; its URL.  Run as ``nobody`` when
    the tests run as root (PostgreSQL refuses root).  Skips where there is none, except in
    CI, where the test fails."""
    binaries = _pg_bin()
    if binaries is None:
        if os.environ.get("CI") == "true":
            pytest.fail("no PostgreSQL (initdb) in /usr/lib/postgresql: .ci/setup-tools installs it")
        pytest.skip("no PostgreSQL (initdb) on this machine")
    folder = Path(tempfile.mkdtemp(prefix="statusgen-pg-", dir="/tmp"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "nobody")
        as_user = ["runuser", "-u", "nobody", "--"]
    data, port = folder / "data", free_port()
    run = {"check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "timeout": 120}
    try:
        subprocess.run([*as_user, str(binaries / "initdb"), "-D", str(data), "-A", "trust",
                        "-U", "postgres", "--no-sync"], **run)  # type: ignore[call-overload]
        subprocess.run([*as_user, str(binaries / "pg_ctl"), "-D", str(data), "-w", "-l",
                        str(folder / "log"), "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 "
                        "-c fsync=off", "start"], **run)  # type: ignore[call-overload]
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate",
                        "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        shutil.rmtree(folder, ignore_errors=True)
