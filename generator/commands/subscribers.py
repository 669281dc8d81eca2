"""``statusgen subscribers``: the self-service subscriptions service and a reader's data.

* ``serve``: the service (docs/subscriptions.md), on uvicorn, until SIGINT or SIGTERM;
* ``export ADDRESS`` / ``delete ADDRESS``: everything kept about one reader, or none of it;
* ``import statuspage FILE.csv``: the subscribers of a Statuspage export, as confirmed.

The database is ``--database`` (a file for SQLite, or a ``postgresql://`` URL); its password,
like the signing key and the mail server, is read from the environment only where it is a
secret (``STATUSGEN_SUBSCRIBERS_DATABASE`` instead of ``--database``), never printed.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from statusgen.commands.options import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from statusgen.diagnostics import format_text
from statusgen.notify.targets import SetupError
from statusgen.source.load import read_config
from statusgen.source.tree import DiskSource
from statusgen.subscriptions.mail import valid_address
from statusgen.subscriptions.service import TOKEN_ENV, app, secret, settings
from statusgen.subscriptions.store import Store, StoreError

DATABASE_ENV = "STATUSGEN_SUBSCRIBERS_DATABASE"
CSV_LIMIT = 64 * 1024 * 1024


def register(commands: Any) -> None:
    """Add ``subscribers`` and its actions."""
    parser = commands.add_parser(
        "subscribers",
        description="Readers subscribe to the page's public updates by email or webhook: "
        "`serve` runs the service components.yml's `subscriptions:` names (sign-up with "
        "double opt-in, one-click unsubscribe, each update mailed once); `export` and "
        "`delete` answer a reader's request for their data; `import statuspage` takes "
        "Statuspage's subscriber export. See docs/subscriptions.md.")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    serve = actions.add_parser("serve", help="run the service",
                               description="Run the subscriptions service until SIGINT or SIGTERM.")
    serve.add_argument("--listen", default="127.0.0.1:9096", metavar="HOST:PORT",
                       help="the address to listen on (default: 127.0.0.1:9096)")
    serve.add_argument("--proxy", default="127.0.0.1", metavar="ADDRESSES",
                       help="the proxies whose X-Forwarded-For names the client (comma-separated; "
                       "default: 127.0.0.1)")
    export = actions.add_parser("export", help="print everything kept about one address (JSON)")
    export.add_argument("address")
    delete = actions.add_parser("delete", help="forget one address and what was sent to it")
    delete.add_argument("address")
    imports = actions.add_parser("import", help="add the subscribers of another service's export")
    imports.add_argument("source", choices=["statuspage"])
    imports.add_argument("file", type=Path, metavar="FILE.csv")
    for sub in (serve, export, delete, imports):
        sub.add_argument("--root", type=Path, default=Path("."),
                         help="the status repository (default: the current folder)")
        sub.add_argument("--database", metavar="URL",
                         help=f"a SQLite file or a postgresql:// URL (default: ${DATABASE_ENV}, "
                         "else ROOT/.statusgen-subscribers.db)")
    parser.set_defaults(run=run)


def _store(args: argparse.Namespace) -> Store:
    url = args.database or os.environ.get(DATABASE_ENV) or str(args.root / ".statusgen-subscribers.db")
    store = Store(url)
    store.migrate()
    return store


def run(args: argparse.Namespace, now: datetime) -> int:
    say = f"statusgen subscribers {args.action}"
    try:
        store = _store(args)
        if args.action == "serve":
            return _serve(args, store)
        if args.action == "import":
            return _import(args, store, now)
        address = args.address.strip()
        found = store.by_address(address.lower()) or store.by_address(address)
        if found is None:
            print(f"{say}: no subscriber has this address", file=sys.stderr)
            return EXIT_PROBLEMS
        if args.action == "export":
            print(json.dumps(store.export(found.id), indent=2, ensure_ascii=False))
        else:
            store.delete(found.id)
            print(f"{say}: the subscriber and the record of what was sent to them are deleted",
                  file=sys.stderr)
        return EXIT_OK
    except (StoreError, SetupError, ValueError) as exc:
        print(f"{say}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _serve(args: argparse.Namespace, store: Store) -> int:
    import uvicorn

    host, _, port = args.listen.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"--listen {args.listen!r}: give HOST:PORT, such as 127.0.0.1:9096")
    config, problems = read_config(DiskSource(args.root))
    if config is None:
        sys.stderr.write(format_text(problems))
        raise ValueError("components.yml cannot be read")
    found = settings(args.root, config, store, os.environ, args.listen)
    token = secret(os.environ, TOKEN_ENV, "the token `statusgen notify` sends")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    print(f"statusgen subscribers: listening on http://{args.listen}/ for {found.base}",
          file=sys.stderr, flush=True)
    # No access log: the paths carry readers' tokens. The service logs what it did itself.
    uvicorn.run(app(found, token).starlette(), host=host, port=int(port), access_log=False,
                log_level="warning", proxy_headers=True, forwarded_allow_ips=args.proxy)
    return EXIT_OK


def _import(args: argparse.Namespace, store: Store, now: datetime) -> int:
    """Statuspage's subscriber CSV: a row per subscriber, its type first (``email``,
    ``webhook``, ``sms``, ``slack`` …) and its address second, as Statuspage's import
    template and export write them; a header row is skipped.  Its components are
    Statuspage's, not this page's: an imported subscriber follows every component."""
    data = args.file.read_bytes()[:CSV_LIMIT + 1]
    if len(data) > CSV_LIMIT:
        raise ValueError(f"{args.file} is over 64 MiB")
    added = kept = skipped = 0
    for number, row in enumerate(csv.reader(io.StringIO(data.decode("utf-8-sig"))), start=1):
        if len(row) < 2 or (number == 1 and row[0].strip().lower() in ("type", "subscriber type", "mode")):
            continue
        kind, address = row[0].strip().lower(), row[1].strip()
        if kind == "email" and valid_address(address):
            fresh = store.add_confirmed("email", address.lower(), (), now)
        elif kind == "webhook" and address.startswith(("https://", "http://")):
            fresh = store.add_confirmed("webhook", address, (), now)
        else:
            print(f"{args.file}:{number}: skipped: a {kind or 'blank'} subscriber, or an "
                  "address that cannot be used", file=sys.stderr)
            skipped += 1
            continue
        added, kept = added + fresh, kept + (not fresh)
    print(f"statusgen subscribers import: {added} added, {kept} already here, {skipped} skipped",
          file=sys.stderr)
    return EXIT_OK
