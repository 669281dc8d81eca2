"""Pages of entries kept between the dev server's rebuilds.

An entry's page depends only on the entry (as computed at ``now``), the site
around it (page settings, components, theme) and, while the entry is open, the
clock.  When none of those changed, the bytes of the last build are the bytes
this build would render: a one-file edit renders one entry page, not 10,000.
"""

from __future__ import annotations

from collections.abc import Hashable


class RenderMemo:
    """Rendered outputs keyed by what they show, valid for one site context."""

    def __init__(self) -> None:
        self._context: Hashable = None
        self._kept: dict[Hashable, bytes] = {}
        self._used: dict[Hashable, bytes] = {}

    def begin(self, context: Hashable) -> None:
        """Start a build; a different context (settings, components, theme) forgets all."""
        if context != self._context:
            self._context = context
            self._kept = {}
        self._used = {}

    def get(self, key: Hashable) -> bytes | None:
        found = self._kept.get(key)
        if found is not None:
            self._used[key] = found
        return found

    def put(self, key: Hashable, data: bytes) -> None:
        self._used[key] = data

    def end(self) -> None:
        """Keep only what this build used, so deleted entries do not linger."""
        self._kept = self._used
        self._used = {}
