"""``statusgen notify``: send each public update to the channels of ``components.yml``, once.

Validates the repository first (errors: nothing is sent, exit 1), then sends the messages
due at ``--now`` that the send log has not had, and prints what it did.  Exit 0 when every
message went out (or there was nothing to send), 1 when one failed or waits for one that
failed (each is tried again by the next run) or the log cannot be used, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from statusgen import model as m
from statusgen.commands.clock import ClockError, resolve_now
from statusgen.commands.options import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, common_options, refused
from statusgen.diagnostics import has_errors
from statusgen.net.client import Client
from statusgen.net.policy import Policy
from statusgen.notify.deliver import Sender
from statusgen.notify.log import DEFAULT, LogError, SendLog, locked
from statusgen.notify.outgoing import Scene
from statusgen.notify.report import RENDERERS
from statusgen.notify.run import notify
from statusgen.notify.subscribers import Posted, post_events
from statusgen.pipeline import run_checks
from statusgen.render.i18n import Language, page_translator


def register(commands: Any) -> None:
    """Add ``notify`` to the subcommands."""
    parser = commands.add_parser(
        "notify",
        description="Send every public update, maintenance start, end and reminder due at --now "
        "to the channels under `notify:` in components.yml, each once: the send log (--log) "
        "records what each channel has had. A channel's first run records what is already "
        "due without sending it. The URLs and passwords come from the environment variables "
        "the channels name. Exit 1 when a message could not be sent (the next run tries it "
        "again).")
    common_options(parser)
    parser.add_argument("--log", type=Path, default=None, metavar="PATH",
                        help=f"the send log (default: ROOT/{DEFAULT})")
    parser.add_argument("--dry-run", action="store_true",
                        help="say what would be sent and recorded, and which channels cannot "
                        "send (a variable not set); send nothing, change no file")
    parser.add_argument("--since", metavar="TIMESTAMP",
                        help="on a channel's first run, send what happened from this time on "
                        "instead of recording it")
    parser.add_argument("--format", choices=sorted(RENDERERS), default="text",
                        help="text (default), markdown (for a job summary) or json")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                        help="how long to wait for a receiver, per attempt (default: 10)")
    parser.add_argument("--attempts", type=int, default=3, metavar="N",
                        help="attempts per message within the run, with a doubling pause "
                        "between them (default: 3)")
    parser.set_defaults(run=run)


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return resolve_now(value, {}).astimezone(UTC)
    except ClockError as exc:
        raise ValueError(str(exc).replace("--now", "--since")) from None


def run(args: argparse.Namespace, now: datetime) -> int:
    """Validate, then send what is due; print what was done."""
    try:
        since = _since(args.since)
    except ValueError as exc:
        print(f"statusgen notify: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.timeout <= 0 or args.attempts < 1:
        print("statusgen notify: error: --timeout must be above 0 and --attempts at least 1",
              file=sys.stderr)
        return EXIT_USAGE
    checked = run_checks(args.root, now, args.strict)
    repo = checked.loaded.repository
    if repo is None or has_errors(checked.diagnostics):
        return refused("notify", checked.diagnostics, checked.loaded.files,
                       "the repository has errors; nothing was sent")
    if not repo.config.notify and repo.config.subscriptions is None:
        print("statusgen notify: components.yml has no `notify:` channels; nothing to send",
              file=sys.stderr)
        return EXIT_OK
    path: Path = args.log if args.log is not None else args.root / DEFAULT
    sender = Sender(os.environ, args.root, timeout=args.timeout, attempts=args.attempts)
    lang = page_translator(args.root / "themes", repo.config.page)
    clock = lambda: datetime.now(UTC).replace(microsecond=0)  # noqa: E731
    try:
        if args.dry_run:
            log = SendLog.load(path)
            report = notify(repo, now, log, sender, since=since, dry_run=True, lang=lang)
            posted = _subscribers(args, repo, now, log, lang, since, dry_run=True)
        else:
            with locked(path):
                log = SendLog.load(path)
                report = notify(repo, now, log, sender, since=since, clock=clock, lang=lang)
                posted = _subscribers(args, repo, now, log, lang, since, clock=clock)
                log.save()
    except LogError as exc:
        print(f"statusgen notify: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    sys.stdout.write(RENDERERS[args.format](report))
    for p in posted:
        print(f"subscriptions: {p.event.name} {p.event.id}: {p.state}"
              + (f" ({p.detail})" if p.detail else ""), file=sys.stderr)
    return EXIT_PROBLEMS if report.failed or any(p.state in ("failed", "waiting") for p in posted) \
        else EXIT_OK


def _subscribers(args: argparse.Namespace, repo: m.Repository, now: datetime, log: SendLog,
                 lang: Language, since: datetime | None, **options: Any) -> list[Posted]:
    """Each new public event posted to the subscriptions service, when there is one."""
    if repo.config.subscriptions is None:
        return []
    client = Client(timeout=args.timeout, policy=Policy(tries=args.attempts),
                    user_agent="statusgen-notify")
    return post_events(repo, now, log, Scene(repo, now, lang), os.environ, client, since=since,
                       **options)
