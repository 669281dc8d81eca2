"""``statusgen diff``: what a change does to the public page, for a pull request.

Compares the public page at ``--base`` (read from git's objects: nothing is
checked out) with the working tree, both at the same ``now``, and lists the
notifications a merge would send (no secret is needed or shown).  Exit 0 whether
or not the page changes (it is a report), 1 when the working tree has
validation errors, 2 when the ref does not exist or git cannot be used.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from statusgen.commands.options import EXIT_OK, EXIT_USAGE, common_options, refused
from statusgen.compute.pagediff import diff
from statusgen.compute.snapshot import Snapshot, snapshot
from statusgen.diagnostics import has_errors
from statusgen.notify.report import PREVIEWS, preview
from statusgen.pipeline import comparable, run_checks
from statusgen.render.diff import RENDERERS
from statusgen.render.i18n import page_translator
from statusgen.source.git import GitError, read_ref
from statusgen.source.parse import CONFIG_FILE


def register(commands: Any) -> None:
    """Add ``diff`` to the subcommands."""
    parser = commands.add_parser(
        "diff",
        description="Compare the public page at a git ref (read from git, nothing is checked "
        "out) with the working tree at the same time, and say what readers will see "
        "differently: the banner, component statuses, incidents and maintenance, and the "
        "messages the channels of `notify:` would be sent. Nothing internal is shown. Exit 0 "
        "whether or not anything changes, 1 when the working tree has errors, 2 when the ref "
        "does not exist.")
    common_options(parser)
    parser.add_argument("--base", required=True, metavar="REF",
                        help="the git ref to compare with, such as origin/main or HEAD~1")
    parser.add_argument("--format", choices=sorted(RENDERERS), default="markdown",
                        help="markdown (default: for a pull request or job summary) or text")
    parser.set_defaults(run=cmd_diff)


def cmd_diff(args: argparse.Namespace, now: datetime) -> int:
    try:
        base = read_ref(args.root, args.base)
    except GitError as exc:
        print(f"statusgen diff: {exc}", file=sys.stderr)
        return EXIT_USAGE
    checked = run_checks(args.root, now, args.strict)
    head = checked.loaded.repository
    if head is None or has_errors(checked.diagnostics):
        return refused("diff", checked.diagnostics, checked.loaded.files,
                       "the working tree has errors; fix them first")
    base = comparable(base, now)
    label = f"{args.base} ({base.short})"
    notes = []
    before: Snapshot | None = None
    if base.repository is None:
        reason = base.broken.get(CONFIG_FILE, "it could not be read")
        notes.append(f"{CONFIG_FILE} could not be read at {label}: {reason}. The page before "
                     "cannot be computed, so nothing is compared.")
    else:
        try:
            before = snapshot(base.repository, now, internal=False, reports=False)
        except Exception as exc:  # a base the build would have refused; never a traceback
            notes.append(f"the page at {label} cannot be computed ({type(exc).__name__}: {exc}); "
                         "nothing is compared.")
    for path, reason in sorted(base.broken.items()):
        if path != CONFIG_FILE and before is not None:
            notes.append(f"{path} could not be read at {label} ({reason}); it is not compared.")
    after = snapshot(head, now, internal=False, reports=False)
    result = diff(before, after, base=label, not_comparable=base.broken, notes=notes)
    sys.stdout.write(RENDERERS[args.format](result))
    # The messages a merge would send: what is due in the working tree and was not at the base.
    lang = page_translator(args.root / "themes", head.config.page)
    sys.stdout.write(PREVIEWS[args.format](preview(base.repository, head, now, lang)))
    return EXIT_OK
