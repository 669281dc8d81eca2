"""Load: a repository's files into the typed model, with every reading problem located.

:func:`load` asks a :class:`~statusgen.source.tree.Source` for ``components.yml`` and
``incidents/``, and applies the same rules to the working tree and to a git commit:
file names are ids, links and folders are refused, files are read within their size
limit, and every file an incident links to must be publishable.
"""

from __future__ import annotations

from dataclasses import dataclass

from statusgen import model as m
from statusgen import rules
from statusgen.diagnostics import Diagnostic, Location
from statusgen.source.attachments import check_attachments
from statusgen.source.files import MAX_SOURCE_BYTES, Unreadable
from statusgen.source.parse import (
    CONFIG_FILE,
    INCIDENTS_DIR,
    Parsed,
    ParseFn,
    ParseMemory,
    parse_config,
    parse_incident,
)
from statusgen.source.schema import SLUG
from statusgen.source.tree import Kind, Listed, Source
from statusgen.steps import Runner, direct, spread

# Paths the JSON API uses beside incident ids (``api/v2/incidents/unresolved.json``).
RESERVED_IDS = ("unresolved",)
README = "readme.md"
# Files that look like an incident saved under the wrong name.
WRONG_EXTENSIONS = (".markdown", ".mdown", ".mkd", ".yml", ".yaml", ".txt")


@dataclass(frozen=True)
class Loaded:
    """What :func:`load` read: the repository (``None`` when ``components.yml`` cannot be
    read), every reading problem, and how many files were read."""

    repository: m.Repository | None
    diagnostics: list[Diagnostic]
    files: int


def unreadable(path: str, exc: Unreadable) -> Diagnostic:
    """The located error for a file that may not or cannot be read."""
    where = Location(path)
    if exc.rule is rules.SIZE:
        return rules.SIZE.at(where, f"{exc.message}; split the write-up, or move large parts "
                             "into attachments")
    return exc.rule.at(where, exc.message)


def incident_files(source: Source) -> tuple[list[str], list[Diagnostic]]:
    """The paths of the ``incidents/*.md`` files, sorted; problems with the folder and with
    files that look misnamed."""
    kind = source.kind(INCIDENTS_DIR)
    if kind is Kind.LINK:
        return [], [rules.SYMLINK.at(Location(INCIDENTS_DIR), f"{INCIDENTS_DIR}/ is a symbolic "
                                     "link; statusgen never follows links, so that nothing outside the "
                                     "repository is read or published: make it a real folder")]
    if kind is not Kind.FOLDER:
        return [], []
    try:
        listed = source.listing(INCIDENTS_DIR)
    except Unreadable as exc:
        return [], [rules.IO.at(Location(INCIDENTS_DIR), exc.message)]
    paths: list[str] = []
    out: list[Diagnostic] = []
    seen: dict[str, str] = {}
    for entry in listed:
        rel = f"{INCIDENTS_DIR}/{entry.name}"
        if entry.name.lower() == README or entry.name.startswith("."):
            continue  # notes for the team, and editors' and the system's hidden files
        if entry.name.endswith(".md"):
            paths.append(rel)
            out.extend(_check_id(entry.name[:-3], rel, seen))
        elif _misnamed(source, entry):
            out.append(rules.EXTENSION.at(Location(rel),
                                          f"this looks like an incident but only `.md` files are read; "
                                          f"rename it to {entry.name.rpartition('.')[0]}.md"))
    return paths, out


def _misnamed(source: Source, entry: Listed) -> bool:
    if entry.kind is not Kind.FILE or not entry.name.lower().endswith((".md", *WRONG_EXTENSIONS)):
        return False
    try:
        head = source.read(f"{INCIDENTS_DIR}/{entry.name}", MAX_SOURCE_BYTES)
    except Unreadable:
        return False
    return head.removeprefix(b"\xef\xbb\xbf").startswith(b"---")


def _check_id(stem: str, rel: str, seen: dict[str, str]) -> list[Diagnostic]:
    here = Location(rel)
    out = []
    if not SLUG.match(stem):
        out.append(rules.SLUG.at(here, f"the file name `{stem}` is the incident's id and must be "
                                 "lower-case letters, digits and hyphens; rename the file"))
    elif stem in RESERVED_IDS:
        out.append(rules.RESERVED_ID.at(here, f"`{stem}` is reserved by the JSON API "
                                        f"(api/v2/incidents/{stem}.json); rename the file"))
    # Before the slug rule lets it go: `Outage.md` beside `outage.md` is also a clash.
    other = seen.setdefault(stem.lower(), rel)
    if other != rel:
        out.append(rules.DUPLICATE_ID.at(here, f"differs from {other} only in case, which breaks "
                                         "checkouts on macOS and Windows; rename one"))
    return out


def read_config(source: Source) -> tuple[m.Config | None, list[Diagnostic]]:
    """``components.yml``, parsed, or why it cannot be."""
    if source.kind(CONFIG_FILE) is None:
        return None, [rules.REQUIRED.at(Location(CONFIG_FILE), f"there is no {CONFIG_FILE} in "
                                        f"{source.describe()}; create it or pass --root")]
    try:
        raw = source.read(CONFIG_FILE, MAX_SOURCE_BYTES)
    except Unreadable as exc:
        return None, [unreadable(CONFIG_FILE, exc)]
    return parse_config(raw)


@spread
def parse_one(item: tuple[ParseFn, str, bytes]) -> Parsed:
    """The step that parses one file: with the parser, its path and bytes."""
    parse, path, raw = item
    return parse(path, raw)


def load(source: Source, parse: ParseFn = parse_incident, *, memory: ParseMemory | None = None,
         run: Runner = direct) -> Loaded:
    """Read ``components.yml`` and every incident of ``source``.

    ``memory`` gives back what was parsed before (a file whose identity has not changed is
    not even read) and keeps what is parsed now; ``run`` may parse on several processes.
    The repository is ``None`` only when ``components.yml`` cannot be read; incidents that
    cannot be read are left out and their problems returned.
    """
    config, out = read_config(source)
    paths, problems = incident_files(source)
    out.extend(problems)
    found: dict[str, Parsed] = {}
    if memory is not None:
        for path in paths:
            identity = source.identity(path)
            recalled = memory.recall(path, identity) if identity is not None else None
            if recalled is not None:
                found[path] = recalled
    read = source.read_many([p for p in paths if p not in found], MAX_SOURCE_BYTES)
    missing = []
    for path, raw in read.items():
        known = memory.lookup(path, raw) if memory is not None and isinstance(raw, bytes) else None
        if known is not None:
            found[path] = known
        elif isinstance(raw, bytes):
            missing.append((path, raw))
    parsed_now = run(parse_one, [(parse, *item) for item in missing])
    for (path, raw), parsed in zip(missing, parsed_now, strict=True):
        found[path] = parsed
        if memory is not None:
            memory.keep(path, raw, parsed)
    incidents = []
    for path in paths:
        failed = read.get(path)
        if isinstance(failed, Unreadable):
            out.append(unreadable(path, failed))
            continue
        incident, problems = found[path]
        out.extend(problems)
        if incident is not None:
            incidents.append(incident)
            out.extend(check_attachments(source, incident))
    count = len(paths) + 1
    if config is None:
        return Loaded(None, out, count)
    return Loaded(m.Repository(config=config, incidents=tuple(incidents), files=count), out, count)
