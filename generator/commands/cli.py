"""The ``statusgen`` command line: argument parsing and exit codes, nothing else."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from generator import __version__
from generator.commands import authoring as authoring_cli
from generator.commands import diff as diff_cli
from generator.commands import init
from generator.commands.clock import ClockError, resolve_now
from generator.diagnostics import FORMATS, Diagnostic, has_errors, summary
from generator.incremental.cache import CACHE_DIR
from generator.incremental.parallel import cores
from generator.pipeline import build, run_checks
from generator.serve import server as serve

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

# Modules that add their own subcommands: each registers a parser whose
# defaults carry ``run(args, now) -> exit code``.
EXTENSIONS: tuple[Callable[[Any], None], ...] = (authoring_cli.register, serve.register,
                                                 diff_cli.register, init.register)


def common_options(parser: argparse.ArgumentParser) -> None:
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
    common_options(validate)
    validate.set_defaults(run=cmd_validate)
    validate.add_argument("--format", choices=sorted(FORMATS), default="text",
                          help="text (default), github (workflow annotations) or json")
    build = commands.add_parser(
        "build", help="validate, then render the site",
        description="Validate (errors stop the build), then render the site into --out "
        "atomically: a failed build leaves the previous site as it was.")
    common_options(build)
    build.set_defaults(run=cmd_build)
    build.add_argument("--out", type=Path, default=None,
                       help="the output folder (default: ROOT/site)")
    build.add_argument("--internal", action="store_true",
                       help="build the team's site: internal entries and updates included, "
                       "every page marked internal")
    build.add_argument("--format", choices=sorted(FORMATS), default="text",
                       help="how to print problems: text (default), github or json")
    build.add_argument("--jobs", type=int, default=cores(), metavar="N",
                       help="processes that render entry pages (default: the cores available); "
                       "the output is the same for any N")
    build.add_argument("--no-cache", action="store_true",
                       help=f"do not read or write the parse cache in ROOT/{CACHE_DIR}/ "
                       "(safe to delete at any time)")
    for register in EXTENSIONS:
        register(commands)
    return parser


def _report(diagnostics: list[Diagnostic], files: int, fmt: str) -> None:
    sys.stdout.write(FORMATS[fmt](diagnostics))
    # The summary goes beside the text report; machine formats keep stdout clean.
    print(summary(diagnostics, files), file=sys.stdout if fmt == "text" else sys.stderr)


def cmd_validate(args: argparse.Namespace, now: datetime) -> int:
    checked = run_checks(args.root, now, args.strict)
    _report(checked.diagnostics, checked.loaded.files, args.format)
    return EXIT_PROBLEMS if has_errors(checked.diagnostics) else EXIT_OK


def cmd_build(args: argparse.Namespace, now: datetime) -> int:
    out = args.out if args.out is not None else args.root / "site"
    existed = out.is_dir()
    result = build(args.root, out, now, strict=args.strict, internal=args.internal,
                   cache=not args.no_cache, jobs=args.jobs)
    if not result.ok:
        _report(result.diagnostics, result.read, args.format)
        # Only a swap that failed twice over leaves the folder missing; the error says where
        # the previous site is kept.
        left = "was left as it was" if out.is_dir() or not existed else \
            "is missing; the next build puts the previous site back"
        print(f"build failed; {out} {left}", file=sys.stderr)
        return EXIT_PROBLEMS
    if result.diagnostics:
        _report(result.diagnostics, result.read, args.format)
    assert result.write is not None
    kind = "internal site" if args.internal else "site"
    warnings = len(result.diagnostics)
    counts = (f"{result.pages} pages, {result.files} files ({result.size / 1024:.0f} KiB; "
              f"{result.write.written} written, {result.write.unchanged} unchanged, "
              f"{result.write.removed} removed)")
    done = f"the {kind} in {out} was up to date: {counts}, checked" if result.write.up_to_date \
        else f"built the {kind} in {out}: {counts}"
    print(f"{done} in {result.seconds:.2f} s, {warnings} warning{'s' if warnings != 1 else ''}")
    return EXIT_OK


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
    run: Callable[[argparse.Namespace, datetime], int] = args.run
    return run(args, now)
