"""Compiled templates kept for the life of the process (speed only: no output depends on it).

A process that builds many times — ``serve`` after each edit, a benchmark, the test suite —
would otherwise parse and compile every template again for each build; compiling is most of
the cost of a small build.  Jinja looks an entry up by the template's name and file and uses
it only when the checksum of the source it was compiled from matches the source it reads
now, and every theme statusgen loads configures its environment the same way, so what an
entry holds is a pure function of its key: sharing it changes no byte of any page.
"""

from __future__ import annotations

import jinja2
from jinja2.bccache import Bucket


class Compiled(jinja2.BytecodeCache):
    """Jinja's compiled code by template file, in memory."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED = Compiled()
"""The one cache of the process: entries are checked against the source before use."""
