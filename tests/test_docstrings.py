"""Docstrings name only what exists: every ``:func:`statusgen.…``` and its kin resolves."""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator

from tests.helpers import REPO_ROOT

PACKAGE = REPO_ROOT / "generator"
# Sphinx's roles; ``~`` only shortens how the name is shown.
REFERENCE = re.compile(r":(?:mod|func|class|meth|data|attr|exc):`~?(statusgen(?:\.\w+)*)`")
DOCUMENTED = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def references() -> Iterator[tuple[str, str]]:
    """``(file:line, name)`` for every reference to the package in a docstring."""
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, DOCUMENTED) and (doc := ast.get_docstring(node, clean=False)):
                line = getattr(node, "lineno", 1)
                for name in REFERENCE.findall(doc):
                    yield f"{path.relative_to(REPO_ROOT)}:{line}", name


def resolves(name: str) -> bool:
    """Whether ``name`` is a module of the package, or an attribute path inside one."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(found, attribute):
                return False
            found = getattr(found, attribute)
        return True
    return False


def test_the_scan_finds_references() -> None:
    names = {name for _, name in references()}
    assert "statusgen.output.write.SiteUpdater" in names
    assert len(names) >= 8


def test_every_reference_in_a_docstring_resolves() -> None:
    broken = [f"{where}: {name}" for where, name in references() if not resolves(name)]
    assert broken == []


def test_a_missing_name_does_not_resolve() -> None:
    assert resolves("statusgen.source.schema.Field")
    assert not resolves("statusgen.schema.Field")
    assert not resolves("statusgen.source.schema.Nothing")
