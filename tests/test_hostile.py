"""Hostile input through every text field into every output format.

Each corpus string (``tests/hostile.py``) goes into the page's settings, a component,
an incident's title, its messages and its body; the repository is then built through
the command line.  Either the build refuses it with located errors (exit 1, no
traceback, no site), or every file it writes passes the format checks: nothing that
runs, nothing unsafe in a link, every document well-formed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from statusgen.commands.cli import main
from tests.conftest import StatusRepo
from tests.helpers import NOW, tree
from tests.hostile import MARKDOWN, TEXT, URLS, output_problems

NOW_ARG = NOW.isoformat()


def quoted(value: str) -> str:
    """``value`` as a YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(value, ensure_ascii=True)


def components(title: str = "Hostile Status", name: str = "API", description: str = "d",
               url: str = "https://status.example.com/") -> str:
    return (f"page:\n  title: {quoted(title)}\n  url: {quoted(url)}\n  description: {quoted(description)}\n"
            f"components:\n  - id: api\n    name: {quoted(name)}\n    description: {quoted(description)}\n"
            "  - id: platform\n    name: Platform\n    components:\n"
            f"      - id: db\n        name: {quoted(name)}\n")


def entry(title: str = "Errors", message: str = "We are looking.", body: str = "") -> str:
    return (f"---\ntitle: {quoted(title)}\nimpact: major\ncomponents:\n  api: major_outage\n"
            f"updates:\n  - at: 2026-11-22T08:30:00Z\n    status: identified\n"
            f"    message: {quoted(message)}\n  - at: 2026-11-22T08:00:00Z\n    status: investigating\n"
            f"    message: {quoted(message)}\n---\n{body}\n")


def maintenance(title: str, message: str) -> str:
    return (f"---\nkind: maintenance\ntitle: {quoted(title)}\nwindow: {{start: 2026-11-22T07:00:00Z, "
            f"end: 2026-11-22T12:00:00Z}}\ncomponents: [db]\nupdates:\n  - at: 2026-11-20T08:00:00Z\n"
            f"    status: scheduled\n    message: {quoted(message)}\n---\n")


def build(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["build", "--root", str(root), "--now", NOW_ARG, "--no-cache", *extra])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def assert_clean_outcome(root: Path, code: int, output: str) -> None:
    assert "Traceback" not in output
    if code == 0:
        problems = list(output_problems(tree(root / "site")))
        assert problems == [], problems[:5]
    else:
        assert code == 1, output
        assert ": error: " in output, output
        assert not (root / "site").exists()
        # Printed diagnostics hold no raw control character (terminal escapes included).
        assert not any(ord(c) < 32 and c not in "\n" for c in output), repr(output)


@pytest.mark.parametrize("text", TEXT, ids=range(len(TEXT)))
def test_text_fields(text: str, status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({
        "components.yml": components(title=text, name=text, description=text),
        "incidents/2026-11-22-a.md": entry(title=text),
        "incidents/2026-11-20-m.md": maintenance(text, "Planned."),
    })
    code, output = build(root, capsys)
    assert_clean_outcome(root, code, output)


FIELDS = """\
incident_fields:
  roles: [lead]
  custom:
    - {id: summary, type: text, public: true}
    - {id: notes, type: text, public: false}
    - {id: region, type: multi_select, options: [eu], public: true}
"""


@pytest.mark.parametrize("text", TEXT, ids=range(len(TEXT)))
def test_metadata_fields(text: str, status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]) -> None:
    """Hostile people and field values, public and private, in the public and internal builds
    and their reports."""
    metadata = (f"roles: {{lead: {quoted(text)}}}\nfields: {{summary: {quoted(text)}, notes: {quoted(text)}, "
                "region: [eu]}\n")
    root = status_repo({
        "components.yml": components(title=text, name=text) + FIELDS,
        "incidents/2026-11-22-a.md": entry(title=text).replace("updates:", metadata + "updates:", 1),
    })
    code, output = build(root, capsys)
    assert_clean_outcome(root, code, output)
    if code == 0:
        code, output = build(root, capsys, "--internal", "--out", str(root / "site"))
        assert_clean_outcome(root, code, output)


@pytest.mark.parametrize("markdown", MARKDOWN + TEXT, ids=range(len(MARKDOWN + TEXT)))
def test_markdown_fields(markdown: str, status_repo: StatusRepo,
                         capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({
        "incidents/2026-11-22-a.md": entry(message=markdown, body=markdown),
        "incidents/2026-11-20-m.md": maintenance("Upgrade", markdown),
    })
    code, output = build(root, capsys)
    assert_clean_outcome(root, code, output)
    code, output = build(root, capsys, "--internal", "--out", str(root / "site"))
    assert_clean_outcome(root, code, output)


@pytest.mark.parametrize("url", URLS, ids=range(len(URLS)))
def test_page_url_is_data_not_markup(url: str, status_repo: StatusRepo,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({"components.yml": components(url=url)})
    code, output = build(root, capsys)
    assert code == 1
    assert "components.yml:3:8: error:" in output and "[page-url]" in output
    assert "Traceback" not in output and not (root / "site").exists()


def test_a_folded_title_loses_its_line_break(status_repo: StatusRepo,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    config = components().replace('title: "Hostile Status"', "title: >\n    Acme\n    Status")
    root = status_repo({"components.yml": config, "incidents/2026-11-20-m.md": maintenance("M", "m")})
    code, output = build(root, capsys)
    assert code == 0, output
    calendar = (root / "site" / "maintenance.ics").read_bytes()
    assert b"X-WR-CALNAME:Acme Status: maintenance\r\n" in calendar
    assert "<title>Acme Status" in (root / "site" / "index.html").read_text(encoding="utf-8")


def test_a_literal_title_with_a_line_break_is_refused(status_repo: StatusRepo,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    config = components().replace('title: "Hostile Status"', "title: |\n    Acme\n    Status")
    root = status_repo({"components.yml": config})
    code, output = build(root, capsys)
    assert code == 1
    assert "components.yml:2:10: error: this is one line of text" in output


def test_file_names_with_terminal_escapes_are_printed_escaped(status_repo: StatusRepo,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({"incidents/\x1b[2J\x1b[31mEvil.md": entry()})
    code, output = build(root, capsys)
    assert code == 1
    assert "\x1b" not in output
    assert "incidents/\\x1b[2J\\x1b[31mEvil.md:1:1: error:" in output
