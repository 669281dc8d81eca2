"""The build: load → check → compute → render → write, stopping before any write on errors."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec

from generator.check.rules import check
from generator.compute.snapshot import Snapshot, snapshot
from generator.diagnostics import (
    Diagnostic,
    Location,
    Severity,
    error,
    has_errors,
    sort_diagnostics,
    strictly,
)
from generator.incremental.cache import LastBuild, ParseCache, inputs_fingerprint
from generator.incremental.memo import RenderMemo
from generator.model import Repository
from generator.output.write import OutputError, WriteReport, check_output, site_lock, write_site
from generator.render.site import OutputClash, render_site
from generator.render.theme import ThemeError
from generator.source.attachments import Refused as AttachmentRefused
from generator.source.attachments import files_linked, load_attachments, output_path
from generator.source.load import CONFIG_FILE, INCIDENTS_DIR, Loaded, ParseFn, load, parse_incident


@dataclass(frozen=True)
class Checked:
    """What ``validate`` reports and ``build`` requires to be free of errors."""

    loaded: Loaded
    diagnostics: list[Diagnostic]


@dataclass(frozen=True)
class BuildResult:
    """The outcome of a build: the problems, and when it succeeded what it wrote."""

    diagnostics: list[Diagnostic]
    read: int = 0
    """Source files read."""
    files: int = 0
    pages: int = 0
    size: int = 0
    """Total bytes of all outputs."""
    write: WriteReport | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.write is not None


def run_checks(root: Path, now: datetime, strict: bool, parse: ParseFn = parse_incident,
               cache: ParseCache | None = None) -> Checked:
    """Load and check the repository: every problem, sorted.

    ``parse`` may be a caching wrapper of :func:`~generator.load.parse_incident`;
    ``cache`` keeps parsed files between runs.
    """
    loaded = load(root, parse, cache=cache)
    if cache is not None:
        cache.save()
    diagnostics = list(loaded.diagnostics)
    if loaded.repository is not None:
        diagnostics.extend(check(loaded.repository, now))
    if strict:
        diagnostics = strictly(diagnostics)
    return Checked(loaded, sort_diagnostics(diagnostics))


def render(root: Path, snap: Snapshot, jobs: int = 1,
           memo: RenderMemo | None = None) -> dict[str, bytes]:
    """Every output of the site for ``snap``, on ``jobs`` processes where that pays."""
    return render_site(snap, root / "themes", load_attachments(root, snap), jobs, memo)


Writer = Callable[[Path, Mapping[str, bytes]], WriteReport]
P = ParamSpec("P")


def _one_at_a_time(run: Callable[Concatenate[Path, Path, P], BuildResult]
                   ) -> Callable[Concatenate[Path, Path, P], BuildResult]:
    """Hold the output folder's lock for the whole build: the no-change check, the write and
    the record of the last build then see one site, never another build's half-way."""
    @functools.wraps(run)
    def locked(root: Path, out: Path, /, *args: P.args, **kwargs: P.kwargs) -> BuildResult:
        try:
            with site_lock(out):
                return run(root, out, *args, **kwargs)
        except OutputError as exc:  # the lock is taken too long, or cannot be made
            return BuildResult([error(Location(str(out)), "output", str(exc))])
    return locked


@_one_at_a_time
def build(root: Path, out: Path, now: datetime, *, strict: bool = False, internal: bool = False,
          parse: ParseFn = parse_incident, writer: Writer = write_site, cache: bool = False,
          jobs: int = 1, memo: RenderMemo | None = None) -> BuildResult:
    """Validate, then render and write the site; ``out`` is untouched on failure.

    ``parse`` may cache per file in memory, or ``cache`` keep parsed files in
    ``ROOT/.statusgen-cache/``; ``writer`` may update in place (the dev server);
    ``jobs`` processes render; ``memo`` keeps entry pages between rebuilds. None of these
    changes a byte of the output.
    """
    started = time.perf_counter()
    last = LastBuild(root, out) if cache and writer is write_site else None
    fingerprint = inputs_fingerprint(root, f"{now.isoformat()}|{strict}|{internal}") if last else ""
    record = last.still_valid(fingerprint) if last else None
    if record is not None:
        return _unchanged(record, time.perf_counter() - started)
    store = ParseCache(root) if cache and parse is parse_incident else None
    checked = run_checks(root, now, strict, parse, store)
    diagnostics = checked.diagnostics
    repo = checked.loaded.repository
    read = checked.loaded.files
    if repo is None or has_errors(diagnostics):
        return BuildResult(diagnostics, read)
    try:
        check_output(out, root)
        snap = snapshot(repo, now, internal=internal, memo=memo)
        files = render(root, snap, jobs, memo)
        report = writer(out, files)
    except OutputClash as exc:
        return BuildResult([*diagnostics, *_clashes(repo, exc.paths)], read)
    except AttachmentRefused as exc:
        return BuildResult([*diagnostics, error(Location(INCIDENTS_DIR), "attachment", str(exc))],
                           read)
    except (OutputError, ThemeError) as exc:
        where = Location(CONFIG_FILE, repo.config.page.loc_of("theme").line, 1) \
            if isinstance(exc, ThemeError) else Location(str(out))
        code = "theme" if isinstance(exc, ThemeError) else "output"
        return BuildResult([*diagnostics, error(where, code, str(exc))], read)
    except OSError as exc:
        return BuildResult([*diagnostics, error(Location(str(out)), "output",
                                                f"cannot write the site: {exc}")], read)
    result = BuildResult(
        diagnostics=diagnostics,
        read=read,
        files=len(files),
        pages=sum(p.endswith(".html") for p in files),
        size=sum(len(b) for b in files.values()),
        write=report,
        seconds=time.perf_counter() - started,
    )
    if last is not None:
        last.remember(fingerprint, {
            "read": read, "files": result.files, "pages": result.pages, "size": result.size,
            "diagnostics": [_to_json(d) for d in diagnostics]})
    return result


def _clashes(repo: Repository, clashing: list[str]) -> list[Diagnostic]:
    """An error where each clashing attachment is linked: its name is a page the site needs."""
    out = []
    for incident in repo.incidents:
        for name, where in files_linked(incident.all_links()):
            if output_path(name) in clashing:
                out.append(error(where, "output", f"`{name}` would be published at "
                                 f"{output_path(name)}, where statusgen writes a page of its "
                                 "own; rename the file"))
    return out or [error(Location(INCIDENTS_DIR), "output", "two parts of the site would be "
                         f"written at the same place: {', '.join(clashing[:3])}")]


def _to_json(d: Diagnostic) -> dict[str, Any]:
    return {"path": d.location.path, "line": d.location.line, "column": d.location.column,
            "severity": str(d.severity), "code": d.code, "message": d.message}


def _unchanged(record: dict[str, Any], seconds: float) -> BuildResult:
    # Nothing the last build read has changed and its output is as it left it: the
    # same inputs give the same bytes, so there is nothing to render or write.
    diagnostics = [Diagnostic(Location(d["path"], d["line"], d["column"]),
                              Severity(d["severity"]), d["code"], d["message"])
                   for d in record["diagnostics"]]
    return BuildResult(diagnostics=diagnostics, read=record["read"], files=record["files"],
                       pages=record["pages"], size=record["size"],
                       write=WriteReport(0, record["files"], 0, up_to_date=True), seconds=seconds)
