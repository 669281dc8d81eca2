"""The ``statusgen`` command line: the parser of every command, and ``main``.

Each command is a module with ``register(commands)``, which adds its parser and sets
``run(args, now) -> exit code`` as its default.  This module imports them; they
never import it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from datetime import datetime

from statusgen import __version__
from statusgen.commands import (
    authoring,
    build,
    diff,
    import_,
    ingest,
    init,
    notify,
    relay,
    report,
    serve,
    upgrade,
    validate,
)
from statusgen.commands.clock import ClockError, resolve_now

COMMANDS = (validate, build, authoring, ingest, relay, serve, diff, report, notify, init, upgrade, import_)
"""In the order ``statusgen --help`` lists them."""


def build_parser() -> argparse.ArgumentParser:
    """The parser of every subcommand; ``docs/cli.md`` is checked against its help."""
    parser = argparse.ArgumentParser(
        prog="statusgen",
        description="A status page kept as Markdown files in git.",
    )
    parser.add_argument("--version", action="version", version=f"statusgen {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(commands)
    return parser


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
