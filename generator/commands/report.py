"""``statusgen report``: one period's reliability figures on the command line.

The same figures, computed the same way, as the site's ``reports/<period>/`` page: from the
working tree, or with ``--at REF`` from a commit read out of git's objects (nothing is
checked out), so anyone can check a published report against the repository.  ``--format
json`` and ``csv`` print the bytes of ``reports/<period>.json`` and ``.csv``.

Exit codes: 0 printed; 1 the repository has errors (the build would refuse it) or the
period has not begun; 2 a usage error, an unknown ref, or no git.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from statusgen import model as m
from statusgen.commands.options import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, common_options
from statusgen.compute.reports import Period, Revision, report
from statusgen.compute.snapshot import snapshot
from statusgen.diagnostics import Diagnostic, format_text, has_errors
from statusgen.pipeline import checked_ref, run_checks, working_revision
from statusgen.render.i18n import page_translator
from statusgen.render.report_text import report_text
from statusgen.render.reports import report_csv, report_json
from statusgen.source.git import GitError, read_ref

FORMATS = ("text", "json", "csv")


def register(commands: Any) -> None:
    """Add ``report`` to the subcommands."""
    parser = commands.add_parser(
        "report",
        description="Print the figures of the site's reliability report for one period — uptime "
        "per component and group, incidents by impact and severity, time to resolve — computed "
        "exactly as the build computes reports/<period>/. With --at, from a git commit, read "
        "from git (nothing is checked out): the figures a report built from that commit shows.")
    common_options(parser)
    parser.add_argument("--period", required=True, metavar="PERIOD",
                        help="a month (2026-03) or a quarter (2026-Q3), in page.timezone")
    parser.add_argument("--at", metavar="REF", help="the git commit, tag or branch to compute "
                        "at (default: the working tree)")
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text (default), or json and csv: the bytes of "
                        "reports/<period>.json and .csv")
    parser.add_argument("--internal", action="store_true",
                        help="the internal build's figures: internal entries and updates counted")
    parser.set_defaults(run=cmd_report)


def _problems(diagnostics: list[Diagnostic], where: str) -> int:
    sys.stderr.write(format_text(diagnostics))
    print(f"statusgen report: {where} has errors, so no site would be built from it; fix them "
          "first", file=sys.stderr)
    return EXIT_PROBLEMS


def cmd_report(args: argparse.Namespace, now: datetime) -> int:
    """Print the period's figures; the exit code says why when there are none."""
    period = Period.parse(args.period)
    if period is None:
        print(f"statusgen report: error: --period {args.period!r}: give a month such as 2026-03 "
              "or a quarter such as 2026-Q3", file=sys.stderr)
        return EXIT_USAGE
    repo: m.Repository | None
    if args.at is not None:
        try:
            ref = read_ref(args.root, args.at)
        except GitError as exc:
            print(f"statusgen report: {exc}", file=sys.stderr)
            return EXIT_USAGE
        repo, diagnostics = ref.repository, checked_ref(ref, now, args.strict)
        where = f"{args.at} ({ref.short})"
        revision: Revision | None = Revision(ref.commit)
    else:
        checked = run_checks(args.root, now, args.strict)
        repo, diagnostics = checked.loaded.repository, checked.diagnostics
        where = "the working tree"
        revision = working_revision(args.root)
    if repo is None or has_errors(diagnostics):
        return _problems(diagnostics, where)
    snap = snapshot(repo, now, internal=args.internal, reports=False)  # it computes its own
    start, _ = period.bounds(snap.tz)
    if start > now:
        print(f"statusgen report: {period.id} has not begun (now is {now.isoformat()}); reports "
              "cover periods that have ended or are in progress", file=sys.stderr)
        return EXIT_PROBLEMS
    figures = report(period, snap.entries, snap.config, now, snap.tz)
    if args.format == "json":
        sys.stdout.buffer.write(report_json(figures, snap, revision))
    elif args.format == "csv":
        sys.stdout.buffer.write(report_csv(figures, snap))
    else:
        lang = page_translator(args.root / "themes", snap.page)
        sys.stdout.write(report_text(figures, snap, revision, lang))
    sys.stdout.flush()
    return EXIT_OK
