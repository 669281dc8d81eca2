"""The ``statusgen`` command line: the parser of every command, and ``main``.

Each command is a module with ``register(commands)``, which adds its parser and sets
``run(args, now) -> exit code`` as its default.  This module imports them; they
never import it.  It imports only the module of the command being run: the others
are listed by the name and summary :data:`COMMANDS` gives, so that ``statusgen
--help`` or ``statusgen validate`` does not pay for the renderers, the dev server
or the HTTP clients of commands it does not run.
"""

from __future__ import annotations

import argparse
import os
import select
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from importlib import import_module
from typing import Any, NamedTuple, NoReturn, TextIO

from statusgen import __version__


class Command(NamedTuple):
    module: str
    """The module under ``statusgen.commands`` whose ``register`` adds the command."""
    summary: str
    """Its line in ``statusgen --help``."""


COMMANDS: dict[str, Command] = {
    "validate": Command("validate", "check components.yml and every incident"),
    "build": Command("build", "validate, then render the site"),
    "new": Command("authoring", "write a new incident file"),
    "update": Command("authoring", "add an update to an incident"),
    "resolve": Command("authoring", "resolve an incident (complete a maintenance)"),
    "ack": Command("ack", "record who took ownership of an incident (internal)"),
    "maintenance": Command("authoring", "write a new scheduled maintenance file"),
    "ingest": Command("ingest", "open, update or resolve an incident from a monitor's alert"),
    "relay": Command("relay", "forward monitors' webhooks to the repository's dispatch workflow"),
    "serve": Command("serve", "preview the site, rebuilt and reloaded on every change"),
    "diff": Command("diff", "what the working tree changes on the public page, compared with "
                    "a git ref"),
    "report": Command("report", "print a month's or quarter's reliability figures"),
    "notify": Command("notify", "send new public updates to Slack, Discord, Teams, webhooks "
                      "and email"),
    "subscribers": Command("subscribers", "run the subscriptions service; export or delete a "
                           "reader's data"),
    "init": Command("init", "create a status repository, or add one to a folder"),
    "upgrade": Command("upgrade", "make a status repository install this statusgen"),
    "import": Command("import_", "import the history of a Statuspage or cState status page"),
}
"""Every command, in the order ``statusgen --help`` lists them (a module's commands in the
order its ``register`` adds them)."""

EXIT_CLOSED = 141
"""The reader of the output went away (``statusgen ... | head``): 128 + SIGPIPE, the status a
shell reports for a tool that a closed pipe stops, so ``set -o pipefail`` scripts treat it as
they treat ``cat``'s, and never 1, which says the repository has problems."""


class _Summarised:
    """What a command's ``register`` adds its parsers to: each gets its summary from
    :data:`COMMANDS`, the one place ``statusgen --help`` reads it without importing the
    command."""

    def __init__(self, commands: Any) -> None:
        self._commands = commands

    def add_parser(self, name: str, **options: Any) -> argparse.ArgumentParser:
        if name not in COMMANDS or "help" in options:
            raise LookupError(f"statusgen {name}: give its module and summary in COMMANDS "
                              "(statusgen.commands.cli), not help= to add_parser")
        parser: argparse.ArgumentParser = self._commands.add_parser(
            name, help=COMMANDS[name].summary, **options)
        return parser


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand; ``docs/cli.md`` is checked against its help.

    With ``command``, only that command's module is imported and given its options (none
    when it names no command); the others are there by name and summary only, enough for
    ``--help`` and for argparse to name the choices.
    """
    parser = argparse.ArgumentParser(
        prog="statusgen",
        description="A status page kept as Markdown files in git.",
    )
    parser.add_argument("--version", action="version", version=f"statusgen {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    wanted = COMMANDS[command].module if command in COMMANDS else None
    for name, (module, summary) in COMMANDS.items():
        if name in commands.choices:
            continue  # added with an earlier command of its module
        if command is None or module == wanted:
            import_module(f"statusgen.commands.{module}").register(_Summarised(commands))
        else:
            commands.add_parser(name, help=summary)
    return parser


def entry() -> NoReturn:
    """The ``statusgen`` program: :func:`main`, then out at once.

    A build's heap (10,000 parsed incidents, every output of the site) is handed back to the
    system whole: Python's own teardown would walk every object first, two seconds at
    10,000 entries.  Nothing of statusgen's waits for the interpreter's exit: every file is
    written and closed, every worker process joined, by the time a command returns."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass  # a closed stream: main() has said what it could
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code (0 fine, 1 problems, 2 usage, 141 the output
    was closed)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        try:
            return _run(args)
        finally:
            # Buffered output a closed pipe refuses fails here, inside the handler below,
            # rather than at interpreter exit as "Exception ignored ... BrokenPipeError".
            sys.stdout.flush()
    except BrokenPipeError:
        if not _silence_closed(sys.stdout, sys.stderr):
            raise  # a pipe of the command's own (a socket, a child), not its output
        return EXIT_CLOSED


def _run(argv: list[str]) -> int:
    # The top-level options take no value, so the first word that is not one names the
    # command: the only module to import.
    named = next((word for word in argv if not word.startswith("-")), None)
    parser = build_parser(named or "")
    args = parser.parse_args(argv)
    # After parsing: --help and --version need no clock, and the clock imports the schema.
    from statusgen.commands.clock import ClockError, resolve_now

    try:
        now = resolve_now(getattr(args, "now", None))
    except ClockError as exc:
        parser.error(str(exc))
    if hasattr(args, "root") and not args.root.is_dir():
        parser.error(f"--root {args.root}: no such folder")
    run: Callable[[argparse.Namespace, datetime], int] = args.run
    return run(args, now)


def _silence_closed(*streams: TextIO) -> bool:
    """Point each of ``streams`` whose reader has gone at the null device, so that nothing
    written later (nor the flush at exit) fails again; whether any had gone."""
    closed = [stream for stream in streams if _reader_gone(stream)]
    if closed:
        null = os.open(os.devnull, os.O_WRONLY)
        for stream in closed:
            os.dup2(null, stream.fileno())
        os.close(null)
    return bool(closed)


def _reader_gone(stream: TextIO) -> bool:
    try:
        fd = stream.fileno()
    except (OSError, ValueError):  # replaced by an object without a file (a test's capture)
        return False
    if not hasattr(select, "poll"):  # Windows: no way to ask, and only the output is written
        return stream is sys.stdout
    poll = select.poll()
    poll.register(fd, 0)  # POLLERR and POLLHUP are reported whatever the mask
    return any(events & (select.POLLERR | select.POLLHUP) for _, events in poll.poll(0))
