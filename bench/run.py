"""Benchmark statusgen on every shape of repository and print the figures.

    python -m bench.run                                 # every shape at 1,000 / 2,000 / 4,000 / 10,000
    python -m bench.run --shapes migrated --sizes 1000 2000
    python -m bench.run --sizes 40 --markdown           # quick, as Markdown for bench/README.md

For each shape and N, in child processes as a user runs them: the simple pass
(bench/simple.py) as a yardstick; the cold build (``statusgen build``, no cache,
no output; it leaves its on-disk cache); the scheduled rebuild (the same command
with the clock 10 minutes later, nothing edited, on that cache and output); the
one-file edit through serve (bench/serve_edit.py: the second of two in-process
builds with ``Session.in_memory()``, after one message changed); peak memory of
the cold build; cold / simple; the size of index.html; and for each figure the
factor by which it grows when N doubles.  Figures that miss a target are marked
``!`` (bold in Markdown) and listed under each table.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from bench import measure, report
from bench.generate import NOW, SHAPES, generate, write_files

REPO = Path(__file__).resolve().parents[1]
SIZES = (1000, 2000, 4000, 10000)
TIMEOUT = 900.0
LATER = timedelta(minutes=10)
CACHE = ".statusgen-cache"
"""Where ``statusgen build`` keeps its cache, in the repository."""


def cores() -> int:
    """The cores this process may run on, as statusgen counts them for ``--jobs``."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def statusgen_build(root: Path, out: Path, now: str) -> list[str]:
    """The command a user runs, with the clock fixed."""
    return [sys.executable, "-m", "statusgen", "build", "--root", str(root), "--out", str(out),
            "--now", now]


def newest_started(root: Path) -> Path:
    """The entry an author is most likely editing: the newest one that has begun by NOW.

    Every shape names its files after the day the entry starts.
    """
    today = f"{NOW:%Y-%m-%d}"
    names = sorted(p for p in (root / "incidents").glob("*.md") if p.name[:10] <= today)
    return names[-1]


def _stopped(run: measure.Run, timeout: float, what: str) -> str:
    """Why a run gives no figure, said on standard error with the end of its output."""
    if run.timed_out:
        print(f"  {what}: stopped after {timeout:g} s", file=sys.stderr)
        return f"{report.LIMIT_PREFIX}{timeout:g}"
    print(f"  {what} failed (exit {run.code}):\n{run.stdout[-1500:]}{run.stderr[-1500:]}",
          file=sys.stderr)
    return "failed"


def _tree(folder: Path) -> tuple[int, int]:
    """The files of a site and their bytes, without statusgen's own marker files."""
    files = [p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".statusgen")]
    return len(files), sum(p.stat().st_size for p in files)


def fastest(command: Callable[[int], list[str]], repeat: int, timeout: float,
            before: Callable[[], None] | None = None) -> measure.Run:
    """The fastest of ``repeat`` runs of ``command(k)`` (the first that fails, if one does),
    with the highest peak memory of them all; ``before`` prepares each run."""
    runs = []
    for k in range(repeat):
        if before is not None:
            before()
        # The previous command's output still being written back to disk would slow this
        # one (a rebuild right after a cold build took 42 s instead of 13): a scheduled
        # job starts ten minutes later, when the disk is long quiet.
        os.sync()
        run = measure.run(command(k), timeout, REPO)
        if not run.ok:
            return run
        runs.append(run)
    best = min(runs, key=lambda r: r.seconds)
    return dataclasses.replace(best, peak_bytes=max(r.peak_bytes for r in runs))


def measure_one(shape: str, n: int, work: Path, timeout: float,
                repeat: int = 1) -> dict[str, report.Value]:
    """Every figure of one shape at one N, each timing the fastest of ``repeat`` runs."""
    folder = work / f"{shape}-{n}"
    root, site, simple_out, serve_out = (folder / x for x in ("repo", "site", "simple", "serve"))
    for stale in (site, simple_out, serve_out):
        shutil.rmtree(stale, ignore_errors=True)
    started = time.perf_counter()
    write_files(root, generate(shape, n))
    figures: dict[str, report.Value] = {"generate_s": time.perf_counter() - started}
    python = sys.executable

    simple = fastest(lambda _: [python, "-m", "bench.simple", str(root), str(simple_out)], repeat,
                     timeout)
    figures["simple_s"] = simple.seconds if simple.ok else _stopped(simple, timeout, "simple pass")

    def empty() -> None:  # no output, no cache: a first build
        shutil.rmtree(site, ignore_errors=True)
        shutil.rmtree(root / CACHE, ignore_errors=True)

    now = NOW.isoformat()
    cold = fastest(lambda _: statusgen_build(root, site, now), repeat, timeout, empty)
    if not cold.ok:
        figures["cold_s"] = _stopped(cold, timeout, "cold build")
        return figures
    figures["cold_s"] = cold.seconds
    figures["peak_mib"] = cold.peak_bytes / 2**20
    if simple.ok:
        figures["ratio"] = cold.seconds / simple.seconds
    figures["index_bytes"] = (site / "index.html").stat().st_size
    files, size = _tree(site)
    figures["files"], figures["site_mib"] = files, size / 2**20

    # Each run is 10 minutes after the one before, as a scheduled job runs.
    scheduled = fastest(lambda k: statusgen_build(root, site, (NOW + LATER * (k + 1)).isoformat()),
                        repeat, timeout)
    figures["scheduled_s"] = scheduled.seconds if scheduled.ok else \
        _stopped(scheduled, timeout, "scheduled rebuild")

    victim = newest_started(root)
    edit = fastest(lambda _: [python, "-m", "bench.serve_edit", str(root), str(serve_out), str(victim),
                              now], repeat, timeout)
    if edit.ok:
        done = json.loads(edit.stdout)
        figures["edit_s"], figures["edit_written"] = float(done["seconds"]), int(done["written"])
    else:
        figures["edit_s"] = _stopped(edit, timeout, "one-file edit")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=list(SHAPES), metavar="SHAPE",
                        help=f"which shapes ({', '.join(SHAPES)}; default: all)")
    parser.add_argument("--sizes", nargs="+", type=int, default=list(SIZES), metavar="N",
                        help="how many entries (default: 1000 2000 4000 10000)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="work in DIR and keep the repositories and sites there")
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every figure to FILE")
    parser.add_argument("--repeat", type=int, default=1, metavar="K",
                        help="run every timed command K times and keep the fastest (default 1)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, metavar="SECONDS",
                        help=f"stop a command after this long (default {TIMEOUT:.0f}); a shape "
                        "whose cold build is stopped is not run at larger N")
    args = parser.parse_args(argv)
    if any(n < 1 for n in args.sizes) or args.repeat < 1 or args.timeout <= 0:
        parser.error("every N and --repeat are at least 1, --timeout more than 0")
    sizes = sorted(set(args.sizes))
    results: dict[str, dict[int, dict[str, report.Value]]] = {}
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="statusgen-bench-") as temporary:
        work = args.keep or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        for shape in args.shapes:
            results[shape] = {}
            stopped = False
            for n in sizes:
                if stopped:
                    results[shape][n] = {"cold_s": "not run"}
                    continue
                print(f"{shape} at {n:,} …", file=sys.stderr, flush=True)
                figures = measure_one(shape, n, work, args.timeout, args.repeat)
                results[shape][n] = figures
                stopped = isinstance(figures.get("cold_s"), str)
    machine = (f"Measured {date.today().isoformat()} on {platform.system()} {platform.machine()}, "
               f"{cores()} cores, Python {platform.python_version()}; load average "
               f"{load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end; the fastest of "
               f"{args.repeat} run{'s' if args.repeat > 1 else ''} of each command.")
    summaries = {name: shape.summary for name, shape in SHAPES.items()}
    print(machine + "\n")
    print(report.markdown(results, summaries) if args.markdown else report.text(results, summaries))
    if args.json:
        args.json.write_text(json.dumps({"machine": machine, "now": NOW.isoformat(), "results": results},
                                        indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
