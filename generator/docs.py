"""Generated parts of the docs: ``docs/format.md``'s key tables from the schema and its rule
table from the rule registry, and ``docs/cli.md`` from the command-line parser, so none can
drift from the code.

Each table sits between ``<!-- schema:NAME -->`` and ``<!-- /schema:NAME -->``,
where NAME is the schema's name (``page``, ``component``, ``components.yml``,
``incident``, ``update``, ``window``). After changing a :class:`~statusgen.source.schema.Field`,
run ``make docs``.
"""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

from statusgen.rules import rule_table
from statusgen.source.schema import SCHEMAS, markdown_table

FORMAT_DOC = Path(__file__).resolve().parents[1] / "docs" / "format.md"
CLI_DOC = FORMAT_DOC.parent / "cli.md"
HELP_WIDTH = 96


def markers(name: str) -> tuple[str, str]:
    """The comments that open and close the table of the schema called ``name``."""
    return f"<!-- schema:{name} -->", f"<!-- /schema:{name} -->"


def tables() -> dict[str, str]:
    """Every schema's name and its reference table."""
    return {schema.name: markdown_table(schema) for schema in SCHEMAS}


def _block(name: str) -> re.Pattern[str]:
    start, end = markers(name)
    return re.compile(re.escape(start) + r"\n?(.*?)" + re.escape(end), re.DOTALL)


def table_in(text: str, name: str) -> str | None:
    """The text between the markers of ``name``, or ``None`` when they are missing."""
    found = _block(name).search(text)
    return found.group(1) if found else None


RULES_START, RULES_END = "<!-- rules -->", "<!-- /rules -->"


def with_tables(text: str) -> str:
    """``text`` with every table between its markers rewritten from the schema, and the rule
    table from the registry."""
    for name, table in tables().items():
        start, end = markers(name)
        found = _block(name).search(text)
        if not found:
            raise ValueError(f"{start} … {end} is missing; add the two lines where the table goes")
        text = f"{text[:found.start()]}{start}\n{table}{end}{text[found.end():]}"
    first, last = text.find(RULES_START), text.find(RULES_END)
    if first == -1 or last < first:
        raise ValueError(f"{RULES_START} … {RULES_END} is missing; add the two lines where the "
                         "rule table goes")
    return f"{text[:first + len(RULES_START)]}\n{rule_table()}{text[last:]}"


def update_format_doc(path: Path = FORMAT_DOC) -> bool:
    """Rewrite the tables of ``docs/format.md``; ``True`` when the file changed."""
    text = path.read_text(encoding="utf-8")
    updated = with_tables(text)
    if updated == text:
        return False
    path.write_text(updated, encoding="utf-8")
    return True


THEMES_DOC = FORMAT_DOC.parent / "themes.md"
VIEWS_START, VIEWS_END = "<!-- views -->", "<!-- /views -->"


def _documented_fields(tree: ast.Module) -> dict[str, tuple[str, list[tuple[str, str, str]]]]:
    """Each dataclass of a module: its docstring, and each field's name, type and docstring
    (the string literal written under it)."""
    found = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        fields: list[tuple[str, str, str]] = []
        body = node.body
        for index, item in enumerate(body):
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                after = body[index + 1] if index + 1 < len(body) else None
                doc = after.value.value if isinstance(after, ast.Expr) and \
                    isinstance(after.value, ast.Constant) and isinstance(after.value.value, str) else ""
                fields.append((item.target.id, ast.unparse(item.annotation), " ".join(doc.split())))
        doc = " ".join((ast.get_docstring(node) or "").split())
        bases = [b.id for b in node.bases if isinstance(b, ast.Name) and b.id in found]
        if bases:
            doc += f" It has every field of {bases[0]} too."
        found[node.name] = (doc, fields)
    return found


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("``", "`")


def views_reference() -> str:
    """What each template receives and every view's fields, from ``render/views.py``."""
    from statusgen.render import views

    documented = _documented_fields(ast.parse(Path(views.__file__).read_text(encoding="utf-8")))
    lines = ["Generated from `generator/render/views.py` by `make docs`.", ""]
    base = documented["PageContext"]
    lines += ["#### Every template receives", "", "| name | what |", "|---|---|"]
    lines += [f"| `{name}` | {_cell(doc)} |" for name, _, doc in base[1]]
    for template, context in views.CONTEXTS.items():
        if context is views.PageContext:
            continue
        doc, fields = documented[context.__name__]
        lines += ["", f"#### `{template}` also receives", "", "| name | type | what |", "|---|---|---|"]
        lines += [f"| `{name}` | `{_cell(kind)}` | {_cell(text)} |" for name, kind, text in fields]
    shown = [name for name in documented if name not in {c.__name__ for c in views.CONTEXTS.values()}]
    for name in shown:
        doc, fields = documented[name]
        lines += ["", f"#### {name}", "", _cell(doc), "", "| field | type | what |", "|---|---|---|"]
        lines += [f"| `{field}` | `{_cell(kind)}` | {_cell(text)} |" for field, kind, text in fields]
    return "\n".join(lines) + "\n"


def with_views(text: str) -> str:
    """``docs/themes.md`` with its reference rewritten from the views."""
    first, last = text.find(VIEWS_START), text.find(VIEWS_END)
    if first == -1 or last < first:
        raise ValueError(f"{VIEWS_START} … {VIEWS_END} is missing from docs/themes.md")
    return f"{text[:first + len(VIEWS_START)]}\n{views_reference()}{text[last:]}"


def update_themes_doc(path: Path = THEMES_DOC) -> bool:
    """Rewrite ``docs/themes.md``'s reference; ``True`` when the file changed."""
    text = path.read_text(encoding="utf-8")
    updated = with_views(text)
    if updated == text:
        return False
    path.write_text(updated, encoding="utf-8")
    return True


def _help(parser: argparse.ArgumentParser) -> str:
    # A fixed width, so the text does not depend on the terminal that regenerates it.
    parser.formatter_class = lambda prog: argparse.HelpFormatter(prog, width=HELP_WIDTH)
    return parser.format_help().rstrip() + "\n"


def cli_reference() -> str:
    """``docs/cli.md``: every command's ``--help``, as the installed parser prints it."""
    from statusgen.commands.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    parts = [
        "# Command line\n",
        "<!-- Generated from the parser by `make docs`; tests/test_docs.py checks it. -->\n",
        "Every command takes `--root DIR` (the status repository, default: the current folder). "
        "Exit codes: 0 fine, 1 problems found (or a refusal), 2 usage error, 141 the output was "
        "closed early (`| head`), as for a tool a closed pipe stops.\n",
        "```text\n" + _help(parser) + "```\n",
    ]
    for name, sub in commands.choices.items():
        parts.append(f"## statusgen {name}\n")
        parts.append("```text\n" + _help(sub) + "```\n")
    return "\n".join(parts)


def update_cli_doc(path: Path = CLI_DOC) -> bool:
    """Rewrite ``docs/cli.md``; ``True`` when the file changed."""
    text = cli_reference()
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True
