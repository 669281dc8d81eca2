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
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from statusgen import model as m
from statusgen.check.run import check
from statusgen.commands.options import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, common_options
from statusgen.compute.reports import Period, Report, Revision, report
from statusgen.compute.snapshot import Snapshot, snapshot
from statusgen.diagnostics import Diagnostic, format_text, has_errors, printable, sort_diagnostics, strictly
from statusgen.pipeline import run_checks
from statusgen.render import wording
from statusgen.render.i18n import Language, page_translator, translator
from statusgen.render.reports import NO_FIGURE, method, report_csv, report_json, report_view
from statusgen.source.git import GitError, read_ref, resolve
from statusgen.source.parse import CONFIG_FILE, INCIDENTS_DIR

FORMATS = ("text", "json", "csv")
GIT_TIMEOUT = 60
"""Seconds a local git command may take before the build goes on without naming a commit."""


def register(commands: Any) -> None:
    """Add ``report`` to the subcommands."""
    parser = commands.add_parser(
        "report", help="print a month's or quarter's reliability figures",
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


def working_revision(root: Path) -> Revision | None:
    """The commit checked out in the repository holding ``root``, and whether
    ``components.yml`` or ``incidents/`` differ from it; ``None`` outside git."""
    try:
        commit = resolve(root, "HEAD")
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", CONFIG_FILE, INCIDENTS_DIR],
            capture_output=True, check=True, timeout=GIT_TIMEOUT)
    except (GitError, OSError, subprocess.SubprocessError):
        return None
    return Revision(commit, changed=bool(status.stdout.strip()))


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
        repo = ref.repository
        found = [*ref.diagnostics, *(check(repo, now) if repo is not None else [])]
        diagnostics = sort_diagnostics(strictly(found) if args.strict else found)
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


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in rows]


def report_text(figures: Report, snap: Snapshot, revision: Revision | None,
                lang: Language | None = None) -> str:
    """The report as the terminal shows it: the page's figures, in columns, and its words, in
    the page's language (``lang``: with its theme's overrides)."""
    lang = lang or translator(snap.page.language)
    _, w = lang._, wording
    view = report_view(figures, snap, revision, lang)
    lines = [f"{snap.page.title}: {_(w.REPORT_TITLE, period=view.label)} ({view.id})",
             view.period_text]
    if view.in_progress:
        lines.append(_(w.IN_PROGRESS, time=view.until.text))
    lines.append("")
    rows = [[("  " if row.member else "") + row.name, row.uptime,
             f"{row.sla} {row.sla_text}" if row.sla else NO_FIGURE, row.major, row.partial,
             row.maintenance, lang.number(row.incidents), row.mean, row.median]
            for row in view.rows]
    lines += _table([[_(column) for column in w.COLUMNS], *rows])
    lines += ["", _(w.INCIDENTS)]
    if view.count:
        lines.append(f"{view.resolved_text} {_(w.TIMES_TO_RESOLVE, mean=view.mean, median=view.median)}")
    for heading, counts in ((w.BY_IMPACT, view.by_impact), (w.BY_SEVERITY, view.by_severity)):
        if counts:
            lines += ["", _(heading), *_table([["", c.label, lang.number(c.count)] for c in counts])]
    if view.incidents:
        lines.append("")
    for item in view.incidents:
        line = item.line
        said = _(w.RESOLVED_IN, duration=item.time_to_resolve) if item.time_to_resolve \
            else _(w.NOT_RESOLVED)
        lines.append(f"  {line.started.text}  {line.reference or line.id}  {line.title}  ({said})")
    if view.maintenance:
        lines += ["", _(w.MAINTENANCE), _(w.MAINTENANCE_NOTE)]
        lines += [f"  {t.line.started.text}  {t.line.title}  ({_(w.IN_PERIOD, duration=t.duration)})"
                  for t in view.maintenance]
    lines += ["", _(w.METHOD_HEADING),
              *(f"- {sentence}" for sentence in method(figures, snap, revision, lang))]
    return "".join(printable(line) + "\n" for line in lines)
