"""``statusgen serve``: build, serve on loopback, rebuild on every change, reload open pages.

* The site is built into ``ROOT/.statusgen-cache/serve-site`` (``--out`` to change it),
  never into ``site/``: serving must not replace the build you deploy.
* ``components.yml``, ``incidents/`` and ``themes/`` are watched (watchdog); a burst
  of changes is built once, after :data:`QUIET` seconds without another.
* A rebuild parses only the incident files whose bytes changed
  (:class:`ParseCache`) and writes only the outputs whose bytes changed
  (:class:`~statusgen.output.write.SiteUpdater`).
* Open pages reload by themselves: the server adds a small script to HTML
  responses (never to the files on disk) that listens to server-sent events.
* A change that breaks validation keeps the last good site on disk; every HTML
  response then carries an overlay listing the problems, which are also printed
  in the terminal.  Fixing the file brings the site back.
* A warning is printed once, not again on every rebuild, until its file changes.
* Only requests whose ``Host`` names this machine (or an ``--allow-host`` name) are
  answered, so no other web site can read the preview by DNS rebinding.  Requests are read
  within limits and a deadline, and their paths decoded and normalised once, before
  anything else looks at them; a bad one gets a 4xx and a one-line reason.
* Ctrl-C or SIGTERM stops the watcher, the builder and the server, and exits 0.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import signal
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

from statusgen.commands.clock import resolve_now
from statusgen.commands.options import EXIT_OK, EXIT_PROBLEMS, common_options
from statusgen.incremental.parallel import for_builds
from statusgen.output.write import OutputError, check_output
from statusgen.serve.builder import Builder, Hub
from statusgen.serve.http import DevServer, allowed_host, server_url
from statusgen.serve.log import say
from statusgen.serve.watch import start_watching

DEFAULT_OUT = Path(".statusgen-cache") / "serve-site"
"""Where ``serve`` builds, under the root; ``/.statusgen-cache/`` is in ``.gitignore``."""


DEFAULT_OUT_INTERNAL = Path(".statusgen-cache") / "serve-site-internal"
"""Where ``serve --internal`` builds, so a public and an internal preview can run side by side."""


def register(commands: Any) -> None:
    """Add ``serve`` to the ``statusgen`` parser."""
    parser = commands.add_parser(
        "serve",
        description="Build the site, serve it over HTTP and rebuild it whenever components.yml, "
        "incidents/ or themes/ change; open pages reload by themselves. Builds into "
        f"ROOT/{DEFAULT_OUT.as_posix()} unless --out is given, so site/ is never touched. "
        "Ctrl-C stops.")
    common_options(parser)
    parser.add_argument("--host", default="127.0.0.1",
                        help="the address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--allow-host", action="append", default=[], type=allowed_host,
                        metavar="NAME",
                        help="also answer requests for this host name or address, e.g. this "
                        "machine's LAN name with --host 0.0.0.0 (repeatable). Requests for "
                        "other names than localhost, 127.0.0.1, [::1] and --host get 421, so "
                        "no other web site can read the preview through DNS rebinding")
    parser.add_argument("--port", type=int, default=8000,
                        help="the port to listen on; 0 picks a free one (default: 8000)")
    parser.add_argument("--internal", action="store_true",
                        help="serve the team's site: internal entries and updates included")
    parser.add_argument("--out", type=Path, default=None,
                        help=f"where to build (default: ROOT/{DEFAULT_OUT.as_posix()}, or "
                        f"ROOT/{DEFAULT_OUT_INTERNAL.as_posix()} with --internal)")
    parser.set_defaults(run=cmd_serve)


def cmd_serve(args: argparse.Namespace, now: datetime) -> int:
    """``statusgen serve``: returns when stopped by SIGINT or SIGTERM."""
    for_builds()
    root: Path = args.root.resolve()
    default = DEFAULT_OUT_INTERNAL if args.internal else DEFAULT_OUT
    out: Path = (args.out if args.out is not None else root / default).resolve()
    fixed = args.now is not None

    def clock() -> datetime:
        return now if fixed else resolve_now(None)

    try:
        check_output(out, root)
    except OutputError as exc:
        say(f"statusgen serve: {exc}", error_stream=True)
        return EXIT_PROBLEMS

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous: dict[signal.Signals, Any] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Outside the main thread signal() fails: Ctrl-C then arrives as KeyboardInterrupt.
        with contextlib.suppress(ValueError):
            previous[sig] = signal.signal(sig, on_signal)
    try:
        return _serve(args, root, out, clock, stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _serve(args: argparse.Namespace, root: Path, out: Path, clock: Callable[[], datetime],
           stop: threading.Event) -> int:
    hub = Hub()
    try:
        server = DevServer((args.host, args.port), out, hub, allow_hosts=args.allow_host)
    except OSError as exc:
        say(f"statusgen serve: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
             error_stream=True)
        return EXIT_PROBLEMS
    builder = Builder(root, out, clock, hub, strict=args.strict, internal=args.internal)
    observer = None
    threads: list[threading.Thread] = []
    serving = False
    try:
        observer = start_watching(root, builder.changed)
        builder.build_once()
        threads = [
            threading.Thread(target=builder.loop, name="statusgen-builder"),
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                             name="statusgen-server"),
        ]
        for thread in threads:
            thread.start()
        serving = True
        kind = "the internal site" if args.internal else "the site"
        say(f"serving {kind} from {out} at {server_url(server)} (Ctrl-C stops)")
        if not ipaddress.ip_address(str(server.server_address[0])).is_loopback:
            say(f"note: listening on {args.host}, so other machines can reach this preview; "
                 f"it answers requests for {server.hosts.describe()} only (--allow-host adds one)",
                 error_stream=True)
        while not stop.wait(0.25):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        if observer is not None:
            observer.stop()
        builder.stop()
        hub.close()
        if serving:
            server.shutdown()
        server.close_connections()
        server.server_close()
        for thread in threads:
            if thread.ident is not None:  # started
                thread.join()
        if observer is not None:
            observer.join()
    say("stopped")
    return EXIT_OK
