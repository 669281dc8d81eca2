"""``statusgen ack``: who took ownership, written once, between the start and the end, never
on a maintenance; every refusal located in the file, and nothing written."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

import pytest

from statusgen.commands.cli import main
from statusgen.source.parse import parse_incident
from tests.helpers import INCIDENT, MAINTENANCE, tree, validate

StatusRepo = Callable[[Mapping[str, str | bytes]], Path]
Capsys = pytest.CaptureFixture[str]
NOW = "2026-11-22T09:00:00Z"
FILE = "incidents/2026-11-22-api.md"


def ack(capsys: Capsys, root: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["ack", *args, "--root", str(root), "--now", NOW])
    out, err = capsys.readouterr()
    return code, out, err


def test_ack_writes_who_and_when_and_keeps_every_other_byte(status_repo: StatusRepo,
                                                            capsys: Capsys) -> None:
    root = status_repo({FILE: INCIDENT})
    code, out, err = ack(capsys, root, "2026-11-22-api", "--by", "Dana Ruiz: on call",
                         "--at", "2026-11-22T08:05:00Z")
    assert (code, out, err) == (0, f"{FILE}\n", "")
    written = (root / FILE).read_text(encoding="utf-8")
    assert written == INCIDENT.replace(
        "updates:\n", 'acknowledged:\n  at: 2026-11-22T08:05:00Z\n  by: "Dana Ruiz: on call"\n'
        "updates:\n")
    incident, _ = parse_incident(FILE, written.encode("utf-8"))
    assert incident is not None and incident.acknowledged is not None
    assert (incident.acknowledged.by, incident.acknowledged.at) == \
        ("Dana Ruiz: on call", datetime(2026, 11, 22, 8, 5, tzinfo=UTC))
    assert validate(root) == []


def test_ack_without_a_name_or_a_time_is_now(status_repo: StatusRepo, capsys: Capsys) -> None:
    root = status_repo({FILE: INCIDENT})
    assert ack(capsys, root, "2026-11-22-api")[0] == 0
    assert "acknowledged:\n  at: 2026-11-22T09:00:00Z\nupdates:" in (root / FILE).read_text()


RESOLVED = INCIDENT.replace("updates:\n", "updates:\n  - at: 2026-11-22T08:30:00Z\n"
                            "    status: resolved\n    message: Fixed.\n")


@pytest.mark.parametrize(("files", "args", "where", "words"), [
    ({FILE: INCIDENT}, ["--at", "2026-11-22T07:59:00Z"], f"{FILE}:7:9:",
     "is before the incident started"),
    ({FILE: RESOLVED}, [], f"{FILE}:8:13:", "already resolved at 2026-11-22T08:30:00Z"),
    ({FILE: INCIDENT.replace("updates:", "acknowledged: {at: 2026-11-22T08:01:00Z, by: Sam}\n"
                             "updates:")}, ["--by", "Dana"], f"{FILE}:6:20:",
     "already acknowledged at 2026-11-22T08:01:00Z by Sam; an incident is acknowledged once"),
    ({"incidents/2026-11-22-api.md": MAINTENANCE}, [], f"{FILE}:2:7:",
     "a maintenance is planned work"),
])
def test_refusals_are_located_and_write_nothing(status_repo: StatusRepo, capsys: Capsys,
                                                files: dict[str, str], args: list[str], where: str,
                                                words: str) -> None:
    root = status_repo(files)
    before = tree(root)
    code, out, err = ack(capsys, root, "2026-11-22-api", *args)
    assert (code, out) == (1, "")
    assert f"{where} error: " in err and words in err and "[acknowledged]" in err
    assert "nothing was written" in err and "Traceback" not in err
    assert tree(root) == before


def test_a_resolved_incident_may_be_acknowledged_before_its_end(status_repo: StatusRepo,
                                                                capsys: Capsys) -> None:
    root = status_repo({FILE: RESOLVED})
    assert ack(capsys, root, "2026-11-22-api", "--at", "2026-11-22T08:10:00Z")[0] == 0
    assert validate(root) == []


@pytest.mark.parametrize(("args", "words"), [
    (["--by", "  "], "--by is empty"),
    (["--at", "2026-11-22T10:00:00Z"], "that is in the future"),
    (["--at", "yesterday"], "--at"),
])
def test_bad_arguments_are_usage_errors(status_repo: StatusRepo, capsys: Capsys, args: list[str],
                                        words: str) -> None:
    root = status_repo({FILE: INCIDENT})
    code, out, err = ack(capsys, root, "2026-11-22-api", *args)
    assert (code, out) == (2, "") and words in err


def test_a_written_acknowledgement_out_of_the_lifecycle_is_located(status_repo: StatusRepo) -> None:
    late = RESOLVED.replace("updates:", "acknowledged: {at: 2026-11-22T08:40:00Z}\nupdates:")
    early = INCIDENT.replace("updates:", "acknowledged: {at: 2026-11-22T07:00:00Z}\nupdates:")
    on_maintenance = MAINTENANCE.replace("updates:", "acknowledged: {at: 2026-11-22T07:00:00Z}\n"
                                         "updates:")
    root = status_repo({"incidents/late.md": late, "incidents/early.md": early,
                        "incidents/planned.md": on_maintenance})
    found = sorted((d.location.path, d.location.line, d.code, d.message.split(",")[0])
                   for d in validate(root))
    assert found == [
        ("incidents/early.md", 6, "acknowledged", "acknowledged at 2026-11-22T07:00:00Z"),
        ("incidents/late.md", 6, "acknowledged", "acknowledged at 2026-11-22T08:40:00Z"),
        ("incidents/planned.md", 8, "acknowledged", "a maintenance is planned work"),
    ]
