"""``statusgen import statuspage | cstate``: bring a team's history from another status page.

The source is read whole first (a file, a folder, a public page or the manage API; a
cState site), mapped and repaired; every new or changed file is validated together with
the repository, and only then written, ``components.yml`` first, each file atomically.
Every repair and everything that could not be mapped is listed with its source item;
``--dry-run`` lists the same and writes nothing.  Running the same import again
changes nothing.

Exit codes: 0 imported (or nothing to do), 1 the source cannot be read or the result
would not validate (nothing written), 2 a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from statusgen.commands.options import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, common_options
from statusgen.diagnostics import format_text
from statusgen.importers import apply, cstate, sources, statuspage
from statusgen.importers.components_yml import page_url
from statusgen.importers.http import Fetcher
from statusgen.importers.plan import Imported
from statusgen.importers.statuspage import SourceError


def register(commands: Any) -> None:
    """Add ``import statuspage|cstate`` to the ``statusgen`` parser."""
    command = commands.add_parser(
        "import",
        description="Import every incident, maintenance and component of another status page "
        "into this repository: validated as a whole before anything is written, and again "
        "later to add what is new. statuspage: SOURCE is a Statuspage API v2 JSON file "
        "(incidents.json, summary.json, scheduled-maintenances.json, components.json), a folder "
        "of them, or the address of a public page (https://status.example.com), whose public "
        "API holds only the newest 50 incidents; with --api-key-env and --page-id the whole "
        "history is read from the manage API instead. cstate: SOURCE is the folder of a cState "
        "(Hugo) site. See docs/migrate.md.")
    command.add_argument("system", choices=("statuspage", "cstate"),
                         help="the status page the history comes from")
    command.add_argument("source", metavar="SOURCE", nargs="?",
                         help="a JSON file, a folder of them, a page's address, or a cState site")
    common_options(command)
    command.add_argument("--dry-run", action="store_true",
                         help="list what would be written and every repair; write nothing")
    command.add_argument("--api-key-env", metavar="NAME",
                         help="statuspage: the environment variable that holds a manage-API key")
    command.add_argument("--page-id", metavar="ID", help="statuspage: the page's id in Statuspage")
    command.add_argument("--upstream", action="append", default=[], metavar="NAME=URL",
                         help="statuspage: the source's component NAME is a third party's, "
                         "whose Statuspage is at URL: it is written with `upstream:` (the "
                         "provider's component of the same name; `NAME=URL=OTHER` for another "
                         "name there). Repeat for each")
    command.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                         help="statuspage: how long to wait for each HTTP answer (default: 30)")
    command.set_defaults(run=run)


class _Usage(Exception):
    """A bad combination of arguments: exit 2."""


def _read(args: argparse.Namespace, now: datetime) -> Imported:
    if args.system == "cstate":
        if args.api_key_env or args.page_id or args.upstream:
            raise _Usage("--api-key-env, --page-id and --upstream are for statuspage")
        if not args.source:
            raise _Usage("give SOURCE: the cState site's folder")
        return cstate.read_site(Path(args.source), now)
    fetcher = Fetcher(timeout=args.timeout)
    if args.api_key_env or args.page_id:
        if not (args.api_key_env and args.page_id):
            raise _Usage("--api-key-env and --page-id go together: the manage API needs both")
        if args.source:
            raise _Usage("give either SOURCE or --api-key-env with --page-id, not both")
        documents = sources.from_manage_api(args.page_id, args.api_key_env, fetcher)
        remarks: list[str] = []
    elif not args.source:
        raise _Usage("give SOURCE, or --api-key-env with --page-id")
    elif sources.is_url(args.source):
        documents, remarks = sources.from_public_page(args.source, fetcher)
    else:
        documents, remarks = sources.from_path(Path(args.source)), []
    imported = statuspage.read(documents, now)
    imported.remarks.extend(remarks)
    missing = statuspage.third_party(imported, _upstreams(args.upstream))
    if missing:
        listed = ", ".join(sorted(c.name for c in imported.components if not c.is_group))
        raise _Usage(f"--upstream names {', '.join(missing)}, which the source does not list; "
                     f"its components are: {listed or 'none'}")
    return imported


def _upstreams(written: list[str]) -> dict[str, tuple[str, str]]:
    """``--upstream NAME=URL[=OTHER]`` as name → (the provider's page, its component)."""
    found: dict[str, tuple[str, str]] = {}
    for option in written:
        name, _, rest = option.partition("=")
        url, _, other = rest.partition("=")
        page = page_url(url)
        if not name.strip() or page is None:
            raise _Usage(f"--upstream {option!r}: write NAME=URL, such as "
                         "'Actions=https://www.githubstatus.com'")
        found[name.strip()] = (page, other.strip() or name.strip())
    return found


def run(args: argparse.Namespace, now: datetime) -> int:
    """``statusgen import``."""
    name = f"statusgen import {args.system}"
    try:
        imported = _read(args, now)
        if not imported.entries and not imported.components:
            raise SourceError(f"{args.source or args.page_id} holds no incident, maintenance or "
                              "component to import")
        plan = apply.plan(args.root, imported, now, args.strict)
        if not args.dry_run:
            apply.write(args.root, plan.changes)
    except _Usage as exc:
        print(f"{name}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SourceError as exc:
        print(f"{name}: {exc}; nothing was written", file=sys.stderr)
        return EXIT_PROBLEMS
    except apply.ImportFailed as exc:
        sys.stderr.write(format_text(exc.diagnostics))
        print(f"{name}: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    _report(imported, plan, args.dry_run)
    return EXIT_OK


def _report(imported: Imported, plan: apply.Plan, dry_run: bool) -> None:
    for remark in imported.remarks:
        print(f"note: {remark}")
    for note in plan.notes:
        print(note)
    verb = "would write" if dry_run else "wrote"
    for change in plan.changes:
        state = "new" if change.original is None else "changed"
        print(f"{verb} {change.path} ({state})")
    if plan.notes:
        print("notes by kind:")
        for (kind, topic), count in Counter((n.kind, n.topic) for n in plan.notes).most_common():
            print(f"{count:>6} {kind}: {topic}")
    new = sum(c.original is None for c in plan.changes if c.entry is not None)
    changed = sum(c.original is not None for c in plan.changes if c.entry is not None)
    added = f"; {_count(len(plan.added), 'component')} added" if plan.added else ""
    kinds = Counter(n.kind for n in plan.notes)
    detail = f" ({', '.join(f'{count} {kind}' for kind, count in kinds.items())})" if kinds else ""
    print(f"{_count(len(imported.entries), 'entry', 'entries')} read: {new} new, {changed} changed, "
          f"{plan.unchanged} unchanged{added}; {_count(len(plan.notes), 'note')}{detail}"
          + (" (dry run: nothing written)" if dry_run else ""))


def _count(number: int, one: str, many: str = "") -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"
