"""Every command that writes incident files, given hostile input, leaves a repository that
validates: it writes and ``validate`` then passes, or it writes nothing and exits 1 with a
located error.  Whatever the repository holds: no ``incidents/`` folder yet, no
``components.yml``, or another file that the new one would break.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from statusgen.commands.cli import main
from statusgen.diagnostics import Severity
from statusgen.pipeline import run_checks
from tests.helpers import COMPONENTS, NOW, dedent, tree
from tests.hostile import MARKDOWN
from tests.importers.support import GITHUB as GITHUB_SUMMARY
from tests.ingest.support import RULES, fixture
from tests.test_hostile import NOW_ARG

HOSTILE = "[x](javascript:alert(1))"
"""The review's reproducer: a link that runs code, refused by validation."""

Writer = Callable[[Path, Path, str], list[str]]
"""The arguments of one writing command: the repository, a scratch folder, the hostile text."""


def _new(root: Path, _: Path, text: str) -> list[str]:
    return ["new", "Errors", "--impact", "minor", "--message", text]


def _from_json(root: Path, scratch: Path, text: str) -> list[str]:
    request = scratch / "request.json"
    request.write_text(json.dumps({"title": "Errors", "status": "major", "description": text}),
                       encoding="utf-8")
    return ["new", "--from-json", str(request)]


def _maintenance(root: Path, _: Path, text: str) -> list[str]:
    return ["maintenance", "Upgrade", "--start", "2026-12-01T02:00:00Z", "--end",
            "2026-12-01T04:00:00Z", "--component", "db", "--message", text]


def _import(root: Path, scratch: Path, text: str) -> list[str]:
    page = json.loads(GITHUB_SUMMARY.read_text(encoding="utf-8"))
    page["incidents"][0]["postmortem_body"] = text
    page["incidents"][0]["incident_updates"][0]["body"] = text
    source = scratch / "statuspage.json"
    source.write_text(json.dumps(page), encoding="utf-8")
    return ["import", "statuspage", str(source)]


def _ingest(root: Path, scratch: Path, text: str) -> list[str]:
    body = json.loads(fixture("alertmanager-firing.json").read_text(encoding="utf-8"))
    body["alerts"][0]["annotations"]["description"] = text
    payload = scratch / "alert.json"
    payload.write_text(json.dumps(body), encoding="utf-8")
    return ["ingest", "alertmanager", str(payload)]


WRITERS: dict[str, Writer] = {"new": _new, "new --from-json": _from_json,
                              "maintenance": _maintenance, "import": _import, "ingest": _ingest}


def _errors(root: Path) -> list[str]:
    return [str(d) for d in run_checks(root, NOW).diagnostics if d.severity is Severity.ERROR]


def _run(root: Path, scratch: Path, writer: Writer, text: str,
         capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main([*writer(root, scratch, text), "--root", str(root), "--now", NOW_ARG])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize("text", [HOSTILE, *MARKDOWN[:6]], ids=range(7))
@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_writer_in_a_repository_without_incidents_leaves_it_valid(
        name: str, text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "components.yml").write_text(COMPONENTS + "\n" + dedent(RULES), encoding="utf-8")
    before = tree(root)
    code, output = _run(root, tmp_path, WRITERS[name], text, capsys)
    assert "Traceback" not in output
    if code == 0:
        assert _errors(root) == [], output
    else:
        assert code == 1, output
        assert ": error: " in output and "nothing" in output, output
        assert tree(root) == before


def test_the_reviewed_message_is_refused_without_incidents(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "components.yml").write_text(COMPONENTS, encoding="utf-8")
    code, output = _run(tmp_path, tmp_path, _new, HOSTILE, capsys)
    assert code == 1
    assert "incidents/2026-11-22-errors.md:" in output and "[link]" in output
    assert not (tmp_path / "incidents").exists()


@pytest.mark.parametrize("name", ["new", "new --from-json", "maintenance", "ingest"])
def test_a_writer_without_components_yml_writes_nothing(
        name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, output = _run(tmp_path, tmp_path, WRITERS[name], "Fine words.", capsys)
    assert code == 1, output
    assert "components.yml:1:1: error:" in output and "Traceback" not in output
    assert list(tmp_path.rglob("*.md")) == []


def test_an_edit_that_breaks_another_file_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The duplicate is reported at the later file, which is not the one written."""
    config = COMPONENTS + "incident_fields:\n  reference: {prefix: INC-}\n"
    (tmp_path / "components.yml").write_text(config, encoding="utf-8")
    later = (tmp_path / "incidents" / "2026-11-22-later.md")
    later.parent.mkdir()
    later.write_text("---\ntitle: Later\nimpact: minor\nreference: INC-7\nupdates:\n"
                     "  - at: 2026-11-22T08:00:00Z\n    status: investigating\n"
                     "    message: m\n---\n", encoding="utf-8")
    assert _errors(tmp_path) == []
    code, output = main(["new", "Earlier", "--impact", "minor", "--message", "m", "--at",
                         "2026-11-21T08:00:00Z", "--reference", "INC-7", "--root",
                         str(tmp_path), "--now", NOW_ARG]), capsys.readouterr()
    assert code == 1, output
    assert sorted(p.name for p in later.parent.iterdir()) == ["2026-11-22-later.md"]


def test_init_writes_nothing_over_incidents_its_components_do_not_fit(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "incidents").mkdir()
    (tmp_path / "incidents" / "2026-11-22-old.md").write_text(
        "---\ntitle: Old\nimpact: minor\ncomponents: {billing: major_outage}\nupdates:\n"
        "  - at: 2026-11-22T08:00:00Z\n    status: investigating\n    message: m\n---\n",
        encoding="utf-8")
    before = tree(tmp_path)
    code = main(["init", str(tmp_path), "--no-git"])
    output = capsys.readouterr().err
    assert code == 1, output
    assert "incidents/2026-11-22-old.md:4:" in output and "nothing" in output
    assert tree(tmp_path) == before
