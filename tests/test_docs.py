"""``docs/format.md`` against the code: key tables, rule codes and the examples."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

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


def _constants(node: ast.expr) -> list[str]:
    """The strings an expression can be: a constant, or either branch of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return []


@functools.cache
def source_codes() -> dict[str, set[str]]:
    """Every rule code passed to ``error(…)`` or ``warning(…)`` in ``generator/``, with its severities.

    The code is the second argument: a string, or a name assigned strings in the same
    function (``code = "theme" if … else "output"``).
    """
    codes: dict[str, set[str]] = {}
    for path in sorted((REPO_ROOT / "generator").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))]:
            names: dict[str, list[str]] = {}
            for node in ast.walk(function):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            names.setdefault(target.id, []).extend(_constants(node.value))
            for node in ast.walk(function):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id in ("error", "warning") and len(node.args) >= 2):
                    arg = node.args[1]
                    found = names.get(arg.id, []) if isinstance(arg, ast.Name) else _constants(arg)
                    for code in found:
                        codes.setdefault(code, set()).add(node.func.id)
    return codes


def rule_table() -> dict[str, str]:
    """``code`` → ``severity`` from the table between ``<!-- rules -->`` and ``<!-- /rules -->``."""
    found = re.search(r"<!-- rules -->\n(.*?)<!-- /rules -->", DOC, re.DOTALL)
    assert found, "docs/format.md has no <!-- rules --> … <!-- /rules --> table"
    rows = {}
    for line in found.group(1).splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert len(cells) == 4, line
        code = cells[0].strip("`")
        assert code not in rows, f"{code} is twice in the rule table"
        rows[code] = cells[1]
    return rows


def test_the_source_scan_finds_the_rules() -> None:
    codes = source_codes()
    assert codes["stale-open"] == {"warning"}
    assert codes["order"] == {"error"}
    assert len(codes) >= 35


def test_every_rule_code_is_documented_with_its_severity() -> None:
    documented = rule_table()
    for code, severities in sorted(source_codes().items()):
        assert code in documented, f"rule `{code}` is not in the rule table of docs/format.md"
        assert {documented[code]} == severities, f"`{code}` is {severities} in the code"


def test_the_rule_table_has_no_stale_codes() -> None:
    assert set(rule_table()) <= set(source_codes())


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, re.DOTALL)


def test_the_components_example_is_the_repository_one() -> None:
    assert _blocks("yaml")[0] == (REPO_ROOT / "components.yml").read_text(encoding="utf-8")


def test_the_examples_validate(status_repo: StatusRepo) -> None:
    incident, maintenance = _blocks("markdown")
    root = status_repo({
        "components.yml": _blocks("yaml")[0],
        "incidents/2026-11-22-api-latency.md": incident,
        "incidents/2026-11-20-postgres-17-upgrade.md": maintenance,
        "incidents/2026-11-22-api-latency.png": b"\x89PNG\r\n\x1a\n",
    })
    assert validate(root) == []


def test_the_incident_example_has_every_incident_key() -> None:
    incident, maintenance = _blocks("markdown")
    for schema in SCHEMAS:
        if schema.name in ("incident", "update"):
            for field in schema.fields:
                if field.name != "window":
                    assert re.search(rf"^\s*(- )?{field.name}:", incident, re.MULTILINE), field.name
    assert "window:" in maintenance


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
               "build": ("pipeline.py", "render/", "output/", "serve/")}


def test_each_rule_is_reported_by_the_stage_the_registry_names() -> None:
    from statusgen.check.registry import BY_CODE

    for path in sorted((REPO_ROOT / "generator").rglob("*.py")):
        room = path.relative_to(REPO_ROOT / "generator").as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("error", "warning") and len(node.args) >= 2):
                for code in _constants(node.args[1]):
                    stages = BY_CODE[code].stages
                    rooms = tuple(r for stage in stages for r in STAGE_ROOMS[stage])
                    assert room.startswith(rooms), f"`{code}` ({stages}) is reported in {room}"


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
