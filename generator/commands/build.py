"""``statusgen build``: validate, then render and write the site atomically."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from statusgen import model as m
from statusgen.commands.options import EXIT_OK, EXIT_PROBLEMS, common_options, format_option, report
from statusgen.diagnostics import Diagnostic
from statusgen.incremental.parallel import cores, for_builds
from statusgen.incremental.parse_cache import CACHE_DIR
from statusgen.notify.log import DEFAULT as SEND_LOG
from statusgen.notify.log import LogError, SendLog
from statusgen.output.search import indexer
from statusgen.pipeline import Search, Session, Upstream, build, working_revision
from statusgen.upstream.fetch import read_upstreams


def register(commands: Any) -> None:
    """Add ``build`` to the subcommands."""
    parser = commands.add_parser(
        "build",
        description="Validate (errors stop the build), then render the site into --out "
        "atomically: a failed build leaves the previous site as it was.")
    common_options(parser)
    parser.set_defaults(run=run)
    parser.add_argument("--out", type=Path, default=None,
                        help="the output folder (default: ROOT/site)")
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--internal", action="store_true",
                     help="build the team's site: internal entries and updates included, "
                     "every page marked internal")
    who.add_argument("--audience", default=None, metavar="ID",
                     help="build the site of this audience in components.yml: its components, "
                     "and the public entries touching them or entries naming it (see "
                     "docs/audiences.md)")
    parser.add_argument("--send-log", type=Path, default=None, metavar="PATH",
                        help="with --internal: the send log of `statusgen notify`, which says of "
                        f"each update whether it was notified (default: ROOT/{SEND_LOG})")
    format_option(parser, "how to print problems: text (default), github or json")
    parser.add_argument("--jobs", type=int, default=cores(), metavar="N",
                        help="processes that render entry pages (default: the cores available); "
                        "the output is the same for any N")
    parser.add_argument("--no-cache", action="store_true",
                        help=f"do not read or write the parse cache in ROOT/{CACHE_DIR}/ "
                        "(safe to delete at any time)")


def _sent(args: argparse.Namespace) -> dict[str, bool] | None:
    """The send log's events for an internal build; ``None`` (no bells shown) for a public
    one, or when the log cannot be read (said on stderr: the site is still built)."""
    if not args.internal:
        return None
    path: Path = args.send_log if args.send_log is not None else args.root / SEND_LOG
    try:
        return SendLog.load(path).sent_keys()
    except LogError as exc:
        print(f"statusgen build: {exc}; the entry history shows no notifications", file=sys.stderr)
        return None


def run(args: argparse.Namespace, now: datetime) -> int:
    """Build; one line says what was written, or why nothing was."""
    for_builds()
    out = args.out if args.out is not None else args.root / "site"
    existed = out.is_dir()
    session = None if args.no_cache else Session.on_disk(args.root)
    result = build(args.root, out, now, strict=args.strict, internal=args.internal,
                   jobs=args.jobs, session=session, revision=working_revision(args.root),
                   upstream=upstream_step(args.root, now), sent=_sent(args),
                   audience=args.audience, search_index=Search(indexer()))
    if not result.ok:
        report(result.diagnostics, result.read, args.format)
        # Only a swap that failed twice over leaves the folder missing; the error says where
        # the previous site is kept.
        left = "was left as it was" if out.is_dir() or not existed else \
            "is missing; the next build puts the previous site back"
        print(f"build failed; {out} {left}", file=sys.stderr)
        return EXIT_PROBLEMS
    if result.diagnostics:
        report(result.diagnostics, result.read, args.format)
    assert result.write is not None
    kind = "internal site" if args.internal else \
        f"site of audience {args.audience}" if args.audience else "site"
    warnings = len(result.diagnostics)
    counts = (f"{result.pages} pages, {result.files} files ({result.size / 1024:.0f} KiB; "
              f"{result.write.written} written, {result.write.unchanged} unchanged, "
              f"{result.write.removed} removed)")
    done = f"the {kind} in {out} was up to date: {counts}, checked" if result.write.up_to_date \
        else f"built the {kind} in {out}: {counts}"
    print(f"{done} in {result.seconds:.2f} s, {warnings} warning{'s' if warnings != 1 else ''}")
    return EXIT_OK


def upstream_step(root: Path, now: datetime) -> Upstream:
    """The build's load-side step for upstream components: fetch, keep, hand over as data."""
    def step(config: m.Config) -> tuple[Mapping[str, m.UpstreamReading], Sequence[Diagnostic]]:
        read = read_upstreams(root, config, now)
        return read.readings, read.warnings
    return step
