"""Times at the edges of the calendar: what ``validate`` accepts, ``build`` builds.

The review's reproducers (``at: 0001-01-01T00:30:00+01:00``, a window ending
``9999-12-31T23:59:59-01:00``) passed validation and broke every later build with an
``OverflowError``.  The rule of :mod:`statusgen.source.timestamps` is tested at its edges,
then as a property over generated times: years 1 and 9999, offsets of ±23:59, DST changes
of the page's zone, leap days and seconds, ``24:00``, fractional seconds, in ``at:``, in a
maintenance window, in a named timestamp and as the build's ``now``.
"""

from __future__ import annotations

import calendar
import json
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from statusgen.commands.cli import main
from statusgen.diagnostics import Severity
from statusgen.pipeline import build, checked
from statusgen.source.timestamps import EARLIEST, LATEST, TimestampError, read_timestamp
from statusgen.source.tree import DiskSource
from tests.conftest import StatusRepo
from tests.helpers import COMPONENTS, NOW
from tests.importers.support import GITHUB
from tests.ingest.support import fixture, statusgen
from tests.ingest.support import repository as ingest_repository
from tests.test_hostile import assert_clean_outcome
from tests.test_hostile import build as build_command

ZONES = ["UTC", "Pacific/Kiritimati", "Pacific/Niue", "America/Santiago", "Australia/Lord_Howe",
         "Asia/Kathmandu", "America/St_Johns", "Europe/Berlin"]
"""The page's zones: ±14 hours, DST at midnight (Santiago), a half-hour DST (Lord Howe),
offsets of :45 and :30."""


def repository(root: Path, at: str, start: str, end: str, named: str, zone: str = "UTC") -> Path:
    (root / "incidents").mkdir(parents=True)
    config = COMPONENTS.replace("  url: https://status.test.example/\n",
                                f"  url: https://status.test.example/\n  timezone: {zone}\n")
    (root / "components.yml").write_text(config + "incident_fields:\n  timestamps: [detected]\n",
                                         encoding="utf-8")
    (root / "incidents" / "2026-11-22-a.md").write_text(
        f"---\ntitle: A\nimpact: minor\ncomponents:\n  api: partial_outage\ntimestamps:\n"
        f"  detected: {named}\nupdates:\n  - at: {at}\n    status: investigating\n"
        "    message: m\n---\n", encoding="utf-8")
    (root / "incidents" / "2026-11-22-m.md").write_text(
        f"---\nkind: maintenance\ntitle: M\nwindow:\n  start: {start}\n  end: {end}\n"
        f"components: [db]\nupdates:\n  - at: {at}\n    status: scheduled\n    message: m\n---\n",
        encoding="utf-8")
    return root


@pytest.mark.parametrize(("text", "expected"), [
    ("1970-01-01T00:00:00Z", EARLIEST),
    ("1970-01-01T00:00:00-23:59", datetime(1970, 1, 1, 23, 59, tzinfo=UTC)),
    ("8999-12-31T23:59:59.999999Z", datetime(8999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
    ("9000-01-01T00:59:59+01:00", datetime(8999, 12, 31, 23, 59, 59, tzinfo=UTC)),
    ("2028-02-29 12:00:00.5+05:45", datetime(2028, 2, 29, 6, 15, 0, 500000, tzinfo=UTC)),
])
def test_the_edges_inside_the_range(text: str, expected: datetime) -> None:
    assert read_timestamp(text) == expected


@pytest.mark.parametrize(("text", "code"), [
    ("1970-01-01T00:00:00+00:01", "timestamp-range"),
    ("1969-12-31T23:59:59.999999Z", "timestamp-range"),
    ("9000-01-01T00:00:00Z", "timestamp-range"),
    ("8999-12-31T23:59:59-00:01", "timestamp-range"),
    ("0001-01-01T00:30:00+01:00", "timestamp-range"),
    ("9999-12-31T23:59:59-01:00", "timestamp-range"),
    ("9999-12-31T23:59:59-23:59", "timestamp-range"),
    ("2026-12-31T23:59:60Z", "timestamp"),
    ("2027-02-29T10:00:00Z", "timestamp"),
    ("2026-11-22T10:00:00", "timestamp-zone"),
])
def test_the_edges_outside_the_range(text: str, code: str) -> None:
    with pytest.raises(TimestampError) as caught:
        read_timestamp(text)
    assert caught.value.code == code
    assert EARLIEST < LATEST


@pytest.mark.parametrize(("at", "end", "where"), [
    ("0001-01-01T00:30:00+01:00", "2026-11-30T04:00:00Z", "incidents/2026-11-22-a.md:9:9"),
    ("2026-11-20T08:00:00Z", "9999-12-31T23:59:59-01:00", "incidents/2026-11-22-m.md:6:8"),
])
def test_the_reviewed_times_are_refused_at_their_place(
        at: str, end: str, where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = repository(tmp_path / "repo", at, "2026-11-30T02:00:00Z", end, "2026-11-20T07:00:00Z")
    code, output = build_command(root, capsys)
    assert code == 1, output
    assert f"{where}: error: " in output and "[timestamp-range]" in output
    assert_clean_outcome(root, code, output)


def test_a_year_9000_now_is_refused(capsys: pytest.CaptureFixture[str],
                                    status_repo: StatusRepo) -> None:
    root = status_repo({})
    with pytest.raises(SystemExit) as exited:
        main(["build", "--root", str(root), "--now", "9999-12-31T23:59:59Z"])
    assert exited.value.code == 2
    assert "outside the times statusgen can show" in capsys.readouterr().err


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati", "Pacific/Niue"])
@pytest.mark.parametrize(("first", "last"), [
    ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000001Z"),
    ("9000-01-01T23:58:58+23:59", "8999-12-31T23:59:59.999999Z"),
])
def test_the_ends_of_the_range_build_in_every_zone(first: str, last: str, zone: str,
                                                  tmp_path: Path) -> None:
    """Shown in a zone up to 14 hours from UTC, the ends fall in 1969 and 9000: the history,
    the calendar and the reports of those years, public and internal, are built."""
    root = repository(tmp_path / "repo", first, first, last, first, zone)
    for now, internal in ((read_timestamp(first), False), (read_timestamp(last), True)):
        result = build(root, tmp_path / "site", now, internal=internal)
        assert result.ok, [str(d) for d in result.diagnostics]


# --------------------------------------------------------------------------
# The property
# --------------------------------------------------------------------------

_YEARS = st.sampled_from([1, 2, 1969, 1970, 1971, 2024, 2026, 2028, 8998, 8999, 9000, 9998, 9999]) | \
    st.integers(1, 9999)
# DST changes of the zones above (Europe 2026-03-29 and 10-25, Santiago 2026-04-05 and 09-06,
# Lord Howe 2026-04-05 and 10-04) and leap days.
_DAYS = st.sampled_from([(3, 29), (10, 25), (4, 5), (9, 6), (10, 4), (2, 29), (12, 31), (1, 1)]) | \
    st.tuples(st.integers(1, 12), st.integers(1, 31))
_OFFSETS = st.sampled_from(["Z", "+00:00", "-00:00", "+23:59", "-23:59", "+14:00", "-12:00",
                            "+05:45", "+01:00", "-01:00"]) | \
    st.builds(lambda sign, h, m: f"{sign}{h:02}:{m:02}", st.sampled_from("+-"),
              st.integers(0, 23), st.integers(0, 59))


@st.composite
def _any_form(draw: st.DrawFn) -> str:
    """Any date and time fields, valid or not: 24:00, second 60, February 30, year 1."""
    year, (month, day) = draw(_YEARS), draw(_DAYS)
    hour = draw(st.sampled_from([0, 23, 24]) | st.integers(0, 24))
    minute, second = draw(st.integers(0, 59)), draw(st.sampled_from([0, 59, 60]) | st.integers(0, 60))
    return _written(draw, year, month, day, hour, minute, second)


@st.composite
def _calendar_time(draw: st.DrawFn) -> str:
    """A real date and time, its year at or near the range's ends most of the time."""
    year = draw(st.sampled_from([1970, 1971, 2024, 2026, 2028, 8998, 8999]) | st.integers(1970, 8999))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
    hour = draw(st.sampled_from([0, 1, 2, 3, 23]) | st.integers(0, 23))
    return _written(draw, year, month, day, hour, draw(st.integers(0, 59)), draw(st.integers(0, 59)))


def _written(draw: st.DrawFn, year: int, month: int, day: int, hour: int, minute: int,
             second: int) -> str:
    fraction = draw(st.sampled_from(["", ".5", ".999999", ".123456789"]))
    sep = draw(st.sampled_from(["T", " "]))
    text = f"{year:04}-{month:02}-{day:02}{sep}{hour:02}:{minute:02}:{second:02}{fraction}" \
        f"{draw(_OFFSETS)}"
    return f'"{text}"' if draw(st.booleans()) else text


timestamps = st.one_of(_any_form(), _calendar_time(), _calendar_time())


def _now(text: str) -> datetime:
    try:
        return read_timestamp(text.strip('"'))
    except TimestampError:
        return NOW


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=timestamps, second=timestamps, zone=st.sampled_from(ZONES),
       now_from=st.sampled_from(["fixed", "first", "second"]))
def test_whatever_validate_accepts_build_builds(first: str, second: str, zone: str,
                                                now_from: str) -> None:
    now = {"fixed": NOW, "first": _now(first), "second": _now(second)}[now_from]
    work = Path(tempfile.mkdtemp(prefix="statusgen-times-"))
    try:
        root = repository(work / "repo", first, first, second, first, zone)
        result = checked(DiskSource(root), now)
        accepted = not any(d.severity is Severity.ERROR for d in result.diagnostics)
        event("accepted" if accepted else "refused")
        built = build(root, work / "site", now)
        assert built.ok == accepted, [str(d) for d in built.diagnostics]
    finally:
        shutil.rmtree(work)


# --------------------------------------------------------------------------
# An alert's start: refused alone, the group's other alerts applied
# --------------------------------------------------------------------------

REVIEWED_START = "9999-12-31T23:59:59-23:59"


def _group(tmp_path: Path, *bad: int) -> Path:
    body = json.loads(fixture("alertmanager-firing.json").read_text(encoding="utf-8"))
    for index in bad:
        body["alerts"][index]["startsAt"] = REVIEWED_START
    path = tmp_path / "alert.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def test_ingest_leaves_out_the_alert_whose_start_cannot_be_shown(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = ingest_repository(tmp_path / "repo")
    run = statusgen(capsys, "ingest", "alertmanager", str(_group(tmp_path, 0)), "--root", str(root),
                    "--now", "2020-02-06T00:30:00Z")
    assert run.code == 0, run.err
    assert run.out.startswith("opened incidents/")
    assert "an alert was left out: `alerts[0].startsAt` is outside the times" in run.err
    assert "Traceback" not in run.err and REVIEWED_START not in run.err
    written = (root / run.out.split()[1]).read_text(encoding="utf-8")
    assert "1 of 1 alerts firing." in written and "left out" in written


def test_ingest_refuses_a_group_whose_every_start_cannot_be_shown(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = ingest_repository(tmp_path / "repo")
    run = statusgen(capsys, "ingest", "alertmanager", str(_group(tmp_path, 0, 1)), "--root",
                    str(root), "--now", "2020-02-06T00:30:00Z")
    assert run.code == 1 and "Traceback" not in run.err
    assert "`alerts[0].startsAt` is outside the times" in run.err
    assert list((root / "incidents").iterdir()) == []


@pytest.mark.parametrize("when", ["9999-12-31T23:30:00Z", "8999-12-31T23:30:00Z",
                                  "0001-01-01T00:30:00+01:00", REVIEWED_START])
def test_import_leaves_out_the_times_it_cannot_show(
        when: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The maintenance's window would end an hour after it starts (no end given): past 8999."""
    page = json.loads(GITHUB.read_text(encoding="utf-8"))
    maintenance = {**page["incidents"][0], "id": "m1", "impact": "maintenance",
                   "scheduled_for": when, "scheduled_until": None, "status": "scheduled"}
    maintenance["incident_updates"] = [{**u, "status": "scheduled"}
                                       for u in maintenance["incident_updates"]]
    page["scheduled_maintenances"] = [maintenance]
    source = tmp_path / "page.json"
    source.write_text(json.dumps(page), encoding="utf-8")
    root = tmp_path / "repo"
    root.mkdir()
    code = main(["import", "statuspage", str(source), "--root", str(root), "--now", NOW.isoformat()])
    output = capsys.readouterr()
    assert code == 0 and "Traceback" not in output.err, output
    assert [d for d in checked(DiskSource(root), NOW).diagnostics
            if d.severity is Severity.ERROR] == []
