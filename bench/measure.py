"""Run a command in a child process: its wall time, its peak memory, within a time limit.

The wall time runs from starting the child to reaping it, so it includes Python's
start-up and imports as a user sees them.  Peak memory is the larger of

- the largest resident set any process of the build reached (``ru_maxrss`` of the
  child, which covers the workers it forked and waited for), exact but per process;
- the largest total proportional set size (PSS) of the child and its descendants,
  sampled every 0.25 s from ``/proc`` on Linux, which counts pages the forked
  workers share with the parent once.

A child that runs past the limit is killed with its whole process group.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

SAMPLE_SECONDS = 0.25


@dataclass(frozen=True)
class Run:
    """What one child did."""

    seconds: float
    peak_bytes: int
    code: int
    """The exit code; negative for a signal, as ``subprocess`` reports it."""
    timed_out: bool
    stdout: str
    stderr: str
    """The last 4,000 characters of each."""

    @property
    def ok(self) -> bool:
        return self.code == 0 and not self.timed_out


def _descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                children = Path(f"/proc/{current}/task/{task}/children").read_text()
                pending.extend(int(c) for c in children.split())
        except OSError:  # gone, or not Linux
            continue
    return found


def _pss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def tree_pss(pid: int) -> int:
    """The total PSS of ``pid`` and every process below it, in bytes (0 where unknown)."""
    return sum(_pss(p) for p in _descendants(pid))


def _tail(handle: IO[bytes]) -> str:
    handle.seek(0, os.SEEK_END)
    handle.seek(max(0, handle.tell() - 16_000))
    return handle.read().decode("utf-8", "replace")[-4000:]


def run(command: list[str], timeout: float, cwd: Path | None = None) -> Run:
    """Run ``command``; kill it and its process group after ``timeout`` seconds."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        done = threading.Event()
        timed_out = threading.Event()
        peak = [0]
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                 cwd=cwd, start_new_session=True)

        def sample() -> None:
            while not done.wait(SAMPLE_SECONDS):
                peak[0] = max(peak[0], tree_pss(child.pid))

        def kill() -> None:
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)

        sampler = threading.Thread(target=sample, daemon=True)
        timer = threading.Timer(timeout, kill)
        sampler.start()
        timer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            seconds = time.perf_counter() - started
            timer.cancel()
            done.set()
            sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
        if timed_out.is_set():  # workers left behind by the killed build
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
        peak_bytes = max(peak[0], usage.ru_maxrss * 1024)
        return Run(seconds, peak_bytes, child.returncode, timed_out.is_set(), _tail(out), _tail(err))
