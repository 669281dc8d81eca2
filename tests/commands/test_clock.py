"""The build's clock: --now, then SOURCE_DATE_EPOCH, then the system clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from statusgen.commands.clock import ClockError, resolve_now


def test_now_option_is_read_and_made_utc() -> None:
    assert resolve_now("2026-11-22T10:00:00+01:00", {}) == datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    assert resolve_now("2026-11-22T09:00:00Z", {}).tzinfo is UTC


def test_now_option_wins_over_source_date_epoch() -> None:
    env = {"SOURCE_DATE_EPOCH": "0"}
    assert resolve_now("2026-11-22T09:00:00Z", env) == datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("option", [
    "2026-11-22T09:00:00", "2026-11-22", "tomorrow", "", "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
])
def test_bad_now_option_is_a_clock_error(option: str) -> None:
    with pytest.raises(ClockError, match="--now"):
        resolve_now(option, {})


def test_source_date_epoch_fixes_the_clock() -> None:
    assert resolve_now(None, {"SOURCE_DATE_EPOCH": "1795338000"}) == datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    assert resolve_now(None, {"SOURCE_DATE_EPOCH": "0"}) == datetime(1970, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("epoch", ["yesterday", "1.5", "99999999999999999999", "-99999999999999"])
def test_bad_source_date_epoch_is_a_clock_error(epoch: str) -> None:
    with pytest.raises(ClockError, match="SOURCE_DATE_EPOCH"):
        resolve_now(None, {"SOURCE_DATE_EPOCH": epoch})


def test_without_either_the_system_clock_is_used() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    now = resolve_now(None, {"SOURCE_DATE_EPOCH": ""})
    assert now.tzinfo is UTC and now.microsecond == 0
    assert before <= now <= datetime.now(UTC)


def test_reads_the_process_environment_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795338000")
    assert resolve_now(None) == datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def test_an_epoch_past_the_range_is_refused() -> None:
    with pytest.raises(ClockError, match=r"SOURCE_DATE_EPOCH='253402300799'.*outside the times"):
        resolve_now(None, {"SOURCE_DATE_EPOCH": "253402300799"})
