"""Shared pieces of the core tests: a frozen clock, small valid files, and a runner."""

from __future__ import annotations

import textwrap
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from statusgen.check.run import check
from statusgen.diagnostics import Diagnostic, sort_diagnostics
from statusgen.source.load import load
from statusgen.source.tree import DiskSource

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
"""The frozen ``now`` of every test: the example content is written around it."""

REPO_ROOT = Path(__file__).resolve().parent.parent

COMPONENTS = """\
page:
  title: Test Status
  url: https://status.test.example/
components:
  - id: api
    name: API
  - id: platform
    name: Platform
    components:
      - id: db
        name: Database
      - id: queue
        name: Queue
"""
"""A small valid ``components.yml``: the default of the ``status_repo`` fixture."""

INCIDENT = """\
---
title: API errors
impact: minor
components:
  api: partial_outage
updates:
  - at: 2026-11-22T08:00:00Z
    status: investigating
    message: We are looking into it.
---
Some **Markdown**.
"""
"""A small valid open incident (lines 2-9 are the YAML)."""

MAINTENANCE = """\
---
kind: maintenance
title: Database upgrade
window:
  start: 2026-11-30T02:00:00Z
  end: 2026-11-30T04:00:00Z
components: [db]
updates:
  - at: 2026-11-20T12:00:00Z
    status: scheduled
    message: The database will be read-only for an hour.
---
"""
"""A small valid scheduled maintenance."""


T = TypeVar("T")


def eventually(probe: Callable[[], T], what: str, timeout: float = 20.0) -> T:
    """``probe()`` once it returns something true, asked again every 20 ms: for what a
    thread or process does in its own time, however busy the machine. Fails the test,
    naming ``what``, after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not (value := probe()):
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} after {timeout:g} s")
        time.sleep(0.02)
    return value


def dedent(text: str) -> str:
    """``textwrap.dedent`` that also drops the newline after an opening ``\"\"\"``."""
    return textwrap.dedent(text).removeprefix("\n")


Row = tuple[str, int, int, str, str]
"""``(path, line, column, severity, code)``: a diagnostic without its message."""


def rows(diagnostics: list[Diagnostic]) -> list[Row]:
    """Diagnostics as comparable tuples, sorted."""
    return [(d.location.path, d.location.line, d.location.column, str(d.severity), d.code)
            for d in sort_diagnostics(diagnostics)]


def validate(root: Path, now: datetime = NOW) -> list[Diagnostic]:
    """``load`` then ``check``, as ``statusgen validate`` does (without ``--strict``)."""
    loaded = load(DiskSource(root))
    out = list(loaded.diagnostics)
    if loaded.repository is not None:
        out.extend(check(loaded.repository, now))
    return sort_diagnostics(out)


def incident(old: str, new: str, base: str = INCIDENT) -> str:
    """``base`` (the example incident) with one edit, which must apply."""
    assert old in base, old
    return base.replace(old, new, 1)


def components(old: str, new: str) -> str:
    """The example ``components.yml`` with one edit."""
    return incident(old, new, COMPONENTS)


Files = Mapping[str, str | bytes]


@dataclass(frozen=True)
class Case:
    """A bad repository, what it reports, and a good repository that reports nothing."""

    id: str
    bad: Files
    expected: list[Row]
    message: str = ""
    good: Files = field(default_factory=lambda: {"incidents/a.md": INCIDENT})

    def assert_located(self, make: Callable[[Files], Path], encoding: str) -> None:
        """``bad``, written with ``encoding`` (a key of :data:`ENCODINGS`) into a repository
        by ``make``, reports exactly ``expected`` and says ``message``; ``good`` reports
        nothing."""
        encode = ENCODINGS[encoding]
        found = validate(make(encoded(self.bad, encode)))
        assert rows(found) == self.expected
        assert any(self.message in d.message for d in found), [d.message for d in found]
        assert validate(make(encoded(self.good, encode))) == []


def lf(data: bytes) -> bytes:
    """Unchanged: the files are written with ``\\n``."""
    return data


def bom(data: bytes) -> bytes:
    """With a UTF-8 byte order mark, as some Windows editors save."""
    return b"\xef\xbb\xbf" + data


def crlf(data: bytes) -> bytes:
    """With Windows line ends."""
    return data.replace(b"\n", b"\r\n")


def bom_crlf(data: bytes) -> bytes:
    return bom(crlf(data))


def cr(data: bytes) -> bytes:
    """With old Mac line ends, which editors still show as lines."""
    return data.replace(b"\n", b"\r")


ENCODINGS: dict[str, Callable[[bytes], bytes]] = {
    "lf": lf, "bom": bom, "crlf": crlf, "bom-crlf": bom_crlf, "cr": cr,
}
"""Ways of saving the same text; a diagnostic's line and column must not depend on them."""


def encoded(files: Files, encode: Callable[[bytes], bytes]) -> dict[str, bytes]:
    """``files`` as bytes saved with ``encode``; images are left alone."""
    out = {}
    for name, content in files.items():
        data = content if isinstance(content, bytes) else dedent(content).encode("utf-8")
        out[name] = data if name.endswith(".png") else encode(data)
    return out


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative posix path → bytes), to compare whole sites."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def copy_example(tmp_path: Path) -> Path:
    """A copy of this repository's example status site (components, incidents, themes)."""
    import shutil

    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy2(REPO_ROOT / "components.yml", root)
    shutil.copytree(REPO_ROOT / "incidents", root / "incidents")
    shutil.copytree(REPO_ROOT / "themes", root / "themes")
    return root
