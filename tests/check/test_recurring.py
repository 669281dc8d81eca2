"""Recurring maintenance is checked where it is written: the rule with the parser's words,
the window on its first occurrence, dates that are occurrences, series updates scheduled."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.conftest import StatusRepo
from tests.helpers import rows, validate

NOW = datetime(2026, 1, 20, tzinfo=UTC)


def series(rule: str = "FREQ=WEEKLY;BYDAY=TU", start: str = "2026-01-06T02:00:00Z",
           skip: str = "[]", kind: str = "maintenance", extra_update: str = "") -> str:
    return (f"---\nkind: {kind}\ntitle: Patching\nimpact: none\n"
            f"window: {{start: {start}, end: {start.replace('T02', 'T03')}}}\n"
            f"repeat: {rule}\nexcept: {skip}\ncomponents: [db]\nupdates:\n{extra_update}"
            "  - at: 2026-01-05T10:00:00Z\n    status: scheduled\n    message: Weekly.\n---\n")


def found(status_repo: StatusRepo, text: str) -> list[tuple[str, int, int, str, str]]:
    return rows(validate(status_repo({"incidents/p.md": text}), NOW))


def test_a_good_series_reports_nothing(status_repo: StatusRepo) -> None:
    update = ("  - {at: 2026-01-12T09:00:00Z, status: completed, occurrence: 2026-01-13, "
              "message: Not this week.}\n")
    assert found(status_repo, series(skip="[2026-01-27]", extra_update=update)) == []


@pytest.mark.parametrize(("rule", "words"), [
    ("FREQ=WEEKLY;BYDAY=XX", "invalid 'BYDAY': XX"),
    ("FREQ=WEEKLY;FOO=1", "unknown parameter 'FOO'"),
    ("BYDAY=TU", "has no FREQ"),
    ("FREQ=HOURLY", "FREQ=HOURLY is not allowed"),
    ("FREQ=DAILY;BYHOUR=2,14", "BYHOUR cannot be used"),
    ("FREQ=WEEKLY;COUNT=2;UNTIL=20260301", "COUNT or UNTIL, not both"),
    ("FREQ=WEEKLY;UNTIL=20261399", "cannot be read"),
])
def test_a_bad_rule_is_reported_at_repeat_with_the_parsers_words(
        status_repo: StatusRepo, rule: str, words: str) -> None:
    root = status_repo({"incidents/p.md": series(rule)})
    found = validate(root, NOW)
    assert rows(found) == [("incidents/p.md", 6, 9, "error", "repeat")]
    assert words in found[0].message


def test_the_window_starts_on_an_occurrence(status_repo: StatusRepo) -> None:
    # 7 January 2026 is a Wednesday.
    assert found(status_repo, series("FREQ=WEEKLY;BYDAY=TU", start="2026-01-07T02:00:00Z")) == [
        ("incidents/p.md", 5, 17, "error", "repeat")]


def test_an_exception_that_is_no_occurrence_is_a_warning(status_repo: StatusRepo) -> None:
    assert found(status_repo, series(skip="[2026-01-14]")) == [
        ("incidents/p.md", 7, 9, "warning", "repeat-except")]


def test_updates_name_occurrences_and_the_series_is_only_scheduled(status_repo: StatusRepo) -> None:
    update = ("  - {at: 2026-01-12T09:00:00Z, status: completed, occurrence: 2026-01-14, "
              "message: Wrong day.}\n"
              "  - {at: 2026-01-06T02:30:00Z, status: in_progress, message: Whose?}\n")
    assert found(status_repo, series(extra_update=update)) == [
        ("incidents/p.md", 10, 63, "error", "repeat"),
        ("incidents/p.md", 11, 40, "error", "repeat")]


def test_repeat_belongs_to_maintenance(status_repo: StatusRepo) -> None:
    text = series(kind="incident").replace("status: scheduled", "status: resolved")
    assert ("incidents/p.md", 6, 9, "error", "repeat") in found(status_repo, text)


def test_an_occurrence_may_not_take_another_files_id(status_repo: StatusRepo) -> None:
    other = series(rule="FREQ=DAILY").replace("repeat: FREQ=DAILY\nexcept: []\n", "")
    root = status_repo({"incidents/p.md": series(), "incidents/p-2026-01-13.md": other})
    found = validate(root, NOW)
    assert rows(found) == [("incidents/p.md", 6, 9, "error", "repeat")]
    assert "p-2026-01-13, which is another file's" in found[0].message
