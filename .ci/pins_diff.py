"""Print, as a Markdown table, the installed packages whose version differs from constraints.txt.

CI's `newest` job runs it with the venv it installed without constraints, so
the job summary says which new releases the suite was run against.  Usage:
``.venv/bin/python .ci/pins_diff.py [constraints.txt]``.
"""

from __future__ import annotations

import re
import sys
from importlib.metadata import distributions
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)")
# What `python -m venv` puts in every venv, not installed from the constraints.
SEEDED = frozenset({"pip"})


def canonical(name: str) -> str:
    """A project name as the package index compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(text: str) -> dict[str, set[str]]:
    """Name -> pinned versions (a universal lock may pin one package per Python version)."""
    out: dict[str, set[str]] = {}
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            out.setdefault(canonical(match[1]), set()).add(match[2])
    return out


def main(argv: list[str]) -> int:
    pinned = pins(Path(argv[0] if argv else "constraints.txt").read_text(encoding="utf-8"))
    installed = {canonical(d.metadata["Name"]): d.version for d in distributions()}
    rows = [f"| {name} | {', '.join(sorted(pinned[name]))} | {version} |"
            for name, version in sorted(installed.items())
            if name in pinned and name not in SEEDED and version not in pinned[name]]
    print("## Releases newer (or older) than constraints.txt\n")
    print("\n".join(["| package | constraints.txt | installed |", "|---|---|---|", *rows])
          if rows else "None: the newest releases are the pinned ones.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
