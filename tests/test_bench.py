"""The benchmark runs end to end at a small N (its figures are not judged here)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bench.generate import entries
from tests.helpers import REPO_ROOT


def test_the_generator_is_deterministic_and_keeps_the_recent_days_fixed() -> None:
    small, large = entries(60), entries(300)
    assert small == entries(60)
    recent = {name: text for name, text in small.items() if "-r" in name}
    assert recent and all(large[name] == text for name, text in recent.items())
    assert len(large) == 300


@pytest.mark.slow
def test_the_benchmark_prints_its_figures() -> None:
    done = subprocess.run([sys.executable, "-m", "bench.run", "--sizes", "60"], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    labels = [line.split("  ")[0] for line in lines]
    for label in ("cold build (s)", "no-change rebuild (s)", "one-file edit, serve (s)",
                  "peak memory, cold (MiB)", "index.html (KiB)", "cold / simple"):
        assert label in labels, done.stdout
    cold = next(line for line in lines if line.startswith("cold build (s)"))
    assert float(cold.split()[-1]) > 0
