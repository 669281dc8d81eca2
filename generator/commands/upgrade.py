"""``statusgen upgrade``: the status repository installs the statusgen that runs this.

Rewrites ``requirements.txt`` and the wheel in ``.statusgen/`` (:mod:`statusgen.wrapper`)
from the running statusgen, the way ``init`` wrote them, and says what changed: the
version of statusgen, and each dependency pin.  The wheel the old ``requirements.txt``
named goes; no other file is touched.  Nothing to change: it says so and exits 0.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from statusgen import __version__
from statusgen.commands.options import EXIT_OK, EXIT_PROBLEMS
from statusgen.output.atomic import replace_file
from statusgen.wrapper.pins import (
    changes,
    installed_distribution,
    make_wrapper,
    pinned,
    wheel_named,
    written_by_statusgen,
)
from statusgen.wrapper.wheel import DISTRIBUTION

REQUIREMENTS = "requirements.txt"
NAMES = (REQUIREMENTS, "requirements.statusgen.txt")
"""Where ``init`` writes the requirements: the second when the folder had a requirements.txt."""


def register(commands: Any) -> None:
    """Add ``upgrade`` to the subcommands."""
    parser = commands.add_parser(
        "upgrade",
        description="Rewrite the status repository's requirements.txt and the statusgen wheel "
        "in .statusgen/ from the statusgen that runs this command, as `statusgen init` writes "
        "them, and say what changed: statusgen's version and each dependency pin. Removes "
        "the wheel the old requirements.txt installed. Rewrites only a requirements.txt "
        "that statusgen wrote (or the requirements.statusgen.txt init writes beside one "
        "of yours). Exits 0 when nothing changes too, 1 when there is none.")
    parser.add_argument("--root", type=Path, default=Path("."),
                        help="the status repository (default: the current folder)")
    parser.set_defaults(run=cmd_upgrade)


def cmd_upgrade(args: argparse.Namespace, now: datetime) -> int:
    root: Path = args.root
    path = next((root / name for name in NAMES if written_by_statusgen(root / name)), None)
    if path is None:
        print(f"statusgen upgrade: {root / REQUIREMENTS}: " + (
            "not written by statusgen, so left alone; " if (root / REQUIREMENTS).exists() else
            "no such file; ") + "`statusgen init` writes one (in a folder with files of its own, "
            f"as {NAMES[1]})", file=sys.stderr)
        return EXIT_PROBLEMS
    old = path.read_text(encoding="utf-8", errors="replace")
    wrapper = make_wrapper(installed_distribution())
    new = wrapper.requirements.decode("utf-8")
    wheel = root / wrapper.wheel_path if wrapper.wheel_path else None
    data = wrapper.wheel.data if wrapper.wheel is not None else b""
    if wrapper.note:
        print(wrapper.note, end="")
    if old == new and (wheel is None or (wheel.is_file() and wheel.read_bytes() == data)):
        print(f"{path} already installs statusgen {__version__} and the same pins: nothing to change.")
        return EXIT_OK
    if wheel is not None:
        wheel.parent.mkdir(parents=True, exist_ok=True)
        replace_file(wheel, data)
    replace_file(path, wrapper.requirements, keep_mode=True)
    before = wheel_named(old)
    if before is not None and (wheel is None or root / before != wheel):
        (root / before).unlink(missing_ok=True)
    was, now_pinned = pinned(old), pinned(new)
    same = was.get(DISTRIBUTION) == __version__ and wrapper.wheel is not None
    print(f"statusgen {was.get(DISTRIBUTION, '(none)')} → {__version__}"
          + (" (the same version with other files: a development build)" if same else "")
          + (f", from {wrapper.wheel_path}" if wrapper.wheel_path else ", from the package index"))
    moved = changes({k: v for k, v in was.items() if k != DISTRIBUTION},
                    {k: v for k, v in now_pinned.items() if k != DISTRIBUTION})
    if moved:
        print("Dependency pins that changed:")
        for line in moved:
            print(f"  {line}")
    else:
        print("Dependency pins: unchanged.")
    written = [path.name, *([wrapper.wheel_path] if wrapper.wheel_path else [])]
    print(f"Commit {' and '.join(written)}" + (f" (and the removal of {before})" if before
                                               and root / before != wheel else "") + ".")
    return EXIT_OK
