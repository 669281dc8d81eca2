"""``statusgen ack ID [--by NAME] [--at T]``: record who took ownership of an incident.

Better Stack's lifecycle is started → acknowledged → resolved: acknowledging says a person
has the incident in hand (and a monitor's recovery no longer resolves it on its own).  The
command writes ``acknowledged: {at, by}`` into the front matter, every other byte kept,
after validating the repository with it like ``update`` and ``resolve`` do.  The
acknowledgement is internal: only the team's build shows it.

Exit codes: 0 written (its path on stdout); 1 refused (a maintenance, an incident already
acknowledged or resolved before ``--at``, a result that would not validate); 2 a usage error.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from statusgen.authoring.text import acknowledged_keys, set_keys_text
from statusgen.check.lifecycle import acknowledgement_problem
from statusgen.commands.authoring import Refused, UsageError, _at, _guarded, read_existing
from statusgen.commands.options import EXIT_OK, common_options
from statusgen.diagnostics import format_text
from statusgen.output.atomic import Changed, replace_file
from statusgen.pipeline import validated_edit


def register(commands: Any) -> None:
    """Add ``ack`` to the ``statusgen`` parser."""
    parser = commands.add_parser(
        "ack",
        description="Record that someone took ownership of an incident: writes `acknowledged: "
        "{at, by}` into its front matter (internal, never published), editing the file in "
        "place. A monitor's recovery then no longer resolves the incident on its own.")
    common_options(parser)
    parser.add_argument("id", help="the incident: its file name with or without .md, a path "
                        "to it, or a unique prefix")
    parser.add_argument("--by", metavar="NAME", help="who took ownership (default: no one named)")
    parser.add_argument("--at", metavar="TIMESTAMP",
                        help="when, ISO 8601 with a zone (default: now)")
    parser.set_defaults(run=cmd_ack)


def _ack(args: argparse.Namespace, now: datetime) -> int:
    """``statusgen ack``."""
    by = (args.by or "").strip()
    if args.by is not None and not by:
        raise UsageError("--by is empty; name the person, or leave --by out")
    at = _at(args, now)
    rel, raw, incident = read_existing(args)
    refused = acknowledgement_problem(incident, at)
    if refused is not None:
        raise Refused(f"{rel} cannot be acknowledged; nothing was written", [refused])
    try:
        text = set_keys_text(raw.decode("utf-8"), acknowledged_keys(at, by), rel)
    except UnicodeDecodeError as exc:  # parse_incident accepted it, so this cannot happen
        raise Refused(f"{rel} is not UTF-8") from exc
    data = text.encode("utf-8")
    mine = validated_edit(args.root, {rel: data}, now, args.strict)
    try:
        replace_file(args.root / rel, data, expected=raw, keep_mode=True)
    except Changed as exc:
        raise Refused(f"{exc}; nothing was written, run the command again") from exc
    except OSError as exc:
        raise Refused(f"cannot write {rel}: {exc}") from exc
    if mine:
        sys.stderr.write(format_text(mine))
    print(rel)
    return EXIT_OK


cmd_ack = _guarded(_ack)
