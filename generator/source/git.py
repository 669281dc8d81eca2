"""Read a status repository as it was at a git ref, from git's objects alone.

Nothing is checked out and the working tree is never touched: the trees of the
commit are listed with ``git ls-tree`` and the blobs read with ``git cat-file``.
:class:`GitSource` answers the loader as the working tree does, so a commit is
read by the same rules: links (mode 120000) are refused, sizes are bounded, file
names are ids, attachments must be publishable.

A file that was broken at the ref is not an error here: the ref is history, and
``diff`` reports such a file as not comparable.  A ref that does not exist, or a
folder that is not in a git repository, is (:class:`GitError`).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from statusgen import model as m
from statusgen import rules
from statusgen.diagnostics import Diagnostic, Severity
from statusgen.source.files import Unreadable, size_text
from statusgen.source.load import load
from statusgen.source.parse import ParseFn, parse_incident
from statusgen.source.tree import Kind, Listed

BLOB_MODES = ("100644", "100755")
_KINDS = {"100644": Kind.FILE, "100755": Kind.FILE, "120000": Kind.LINK, "040000": Kind.FOLDER}


class GitError(Exception):
    """git cannot give what was asked: no repository, no such ref, git missing."""


@dataclass(frozen=True)
class RefSource:
    """The status repository at a ref, as far as it could be read."""

    ref: str
    commit: str
    """The full commit id ``ref`` named."""
    repository: m.Repository | None
    """``None`` when ``components.yml`` was missing or unreadable at the ref."""
    diagnostics: tuple[Diagnostic, ...]
    """Every reading problem at the ref."""
    broken: dict[str, str]
    """Path → a short reason, for each file that could not be read at the ref."""

    @property
    def short(self) -> str:
        return self.commit[:7]


def _git(root: Path, args: Sequence[str], stdin: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], input=stdin,
                              capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise GitError("git is not installed (no `git` on PATH)") from exc
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip()
        raise GitError(message or f"git {' '.join(args)} failed with exit {proc.returncode}")
    return proc.stdout


def resolve(root: Path, ref: str) -> str:
    """The commit id that ``ref`` names in the repository holding ``root``."""
    if not ref or ref.startswith("-"):
        raise GitError(f"{ref!r} is not a git ref")
    try:
        _git(root, ["rev-parse", "--git-dir"])
    except GitError as exc:
        raise GitError(f"{root} is not in a git repository ({exc})") from exc
    try:
        out = _git(root, ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"])
    except GitError:
        raise GitError(f"the ref {ref!r} does not exist in this repository; check its name, and "
                       "in CI fetch the history (actions/checkout with `fetch-depth: 0`)") from None
    return out.decode("ascii").strip()


def _prefix(root: Path) -> str:
    """``root``'s path inside its repository, ``""`` or ``status/``."""
    return _git(root, ["rev-parse", "--show-prefix"]).decode("utf-8").strip()


@dataclass(frozen=True)
class TreeEntry:
    mode: str
    kind: str
    sha: str
    name: str
    size: int = 0
    """The blob's size in bytes (0 for anything else)."""


def list_tree(root: Path, tree: str) -> list[TreeEntry]:
    """The entries of a tree object (``COMMIT:path``); empty if there is no such tree."""
    try:
        kind = _git(root, ["cat-file", "-t", tree]).decode("ascii").strip()
    except GitError:
        return []
    if kind != "tree":
        return []
    entries = []
    # --full-tree: from a subfolder, ls-tree would keep only entries under its path.
    for record in _git(root, ["ls-tree", "-z", "-l", "--full-tree", tree]).split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, sha, size = meta.decode("ascii").split()
        entries.append(TreeEntry(mode, kind, sha, name.decode("utf-8", "surrogateescape"),
                                 int(size) if size.isdigit() else 0))
    return entries


def read_blobs(root: Path, shas: Sequence[str]) -> dict[str, bytes]:
    """The contents of blobs by id, with one ``git cat-file --batch``."""
    if not shas:
        return {}
    out = _git(root, ["cat-file", "--batch"], stdin="".join(f"{s}\n" for s in shas).encode())
    blobs: dict[str, bytes] = {}
    position = 0
    for sha in shas:
        end = out.index(b"\n", position)
        header = out[position:end].decode("ascii").split(" ")
        if len(header) != 3:
            raise GitError(f"git cat-file cannot read {sha}: {' '.join(header)}")
        size = int(header[2])
        blobs[sha] = out[end + 1:end + 1 + size]
        position = end + 1 + size + 1
    return blobs


class GitSource:
    """The status repository under ``root`` as it was at ``commit``, read from git's objects."""

    def __init__(self, root: Path, commit: str, label: str) -> None:
        self.root = root
        self.commit = commit
        self.label = label
        self.prefix = _prefix(root)
        self._trees: dict[str, dict[str, TreeEntry]] = {}

    def describe(self) -> str:
        return self.label

    def _tree(self, folder: str) -> dict[str, TreeEntry]:
        if folder not in self._trees:
            entries = list_tree(self.root, f"{self.commit}:{self.prefix}{folder}")
            self._trees[folder] = {e.name: e for e in entries}
        return self._trees[folder]

    def _entry(self, path: str) -> tuple[TreeEntry | None, bool]:
        """The entry at ``path``, and whether a link stands on the way to it."""
        *folders, name = path.split("/")
        here = ""
        for part in folders:
            entry = self._tree(here).get(part)
            if entry is None or entry.mode == "120000":
                return None, entry is not None
            here = f"{here}{part}/"
        return self._tree(here).get(name), False

    def kind(self, path: str) -> Kind | None:
        entry, through_link = self._entry(path)
        if through_link:
            return Kind.LINK
        return None if entry is None else _KINDS.get(entry.mode, Kind.OTHER)

    def listing(self, folder: str) -> list[Listed]:
        if self.kind(folder) is not Kind.FOLDER:
            raise Unreadable(rules.IO, "is not a folder")
        tree = self._tree(f"{folder}/")
        return [Listed(name, _KINDS.get(e.mode, Kind.OTHER)) for name, e in sorted(tree.items())]

    def _blob(self, path: str, limit: int) -> TreeEntry:
        entry, through_link = self._entry(path)
        kind = Kind.LINK if through_link else None if entry is None else _KINDS.get(entry.mode)
        if kind is Kind.LINK:
            raise Unreadable(rules.SYMLINK, "is a symbolic link; statusgen never follows links, so "
                             "that nothing outside the repository is read or published: put the "
                             "file itself here")
        if entry is None:
            raise Unreadable(rules.IO, "does not exist")
        if kind is not Kind.FILE:
            raise Unreadable(rules.IO, "cannot read: it is not a regular file")
        if entry.size > limit:
            raise Unreadable(rules.SIZE, f"is {size_text(entry.size)}; statusgen reads files of at "
                             f"most {size_text(limit)} here")
        return entry

    def identity(self, path: str) -> str | None:
        entry, through_link = self._entry(path)
        return None if entry is None or through_link else f"git:{entry.sha}"

    def read(self, path: str, limit: int) -> bytes:
        found = self.read_many([path], limit)[path]
        if isinstance(found, Unreadable):
            raise found
        return found

    def read_many(self, paths: Iterable[str], limit: int) -> dict[str, bytes | Unreadable]:
        found: dict[str, bytes | Unreadable] = {}
        blobs: dict[str, str] = {}
        for path in paths:
            try:
                blobs[path] = self._blob(path, limit).sha
            except Unreadable as exc:
                found[path] = exc
        contents = read_blobs(self.root, list(dict.fromkeys(blobs.values())))
        for path, sha in blobs.items():
            found[path] = contents[sha]
        return found


def read_ref(root: Path, ref: str, parse: ParseFn = parse_incident) -> RefSource:
    """``components.yml`` and ``incidents/*.md`` under ``root`` as they were at ``ref``, read
    by the same rules as the working tree."""
    commit = resolve(root, ref)
    loaded = load(GitSource(root, commit, f"{ref} ({commit[:7]})"), parse)
    broken: dict[str, str] = {}
    for d in loaded.diagnostics:
        if d.severity is Severity.ERROR:
            broken.setdefault(d.location.path, f"{d.message} (line {d.location.line})")
    return RefSource(ref, commit, loaded.repository, tuple(loaded.diagnostics), broken)


__all__ = ["GitError", "GitSource", "RefSource", "read_ref", "resolve"]
