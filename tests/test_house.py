"""The package's shape: no import cycle, and every room imports only the rooms below it.

The pipeline reads top to bottom: commands → (relay → ingest, serve, importers) →
pipeline → (incremental, authoring, notify) → output → render → compute → check → source
→ model.  A module may import its own room and the rooms its row allows; an import
anywhere else is a step back up the pipeline, which this test names with the module and the line.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from collections.abc import Iterator
from pathlib import Path

from tests.helpers import REPO_ROOT

PACKAGE = REPO_ROOT / "generator"
BASE = {"model", "rules", "languages", "prose", "diagnostics", "steps", "__init__"}
ALLOWED: dict[str, set[str]] = {
    "model": {"diagnostics", "languages", "prose"},
    "prose": set(),
    "rules": {"diagnostics"},
    "languages": set(),
    "diagnostics": set(),
    "steps": set(),
    # Outgoing HTTP (urllib3): below everything that talks to the network, so importers,
    # notify, relay and commands (which fetch for the rooms that must not) share one client.
    "net": set(),
    "source": BASE,
    "check": BASE | {"source"},
    "compute": BASE | {"source"},
    # Of compute, render reads only the computed views (see ``test_render_only_reads``).
    "render": BASE | {"source", "compute"},
    "output": BASE,
    "incremental": BASE | {"source", "output", "render"},
    "authoring": BASE | {"source"},
    "pipeline": BASE | {"source", "check", "compute", "render", "output", "incremental"},
    "notify": BASE | {"source", "check", "compute", "render", "output", "net"},
    "serve": BASE | {"source", "render", "output", "incremental", "pipeline"},
    "importers": BASE | {"source", "authoring", "output", "pipeline", "net"},
    # The create-incident API answers with the incident's public URL, which render's paths name.
    "ingest": BASE | {"source", "authoring", "output", "pipeline", "render"},
    "relay": BASE | {"authoring", "output", "ingest", "serve", "net"},
    # The subscriptions service: mails in notify's shapes and the page's words, to readers'
    # addresses and webhooks through the one HTTP client.
    "subscriptions": BASE | {"source", "render", "notify", "net"},
    # The statusgen a status repository installs: the running package as a wheel, and the
    # pins of what it needs. It finds the default theme where rendering does, and asks
    # an index for its release files' hashes through the one HTTP client.
    "wrapper": BASE | {"render", "net"},
    # Upstream components' statuses, fetched before compute like files are read: a load-side
    # step that needs the network, which source must not; commands hand its readings to the
    # pipeline as data.
    "upstream": BASE | {"source", "output", "net"},
    "commands": BASE | {"source", "check", "compute", "render", "output", "incremental",
                        "authoring", "pipeline", "serve", "importers", "notify", "ingest",
                        "relay", "net", "wrapper", "upstream", "subscriptions"},
    "__main__": {"commands"},
    "docs": BASE | {"source", "check", "render", "commands"},
    "__init__": set(),
}


def module_name(path: Path) -> str:
    # The folder is generator/; the package it installs as is statusgen.
    parts = ["statusgen", *path.relative_to(PACKAGE).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(path: Path) -> Iterator[tuple[str, int]]:
    """Every module of the package ``path`` imports (at any depth), with the line."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("statusgen"):
            if node.module == "statusgen":
                for alias in node.names:
                    candidate = f"statusgen.{alias.name}"
                    yield (candidate if (PACKAGE / alias.name).exists() or
                           (PACKAGE / f"{alias.name}.py").exists() else "statusgen"), node.lineno
            else:
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    inside = PACKAGE.joinpath(*sub.split(".")[1:])
                    is_module = inside.with_suffix(".py").exists() or inside.is_dir()
                    yield (sub if is_module else node.module), node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("statusgen"):
                    yield alias.name, node.lineno


def graph() -> dict[str, list[tuple[str, int]]]:
    return {module_name(p): list(imports(p)) for p in sorted(PACKAGE.rglob("*.py"))}


def test_no_import_cycle() -> None:
    edges = {m: {target for target, _ in found if target != m} for m, found in graph().items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt):], nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)


def test_every_room_imports_only_what_lies_below_it() -> None:
    wrong = []
    for module, found in graph().items():
        here = room(module)
        for target, line in found:
            there = room(target)
            if there != here and there not in ALLOWED[here]:
                wrong.append(f"{module}:{line} imports {target}")
    assert wrong == []


def test_commands_never_import_the_command_line_back() -> None:
    for module, found in graph().items():
        if module.startswith("statusgen.commands.") and module != "statusgen.commands.cli":
            assert "statusgen.commands.cli" not in {t for t, _ in found}, module


VIEWS = "statusgen.compute.views"
"""The one module of compute that render may import: the computed views, no function."""


def test_render_only_reads() -> None:
    """Everything a page shows is computed before any template runs, once for every
    language: render imports of compute only the views, and those hold no function."""
    wrong = [f"{module}:{line} imports {target}"
             for module, found in graph().items() if room(module) == "render"
             for target, line in found if room(target) == "compute" and target != VIEWS]
    assert wrong == []
    views = importlib.import_module(VIEWS)
    computing = [name for name in views.__all__
                 if inspect.isfunction(getattr(views, name)) or inspect.ismethod(getattr(views, name))]
    assert computing == []
