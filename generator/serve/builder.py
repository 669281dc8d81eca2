"""Building for the dev server: one build now, then one after each quiet spell of changes.

The builder keeps what makes a rebuild cheap (parsed files, the record of each step, the bytes
it wrote) and publishes each outcome to the :class:`Hub` the request threads read.
"""

from __future__ import annotations

import gc
import hashlib
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from statusgen import rules
from statusgen.diagnostics import Diagnostic, Location, Severity, format_text, sort_diagnostics
from statusgen.pipeline import Session, build
from statusgen.serve.log import say

QUIET = 0.15
"""Seconds without a change before a rebuild starts."""
IDLE = 1.0
"""Seconds without a change after a build before the server collects its garbage."""


class Hub:
    """The site's state, shared by the builder and the request threads.

    ``version`` changes whenever open pages should reload: the site's files
    changed, or the list of problems did.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.version = 0
        self.problems: list[Diagnostic] | None = None
        """The diagnostics of the failed build being shown, ``None`` when the site is good."""
        self.closed = False

    def good(self, changed: bool) -> None:
        with self._cond:
            if changed or self.problems is not None:
                self.version += 1
                self.problems = None
                self._cond.notify_all()

    def broken(self, problems: list[Diagnostic]) -> None:
        with self._cond:
            if problems != self.problems:
                self.version += 1
                self.problems = problems
                self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def wait(self, seen: int | None, timeout: float) -> int | None:
        """The version once it differs from ``seen`` or ``timeout`` passes; ``None`` when closed."""
        with self._cond:
            self._cond.wait_for(lambda: self.closed or self.version != seen, timeout)
            return None if self.closed else self.version

    def snapshot(self) -> tuple[int, list[Diagnostic] | None]:
        with self._cond:
            return self.version, self.problems


def _crash(root: Path, exc: Exception) -> Diagnostic:
    """A diagnostic for an exception the build did not expect (a broken template, a bug)."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    where = Location("statusgen")
    if isinstance(filename, str):
        try:
            where = Location(Path(filename).resolve().relative_to(root.resolve()).as_posix(),
                             line if isinstance(line, int) and line > 0 else 1)
        except ValueError:
            where = Location(filename, line if isinstance(line, int) and line > 0 else 1)
    return rules.INTERNAL.at(where, f"the build failed: {type(exc).__name__}: {exc}")


def _digest(root: Path, path: str) -> str:
    """What a diagnostic's file holds now, in short; empty when it is no regular file
    (``statusgen``, a folder, a pipe that reading would wait on forever)."""
    file = root / path
    try:
        if file.is_symlink() or not file.is_file():
            return ""
        return hashlib.sha256(file.read_bytes()).hexdigest()
    except OSError:
        return ""


class Builder:
    """Runs builds: one now, and then one after each quiet period following a change."""

    def __init__(self, root: Path, out: Path, now: Callable[[], datetime], hub: Hub, *,
                 strict: bool, internal: bool) -> None:
        self.root, self.out, self.now, self.hub = root, out, now, hub
        self.strict, self.internal = strict, internal
        self.session = Session.in_memory()
        self.builds = 0
        self._lock = threading.Lock()
        self._pending = threading.Event()
        self._stopping = threading.Event()
        self._last_change = 0.0
        self._warned: set[tuple[Diagnostic, str]] = set()
        """The last build's warnings, each with its file's digest then."""

    def changed(self) -> None:
        """A watched file changed: build after the next quiet period."""
        with self._lock:
            self._last_change = time.monotonic()
        self._pending.set()

    def stop(self) -> None:
        self._stopping.set()
        self._pending.set()

    def loop(self) -> None:
        """The builder thread: wait for changes, let them settle, build; until stopped."""
        while not self._stopping.is_set():
            self._pending.wait()
            while not self._stopping.is_set():
                with self._lock:
                    remaining = self._last_change + QUIET - time.monotonic()
                if remaining <= 0:
                    break
                self._stopping.wait(remaining)
            if self._stopping.is_set():
                return
            self._pending.clear()
            try:
                self.build_once()
            except Exception as exc:  # never let the builder thread die: report and go on
                say(f"statusgen serve: the rebuild failed: {type(exc).__name__}: {exc}",
                    error_stream=True)
            # A full collection walks everything the record keeps (half a second at 10,000
            # entries): done once the browsers have reloaded and before the next edit, where
            # falling inside a rebuild it made that rebuild 2.5 s instead of 1.8.
            if not self._pending.wait(IDLE):
                gc.collect()

    def build_once(self) -> bool:
        """One build; prints one line, publishes the result; True when it succeeded."""
        started = time.perf_counter()
        first = self.builds == 0
        self.builds += 1
        parsing = self.session.parse
        try:
            result = build(self.root, self.out, self.now(), strict=self.strict,
                           internal=self.internal, session=self.session)
        except Exception as exc:  # a theme's template error must not stop the server
            problems = [_crash(self.root, exc)]
        else:
            problems = result.diagnostics
            if result.ok and result.write is not None:
                report = result.write
                changed = report.written + report.removed
                seconds = time.perf_counter() - started
                verb = "built" if first else "rebuilt"
                say(f"{verb} in {seconds * 1000:.0f} ms: {changed} file"
                     f"{'' if changed == 1 else 's'} changed ({report.written} written, "
                     f"{report.removed} removed, {report.unchanged} unchanged; "
                     f"{parsing.parsed} incident file{'' if parsing.parsed == 1 else 's'} "
                     "parsed)")
                fresh = self._unwarned(problems)
                if fresh:
                    say(format_text(fresh), end="", error_stream=True)
                self.hub.good(changed > 0)
                return True
        problems = sort_diagnostics(problems)
        self._unwarned(problems)  # printed below with the errors, as every failure is
        seconds = time.perf_counter() - started
        say(format_text(problems), end="", error_stream=True)
        say(f"build failed in {seconds * 1000:.0f} ms; still serving the last good site "
             "(the problems are shown in the browser)", error_stream=True)
        self.hub.broken(problems)
        return False

    def _unwarned(self, problems: list[Diagnostic]) -> list[Diagnostic]:
        """The problems to print after a good build: the errors, and the warnings the last
        build did not have or whose file has changed since. A warning printed on every rebuild
        would bury the one the change just caused."""
        seen, self._warned = self._warned, set()
        fresh = []
        for problem in problems:
            if problem.severity is Severity.WARNING:
                key = (problem, _digest(self.root, problem.location.path))
                self._warned.add(key)
                if key in seen:
                    continue
            fresh.append(problem)
        return fresh
