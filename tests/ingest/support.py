"""Shared pieces of the ingest tests: the real payloads, a repository with monitor rules, and
the command line run in this process."""

from __future__ import annotations

import io
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from statusgen.commands.cli import main
from tests.helpers import COMPONENTS, REPO_ROOT, dedent

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "monitors"

RULES = """\
monitors:
  - match: {alertname: High CPU Temperature}
    from: alertmanager
    component: api
    level: major_outage
    impact: major
    title: Public API unavailable
    message: We are investigating errors on the public API.
    resolve_message: The API is answering normally again.
  - match: {monitor: test}
    from: uptime-kuma
    component: api
    level: major_outage
    impact: major
    title: Public API unavailable
    message: We are investigating errors on the public API.
    resolve_message: The API is answering normally again.
  - match: {alertname: ICMP ping failed}
    component: db
    title: Database unreachable
    message: Some database hosts do not answer. We are investigating.
  - match: {alertname: Test alert}
    from: grafana
    component: queue
    title: Background jobs delayed
    message: Background jobs run late. We are investigating.
"""
"""Rules for the fixtures: two tools feed the API's incident (one title), two more rules."""


def fixture(name: str) -> Path:
    return FIXTURES / name


def config(rules: str = RULES) -> str:
    """The tests' ``components.yml`` with ``rules``."""
    return COMPONENTS + "\n" + dedent(rules)


def repository(root: Path, rules: str = RULES, files: Mapping[str, str] | None = None) -> Path:
    """A status repository at ``root`` with monitor rules."""
    (root / "incidents").mkdir(parents=True)
    (root / "components.yml").write_text(config(rules), encoding="utf-8")
    for name, text in (files or {}).items():
        (root / name).write_text(dedent(text), encoding="utf-8")
    return root


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def statusgen(capsys: pytest.CaptureFixture[str], *args: str, stdin: bytes | None = None) -> Run:
    """``statusgen ARGS`` in this process; ``stdin`` feeds standard input."""
    capsys.readouterr()
    old = sys.stdin
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.stdin = old
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def ingest(capsys: pytest.CaptureFixture[str], root: Path, kind: str, name: str, now: str) -> Run:
    """``statusgen ingest KIND FIXTURE`` at ``now``."""
    return statusgen(capsys, "ingest", kind, str(fixture(name)), "--root", str(root), "--now", now)


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``incidents/``, to compare before and after."""
    return {p.name: p.read_bytes() for p in sorted((root / "incidents").iterdir())}
