"""Deterministic status repositories of N entries, in several shapes.

    python -m bench.generate DIR N [--shape migrated] [--seed 7]

Each shape lets one thing grow that a real page can grow in (see ``bench/README.md``):

- today: the original benchmark (the last 90 days fixed at 40 entries);
- migrated: 5% of incidents never resolved, spread over the years; the last 90 days quiet;
- busy: a fifth of the entries in the last 90 days, 200 components in 20 groups;
- long: post-mortems of about 20 KB with tables and PNG charts on a third of the incidents;
- real: the Jenkins infrastructure's status history, tiled back in time to N entries.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from bench.entries import NOW, Files
from bench.shapes import Shape, busy, long, migrated, real, today

__all__ = ["NOW", "SHAPES", "generate", "write_files", "write_repo"]

SHAPES: dict[str, Shape] = {s.name: s for s in (today.SHAPE, migrated.SHAPE, busy.SHAPE, long.SHAPE,
                                                  real.SHAPE)}
SEED = 7
MARKER = ".bench-repository"
"""Written into every generated repository: only such a folder is ever emptied."""


def generate(shape: str, n: int, seed: int = SEED) -> Files:
    """Every file of a repository of ``n`` entries of ``shape``."""
    return SHAPES[shape].files(n, seed)


def write_files(root: Path, files: Files) -> Path:
    """Write ``files`` under ``root``: a new or empty folder, or one written here before
    (which is emptied first); any other folder is refused with :class:`FileExistsError`."""
    if root.is_dir() and any(root.iterdir()):
        if not (root / MARKER).is_file():
            raise FileExistsError(f"{root} is not empty and was not written by bench.generate")
        shutil.rmtree(root)
    (root / "incidents").mkdir(parents=True)
    (root / MARKER).write_text("written by python -m bench.generate; emptied by the next run\n")
    for name, content in files.items():
        path = root / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def write_repo(root: Path, n: int, shape: str = "today", seed: int = SEED) -> Path:
    """Write a repository of ``n`` entries of ``shape`` under ``root`` (emptied first)."""
    return write_files(root, generate(shape, n, seed))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="the folder to write (emptied first)")
    parser.add_argument("n", type=int, help="how many entries")
    parser.add_argument("--shape", choices=SHAPES, default="today")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    try:
        write_repo(args.root, args.n, args.shape, args.seed)
    except FileExistsError as exc:
        parser.error(str(exc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
