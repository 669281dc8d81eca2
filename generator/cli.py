"""The ``statusgen`` command line: argument parsing and exit codes, nothing else."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from . import __version__
from .check import check
from .clock import ClockError, resolve_now
from .diagnostics import FORMATS, Diagnostic, has_errors, sort_diagnostics, strictly, summary
from .load import Loaded, load

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."),
                        help="the status repository (default: the current folder)")
    parser.add_argument("--now", metavar="TIMESTAMP",
                        help="the time to validate or build at, ISO 8601 with a zone "
                        "(default: SOURCE_DATE_EPOCH if set, else the clock)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")


def build_parser() -> argparse.ArgumentParser:
    """The parser of every subcommand; ``docs/cli.md`` is checked against its help."""
    parser = argparse.ArgumentParser(
        prog="statusgen",
        description="A status page kept as Markdown files in git.",
    )
    parser.add_argument("--version", action="version", version=f"statusgen {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    validate = commands.add_parser(
        "validate", help="check components.yml and every incident",
        description="Check components.yml and every incident file; exit 1 on errors.")
    _common(validate)
    validate.add_argument("--format", choices=sorted(FORMATS), default="text",
                          help="text (default), github (workflow annotations) or json")
    return parser


def run_checks(root: Path, now: datetime, strict: bool) -> tuple[Loaded, list[Diagnostic]]:
    """Load and check the repository: what ``validate`` prints and ``build`` requires."""
    loaded = load(root)
    diagnostics = list(loaded.diagnostics)
    if loaded.repository is not None:
        diagnostics.extend(check(loaded.repository, now))
    if strict:
        diagnostics = strictly(diagnostics)
    return loaded, sort_diagnostics(diagnostics)


def cmd_validate(args: argparse.Namespace, now: datetime) -> int:
    loaded, diagnostics = run_checks(args.root, now, args.strict)
    sys.stdout.write(FORMATS[args.format](diagnostics))
    # The summary goes beside the text report; machine formats keep stdout clean.
    print(summary(diagnostics, loaded.files), file=sys.stdout if args.format == "text" else sys.stderr)
    return EXIT_PROBLEMS if has_errors(diagnostics) else EXIT_OK


COMMANDS = {"validate": cmd_validate}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code (0 fine, 1 problems, 2 usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        now = resolve_now(getattr(args, "now", None))
    except ClockError as exc:
        parser.error(str(exc))
    if hasattr(args, "root") and not args.root.is_dir():
        parser.error(f"--root {args.root}: no such folder")
    return COMMANDS[args.command](args, now)
