"""``statusgen validate``: every problem of the repository, at its place."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from statusgen.commands.options import EXIT_OK, EXIT_PROBLEMS, common_options, format_option, report
from statusgen.diagnostics import has_errors
from statusgen.pipeline import run_checks


def register(commands: Any) -> None:
    """Add ``validate`` to the subcommands."""
    parser = commands.add_parser(
        "validate",
        description="Check components.yml and every incident file; exit 1 on errors.")
    common_options(parser)
    parser.set_defaults(run=run)
    format_option(parser, "text (default), github (workflow annotations) or json")


def run(args: argparse.Namespace, now: datetime) -> int:
    """Report every problem; exit 1 when any is an error."""
    checked = run_checks(args.root, now, args.strict)
    report(checked.diagnostics, checked.loaded.files, args.format)
    return EXIT_PROBLEMS if has_errors(checked.diagnostics) else EXIT_OK
