"""``statusgen relay``: receive monitors' webhooks and create-incident requests over HTTP and
forward them to the status repository's ``repository_dispatch`` endpoint (docs/monitors.md).

The relay's own token (clients send ``Authorization: Bearer …``) and the GitHub token are read
from environment variables, never from the command line, where other users of the machine
could read them; neither is ever printed.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from statusgen import model as m
from statusgen.check.monitors import check_api
from statusgen.commands.options import EXIT_OK, EXIT_USAGE
from statusgen.diagnostics import format_text
from statusgen.relay.app import MAX_BODY, RelayApp
from statusgen.relay.forward import ApiError, Dispatcher, Sender
from statusgen.relay.metrics import Metrics
from statusgen.relay.queue import DiskQueue
from statusgen.relay.server import RelayServer
from statusgen.source.parse import parse_config

MIN_TOKEN = 16
"""Characters the relay's token must have at least."""


def register(commands: Any) -> None:
    """Add ``relay`` to the ``statusgen`` parser."""
    parser = commands.add_parser(
        "relay",
        description="An HTTP server for monitors that cannot call GitHub themselves: it takes "
        "POST /hooks/<tool> (alertmanager, grafana, gatus, uptime-kuma, pagerduty, generic) and POST "
        "/api/v2/incidents, keeps each request on disk, and forwards it to GitHub's "
        "repository_dispatch endpoint, retrying until GitHub takes it. GET /healthz and "
        "/metrics report on it. See docs/monitors.md.")
    parser.add_argument("--repository", required=True, metavar="OWNER/NAME",
                        help="the status repository that runs ingest.yml")
    parser.add_argument("--listen", default="127.0.0.1:9095", metavar="HOST:PORT",
                        help="the address to listen on (default: 127.0.0.1:9095; port 0 picks "
                        "a free one)")
    parser.add_argument("--queue", type=Path, default=Path(".statusgen-relay"), metavar="DIR",
                        help="the folder that keeps requests until GitHub has them "
                        "(default: .statusgen-relay)")
    parser.add_argument("--queue-limit", type=int, default=1000, metavar="N",
                        help="requests kept at most; more are answered 503 (default: 1000)")
    parser.add_argument("--key-interval", type=float, default=60.0, metavar="SECONDS",
                        help="the least time between two forwards about one alert group; newer "
                        "states wait and replace older ones (default: 60)")
    parser.add_argument("--api-url", default="https://api.github.com", metavar="URL",
                        help="GitHub's API (default: https://api.github.com)")
    parser.add_argument("--token-env", default="STATUSGEN_RELAY_TOKEN", metavar="NAME",
                        help="the environment variable holding the token clients must send "
                        "(default: STATUSGEN_RELAY_TOKEN)")
    parser.add_argument("--github-token-env", default="STATUSGEN_GITHUB_TOKEN", metavar="NAME",
                        help="the environment variable holding the GitHub token that may "
                        "create dispatch events (default: STATUSGEN_GITHUB_TOKEN)")
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="the status repository's components.yml: with it, a create-incident "
                        "request's service_id is checked against `api.services` and the answer "
                        "carries the incident's and the service's page URLs (default: none; "
                        "service_id is then taken unchecked)")
    parser.set_defaults(run=run)


def _address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"--listen {text!r}: give HOST:PORT, such as 127.0.0.1:9095")
    return host, int(port)


def _token(name: str, what: str, minimum: int) -> str:
    value = os.environ.get(name, "")
    if len(value.strip()) < minimum:
        raise ValueError(f"set {name} to {what} ({minimum} characters at least)")
    return value.strip()


def _config(path: Path | None) -> m.Config | None:
    """``--config``, read and checked; :class:`ValueError` saying what is wrong with it."""
    if path is None:
        return None
    config, problems = parse_config(path.read_bytes(), str(path))
    problems += [] if config is None else list(check_api(config))
    if config is None or problems:
        raise ValueError(f"--config {path} cannot be used:\n{format_text(problems).rstrip()}")
    return config


def run(args: argparse.Namespace, now: datetime) -> int:
    """``statusgen relay``: serve until SIGINT or SIGTERM."""
    try:
        address = _address(args.listen)
        token = _token(args.token_env, "the token clients must send", MIN_TOKEN)
        github = _token(args.github_token_env, "a GitHub token allowed to create dispatch events", 1)
        dispatcher = Dispatcher(args.api_url, args.repository, github)
        if args.queue_limit < 1 or args.key_interval < 0:
            raise ValueError("--queue-limit must be at least 1 and --key-interval not negative")
        queue = DiskQueue(args.queue, args.queue_limit)
        metrics = Metrics()
        config = _config(args.config)
        server = RelayServer(address, RelayApp(queue, metrics, token, max_body=MAX_BODY,
                                               config=config))
    except (ValueError, ApiError, OSError) as exc:
        print(f"statusgen relay: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    sender = Sender(queue, dispatcher, metrics, key_interval=args.key_interval)
    sender.start()
    host, port = str(server.server_address[0]), server.server_address[1]
    shown = f"[{host}]" if ":" in host else host
    print(f"statusgen relay: listening on http://{shown}:{port}/, forwarding to "
          f"{args.repository}; {queue.depth()} requests queued", file=sys.stderr, flush=True)

    def stop(signum: int, frame: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        sender.stopping.set()
        sender.join(timeout=15)
    print("statusgen relay: stopped; queued requests stay in "
          f"{args.queue} for the next start", file=sys.stderr, flush=True)
    return EXIT_OK
