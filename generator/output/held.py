"""Outputs held in files while the build goes on, so that memory does not grow with the site.

A build used to hold every output's bytes until the write: 150 MiB for 10,000 entries, 350
MiB with long post-mortems, above the rest of the build's memory.  Where the runner of the
steps is given a folder (:func:`statusgen.incremental.parallel.processes`), each output a
step makes of :data:`HOLD_FROM` bytes or more is written there as soon as it is made, in
the process that made it, and stands in the build as a :class:`Held`: its size and the
digest the writer compares by, no bytes.  The writer links the file into the site (copies
it where links are refused); an output as the site already holds it is known by its digest
and never read.

Files are named by that digest, so two processes that make the same bytes write the same
file.  The folder is the build's alone (made and removed around it, under the output's
lock) and is never published: it only stands in for memory.
"""

from __future__ import annotations

import os
from typing import Any

from statusgen.output.kept import Held
from statusgen.output.spare import digest

HOLD_FROM = 2048
"""Smaller outputs stay in memory: a file each would cost more time than it saves memory."""


def _held(folder: str, data: bytes) -> bytes:
    if type(data) is not bytes or len(data) < HOLD_FROM:
        return data
    name = digest(data)
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        # Written under a name of this process's, then renamed: a process that made the same
        # bytes at the same time renames the same contents over it.
        temporary = f"{path}.{os.getpid()}"
        with open(temporary, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    found = Held()
    found.path, found.size, found.digest = path, len(data), name
    return found


def hold(folder: str, value: Any) -> Any:
    """``value`` with every output in it of :data:`HOLD_FROM` bytes or more (``value`` itself,
    or the values of a mapping of names to bytes) written into ``folder`` and held there;
    anything else as it is."""
    if type(value) is bytes:
        return _held(folder, value)
    if type(value) is dict and value and all(type(v) is bytes for v in value.values()):
        return {name: _held(folder, data) for name, data in value.items()}
    return value
