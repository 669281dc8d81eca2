"""What the dev server prints: one flushed line at a time, on stdout or stderr."""

from __future__ import annotations

import sys


def say(text: str, *, end: str = "\n", error_stream: bool = False) -> None:
    """Print one line (or ``text`` ending in ``end``) and flush, so the terminal shows it now."""
    print(text, end=end, file=sys.stderr if error_stream else sys.stdout, flush=True)
