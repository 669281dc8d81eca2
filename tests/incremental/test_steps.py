"""The one incremental mechanism: steps read only their input; the record keys by its digest."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from statusgen import model as m
from statusgen.compute import reports
from statusgen.incremental.record import Record
from statusgen.incremental.stable import fingerprint
from statusgen.pipeline import Session, build
from statusgen.steps import Later, direct, later, step_name
from tests.datasource import repository
from tests.helpers import NOW, REPO_ROOT, copy_example, tree

CALLS: list[int] = []


@dataclass(frozen=True)
class Box:
    value: int


def double(box: Box) -> int:
    CALLS.append(box.value)
    return box.value * 2


def test_only_top_level_functions_are_steps() -> None:
    seen = 3

    def nested(box: Box) -> int:
        return box.value + seen

    class Holder:
        def method(self, box: Box) -> int:
            return box.value

    assert step_name(double) == f"{__name__}:double"
    refused: list[Callable[[Box], int]] = [lambda box: box.value, nested, Holder().method]
    for candidate in refused:
        with pytest.raises(TypeError, match="not a step"):
            direct(candidate, [Box(1)])


def test_the_record_runs_a_step_again_only_for_an_input_it_has_not_seen() -> None:
    CALLS.clear()
    record = Record()
    assert record(double, [Box(1), Box(2)]) == [2, 4]
    assert record.start()(double, [Box(2), Box(3)]) == [4, 6]
    assert CALLS == [1, 2, 3]
    # What a build did not ask for is forgotten at the start of the next.
    assert record.start()(double, [Box(1)]) == [2]
    assert CALLS == [1, 2, 3, 1]


@dataclass(frozen=True)
class Page:
    made: Later[int]


def page(item: Page) -> int:
    return item.made.value + 1


def test_a_result_read_later_is_made_only_when_read_and_known_by_its_key() -> None:
    CALLS.clear()
    record = Record()
    first = later(record, double, [Box(5)])
    assert CALLS == [] and first[0].digest
    assert record(page, [Page(first[0])]) == [11] and CALLS == [5]
    # The next build knows the page by the key of what it reads: neither is made again.
    again = later(record.start(), double, [Box(5)])
    assert again[0].digest == first[0].digest
    assert record(page, [Page(again[0])]) == [11] and CALLS == [5]
    # Without a record each is made when read, and known by nothing but its value.
    plain = later(direct, double, [Box(6)])
    assert plain[0].digest == "" and plain[0].value == 12 and CALLS == [5, 6]


def test_a_scheduled_rebuild_makes_only_the_reports_that_move(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_example(tmp_path)
    # Never resolved, as imported histories have them: its month's report lists it, and says
    # it is not resolved yet, not how long it has run, so that report does not move.
    (root / "incidents" / "2025-03-04-forgotten.md").write_text(
        "---\ntitle: Forgotten\nimpact: minor\ncomponents: {api: degraded_performance}\n"
        "updates:\n  - at: 2025-03-04T10:00:00Z\n    status: investigating\n"
        "    message: Looking.\n---\n", encoding="utf-8")
    out = tmp_path / "site"
    made: list[str] = []
    compute = reports._report

    def counting(inputs: reports.Inputs, config: m.Config, tz: Any) -> reports.Report:
        made.append(inputs.period.id)
        return compute(inputs, config, tz)

    monkeypatch.setattr(reports, "_report", counting)
    assert build(root, out, NOW, session=Session.on_disk(root)).ok
    every = len(made)
    made.clear()
    assert build(root, out, NOW + timedelta(minutes=10), session=Session.on_disk(root)).ok
    # The month and quarter in progress; every other report's pages were kept unread.
    assert sorted(made) == ["2026-11", "2026-Q4"] and every > 2


def test_a_copy_of_an_incident_is_never_taken_for_its_file(tmp_path: Path) -> None:
    incident = repository(copy_example(tmp_path)).incidents[0]
    assert incident.digest
    copy = replace(incident, title="Something else")
    assert copy.digest == ""
    assert fingerprint(copy) != fingerprint(incident)
    # A copy with the same fields is the same input, known by its contents.
    same = replace(incident)
    assert fingerprint(same) == fingerprint(replace(incident))


def test_every_model_field_is_read_by_the_digest_of_a_copy(tmp_path: Path) -> None:
    # A field added to the model is part of a copy's digest without any list to edit.
    incident = repository(copy_example(tmp_path)).incidents[0]
    for field in dataclasses.fields(m.Incident):
        if not field.init or not field.compare:
            continue
        value = getattr(incident, field.name)
        other = _another(value)
        if other is None:
            continue
        changed: dict[str, Any] = {field.name: other}
        assert fingerprint(replace(incident, **changed)) != fingerprint(replace(incident)), field.name


def _another(value: object) -> object | None:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, tuple):
        return value[1:] if value else None
    return None


@pytest.mark.slow
def test_the_same_site_in_processes_of_different_hash_seeds(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    sites = []
    for seed in ("1", "2"):
        out = tmp_path / f"site-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "statusgen", "build", "--root", str(root), "--out",
                        str(out), "--now", "2026-11-22T09:00:00Z", "--no-cache", "--jobs", "2"],
                       check=True, env=env, cwd=REPO_ROOT, capture_output=True)
        sites.append(tree(out))
    assert sites[0] == sites[1]
