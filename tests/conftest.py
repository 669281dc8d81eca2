"""Top-level pytest configuration for statusgen's tests."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from tests.helpers import COMPONENTS, dedent

# Fixtures of the browser/validator harness (browser, page) and the packaging artefacts the
# package tests share (dist, fresh_venv, wheelhouse, runner_pip_cache).
pytest_plugins = ["tests.support.fixtures", "tests.support.packages"]

StatusRepo = Callable[[Mapping[str, str | bytes]], Path]

# No example database or constants cache in the repository: the suite writes only into
# temporary folders.
settings.register_profile("statusgen", database=None)
settings.load_profile("statusgen")
_HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="statusgen-hypothesis-")
set_hypothesis_home_dir(_HYPOTHESIS_HOME)
atexit.register(shutil.rmtree, _HYPOTHESIS_HOME, ignore_errors=True)


FIRST = {"package": 0, "slow": 1, "validator": 1, "browser": 2}
"""Marks of the tests that take seconds each (most of the suite's time), longest kinds first:
the package tests (builds and installs into venvs, the longest of all), whole builds and
external validators (half a minute on a busy machine), then browser pages."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On pytest-xdist's workers (``-n``, ``--dist worksteal``), the long tests come first.

    A long test started last would leave one worker finishing it while the other idles;
    started first, the other worker meanwhile runs short tests and then takes a share of
    the long ones off the first worker's queue, so both stay busy to the end.  (Grouping the
    browser tests on one worker with ``--dist loadgroup`` would save a Chromium start, but
    pytest 9.2 ignores the group xdist 3.8 writes into the test ids: pytest-xdist#1386.)
    """
    if hasattr(config, "workerinput"):
        items.sort(key=lambda item: min((rank for mark, rank in FIRST.items()
                                         if item.get_closest_marker(mark)), default=len(FIRST)))


@pytest.fixture(autouse=True, scope="session")
def _no_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Point the home and cache folders at a temporary one, for the code and every tool
    it starts: nothing a test runs may write to the real home folder."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
            patch.setenv(name, str(home / name.lower()))
        yield


@pytest.fixture
def status_repo(tmp_path: Path) -> StatusRepo:
    """A factory of temporary status repositories built from inline files.

    ``status_repo({"incidents/a.md": "..."})`` writes each file under a fresh
    folder and returns that folder. Text is dedented (``textwrap.dedent``, and a
    leading newline dropped) and written as UTF-8 with ``\\n`` line ends; bytes
    are written as they are, for BOM, CRLF and encoding tests. A small valid
    ``components.yml`` (``tests.helpers.COMPONENTS``) is written unless the
    mapping gives one, and ``incidents/`` always exists.
    """
    count = 0

    def make(files: Mapping[str, str | bytes]) -> Path:
        nonlocal count
        count += 1
        root = tmp_path / f"repo{count}"
        root.mkdir()
        (root / "incidents").mkdir()
        for name, content in {"components.yml": COMPONENTS, **files}.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            data = content if isinstance(content, bytes) else dedent(content).encode("utf-8")
            path.write_bytes(data)
        return root

    return make
