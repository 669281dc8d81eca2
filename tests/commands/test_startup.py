"""Commands start fast: each imports only what it runs.

``statusgen --help`` imports no command and none of the libraries behind them (0.6 s of
imports when it imported them all); ``validate`` checks without the renderers.  Counted in
``sys.modules`` of a fresh interpreter rather than timed, so that a busy machine cannot
make the test fail or pass.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import REPO_ROOT

HEAVY = {"jinja2", "markdown_it", "babel", "yaml", "watchdog", "feedgen", "icalendar"}
"""What only some commands need: templates, Markdown, translations, YAML, file watching,
feeds and calendars."""

RENDERING = {"jinja2", "babel", "watchdog", "feedgen", "icalendar", "statusgen.render",
             "multiprocessing", "statusgen.compute.snapshot", "statusgen.incremental.record",
             "statusgen.output.write", "statusgen.output.search"}
"""What ``validate`` does not need: it reads and checks, and computes, renders and writes
nothing (the snapshot, the record and the writer were 40 ms of its 150)."""

REPORT = """
import json, sys
from statusgen.commands.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.stdout.flush()
print(json.dumps(sorted(sys.modules)))
"""


def imported(*argv: str) -> set[str]:
    """The modules ``statusgen argv`` imported (a package is there with any of its modules)."""
    run = subprocess.run([sys.executable, "-c", REPORT, *argv], capture_output=True, text=True,
                         cwd=REPO_ROOT, timeout=120, check=False)
    return set(json.loads(run.stdout.splitlines()[-1]))


def commands_imported(modules: set[str]) -> set[str]:
    return {name for name in modules
            if name.startswith("statusgen.commands.") and name.count(".") == 2}


@pytest.mark.parametrize("argv", [["--help"], ["--version"], []], ids=["help", "version", "none"])
def test_help_and_version_import_no_command(argv: list[str]) -> None:
    modules = imported(*argv)
    assert modules & HEAVY == set()
    assert commands_imported(modules) == {"statusgen.commands.cli"}


def test_a_commands_help_imports_that_command_only() -> None:
    modules = imported("validate", "--help")
    assert commands_imported(modules) == {"statusgen.commands.cli", "statusgen.commands.validate",
                                          "statusgen.commands.options"}


def test_validate_imports_no_renderer() -> None:
    modules = imported("validate", "--now", "2026-11-22T09:00:00Z")
    assert "statusgen.check.run" in modules  # it did run
    assert modules & RENDERING == set()
