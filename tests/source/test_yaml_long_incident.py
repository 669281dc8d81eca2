"""A long incident is not an alias bomb: the alias bound counts only what aliases repeat."""

from __future__ import annotations

from datetime import timedelta

from statusgen.check.lifecycle import stamp
from tests.conftest import StatusRepo
from tests.helpers import NOW, validate


def test_an_incident_with_5000_updates_loads_without_a_diagnostic(status_repo: StatusRepo) -> None:
    start = NOW - timedelta(minutes=5000)
    updates = "".join(
        f"  - at: {stamp(start + timedelta(minutes=n))}\n"
        f"    status: {'investigating' if n == 0 else 'identified'}\n"
        f"    message: Update {n} - still working on it.\n"
        for n in reversed(range(5000))
    )
    # 20,006 values, past MAX_NODES, and not one alias.
    text = ("---\ntitle: A long night\nimpact: major\ncomponents:\n  api: major_outage\n"
            f"updates:\n{updates}---\n")
    assert validate(status_repo({"incidents/long.md": text})) == []
