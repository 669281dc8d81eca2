"""What every command shares: exit codes, the common options, and how problems are printed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from statusgen.diagnostics import FORMATS, Diagnostic, format_text, summary

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
"""0 fine, 1 problems found (or a refusal), 2 a usage error."""


def common_options(parser: argparse.ArgumentParser) -> None:
    """``--root``, ``--now`` and ``--strict``, which every command that reads a repository takes."""
    parser.add_argument("--root", type=Path, default=Path("."),
                        help="the status repository (default: the current folder)")
    parser.add_argument("--now", metavar="TIMESTAMP",
                        help="the time to validate or build at, ISO 8601 with a zone "
                        "(default: SOURCE_DATE_EPOCH if set, else the clock)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")


def format_option(parser: argparse.ArgumentParser, help: str) -> None:
    """``--format text|github|json`` for commands that print diagnostics."""
    parser.add_argument("--format", choices=sorted(FORMATS), default="text", help=help)


def refused(command: str, diagnostics: list[Diagnostic], files: int, why: str) -> int:
    """Print the problems that stop ``command`` and why it stops; :data:`EXIT_PROBLEMS`."""
    sys.stderr.write(format_text(diagnostics))
    print(summary(diagnostics, files), file=sys.stderr)
    print(f"statusgen {command}: {why}", file=sys.stderr)
    return EXIT_PROBLEMS


def report(diagnostics: list[Diagnostic], files: int, fmt: str) -> None:
    """Print the diagnostics in ``fmt`` and the summary line."""
    sys.stdout.write(FORMATS[fmt](diagnostics))
    # The summary goes beside the text report; machine formats keep stdout clean.
    print(summary(diagnostics, files), file=sys.stdout if fmt == "text" else sys.stderr)
