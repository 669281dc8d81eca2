"""Top-level pytest configuration for statusgen's tests."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from tests.helpers import COMPONENTS, dedent

# Fixtures of the browser/validator harness (browser, page).
pytest_plugins = ["tests.support.fixtures"]

StatusRepo = Callable[[Mapping[str, str | bytes]], Path]


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
