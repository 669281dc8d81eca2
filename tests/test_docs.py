"""``docs/format.md`` against the code: key tables, rule codes and the examples."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

from statusgen import rules
from statusgen.diagnostics import Rule
from statusgen.docs import FORMAT_DOC, markers, table_in, tables, update_format_doc, with_tables
from statusgen.source.schema import SCHEMAS, markdown_table
from tests.conftest import StatusRepo
from tests.helpers import REPO_ROOT, validate

REGENERATE = "run `make docs`"
DOC = FORMAT_DOC.read_text(encoding="utf-8")


def test_the_doc_is_the_one_in_the_repository() -> None:
    assert FORMAT_DOC == REPO_ROOT / "docs" / "format.md"


@pytest.mark.parametrize("schema", SCHEMAS, ids=[s.name for s in SCHEMAS])
def test_key_table_matches_the_schema(schema: object) -> None:
    name = schema.name  # type: ignore[attr-defined]
    start, end = markers(name)
    found = table_in(DOC, name)
    assert found is not None, f"docs/format.md has no {start} … {end}; add them, then {REGENERATE}"
    assert found == markdown_table(schema), (  # type: ignore[arg-type]
        f"the `{name}` table in docs/format.md is out of date; {REGENERATE}")


def test_tables_are_up_to_date() -> None:
    assert with_tables(DOC) == DOC, f"docs/format.md is out of date; {REGENERATE}"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, re.DOTALL)


def test_the_components_example_is_the_repository_one() -> None:
    assert _blocks("yaml")[0] == (REPO_ROOT / "components.yml").read_text(encoding="utf-8")


def test_the_examples_validate(status_repo: StatusRepo) -> None:
    incident, maintenance, recurring = _blocks("markdown")
    root = status_repo({
        "components.yml": _blocks("yaml")[0],
        "incidents/2026-11-22-api-latency.md": incident,
        "incidents/2026-11-20-postgres-17-upgrade.md": maintenance,
        "incidents/2026-10-06-queue-patching.md": recurring,
        "incidents/2026-11-22-api-latency.png": b"\x89PNG\r\n\x1a\n",
    })
    assert validate(root) == []


MAINTENANCE_KEYS = {"window", "repeat", "except", "occurrence"}
AUDIENCE_KEYS = {"audiences"}
"""Shown in the audience section: the example incident stays public."""


def test_the_incident_example_has_every_incident_key() -> None:
    incident, maintenance, recurring = _blocks("markdown")
    for schema in SCHEMAS:
        if schema.name in ("incident", "update"):
            for field in schema.fields:
                if field.name not in MAINTENANCE_KEYS | AUDIENCE_KEYS:
                    assert re.search(rf"^\s*(- )?{field.name}:", incident, re.MULTILINE), field.name
    assert "window:" in maintenance
    assert "\naudiences: [acme-corp]\n" in DOC
    for key in MAINTENANCE_KEYS:
        assert re.search(rf"^\s*(- )?{key}:", recurring, re.MULTILINE), key


def test_update_format_doc_rewrites_only_the_tables(tmp_path: Path) -> None:
    copy = tmp_path / "format.md"
    copy.write_text(DOC, encoding="utf-8")
    assert update_format_doc(copy) is False
    stale = DOC.replace(markdown_table(SCHEMAS[0]), "| old |\n")
    copy.write_text(stale, encoding="utf-8")
    assert update_format_doc(copy) is True
    assert copy.read_text(encoding="utf-8") == DOC


def test_missing_markers_are_reported(tmp_path: Path) -> None:
    copy = tmp_path / "format.md"
    copy.write_text("# no tables\n", encoding="utf-8")
    with pytest.raises(ValueError, match="<!-- schema:page -->"):
        update_format_doc(copy)


def test_tables_come_from_every_schema() -> None:
    assert list(tables()) == [s.name for s in SCHEMAS]


def test_cli_doc_is_the_parser_help() -> None:
    from statusgen.docs import CLI_DOC, cli_reference

    assert CLI_DOC.read_text(encoding="utf-8") == cli_reference(), (
        f"docs/cli.md is out of date; {REGENERATE}")
    for command in ("validate", "build", "new", "update", "resolve", "maintenance", "serve",
                    "diff", "init"):
        assert f"## statusgen {command}\n" in cli_reference()


STAGE_ROOMS = {"read": ("source/",), "check": ("check/",),
               "build": ("pipeline.py", "render/", "output/", "serve/", "upstream/")}


@functools.cache
def reported() -> dict[str, set[str]]:
    """Each rule constant named in ``generator/`` (``rules.ORDER``) with the files naming it.

    The names themselves are checked by mypy and ruff; this only finds where they are used.
    """
    found: dict[str, set[str]] = {}
    for path in sorted((REPO_ROOT / "generator").rglob("*.py")):
        room = path.relative_to(REPO_ROOT / "generator").as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id == "rules"):
                found.setdefault(node.attr, set()).add(room)
    return found


def test_the_scan_finds_the_rules() -> None:
    assert reported()["STALE_OPEN"] == {"check/lifecycle.py"}
    assert len(reported()) >= 50


def test_every_rule_is_reported_somewhere() -> None:
    named = {name for name, value in vars(rules).items() if isinstance(value, Rule)}
    assert named - set(reported()) == set()
    assert {r.code for r in rules.RULES} == set(rules.BY_CODE)


def test_each_rule_is_reported_by_the_stage_the_registry_names() -> None:
    for name, rooms_found in sorted(reported().items()):
        stages = getattr(rules, name).stages
        allowed = tuple(r for stage in stages for r in STAGE_ROOMS[stage])
        for room in rooms_found:
            assert room.startswith(allowed), f"`{name}` ({stages}) is reported in {room}"


def test_the_rule_table_is_the_registry() -> None:
    found = re.search(r"<!-- rules -->\n(.*?)<!-- /rules -->", DOC, re.DOTALL)
    assert found, "docs/format.md has no <!-- rules --> … <!-- /rules --> table"
    assert found.group(1) == rules.rule_table(), f"the rule table is out of date; {REGENERATE}"


def test_the_themes_reference_is_generated_from_the_views() -> None:
    from statusgen.docs import THEMES_DOC, with_views

    text = THEMES_DOC.read_text(encoding="utf-8")
    assert with_views(text) == text, f"docs/themes.md is out of date; {REGENERATE}"
    from statusgen.render import views

    for template in views.CONTEXTS:
        assert f"`{template}`" in text


def test_every_view_field_is_documented() -> None:
    import ast as syntax

    from statusgen.docs import _documented_fields
    from statusgen.render import views

    documented = _documented_fields(syntax.parse(Path(views.__file__).read_text(encoding="utf-8")))
    missing = [f"{cls}.{name}" for cls, (_, fields) in documented.items()
               for name, _, doc in fields if not doc]
    assert missing == []
