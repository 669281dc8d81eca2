"""What the importer tests share: the fixtures' places, a clock, running the command."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from statusgen.commands.cli import main
from statusgen.diagnostics import Severity
from statusgen.pipeline import build, run_checks
from tests.helpers import REPO_ROOT

FIXTURES = REPO_ROOT / "tests" / "fixtures"
GITHUB = FIXTURES / "statuspage" / "github-summary.json"
PACKIT = FIXTURES / "cstate" / "packit"
EXAMPLE = FIXTURES / "cstate" / "example"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
STAMP = "2026-11-30T12:00:00Z"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``statusgen import …`` in this process: exit code, stdout, stderr."""
    code = main(["import", *args, "--now", STAMP])
    out = capsys.readouterr()
    return code, out.out, out.err


def errors(root: Path) -> list[str]:
    """Every error ``statusgen validate`` reports for ``root``."""
    return [f"{d.location}: {d.message}" for d in run_checks(root, NOW).diagnostics
            if d.severity is Severity.ERROR]


def api(root: Path, out: Path, name: str) -> Any:
    """Build ``root`` into ``out`` and read one ``api/v2`` document."""
    result = build(root, out, NOW)
    assert result.ok, [str(d) for d in result.diagnostics]
    return json.loads((out / "api" / "v2" / name).read_text(encoding="utf-8"))
