"""What ``statusgen serve`` does after one incident's message is edited, timed.

    python -m bench.serve_edit ROOT OUT INCIDENT NOW

Builds ROOT into OUT in this process with the dev server's session
(``Session.in_memory()``: parse cache, record of steps, in-place writer), collects garbage
as the server does once idle, edits the first message of INCIDENT, builds again with the
same session and prints ``{"seconds": …, "first_seconds": …, "written": …}`` as JSON: the time of the
second build alone, of the first, and how many files the second rewrote.
"""

from __future__ import annotations

import gc
import json
import re
import sys
import time
from datetime import datetime
from pathlib import Path

from statusgen.pipeline import Session, build

_MESSAGE = re.compile(r"^(?P<key>\s*message: )(?P<value>.*)$", re.MULTILINE)
MARK = "Edited. "


def edit_message(text: str) -> str:
    """``text`` with :data:`MARK` put before its first message, whatever its YAML form."""
    found = _MESSAGE.search(text)
    if found is None:
        raise ValueError("no message to edit")
    value = found["value"]
    if value.startswith(("|", ">")):  # a block: its first line follows
        start = found.end() + 1
        line = text[start:text.index("\n", start)] if "\n" in text[start:] else text[start:]
        indent = len(line) - len(line.lstrip(" "))
        return text[:start + indent] + MARK + text[start + indent:]
    if value.startswith(('"', "'")):
        return text[:found.start("value") + 1] + MARK + text[found.start("value") + 1:]
    return text[:found.start("value")] + MARK + text[found.start("value"):]


def main(argv: list[str]) -> int:
    root, out, victim = Path(argv[0]), Path(argv[1]), Path(argv[2])
    now = datetime.fromisoformat(argv[3])
    session = Session.in_memory()
    first = build(root, out, now, session=session)
    if not first.ok:
        print(f"the first build failed: {[d.message for d in first.diagnostics][:3]}", file=sys.stderr)
        return 1
    # What the server does once it has been idle after a build (serve/builder.py): the edit
    # comes later, as an author's does.
    gc.collect()
    victim.write_text(edit_message(victim.read_text(encoding="utf-8")), encoding="utf-8")
    started = time.perf_counter()
    again = build(root, out, now, session=session)
    seconds = time.perf_counter() - started
    if again.write is None:
        print(f"the build after the edit failed: {[d.message for d in again.diagnostics][:3]}",
              file=sys.stderr)
        return 1
    print(json.dumps({"seconds": seconds, "first_seconds": first.seconds,
                      "written": again.write.written}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
