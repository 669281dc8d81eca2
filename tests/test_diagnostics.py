"""Diagnostics: ordering, --strict, the summary line and the three output formats."""

from __future__ import annotations

import json

from statusgen import rules
from statusgen.diagnostics import (
    FORMATS,
    Location,
    Severity,
    format_github,
    format_json,
    format_text,
    has_errors,
    sort_diagnostics,
    strictly,
    summary,
    with_article,
)

LATE = rules.STALE_OPEN.at(Location("incidents/b.md", 8, 13), "open for 15 days")
EARLY = rules.ORDER.at(Location("incidents/a.md", 12, 3), "updates are not newest first")
FIRST = rules.TYPE.at(Location("incidents/a.md", 2, 8), "expected text")


def test_location_prints_as_path_line_column() -> None:
    assert str(Location("components.yml", 3, 8)) == "components.yml:3:8"
    assert str(Location("components.yml")) == "components.yml:1:1"


def test_sort_orders_by_file_line_column_and_drops_duplicates() -> None:
    assert sort_diagnostics([LATE, EARLY, FIRST, EARLY]) == [FIRST, EARLY, LATE]
    # Line 10 after line 9: numbers, not text.
    nine, ten = (rules.TYPE.at(Location("a", n, 1), "m") for n in (9, 10))
    assert sort_diagnostics([ten, nine]) == [nine, ten]


def test_strictly_turns_warnings_into_errors() -> None:
    strict = strictly([LATE, EARLY])
    assert [d.severity for d in strict] == [Severity.ERROR, Severity.ERROR]
    assert [(d.location, d.code, d.message) for d in strict] == [
        (LATE.location, LATE.code, LATE.message), (EARLY.location, EARLY.code, EARLY.message)]


def test_has_errors() -> None:
    assert has_errors([LATE, EARLY])
    assert not has_errors([LATE])
    assert not has_errors([])


def test_summary() -> None:
    assert summary([], 1) == "0 errors, 0 warnings in 1 file"
    assert summary([EARLY, LATE], 12) == "1 error, 1 warning in 12 files"
    assert summary([EARLY, FIRST, LATE, LATE], 3) == "2 errors, 2 warnings in 3 files"


def test_text_format() -> None:
    assert format_text([LATE, EARLY]) == (
        "incidents/a.md:12:3: error: updates are not newest first [order]\n"
        "incidents/b.md:8:13: warning: open for 15 days [stale-open]\n"
    )
    assert format_text([]) == ""


def test_github_format() -> None:
    assert format_github([EARLY]) == (
        "::error file=incidents/a.md,line=12,col=3,title=statusgen order::updates are not newest first\n"
    )
    assert format_github([LATE]).startswith("::warning file=incidents/b.md,line=8,col=13,")


def test_github_format_escapes_workflow_command_syntax() -> None:
    tricky = rules.TYPE.at(Location("in,cidents/a:b.md", 1, 1), "50% done\nnext line\r")
    assert format_github([tricky]) == (
        "::error file=in%2Ccidents/a%3Ab.md,line=1,col=1,title=statusgen type::50%25 done%0Anext line%0D\n"
    )


def test_json_format() -> None:
    data = json.loads(format_json([LATE, EARLY]))
    assert data == [
        {"path": "incidents/a.md", "line": 12, "column": 3, "severity": "error", "code": "order",
         "message": "updates are not newest first"},
        {"path": "incidents/b.md", "line": 8, "column": 13, "severity": "warning", "code": "stale-open",
         "message": "open for 15 days"},
    ]
    assert json.loads(format_json([])) == []
    assert "é" in format_json([rules.TYPE.at(Location("a"), "café")])


def test_outputs_survive_lone_surrogates() -> None:
    # A double-quoted YAML value may spell one: "\ud800".
    odd = rules.CHOICE.at(Location("a.md"), "`\ud800` is not one of none, minor")
    for name, fmt in FORMATS.items():
        out = fmt([odd])
        out.encode("utf-8")
        assert "\\ud800" in out, name
    assert json.loads(format_json([odd]))[0]["message"] == "`\ud800` is not one of none, minor"


def test_formats_are_named() -> None:
    assert sorted(FORMATS) == ["github", "json", "text"]


def test_messages_put_the_article_their_noun_takes() -> None:
    assert [with_article(w) for w in ("incident", "maintenance", "Alertmanager payload",
                                      "Uptime Kuma payload", "text field")] == [
        "an incident", "a maintenance", "an Alertmanager payload", "an Uptime Kuma payload",
        "a text field"]
