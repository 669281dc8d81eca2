"""The pipeline: load → check → compute → render → write, composed once.

:func:`checked` is what ``validate`` and ``diff`` run, :func:`checked_ref` the same on a
commit read from git (``report --at``), and :func:`check_edit` what every
command that writes incident files runs on the repository as the write would leave it;
:func:`build` adds compute, render and write, stopping before any write on errors.
A :class:`Session` holds what makes the next build cheap (the parse cache, the
record of what each step made, the record of the last build) and how to write; none of
it changes a byte of the output.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec

from statusgen import model as m
from statusgen import rules
from statusgen.check.run import check
from statusgen.diagnostics import Diagnostic, Location, Severity, has_errors, sort_diagnostics, strictly
from statusgen.incremental.parse_cache import CACHE_DIR, ParseCache, code_hash
from statusgen.source.attachments import Refused as AttachmentRefused
from statusgen.source.attachments import files_linked, output_path, read_attachment
from statusgen.source.git import GitError, RefSource, resolve
from statusgen.source.load import Loaded, load
from statusgen.source.parse import CONFIG_FILE, INCIDENTS_DIR, ParseFn, ParseMemory, parse_incident
from statusgen.source.tree import DiskSource, Overlay, Source
from statusgen.steps import Runner, direct

if TYPE_CHECKING:
    from statusgen.compute.reports import Revision
    from statusgen.compute.snapshot import Snapshot
    from statusgen.incremental.record import Record
    from statusgen.output.write import WriteReport

# What only a build needs (compute, the renderers, the record, the writer, the search index,
# multiprocessing) is imported where it is used: validate and the authoring commands import
# this module to check, and start in a tenth of a second without them.


@dataclass(frozen=True)
class Checked:
    """What ``validate`` reports and ``build`` requires to be free of errors."""

    loaded: Loaded
    diagnostics: list[Diagnostic]


def checked(source: Source, now: datetime, strict: bool = False,
            parse: ParseFn = parse_incident, memory: ParseMemory | None = None,
            run: Runner = direct) -> Checked:
    """Load and check a repository: every problem, sorted; ``run`` runs the steps."""
    loaded = load(source, parse, memory=memory, run=run)
    diagnostics = list(loaded.diagnostics)
    if loaded.repository is not None:
        diagnostics.extend(check(loaded.repository, now, run))
    if strict:
        diagnostics = strictly(diagnostics)
    return Checked(loaded, sort_diagnostics(diagnostics))


def run_checks(root: Path, now: datetime, strict: bool = False,
               parse: ParseFn = parse_incident) -> Checked:
    """:func:`checked` of the working tree under ``root``."""
    return checked(DiskSource(root), now, strict, parse)


GIT_TIMEOUT = 60
"""Seconds a local git command may take before the build goes on without naming a commit."""


def working_revision(root: Path) -> Revision | None:
    """The commit checked out in the repository holding ``root``, and whether
    ``components.yml`` or ``incidents/`` differ from it; ``None`` outside git."""
    try:
        commit = resolve(root, "HEAD")
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", CONFIG_FILE, INCIDENTS_DIR],
            capture_output=True, check=True, timeout=GIT_TIMEOUT)
    except (GitError, OSError, subprocess.SubprocessError):
        return None
    from statusgen.compute.reports import Revision  # the reports load only when built

    return Revision(commit, changed=bool(status.stdout.strip()))


def checked_ref(ref: RefSource, now: datetime, strict: bool = False) -> list[Diagnostic]:
    """:func:`checked` of the repository as it was at a ref: every problem, sorted."""
    found = [*ref.diagnostics, *(check(ref.repository, now) if ref.repository is not None else [])]
    return sort_diagnostics(strictly(found) if strict else found)


class Refused(Exception):
    """An edit that would leave the repository failing validation: nothing was written; the
    message says why, the diagnostics where."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics = list(diagnostics)


@dataclass(frozen=True)
class Edit:
    """The repository as an edit would leave it, checked."""

    mine: list[Diagnostic]
    """Every diagnostic of the edited files, located in the text that would be written."""
    elsewhere: list[Diagnostic]
    """Errors of other files that the edit brings: a reference the new file shares with a
    later incident is reported at that incident."""

    @property
    def errors(self) -> list[Diagnostic]:
        """The errors that make the edit refused."""
        return [d for d in (*self.mine, *self.elsewhere) if d.severity is Severity.ERROR]


def check_edit(root: Path, files: Mapping[str, bytes], now: datetime,
               strict: bool = False) -> Edit:
    """The whole repository under ``root`` checked as it would be with ``files`` (path →
    bytes) written, whatever it holds now: with or without ``incidents/`` or
    ``components.yml`` (which ``files`` may create).  This is the check of every command
    that writes incident files; :class:`Refused` when ``components.yml`` would not read.
    """
    base = DiskSource(root)
    after = checked(Overlay(base, files), now, strict)
    if after.loaded.repository is None:
        raise Refused(f"{CONFIG_FILE} cannot be read, so nothing can be validated; fix it "
                      "first", [d for d in after.diagnostics if d.location.path == CONFIG_FILE])
    mine = [d for d in after.diagnostics if d.location.path in files]
    others = [d for d in after.diagnostics
              if d.location.path not in files and d.severity is Severity.ERROR]
    if others:
        # Only errors the edit brings refuse it: one already there is the user's to fix, and
        # blocking every write on it would stop the team from reporting an outage.
        before = {_key(d) for d in checked(base, now, strict).diagnostics}
        others = [d for d in others if _key(d) not in before]
    return Edit(mine, others)


def validated_edit(root: Path, files: Mapping[str, bytes], now: datetime,
                   strict: bool = False) -> list[Diagnostic]:
    """:func:`check_edit`, refusing (:class:`Refused`) an edit with any error; the warnings
    of the edited files otherwise."""
    edit = check_edit(root, files, now, strict)
    if edit.errors:
        listed = sorted(files)
        names = ", ".join(listed[:3]) + (f" and {len(listed) - 3} more" if len(listed) > 3 else "")
        raise Refused(f"refusing to write {names}: it would not pass validation (line numbers "
                      "are those of the text that would have been written); nothing was "
                      "changed", [*edit.mine, *edit.elsewhere])
    return edit.mine


def _key(d: Diagnostic) -> tuple[str, int, int, str, str]:
    return (d.location.path, d.location.line, d.location.column, d.code, d.message)


def comparable(ref: RefSource, now: datetime) -> RefSource:
    """``ref`` without the entries that break a rule at ``now``, each noted in ``broken``.

    ``diff`` computes the page at a commit with the same code as the build; an entry
    the build would have refused is left out and reported, and errors in
    ``components.yml`` leave no page at all.
    """
    repo = ref.repository
    if repo is None:
        return ref
    errors = [d for d in check(repo, now) if d.severity is Severity.ERROR]
    broken = dict(ref.broken)
    for d in errors:
        broken.setdefault(d.location.path, f"{d.message} (line {d.location.line})")
    if CONFIG_FILE in broken:
        kept = None
    else:
        kept = m.Repository(config=repo.config, files=repo.files,
                            incidents=tuple(i for i in repo.incidents if i.path not in broken))
    return RefSource(ref.ref, ref.commit, kept, (*ref.diagnostics, *errors), broken)


def load_attachments(source: Source, snap: Snapshot) -> dict[str, bytes]:
    """Output path → bytes of every file the entries ``snap`` shows link to.

    The entries are redacted, so a file linked only from an internal update or entry
    never reaches the public site.
    """
    found: dict[str, bytes] = {}
    for entry in snap.entries:
        for name, _ in files_linked(entry.incident.all_links()):
            path = output_path(name)
            if path not in found:
                found[path] = read_attachment(source, name)
    return found


def render(root: Path, snap: Snapshot, run: Runner = direct,
           revision: Revision | None = None) -> dict[str, bytes]:
    """Every output of the site for ``snap``, its steps run by ``run``; the reports name
    ``revision``."""
    from statusgen.render.site import render_site

    return render_site(snap, root / "themes", load_attachments(DiskSource(root), snap), run,
                       revision)


@dataclass(frozen=True)
class Search:
    """A build that writes the search page's index with Pagefind's ``binary`` (``None``: it is
    not installed, so the build warns and the search page says search is not available)."""

    binary: Path | None


def searchable(files: dict[str, bytes], binary: Path | None, out: Path, digests: Path | None,
               run: Runner = direct) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """``files`` with the search page's index, made by ``run``, or unchanged with a warning when
    Pagefind fails; ``digests`` keeps what Pagefind reads of each page, for the next build."""
    from statusgen.output import search
    from statusgen.render.paths import SEARCH_BUNDLE, entry_pages

    try:
        found = search.index(files, binary, SEARCH_BUNDLE, pages=entry_pages(), out=out,
                             run=run, digests=digests, code=code_hash())
    except search.Unindexed as exc:
        # Pagefind is an optional extra: a site built without it says so on its search page,
        # and a team that did not ask for search is not warned on every build.
        return files, [] if binary is None else [rules.SEARCH_UNINDEXED.at(Location(CONFIG_FILE),
                                                                           str(exc))]
    return {**files, **found.files}, []


Writer = Callable[[Path, Mapping[str, bytes]], "WriteReport"]
Upstream = Callable[[m.Config], tuple[Mapping[str, m.UpstreamReading], Sequence[Diagnostic]]]
"""Reads the upstream components of a config: their readings by id, and warnings."""


@dataclass
class Session:
    """What a caller keeps from one build to the next; none of it changes the output.

    :meth:`on_disk` is the command line's (a parse cache and the record of the last
    build in ``ROOT/.statusgen-cache/``, the site swapped in whole); :meth:`in_memory`
    is the dev server's (everything in memory, the site updated in place).
    """

    parse: ParseCache
    writer: Writer | None = None
    """How the site is written: ``None`` for the command line's writer, which swaps the site in
    whole (:func:`~statusgen.output.write.write_site`)."""
    record: Record | None = None
    """What each step made, kept in memory from one build to the next."""
    hold: bool = True
    """Hold each output in a file beside the output folder from when it is made until it is
    written, instead of in memory (:mod:`statusgen.output.held`)."""
    remember: bool = False
    """Skip a build whose inputs and output are as the last build left them, and keep the
    outputs the last build made from the same inputs (:class:`~.record.Written`)."""

    @classmethod
    def on_disk(cls, root: Path) -> Session:
        return cls(parse=ParseCache(root), remember=True)

    @classmethod
    def in_memory(cls) -> Session:
        from statusgen.incremental.record import Record
        from statusgen.output.write import SiteUpdater

        return cls(parse=ParseCache(), writer=SiteUpdater(), record=Record(), hold=False)


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


P = ParamSpec("P")


def _one_at_a_time(run: Callable[Concatenate[Path, Path, P], BuildResult]
                   ) -> Callable[Concatenate[Path, Path, P], BuildResult]:
    """Hold the output folder's lock for the whole build: the no-change check, the write and
    the record of the last build then see one site, never another build's half-way."""
    @functools.wraps(run)
    def locked(root: Path, out: Path, /, *args: P.args, **kwargs: P.kwargs) -> BuildResult:
        from statusgen.output.write import OutputError, site_lock

        try:
            with site_lock(out):
                return run(root, out, *args, **kwargs)
        except OutputError as exc:  # the lock is taken too long, or cannot be made
            return BuildResult([rules.OUTPUT.at(Location(str(out)), str(exc))])
    return locked


@_one_at_a_time
def build(root: Path, out: Path, now: datetime, *, strict: bool = False, internal: bool = False,
          jobs: int = 1, session: Session | None = None, revision: Revision | None = None,
          upstream: Upstream | None = None, sent: Mapping[str, bool] | None = None,
          audience: str | None = None, search_index: Search | None = None) -> BuildResult:
    """Validate, then render and write the site; ``out`` is untouched on failure.

    ``jobs`` processes render entry pages; ``session`` keeps what the next build reuses
    (none: parse everything, render everything, swap the site in whole); ``revision`` is
    the commit the files come from, which the reliability reports name (the caller asks
    git, so that this stays a function of its arguments); ``upstream`` reads the upstream
    components' statuses once the files pass (the caller fetches, so that this stays off the
    network): its readings are data for compute, its warnings the build's; ``sent``, the
    notification send log's events, which an internal build's entry history shows (the
    caller reads it); ``audience``, the id of the audience whose site this is (the public
    build of the repository narrowed to it: :mod:`statusgen.compute.audience`);
    ``search_index``, whether and with what the search page's index is made from the
    rendered pages (none: the site has no index, as in the dev server).
    """
    from statusgen.compute.audience import audience_repository
    from statusgen.compute.snapshot import snapshot
    from statusgen.incremental.last_build import LastBuild, inputs_fingerprint
    from statusgen.incremental.parallel import processes
    from statusgen.incremental.record import Record, Written
    from statusgen.output.kept import output_size
    from statusgen.output.write import OutputError, check_output, holding, write_site
    from statusgen.render.site import OutputClash
    from statusgen.render.theme import ThemeError

    started = time.perf_counter()
    last = LastBuild(root, out) if session is not None and session.remember else None
    logged = sorted(sent.items()) if sent is not None and internal else None
    fingerprint = inputs_fingerprint(
        root, f"{now.isoformat()}|{strict}|{internal}|{revision}|{logged}|{audience}|"
        f"{search_index}") if last else ""
    unchanged = last.still_valid(fingerprint) if last else None
    if unchanged is not None:
        return _unchanged(unchanged, time.perf_counter() - started)
    parse = session.parse if session is not None else None
    if parse is not None:
        parse.begin()
    record: Record | None = None
    run: Runner = processes(jobs)
    if session is not None:
        record = session.record or Record()
        run = record.start(run, Written(root, out) if last is not None else None)
    result = checked(DiskSource(root), now, strict, parse.parser if parse else parse_incident,
                     parse, run)
    if parse is not None:
        parse.save()
    diagnostics = result.diagnostics
    repo = result.loaded.repository
    read = result.loaded.files
    if repo is None or has_errors(diagnostics):
        return BuildResult(diagnostics, read)
    if audience is not None:
        chosen = next((a for a in repo.config.audiences if a.id == audience), None)
        if chosen is None:
            known = ", ".join(a.id for a in repo.config.audiences) or \
                "none: declare one under `audiences`"
            return BuildResult([*diagnostics, rules.UNKNOWN_AUDIENCE.at(
                Location(CONFIG_FILE), f"no audience `{audience}` in components.yml; known "
                f"audiences: {known}")], read)
        repo = audience_repository(repo, chosen)
    writer = session.writer if session is not None and session.writer is not None \
        else write_site
    with contextlib.ExitStack() as stack:
        try:
            check_output(out, root)
            if session is None or session.hold:
                # The outputs wait in a folder of the build's, not in memory (output/held.py);
                # the dev server's, which keeps every output of its last build, does not.
                holder = processes(jobs, stack.enter_context(holding(out)))
                if record is not None:
                    record.inner = holder
                else:
                    run = holder
            readings, notes = upstream(repo.config) if upstream is not None else ({}, ())
            diagnostics = sort_diagnostics([*diagnostics, *notes])
            snap = snapshot(repo, now, internal=internal, run=run, upstream=readings, sent=sent)
            files = render(root, snap, run, revision)
            if search_index is not None:
                digests = None if last is None else root / CACHE_DIR / \
                    f"search-{hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]}.json"
                files, unindexed = searchable(files, search_index.binary, out, digests, run)
                diagnostics = sort_diagnostics([*diagnostics, *unindexed])
            report = writer(out, files)
            if record is not None:
                record.save(files)
        except OutputClash as exc:
            return BuildResult([*diagnostics, *_clashes(repo, exc.paths)], read)
        except AttachmentRefused as exc:
            return BuildResult([*diagnostics, rules.ATTACHMENT.at(Location(INCIDENTS_DIR), str(exc))],
                               read)
        except ThemeError as exc:
            # A broken template is reported at its line; a theme that cannot be found at the key
            # that names it.
            where = Location(exc.path, exc.line) if exc.path else \
                Location(CONFIG_FILE, repo.config.page.loc_of("theme").line, 1)
            return BuildResult([*diagnostics, rules.THEME.at(where, exc.message)], read)
        except OutputError as exc:
            return BuildResult([*diagnostics, rules.OUTPUT.at(Location(str(out)), str(exc))], read)
        except OSError as exc:
            return BuildResult([*diagnostics, rules.OUTPUT.at(Location(str(out)),
                                                              f"cannot write the site: {exc}")], read)
    built = BuildResult(
        diagnostics=diagnostics,
        read=read,
        files=len(files),
        pages=sum(p.endswith(".html") for p in files),
        size=sum(output_size(b) for b in files.values()),
        write=report,
        seconds=time.perf_counter() - started,
    )
    if last is not None:
        last.remember(fingerprint, {
            "read": read, "files": built.files, "pages": built.pages, "size": built.size,
            "diagnostics": [_to_json(d) for d in diagnostics]})
    return built


def _clashes(repo: m.Repository, clashing: list[str]) -> list[Diagnostic]:
    """An error where each clashing attachment is linked: its name is a page the site needs."""
    out = []
    for incident in repo.incidents:
        for name, where in files_linked(incident.all_links()):
            if output_path(name) in clashing:
                out.append(rules.OUTPUT.at(where, f"`{name}` would be published at "
                                           f"{output_path(name)}, where statusgen writes a page of its "
                                           "own; rename the file"))
    return out or [rules.OUTPUT.at(Location(INCIDENTS_DIR), "two parts of the site would be "
                                   f"written at the same place: {', '.join(clashing[:3])}")]


def _to_json(d: Diagnostic) -> dict[str, Any]:
    return {"path": d.location.path, "line": d.location.line, "column": d.location.column,
            "severity": str(d.severity), "code": d.code, "message": d.message}


def _unchanged(record: dict[str, Any], seconds: float) -> BuildResult:
    from statusgen.output.write import WriteReport

    # Nothing the last build read has changed and its output is as it left it: the
    # same inputs give the same bytes, so there is nothing to render or write.
    diagnostics = [Diagnostic(Location(d["path"], d["line"], d["column"]),
                              Severity(d["severity"]), d["code"], d["message"])
                   for d in record["diagnostics"]]
    return BuildResult(diagnostics=diagnostics, read=record["read"], files=record["files"],
                       pages=record["pages"], size=record["size"],
                       write=WriteReport(0, record["files"], 0, up_to_date=True), seconds=seconds)
