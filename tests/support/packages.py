"""Packaging artefacts the package tests share, each made once per test session.

Building statusgen's sdist and wheel, making a venv with pip in it, and downloading the
dependencies' release files take seconds of CPU each, and the package test
(``tests/commands/test_init.py``) and the simulated GitHub runner
(``tests/test_workflows.py``) need them again and again.  Each is made once, into a folder
of the session's temporary one that every pytest-xdist worker sees, under a file lock:
whichever worker asks first makes it, the others wait and reuse it.  The tests only read
them (a venv is copied before anything is installed into it).

Registered as a plugin by ``tests/conftest.py``.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from statusgen import __version__

from .tools import REPO_ROOT

FreshVenv = Callable[[Path], Path]
"""``fresh_venv(where)``: a new venv at ``where``; its ``bin`` folder."""
Wheelhouse = Callable[[str], Path]


def run_checked(argv: list[str | Path], cwd: Path, timeout: float = 600) -> str:
    """Run ``argv``; its stdout, or a failed test with the end of its output."""
    proc = subprocess.run([str(a) for a in argv], cwd=cwd, capture_output=True, text=True,
                          check=False, timeout=timeout)
    assert proc.returncode == 0, (f"{argv}: exit {proc.returncode}\n"
                                  f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc.stdout


def copy_source(source: Path) -> Path:
    """What the sdist is made of, copied out of the checkout (so builds leave it untouched)."""
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO_ROOT / name, source / name)
    shutil.copytree(REPO_ROOT / "generator", source / "generator",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO_ROOT / "themes" / "default", source / "themes" / "default")
    return source


def shared_folder(factory: pytest.TempPathFactory) -> Path:
    """The session's temporary folder that every worker sees."""
    base = factory.getbasetemp()
    # pytest-xdist gives each worker a folder of its own (popen-gwN) inside the session's.
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once(folder: Path, make: Callable[[Path], object]) -> Path:
    """``folder``, made by ``make(folder)`` unless a worker of this session made it already.

    A half-made folder (``make`` failed) is made again by the next one to ask; the mark that
    it is done lies beside it, so the folder holds only what ``make`` put there.
    """
    done = folder.with_name(folder.name + ".done")
    with folder.with_name(folder.name + ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            make(folder)
            done.touch()
    return folder


@dataclass(frozen=True)
class Dist:
    """The sdist and the wheel of this checkout, in a folder of their own."""

    folder: Path
    sdist: Path
    wheel: Path


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    """``python -m build`` of this checkout, as a release is built: the sdist, and the wheel
    built from it (in an isolated environment with the build backend of constraints.txt)."""
    def build(folder: Path) -> None:
        work = folder.with_name(folder.name + "-source")
        shutil.rmtree(work, ignore_errors=True)
        run_checked([sys.executable, "-m", "build", "--outdir", folder, copy_source(work)],
                    folder.parent)

    folder = once(shared_folder(tmp_path_factory) / "dist", build)
    return Dist(folder, folder / f"statusgen-{__version__}.tar.gz",
                folder / f"statusgen-{__version__}-py3-none-any.whl")


def copy_venv(venv: Path, where: Path) -> Path:
    """A copy of ``venv`` at ``where``, symbolic links as links; its ``bin`` folder.

    Python finds its prefix from where ``bin/python`` is, so the copy is a venv of its own
    with the same packages.  Only the launchers in ``bin`` (``pip``, ``statusgen``, ...) and
    ``bin/activate*`` still name ``venv``: run ``python -m pip``, and reinstall a package
    before running its launcher from the copy (pip writes it anew, naming the copy).
    """
    shutil.copytree(venv, where, symlinks=True)
    return where / "bin"


@pytest.fixture(scope="session")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> FreshVenv:
    """``python -m venv`` spends seconds installing pip (ensurepip): one such venv is made per
    session, and each fresh venv is a copy of it, with pip and nothing else."""
    template = once(shared_folder(tmp_path_factory) / "empty-venv",
                    lambda folder: run_checked([sys.executable, "-m", "venv", folder], folder.parent))
    return lambda where: copy_venv(template, where)


@pytest.fixture(scope="session")
def installed_venv(tmp_path_factory: pytest.TempPathFactory, dist: Dist, fresh_venv: FreshVenv) -> Path:
    """A fresh venv where ``pip install`` put the wheel of ``dist`` with its dependencies, from
    the package index at the versions of this venv (so the pinned and the newest-releases runs
    each test their own); its ``bin`` folder.  Shared: install nothing into it, copy it
    (``copy_venv``) to change it."""
    def install(folder: Path) -> None:
        pins = folder.with_name(folder.name + "-pins.txt")
        pins.write_text(run_checked([sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
                                    folder.parent))
        run_checked([fresh_venv(folder) / "python", "-m", "pip", "--disable-pip-version-check",
                     "install", "--quiet", "--constraint", pins, dist.wheel], folder.parent)

    return once(shared_folder(tmp_path_factory) / "installed-venv", install) / "bin"


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Wheelhouse:
    """``wheelhouse(requirements)``: a folder of the release files ``requirements`` (pinned,
    with hashes) names, checked against those hashes, with setuptools (at the version of
    constraints.txt) and wheel to build those that come as an sdist.  Downloaded from the
    package index once per session and per ``requirements``."""
    setuptools = next(line for line in (REPO_ROOT / "constraints.txt").read_text().splitlines()
                      if line.startswith("setuptools=="))

    def download(folder: Path, requirements: str) -> None:
        listed = folder.with_name(folder.name + ".txt")
        listed.write_text(requirements, encoding="utf-8")
        for wanted in (["--no-deps", "--require-hashes", "-r", listed], [setuptools, "wheel"]):
            run_checked([sys.executable, "-m", "pip", "download", "--quiet", "--dest", folder,
                         *wanted], folder.parent)

    def make(requirements: str) -> Path:
        digest = hashlib.sha256(requirements.encode("utf-8")).hexdigest()[:16]
        return once(shared_folder(tmp_path_factory) / f"wheelhouse-{digest}",
                    lambda folder: download(folder, requirements))

    return make


@pytest.fixture(scope="session")
def runner_pip_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pip cache the simulated runners share (and nothing else): a dependency that comes
    as an sdist is built into a wheel by the first runner only.  pip reuses a wheel it built
    in ``--require-hashes`` mode only when the sdist it came from has the required hash."""
    return once(shared_folder(tmp_path_factory) / "runner-pip-cache", Path.mkdir)
