"""Search: Pagefind's index of the rendered pages, added to the site before it is written.

Pagefind indexes built HTML, so it runs after render and before the write: the pages are
copied to a temporary folder, indexed there, and the index comes back as more output files
in one folder (``pagefind/``, where the search page looks).  The site on disk is therefore
swapped in whole with its index or not at all, like every other file.  Only pages marked
``data-pagefind-body`` (the entry pages) are indexed; Pagefind makes one index per
``<html lang>``, so each language edition searches its own words.

The indexer is Pagefind's binary, from the ``pagefind[extended]`` wheel (the ``search``
extra) or a ``pagefind`` on ``PATH``.  Without it the site is built without an index and the
search page says search is not available (its script finds no bundle).
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

BODY = b"data-pagefind-body"
TIMEOUT = 1800.0
"""Seconds the indexer may take: minutes at 10,000 entries on a slow runner, never forever."""


class Unindexed(Exception):
    """The index could not be made: the message says why, for a warning."""


@dataclass(frozen=True)
class Indexed:
    """The index's files by output path, and how many pages it holds."""

    files: dict[str, bytes]
    pages: int


def indexer() -> Path | None:
    """Pagefind's binary: the ``pagefind[extended]`` wheel's, else ``pagefind`` on ``PATH``."""
    for wheel in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            found = importlib.import_module(wheel).get_executable()
        except (ImportError, OSError):
            continue
        return Path(found)
    on_path = shutil.which("pagefind")
    return Path(on_path) if on_path else None


def index(files: Mapping[str, bytes], binary: Path | None, folder: str) -> Indexed:
    """The search index of the entry pages among ``files``, its files under ``folder``
    (ending in ``/``); :class:`Unindexed` when ``binary`` is missing or fails."""
    if binary is None:
        raise Unindexed("Pagefind is not installed (pip install 'statusgen[search]')")
    pages = {path: data for path, data in files.items()
             if path.endswith(".html") and BODY in data}
    with tempfile.TemporaryDirectory(prefix="statusgen-search-") as temp:
        site, out = Path(temp, "site"), Path(temp, "index")
        for path, data in pages.items():
            target = site / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        site.mkdir(exist_ok=True)
        try:
            done = subprocess.run(
                [str(binary), "--site", str(site), "--output-path", str(out), "--quiet"],
                capture_output=True, timeout=TIMEOUT, check=False, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise Unindexed(f"Pagefind could not run: {exc}") from exc
        if done.returncode != 0:
            said = (done.stderr or done.stdout).decode("utf-8", "replace").strip()
            raise Unindexed(f"Pagefind failed: {said.splitlines()[-1] if said else done.returncode}")
        made = {}
        for where, _, names in os.walk(out):
            for name in names:
                found = Path(where, name)
                made[folder + found.relative_to(out).as_posix()] = found.read_bytes()
    return Indexed(made, len(pages))
