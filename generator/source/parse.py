"""Parsing: one file's bytes into the typed model, a pure function of its path and bytes.

Nothing here reads the disk, so a file read from the working tree, from a git commit
or from a cache is parsed the same way, and callers may keep the results.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Protocol

from statusgen import model as m
from statusgen import rules
from statusgen.diagnostics import Diagnostic, Location
from statusgen.prose import Prose
from statusgen.source.markdown import prose
from statusgen.source.schema import CONFIG, INCIDENT, INVALID, invisible, parse_object
from statusgen.source.yaml_reader import parse_yaml

CONFIG_FILE = "components.yml"
INCIDENTS_DIR = "incidents"

Parsed = tuple[m.Incident | None, list[Diagnostic]]
ParseFn = Callable[[str, bytes], Parsed]
"""``parse_incident``, or a stand-in for it in tests."""


class ParseMemory(Protocol):
    """What was parsed before (:class:`~statusgen.incremental.parse_cache.ParseCache`)."""

    def recall(self, path: str, identity: str) -> Parsed | None:
        """What was parsed for ``path`` when its file had this identity: it is not read."""

    def lookup(self, path: str, raw: bytes) -> Parsed | None:
        """What was parsed for ``path`` with these bytes."""

    def keep(self, path: str, raw: bytes, parsed: Parsed) -> None:
        """Remember what ``path`` with these bytes parsed to."""


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
        return None, [rules.ENCODING.at(Location(path, line, column),
                                        "the file is not UTF-8; save it with UTF-8 encoding")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def split_front_matter(text: str, path: str) -> FrontMatter | Diagnostic:
    """Find the ``---`` block at the top of ``text``."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return rules.FRONT_MATTER.at(
            Location(path, 1, 1),
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
    return rules.FRONT_MATTER.at(Location(path, 1, 1),
                                 "the front matter is not closed: add a line `---` after the last key")


def file_digest(path: str, raw: bytes) -> str:
    """The digest a model object made from a file keeps of it: of the file's path (two files
    of the same bytes are two incidents) and bytes."""
    return hashlib.sha256(path.encode("utf-8", "surrogateescape") + b"\0" + raw).hexdigest()


def _internal_failure(path: str, exc: Exception) -> Diagnostic:
    # A bug of ours must not hide the rest of the report, nor show a traceback.
    return rules.INTERNAL.at(Location(path, 1, 1),
                             f"statusgen could not read this file ({type(exc).__name__}: {exc}); "
                             "please report this as a bug")


def parse_incident(path: str, raw: bytes) -> tuple[m.Incident | None, list[Diagnostic]]:
    """One ``incidents/*.md`` file into an :class:`~statusgen.model.Incident`.

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
            out.append(rules.REQUIRED.at(Location(path, 2, 1),
                                         "the front matter is empty: add `title` and `updates`"))
        return None, out
    values = parse_object(node, INCIDENT, out)
    bad = invisible(split.body, markdown=True)
    if bad is not None:
        line = split.body[:split.body.find(chr(int(bad[2:], 16)))].count("\n")
        out.append(rules.TEXT.at(Location(path, split.body_line + line), f"the Markdown holds the "
                                 f"invisible control character {bad}; remove it"))
    if values is INVALID or out:
        return None, out
    name = PurePosixPath(path).name
    values["updates"] = tuple(_read(u) for u in values["updates"])
    if "except" in values:  # a Python keyword, so the model names it otherwise
        values["exceptions"] = values.pop("except")
    body = prose(split.body, shift_headings=1)
    incident = m.Incident(
        loc=node.loc,
        keys=tuple((str(k.value), v.loc) for k, v in node.entries),  # type: ignore[union-attr]
        id=name[: -len(".md")],
        path=path,
        body=split.body,
        body_line=split.body_line,
        links=body_links(path, split.body, split.body_line, body),
        body_prose=body,
        **values,
    )
    return m.stamped(incident, file_digest(path, raw)), out


def _read(update: m.Update) -> m.Update:
    """The update with its message and translations read, and their links."""
    read = prose(update.message)
    translated = tuple(prose(text) for _, text in update.translations)
    where = update.loc_of("message")
    links = [slot.url for slot in read.slots]
    # A translation's links are checked too; one it shares with the message, once.
    links += dict.fromkeys(s.url for p in translated for s in p.slots if s.url not in links)
    return replace(update, prose=read, translated=translated,
                   links=tuple((url, where) for url in links))


def body_links(path: str, body: str, body_line: int,
               read: Prose | None = None) -> tuple[tuple[str, Location], ...]:
    """Every link and image of a body where it is written, found once per file so a cached
    parse keeps them."""
    lines = body.split("\n")
    found = []
    for slot in (read or prose(body)).slots:
        line, column = _written_at(lines, slot.url, slot.line)
        found.append((slot.url, Location(path, body_line + line, column)))
    return tuple(found)


def parse_config(raw: bytes, path: str = CONFIG_FILE) -> tuple[m.Config | None, list[Diagnostic]]:
    """``components.yml`` into a :class:`~statusgen.model.Config`."""
    try:
        text, out = decode(raw, path)
        if text is None:
            return None, out
        node, out = parse_yaml(text, path)
        if node is None:
            return None, out or [rules.REQUIRED.at(Location(path),
                                                   "components.yml is empty: add `page` and `components`")]
        config = parse_object(node, CONFIG, out)
        if config is INVALID or out:
            return None, out
        return m.stamped(_with_groups(config), file_digest(path, raw)), out
    except Exception as exc:
        return None, [_internal_failure(path, exc)]


def _with_groups(config: m.Config) -> m.Config:
    # Members learn their group's id here, so later steps need not search for it.
    groups = tuple(
        replace(c, members=tuple(replace(x, group=c.id) for x in c.members))
        for c in config.components
    )
    return replace(config, components=groups)


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


