"""Every command that writes a new incident gives it the next declared reference; ``new``,
``new --from-json`` and ``ingest`` are tested with their commands, ``import`` here: a source
has no references, so each new file takes the next number, and a second run keeps it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import COMPONENTS, tree
from tests.importers.support import GITHUB, errors, run

OLD = """\
---
title: Old
impact: minor
reference: INC-41
updates:
  - at: 2026-11-20T08:00:00Z
    status: resolved
    message: Fixed.
---
"""


def test_import_gives_new_incidents_the_next_reference(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "incidents").mkdir()
    (tmp_path / "components.yml").write_text(
        COMPONENTS + "incident_fields:\n  reference: {prefix: INC-}\n", encoding="utf-8")
    (tmp_path / "incidents" / "2026-11-20-old.md").write_text(OLD, encoding="utf-8")
    code, out, _ = run(capsys, "statuspage", str(GITHUB), "--root", str(tmp_path))
    assert code == 0, out
    imported = [p for p in (tmp_path / "incidents").iterdir() if p.name != "2026-11-20-old.md"]
    assert [p.read_text(encoding="utf-8").count("\nreference: INC-42\n") for p in imported] == [1]
    assert errors(tmp_path) == []
    before = tree(tmp_path)
    code, out, _ = run(capsys, "statuspage", str(GITHUB), "--root", str(tmp_path))
    assert code == 0 and tree(tmp_path) == before
