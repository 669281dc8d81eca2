"""The build: load → check → compute → render → write, stopping before any write on errors."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .attachments import load_attachments
from .check import check
from .diagnostics import Diagnostic, Location, error, has_errors, sort_diagnostics, strictly
from .load import CONFIG_FILE, Loaded, ParseFn, load, parse_incident
from .render import render_site
from .snapshot import Snapshot, snapshot
from .theme import ThemeError
from .write import OutputError, WriteReport, check_output, write_site


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
    outputs: dict[str, bytes] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return self.write is not None


def run_checks(root: Path, now: datetime, strict: bool, parse: ParseFn = parse_incident) -> Checked:
    """Load and check the repository: every problem, sorted.

    ``parse`` may be a caching wrapper of :func:`~generator.load.parse_incident`.
    """
    loaded = load(root, parse)
    diagnostics = list(loaded.diagnostics)
    if loaded.repository is not None:
        diagnostics.extend(check(loaded.repository, now))
    if strict:
        diagnostics = strictly(diagnostics)
    return Checked(loaded, sort_diagnostics(diagnostics))


def render(root: Path, snap: Snapshot) -> dict[str, bytes]:
    """Every output of the site for ``snap``."""
    return render_site(snap, root / "themes", load_attachments(root, snap))


Writer = Callable[[Path, Mapping[str, bytes]], WriteReport]


def build(root: Path, out: Path, now: datetime, *, strict: bool = False, internal: bool = False,
          parse: ParseFn = parse_incident, writer: Writer = write_site) -> BuildResult:
    """Validate, then render and write the site; ``out`` is untouched on failure.

    ``parse`` may cache per file, ``writer`` may update in place (the dev server).
    """
    started = time.perf_counter()
    checked = run_checks(root, now, strict, parse)
    diagnostics = checked.diagnostics
    repo = checked.loaded.repository
    read = checked.loaded.files
    if repo is None or has_errors(diagnostics):
        return BuildResult(diagnostics, read)
    try:
        check_output(out, root)
        files = render(root, snapshot(repo, now, internal=internal))
        report = writer(out, files)
    except (OutputError, ThemeError) as exc:
        where = Location(CONFIG_FILE, repo.config.page.loc_of("theme").line, 1) \
            if isinstance(exc, ThemeError) else Location(str(out))
        code = "theme" if isinstance(exc, ThemeError) else "output"
        return BuildResult([*diagnostics, error(where, code, str(exc))], read)
    except OSError as exc:
        return BuildResult([*diagnostics, error(Location(str(out)), "output",
                                                f"cannot write the site: {exc}")], read)
    return BuildResult(
        diagnostics=diagnostics,
        read=read,
        files=len(files),
        pages=sum(p.endswith(".html") for p in files),
        size=sum(len(b) for b in files.values()),
        write=report,
        seconds=time.perf_counter() - started,
        outputs=files,
    )
