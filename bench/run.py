"""Benchmark statusgen on synthetic repositories and print the figures.

    python -m bench.run                 # N = 1,000 and 10,000 (several minutes)
    python -m bench.run --sizes 200     # a quick check that it works

For each N: the simplest possible pass (bench/simple.py) as a yardstick, a cold
build (empty cache, empty output), a rebuild with nothing changed, and a
rebuild after editing one incident the way ``statusgen serve`` does it; peak
memory; what was written; the size of index.html and of the largest page.
Builds run in child processes, so timings include start-up as a user sees it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.generate import NOW, write_repo

NOW_ARG = NOW.isoformat()
EDIT = "\n".join([
    "import json, sys, time",
    "from pathlib import Path",
    "from generator.commands.clock import resolve_now",
    "from generator.pipeline import Session, build",
    "root, out, victim = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])",
    "now = resolve_now(sys.argv[4])",
    "session = Session.in_memory()",
    "first = build(root, out, now, session=session)",
    "text = victim.read_text()",
    "victim.write_text(text.replace('message: ', 'message: Edited. ', 1))",
    "started = time.perf_counter()",
    "again = build(root, out, now, session=session)",
    "seconds = time.perf_counter() - started",
    "assert first.ok and again.ok and again.write is not None",
    "print(json.dumps({'seconds': seconds, 'written': again.write.written}))",
])
TIMED = "\n".join([
    "import json, resource, subprocess, sys, time",
    "started = time.perf_counter()",
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)",
    "seconds = time.perf_counter() - started",
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss",
    "print(json.dumps({'seconds': seconds, 'peak_kib': peak, 'code': done.returncode,",
    "                  'out': done.stdout[-2000:], 'err': done.stderr[-2000:]}))",
])


def timed(command: list[str]) -> dict[str, object]:
    """Run ``command`` in a child and return its wall time and peak memory."""
    done = subprocess.run([sys.executable, "-c", TIMED, *command], capture_output=True,
                          text=True, check=True)
    result: dict[str, object] = json.loads(done.stdout)
    if result["code"] != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result['out']}\n{result['err']}")
    return result


def statusgen(root: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "--root", str(root), "--out", str(out),
            "--now", NOW_ARG, *extra]


def measure(n: int, work: Path) -> dict[str, float | int | str]:
    """Every figure for one N."""
    root = write_repo(work / f"repo-{n}", n)
    out = work / f"site-{n}"
    simple = timed([sys.executable, "-m", "bench.simple", str(root), str(work / f"simple-{n}")])
    shutil.rmtree(root / ".statusgen-cache", ignore_errors=True)
    cold = timed(statusgen(root, out))
    files = [p for p in out.rglob("*") if p.is_file()]
    pages = [p for p in files if p.suffix == ".html"]
    again = timed(statusgen(root, out))
    victim = sorted((root / "incidents").glob("*.md"))[len(files) % 7]
    edit_out = work / f"serve-{n}"
    edited = subprocess.run([sys.executable, "-c", EDIT, str(root), str(edit_out), str(victim),
                             NOW_ARG], capture_output=True, text=True, check=True)
    edit = json.loads(edited.stdout)
    return {
        "n": n,
        "simple_s": float(simple["seconds"]),  # type: ignore[arg-type]
        "cold_s": float(cold["seconds"]),  # type: ignore[arg-type]
        "ratio": float(cold["seconds"]) / float(simple["seconds"]),  # type: ignore[arg-type]
        "nochange_s": float(again["seconds"]),  # type: ignore[arg-type]
        "edit_s": float(edit["seconds"]),
        "edit_written": int(edit["written"]),
        "peak_mib": int(cold["peak_kib"]) / 1024,  # type: ignore[call-overload]
        "files": len(files),
        "mib": sum(p.stat().st_size for p in files) / 2**20,
        "index_kib": (out / "index.html").stat().st_size / 1024,
        "largest_kib": max(p.stat().st_size for p in pages) / 1024,
        "largest": str(max(pages, key=lambda p: p.stat().st_size).relative_to(out)),
    }


ROWS = [
    ("simple pass (s)", "simple_s", "{:.2f}"),
    ("cold build (s)", "cold_s", "{:.2f}"),
    ("cold / simple", "ratio", "{:.2f}x"),
    ("no-change rebuild (s)", "nochange_s", "{:.2f}"),
    ("one-file edit, serve (s)", "edit_s", "{:.2f}"),
    ("  files rewritten by it", "edit_written", "{}"),
    ("peak memory, cold (MiB)", "peak_mib", "{:.0f}"),
    ("files written", "files", "{}"),
    ("bytes written (MiB)", "mib", "{:.1f}"),
    ("index.html (KiB)", "index_kib", "{:.1f}"),
    ("largest page (KiB)", "largest_kib", "{:.1f}"),
    ("  which", "largest", "{}"),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="statusgen-bench-") as temporary:
        work = args.keep or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        results = [measure(n, work) for n in args.sizes]
    width = max(len(label) for label, _, _ in ROWS)
    print(f"{'N':<{width}}  " + "  ".join(f"{r['n']:>12,}" for r in results))
    for label, key, fmt in ROWS:
        print(f"{label:<{width}}  " + "  ".join(f"{fmt.format(r[key]):>12}" for r in results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
