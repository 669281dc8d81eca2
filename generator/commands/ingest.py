"""``statusgen ingest KIND [PAYLOAD|-]``: a monitor's alert becomes an edit of ``incidents/``.

The payload is the JSON the tool sent (Alertmanager, Grafana, Gatus, Uptime Kuma, PagerDuty,
or the generic format of docs/monitors.md).  What the alert does is decided by the rules of
``monitors:`` in ``components.yml`` (see :mod:`statusgen.ingest.plan`), and the result is
validated with the whole repository before it is written, like every authoring command.

Standard output holds one line, ``opened|updated|acknowledged|resolved PATH``, when a file
was written, and nothing otherwise; standard error says what was decided and why.  Exit
codes: 0 written or nothing to do (an unmatched alert, a repeated delivery); 1 refused (a
payload that is not the tool's, a result that would not validate); 2 a usage error.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from statusgen import model as m
from statusgen.commands.options import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, common_options
from statusgen.diagnostics import format_text, printable
from statusgen.ingest.alerts import MAX_PAYLOAD, PayloadError
from statusgen.ingest.apply import ingest
from statusgen.ingest.payloads import TOOLS, parse
from statusgen.pipeline import Refused


def register(commands: Any) -> None:
    """Add ``ingest`` to the ``statusgen`` parser."""
    parser = commands.add_parser(
        "ingest",
        description="Read an alert as the monitoring tool sent it and apply the rules of "
        "`monitors:` in components.yml: open an incident, record the alert in an internal "
        "update, acknowledge the incident, or resolve it (never one that is acknowledged). "
        "Prints `opened|updated|acknowledged|resolved PATH` when it wrote a file; says on "
        "standard error why it did what it did. See docs/monitors.md.")
    common_options(parser)
    parser.add_argument("kind", choices=m.MONITOR_KINDS, help="the tool that sent the payload")
    parser.add_argument("payload", nargs="?", default="-",
                        help="the JSON file the tool sent, or - for standard input (default)")
    parser.set_defaults(run=run)


def _say(text: str) -> None:
    print(f"statusgen ingest: {printable(text)}", file=sys.stderr)


def read_input(given: str, limit: int) -> bytes:
    """The bytes of the file ``given`` (``-``: standard input), at most ``limit`` + 1 of them;
    :class:`OSError` when it cannot be read."""
    if given == "-":
        return sys.stdin.buffer.read(limit + 1)
    with Path(given).open("rb") as file:
        return file.read(limit + 1)


def run(args: argparse.Namespace, now: datetime) -> int:
    """``statusgen ingest``."""
    try:
        data = read_input(args.payload, MAX_PAYLOAD)
    except OSError as exc:
        _say(f"cannot read {args.payload}: {exc.strerror or exc}")
        return EXIT_USAGE
    try:
        delivery = parse(args.kind, data)
    except PayloadError as exc:
        _say(f"the {TOOLS[args.kind]} payload cannot be read: {exc}; nothing was written")
        return EXIT_PROBLEMS
    for note in delivery.notes:
        _say(note)
    try:
        outcome = ingest(args.root, delivery, now, args.strict)
    except Refused as exc:
        sys.stderr.write(format_text(exc.diagnostics))
        _say(str(exc))
        return EXIT_PROBLEMS
    sys.stderr.write(format_text(outcome.warnings))
    if outcome.path is not None:
        print(f"{outcome.plan.action} {outcome.path}")
    _say(outcome.plan.reason + ("" if outcome.path else "; nothing was written"))
    return EXIT_OK
