"""Shared pieces of the data-source tests (feeds, API, badges, calendar, site metadata)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from statusgen import model as m
from statusgen.compute.snapshot import Snapshot, snapshot
from statusgen.render import paths
from statusgen.render.api import render_api
from statusgen.render.badges import render_badges
from statusgen.render.calendar import render_calendar
from statusgen.render.feeds import render_feeds
from statusgen.render.meta import render_meta
from statusgen.source.load import load
from statusgen.source.tree import DiskSource
from tests.helpers import NOW, REPO_ROOT

SCHEMA_FILE = Path(__file__).resolve().parent / "schemas" / "statuspage-v2.schema.json"
REFERENCE = Path("/work/shared/reference/statuspage-summary-example.json")

Renderer = Callable[[Snapshot], dict[str, bytes]]
RENDERERS: tuple[Renderer, ...] = (render_feeds, render_api, render_badges, render_calendar)


def repository(root: Path) -> m.Repository:
    loaded = load(DiskSource(root))
    assert loaded.repository is not None, loaded.diagnostics
    return loaded.repository


@cache
def example_repository() -> m.Repository:
    """The example content at the repository's root."""
    return repository(REPO_ROOT)


def example_snapshot(internal: bool = False, now: datetime = NOW) -> Snapshot:
    return snapshot(example_repository(), now, internal=internal)


def html_pages(snap: Snapshot) -> dict[str, bytes]:
    """Stand-ins for the HTML pages the build writes, for ``render_meta``."""
    pages = {paths.INDEX: b"", "404.html": b"", paths.history_page(): b""}
    pages.update({paths.incident_page(e.id): b"" for e in snap.entries})
    pages.update({paths.component_page(c.id): b"" for c in snap.config.walk()})
    return pages


def render_all(snap: Snapshot) -> dict[str, bytes]:
    """Every output of the data-source renderers, metadata included, with no path twice."""
    out: dict[str, bytes] = {}
    for render in RENDERERS:
        rendered = render(snap)
        assert not set(rendered) & set(out), set(rendered) & set(out)
        out.update(rendered)
    meta = render_meta(snap, [*out, *html_pages(snap)])
    assert not set(meta) & set(out)
    out.update(meta)
    return out


@cache
def schema() -> Mapping[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(loaded)
    return loaded


def validator(definition: str) -> Draft202012Validator:
    """A validator of one document kind of the schema: ``#/$defs/<definition>``."""
    return Draft202012Validator({**schema(), "$ref": f"#/$defs/{definition}"},
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors(definition: str, doc: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator(definition).iter_errors(doc)]


DOCUMENTS = {
    "api/v2/summary.json": "summary",
    "api/v2/status.json": "status_document",
    "api/v2/components.json": "components",
    "api/v2/incidents.json": "recent_incidents",
    "api/v2/incidents/unresolved.json": "incidents",
    "api/v2/scheduled-maintenances.json": "recent_scheduled_maintenances",
    "api/v2/scheduled-maintenances/upcoming.json": "scheduled_maintenances",
    "api/v2/scheduled-maintenances/active.json": "scheduled_maintenances",
}


def definition_of(path: str) -> str | None:
    """Which schema definition an ``api/v2`` path must satisfy."""
    if path in DOCUMENTS:
        return DOCUMENTS[path]
    if path.startswith("api/v2/incidents/") and path.endswith(".json"):
        return "incident_document"
    return None


def incident_file(title: str, updates: list[tuple[str, str, str]], *, impact: str = "minor",
                  components: str = "{api: partial_outage}", extra: str = "") -> str:
    """An incident file; ``updates`` are ``(at, status, message)``, newest first."""
    lines = ["---", f"title: {json.dumps(title)}", f"impact: {impact}"]
    if components:
        lines.append(f"components: {components}")
    if extra:
        lines.append(extra)
    lines.append("updates:")
    for at, status, message in updates:
        lines += [f"  - at: {at}", f"    status: {status}", f"    message: {json.dumps(message)}"]
    lines += ["---", ""]
    return "\n".join(lines)


def maintenance_file(title: str, start: str, end: str, updates: list[tuple[str, str, str]],
                     components: str = "[db]") -> str:
    """A maintenance file; ``updates`` are ``(at, status, message)``, newest first."""
    extra = f"kind: maintenance\nwindow: {{start: {start}, end: {end}}}"
    body = incident_file(title, updates, impact="none", components=components, extra=extra)
    return body
