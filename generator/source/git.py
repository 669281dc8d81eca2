"""Read a status repository as it was at a git ref, from git's objects alone.

Nothing is checked out and the working tree is never touched: the tree of the
commit is listed with ``git ls-tree`` and the blobs are read with ``git
cat-file``, then parsed with the same pure functions as files on disk
(:func:`~generator.load.parse_config`, :func:`~generator.load.parse_incident`).

A file that was broken at the ref is not an error here: the ref is history, and
``diff`` reports such a file as not comparable.  A ref that does not exist, or a
folder that is not in a git repository, is (:class:`GitError`).
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from generator import model as m
from generator.check.rules import check
from generator.diagnostics import Diagnostic, Severity
from generator.source.load import CONFIG_FILE, INCIDENTS_DIR, parse_config, parse_incident

BLOB_MODES = ("100644", "100755")


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
    for record in _git(root, ["ls-tree", "-z", "--full-tree", tree]).split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, sha = meta.decode("ascii").split(" ")
        entries.append(TreeEntry(mode, kind, sha, name.decode("utf-8", "surrogateescape")))
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


def read_ref(root: Path, ref: str) -> RefSource:
    """``components.yml`` and ``incidents/*.md`` under ``root`` as they were at ``ref``."""
    commit = resolve(root, ref)
    prefix = _prefix(root)
    top = {e.name: e for e in list_tree(root, f"{commit}:{prefix}")}
    incidents_tree = top.get(INCIDENTS_DIR)
    files = [
        e for e in (list_tree(root, incidents_tree.sha) if incidents_tree else [])
        if e.kind == "blob" and e.mode in BLOB_MODES and e.name.endswith(".md")
    ]
    files.sort(key=lambda e: e.name)
    config_entry = top.get(CONFIG_FILE)
    wanted = [e.sha for e in files]
    if config_entry is not None and config_entry.kind == "blob":
        wanted.append(config_entry.sha)
    blobs = read_blobs(root, wanted)

    diagnostics: list[Diagnostic] = []
    broken: dict[str, str] = {}
    config = None
    if config_entry is None or config_entry.kind != "blob":
        broken[CONFIG_FILE] = f"there was no {CONFIG_FILE}"
    else:
        config, problems = parse_config(blobs[config_entry.sha])
        diagnostics.extend(problems)
        if config is None:
            broken[CONFIG_FILE] = _reason(problems)
    incidents = []
    for entry in files:
        path = f"{INCIDENTS_DIR}/{entry.name}"
        incident, problems = parse_incident(path, blobs[entry.sha])
        diagnostics.extend(problems)
        if incident is None:
            broken[path] = _reason(problems)
        else:
            incidents.append(incident)
    repository = None if config is None else m.Repository(
        config=config, incidents=tuple(incidents), files=len(files) + 1)
    return RefSource(ref, commit, repository, tuple(diagnostics), broken)


def comparable(source: RefSource, now: datetime) -> RefSource:
    """``source`` without the entries that break a rule at ``now``, each noted in ``broken``.

    The diff computes the base page with the same code as the build; an entry the
    build would have refused (an error of :func:`~generator.check.check`) is left
    out of it and reported, and errors in ``components.yml`` leave no base at all.
    """
    repo = source.repository
    if repo is None:
        return source
    errors = [d for d in check(repo, now) if d.severity is Severity.ERROR]
    broken = dict(source.broken)
    for d in errors:
        broken.setdefault(d.location.path, f"{d.message} (line {d.location.line})")
    if CONFIG_FILE in broken:
        repo = None
    else:
        kept = tuple(i for i in repo.incidents if i.path not in broken)
        repo = m.Repository(config=repo.config, incidents=kept, files=repo.files)
    return RefSource(source.ref, source.commit, repo, (*source.diagnostics, *errors), broken)


def _reason(problems: Sequence[Diagnostic]) -> str:
    first = next((d for d in problems if d.severity is Severity.ERROR), None)
    if first is None:
        return "it could not be read"
    return f"{first.message} (line {first.location.line})"


__all__ = ["GitError", "RefSource", "comparable", "read_ref", "resolve"]
