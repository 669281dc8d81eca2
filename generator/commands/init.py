"""``statusgen init [DIR]``: a new status repository from the skeleton in this package.

The skeleton (``generator/skeleton/``, installed as package data) holds every
file a new repository starts with.  Names starting with ``dot-`` are written
with a ``.`` instead (``dot-github/`` → ``.github/``), so that packaging tools,
which skip hidden files, carry them; ``@STATUSGEN_VERSION@`` becomes the version
of statusgen that wrote them.  ``init`` never overwrites: if any file it would
write exists, it names them and writes nothing.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Iterator
from datetime import datetime
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath
from typing import Any

from generator import __version__
from generator.commands.options import EXIT_OK, EXIT_PROBLEMS

DOT_PREFIX = "dot-"
VERSION_MARK = b"@STATUSGEN_VERSION@"


def skeleton() -> Traversable:
    """The skeleton folder inside the installed package."""
    return files("generator") / "skeleton"


def target_path(relative: PurePosixPath) -> PurePosixPath:
    """Where a skeleton file goes: ``dot-github/workflows/x.yml`` → ``.github/workflows/x.yml``."""
    return PurePosixPath(*(
        "." + part[len(DOT_PREFIX):] if part.startswith(DOT_PREFIX) else part
        for part in relative.parts
    ))


def _walk(folder: Traversable, prefix: PurePosixPath) -> Iterator[tuple[PurePosixPath, Traversable]]:
    for item in sorted(folder.iterdir(), key=lambda t: t.name):
        if item.name == "__pycache__":
            continue
        if item.is_dir():
            yield from _walk(item, prefix / item.name)
        else:
            yield prefix / item.name, item


def skeleton_files() -> dict[PurePosixPath, bytes]:
    """Every file ``init`` writes: its path in the new repository, and its bytes."""
    out = {}
    for relative, item in _walk(skeleton(), PurePosixPath()):
        data = item.read_bytes().replace(VERSION_MARK, __version__.encode("ascii"))
        out[target_path(relative)] = data
    return out


def existing(root: Path, paths: Iterator[PurePosixPath] | list[PurePosixPath]) -> list[PurePosixPath]:
    """The paths that already exist under ``root`` (as anything: file, folder or link)."""
    return [p for p in paths if (root / p).exists() or (root / p).is_symlink()]


def init(root: Path) -> tuple[list[PurePosixPath], list[PurePosixPath]]:
    """Write the skeleton into ``root``; ``(written, in the way)``, and nothing written if any is."""
    wanted = skeleton_files()
    clashes = existing(root, list(wanted))
    # A file where a folder must go (`incidents` as a file) is in the way too.
    for path in wanted:
        for parent in path.parents:
            where = root / parent
            if parent != PurePosixPath(".") and where.exists() and not where.is_dir():
                clashes.append(parent)
    if clashes:
        return [], sorted(set(clashes))
    for path, data in wanted.items():
        out = root / path
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("xb") as handle:  # never replace a file that appeared meanwhile
            handle.write(data)
    return sorted(wanted), []


NEXT_STEPS = """\
Next steps:
  1. Edit components.yml: the page's title and url, and your components.
  2. Pin statusgen in requirements.txt to where your team installs it from.
  3. Check and preview:   statusgen validate{root}  &&  statusgen build{root}
  4. Commit and push to GitHub, then Settings -> Pages -> Source: GitHub Actions.
  5. Open an incident:    statusgen new "Title" --impact minor \\
                              --component api=degraded_performance --message "..."
     or from a phone: Actions -> Incident -> Run workflow.
README.md explains the rest.
"""


def register(commands: Any) -> None:
    """Add ``init`` to the subcommands."""
    parser = commands.add_parser(
        "init", help="create a new status repository",
        description="Create a new status repository in DIR (default: the current folder): "
        "components.yml, an example incident, .gitignore, the GitHub workflows (check, "
        "deploy, incident), requirements.txt and a README. Never overwrites: if any of "
        "these files exists, nothing is written and the command exits 1.")
    parser.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar="DIR",
                        help="where to create it; made if missing (default: the current folder)")
    parser.set_defaults(run=cmd_init)


def cmd_init(args: argparse.Namespace, now: datetime) -> int:
    root: Path = args.dir
    if root.exists() and not root.is_dir():
        print(f"statusgen init: {root} is a file, not a folder", file=sys.stderr)
        return EXIT_PROBLEMS
    written, clashes = init(root) if root.is_dir() else ([], [])
    if not root.exists():
        root.mkdir(parents=True)
        written, clashes = init(root)
    if clashes:
        print(f"statusgen init: these already exist in {root}; nothing was written:", file=sys.stderr)
        for path in clashes:
            print(f"  {path}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Created a status repository in {root}:")
    for path in written:
        print(f"  {path}")
    option = "" if root == Path(".") else f" --root {shlex.quote(str(root))}"
    print()
    print(NEXT_STEPS.format(root=option), end="")
    return EXIT_OK
