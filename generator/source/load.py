"""Load: files on disk into the typed model, with every reading problem located.

Parsing one incident is a pure function of its path and bytes
(:func:`parse_incident`), so callers may cache it and re-run it for the one file
that changed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from generator import model as m
from generator.diagnostics import Diagnostic, Location, error, warning
from generator.incremental.cache import ParseCache, parse_all
from generator.render.markdown import links_in
from generator.source.attachments import check_attachments
from generator.source.files import MAX_SOURCE_BYTES, Unreadable, is_link, is_real_folder, read_inside
from generator.source.schema import CONFIG, INCIDENT, INVALID, SLUG, invisible, parse_object
from generator.source.yaml_reader import parse_yaml

CONFIG_FILE = "components.yml"
# Paths the JSON API uses beside incident ids (``api/v2/incidents/unresolved.json``).
RESERVED_IDS = ("unresolved",)
README = "readme.md"
INCIDENTS_DIR = "incidents"
# Files that look like an incident saved under the wrong name.
WRONG_EXTENSIONS = (".markdown", ".mdown", ".mkd", ".yml", ".yaml", ".txt")


@dataclass(frozen=True)
class Loaded:
    """What :func:`load` read: the repository (``None`` when ``components.yml`` cannot be
    read), every reading problem, and how many files were read."""

    repository: m.Repository | None
    diagnostics: list[Diagnostic]
    files: int


@dataclass(frozen=True)
class FrontMatter:
    """A file split into its YAML front matter and its Markdown body."""

    yaml: str
    yaml_line: int
    """Lines before the YAML in the file (the opening ``---``)."""
    body: str
    body_line: int


def decode(raw: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 text with a BOM removed and line endings made ``\\n``."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # Count in characters and in lines as an editor does (CR, LF or CRLF), not in bytes.
        # `exc.start` indexes `exc.object`, which is the bytes after the BOM when there is one.
        before = bytes(exc.object[:exc.start]).decode("utf-8", errors="replace")
        lines = before.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        line, column = len(lines), len(lines[-1]) + 1
        return None, [error(Location(path, line, column), "encoding",
                            "the file is not UTF-8; save it with UTF-8 encoding")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def split_front_matter(text: str, path: str) -> FrontMatter | Diagnostic:
    """Find the ``---`` block at the top of ``text``."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return error(Location(path, 1, 1), "front-matter",
                     "an incident file starts with a line `---`, then the YAML keys, then `---`")
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip() == "---":
            body = "\n".join(lines[number + 1:])
            blank = len(body) - len(body.lstrip("\n"))
            return FrontMatter(
                yaml="\n".join(lines[1:number]) + "\n",
                yaml_line=1,
                body=body.strip("\n"),
                body_line=number + 2 + blank,
            )
    return error(Location(path, 1, 1), "front-matter",
                 "the front matter is not closed: add a line `---` after the last key")


def _internal_failure(path: str, exc: Exception) -> Diagnostic:
    # A bug of ours must not hide the rest of the report, nor show a traceback.
    return error(Location(path, 1, 1), "internal",
                 f"statusgen could not read this file ({type(exc).__name__}: {exc}); "
                 "please report this as a bug")


def parse_incident(path: str, raw: bytes) -> tuple[m.Incident | None, list[Diagnostic]]:
    """One ``incidents/*.md`` file into an :class:`~generator.model.Incident`.

    ``path`` is relative to the root and names the file in diagnostics. The
    incident is ``None`` when the file has errors that leave it unreadable.
    """
    try:
        return _parse_incident(path, raw)
    except Exception as exc:
        return None, [_internal_failure(path, exc)]


def _parse_incident(path: str, raw: bytes) -> tuple[m.Incident | None, list[Diagnostic]]:
    text, out = decode(raw, path)
    if text is None:
        return None, out
    split = split_front_matter(text, path)
    if isinstance(split, Diagnostic):
        return None, [split]
    node, out = parse_yaml(split.yaml, path, split.yaml_line)
    if node is None:
        if not out:
            out.append(error(Location(path, 2, 1), "required",
                             "the front matter is empty: add `title` and `updates`"))
        return None, out
    values = parse_object(node, INCIDENT, out)
    bad = invisible(split.body, markdown=True)
    if bad is not None:
        line = split.body[:split.body.find(chr(int(bad[2:], 16)))].count("\n")
        out.append(error(Location(path, split.body_line + line), "text", f"the Markdown holds the "
                         f"invisible control character {bad}; remove it"))
    if values is INVALID or out:
        return None, out
    name = Path(path).name
    values["updates"] = tuple(_with_links(u) for u in values["updates"])
    incident = m.Incident(
        loc=node.loc,
        keys=tuple((str(k.value), v.loc) for k, v in node.entries),  # type: ignore[union-attr]
        id=name[: -len(".md")],
        path=path,
        body=split.body,
        body_line=split.body_line,
        links=body_links(path, split.body, split.body_line),
        **values,
    )
    return incident, out


def _with_links(update: m.Update) -> m.Update:
    found = links_in(update.message)
    if not found:
        return update
    where = update.loc_of("message")
    return replace(update, links=tuple((url, where) for url, _ in found))


def body_links(path: str, body: str, body_line: int) -> tuple[tuple[str, Location], ...]:
    """Every link and image of a body where it is written, found once per file so a cached
    parse keeps them."""
    lines = body.split("\n")
    found = []
    for link, offset in links_in(body):
        line, column = _written_at(lines, link, offset)
        found.append((link, Location(path, body_line + line, column)))
    return tuple(found)


def parse_config(raw: bytes, path: str = CONFIG_FILE) -> tuple[m.Config | None, list[Diagnostic]]:
    """``components.yml`` into a :class:`~generator.model.Config`."""
    try:
        text, out = decode(raw, path)
        if text is None:
            return None, out
        node, out = parse_yaml(text, path)
        if node is None:
            return None, out or [error(Location(path), "required",
                                       "components.yml is empty: add `page` and `components`")]
        config = parse_object(node, CONFIG, out)
        if config is INVALID or out:
            return None, out
        return _with_groups(config), out
    except Exception as exc:
        return None, [_internal_failure(path, exc)]


def _with_groups(config: m.Config) -> m.Config:
    # Members learn their group's id here, so later steps need not search for it.
    from dataclasses import replace

    groups = tuple(
        replace(c, members=tuple(replace(x, group=c.id) for x in c.members))
        for c in config.components
    )
    return replace(config, components=groups)


ParseFn = Callable[[str, bytes], tuple[m.Incident | None, list[Diagnostic]]]


def incident_files(root: Path) -> tuple[list[Path], list[Diagnostic]]:
    """The ``incidents/*.md`` files, sorted; problems with the folder and with
    files that look misnamed, are links or are folders."""
    folder = root / INCIDENTS_DIR
    if is_link(folder):
        return [], [error(Location(INCIDENTS_DIR), "symlink", f"{INCIDENTS_DIR}/ is a symbolic "
                          "link; statusgen never follows links, so that nothing outside the "
                          "repository is read or published: make it a real folder")]
    if not is_real_folder(folder):
        return [], []
    names: list[Path] = []
    out: list[Diagnostic] = []
    seen: dict[str, str] = {}
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        return [], [error(Location(INCIDENTS_DIR), "io", f"cannot list the folder: {exc.strerror}")]
    for entry in entries:
        rel = f"{INCIDENTS_DIR}/{entry.name}"
        if entry.name.lower() == README or entry.name.startswith("."):
            continue  # notes for the team, and editors' and the system's hidden files
        if entry.name.endswith(".md"):
            names.append(folder / entry.name)
            out.extend(_check_id(entry.name[:-3], rel, seen))
        elif entry.name.lower().endswith((".md", *WRONG_EXTENSIONS)) and \
                entry.is_file(follow_symlinks=False) and _looks_like_incident(Path(entry.path)):
            out.append(warning(Location(rel), "extension",
                               f"this looks like an incident but only `.md` files are read; "
                               f"rename it to {entry.name.rpartition('.')[0]}.md"))
    return names, out


def _check_id(stem: str, rel: str, seen: dict[str, str]) -> list[Diagnostic]:
    here = Location(rel)
    out = []
    if not SLUG.match(stem):
        out.append(error(here, "slug", f"the file name `{stem}` is the incident's id and must be "
                         "lower-case letters, digits and hyphens; rename the file"))
    elif stem in RESERVED_IDS:
        out.append(error(here, "reserved-id", f"`{stem}` is reserved by the JSON API "
                         f"(api/v2/incidents/{stem}.json); rename the file"))
    # Before the slug rule lets it go: `Outage.md` beside `outage.md` is also a clash.
    other = seen.setdefault(stem.lower(), rel)
    if other != rel:
        out.append(error(here, "duplicate-id", f"differs from {other} only in case, which breaks "
                         "checkouts on macOS and Windows; rename one"))
    return out


def _written_at(lines: list[str], link: str, first: int) -> tuple[int, int]:
    """Where ``link`` is written: its 0-based line in the body and 1-based column.

    Markdown gives only the first line of the paragraph or list item holding the
    link; look for the link itself from there, and keep that line if it is
    written differently (escaped, in angle brackets).
    """
    for needle in (f"({link}", link):
        for number in range(first, len(lines)):
            column = lines[number].find(needle)
            if column != -1:
                return number, column + 1 + (needle != link)
    return first, 1


def _looks_like_incident(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            # Enough for a BOM (3 bytes) and the `---`.
            return handle.read(6).removeprefix(b"\xef\xbb\xbf").startswith(b"---")
    except OSError:
        return False


def read_source(root: Path, rel: str) -> tuple[bytes | None, list[Diagnostic]]:
    """A source file's bytes, or the located reason it cannot be read."""
    try:
        return read_inside(root, rel, MAX_SOURCE_BYTES), []
    except Unreadable as exc:
        where = Location(rel)
        if exc.code == "size":
            return None, [error(where, "size", f"{exc.message}; split the write-up, or move "
                                "large parts into attachments")]
        if exc.code == "symlink":
            return None, [error(where, "symlink", exc.message)]
        return None, [error(where, "io", exc.message)]


def load(root: Path, parse: ParseFn = parse_incident, *,
         cache: ParseCache | None = None) -> Loaded:
    """Read ``components.yml`` and every incident under ``root``.

    ``parse`` may be a caching wrapper of :func:`parse_incident`; with the plain
    one, ``cache`` keeps results between builds. The
    repository is ``None`` only when ``components.yml`` cannot be read; incidents
    that cannot be read are left out and their problems returned.
    """
    out: list[Diagnostic] = []
    if (root / CONFIG_FILE).exists() or is_link(root / CONFIG_FILE):
        raw_config, out = read_source(root, CONFIG_FILE)
    else:
        raw_config = None
        out.append(error(Location(CONFIG_FILE), "required", f"there is no {CONFIG_FILE} in "
                         f"{root}; create it or pass --root"))
    config = None
    if raw_config is not None:
        config, problems = parse_config(raw_config)
        out.extend(problems)
    files, misnamed = incident_files(root)
    out.extend(misnamed)
    pairs: list[tuple[str, bytes]] = []
    for file in files:
        rel = f"{INCIDENTS_DIR}/{file.name}"
        raw, problems = read_source(root, rel)
        out.extend(problems)
        if raw is not None:
            pairs.append((rel, raw))
    plain = parse is parse_incident
    results = parse_all(pairs, cache) if plain else [parse(rel, raw) for rel, raw in pairs]
    incidents = []
    for incident, problems in results:
        out.extend(problems)
        if incident is not None:
            incidents.append(incident)
            out.extend(check_attachments(root, incident))
    count = len(files) + 1
    if config is None:
        return Loaded(None, out, count)
    return Loaded(m.Repository(config=config, incidents=tuple(incidents), files=count), out, count)


__all__ = ["CONFIG_FILE", "INCIDENTS_DIR", "SLUG", "load", "parse_config", "parse_incident"]
