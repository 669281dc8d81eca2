"""``statusgen init [DIR]``: a new status repository from the skeleton in this package.

The skeleton (``generator/skeleton/``, installed as package data) holds every
file a new repository starts with.  Names starting with ``dot-`` are written
with a ``.`` instead (``dot-github/`` → ``.github/``), so that packaging tools,
which skip hidden files, carry them.  ``init`` never overwrites: if any file it
would write exists, it names them and writes nothing.

``requirements.txt`` says where the new repository's workflows install
statusgen from, so ``init`` writes it from where *this* statusgen came from
(PEP 610's ``direct_url.json``): a package index gives ``statusgen==X``, a git
repository ``statusgen @ git+URL@commit``, an archive ``statusgen @ URL``.  A
folder or file on this computer is out of the workflows' reach, so then the
file holds the lines to choose from, commented out, and ``init`` says so.

Then ``init`` can make the folder a git repository with a first commit, so
that ``statusgen diff`` works at once: ``--git`` / ``--no-git``, or a question
in a terminal; without either and without a terminal it does not.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from statusgen import __version__
from statusgen.commands.options import EXIT_OK, EXIT_PROBLEMS

DOT_PREFIX = "dot-"
REQUIREMENT_MARK = b"@STATUSGEN_REQUIREMENT@\n"
DISTRIBUTION = "statusgen"
COMMIT_MESSAGE = "A status page, from statusgen init"


# --------------------------------------------------------------------------
# Where the workflows install statusgen from
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Pin:
    """What ``requirements.txt`` says about statusgen, and why."""

    requirement: str | None
    """The line to install statusgen with, or ``None`` when the workflows cannot reach this one."""
    origin: str
    """Where this statusgen was installed from, in words."""
    choices: tuple[str, ...] = ()
    """When ``requirement`` is ``None``: the lines to choose from."""

    def requirements_body(self) -> str:
        """The lines of ``requirements.txt`` after its first comment."""
        if self.requirement is not None:
            return (f"# The statusgen that `statusgen init` ran as, from {self.origin}:\n"
                    f"{self.requirement}\n")
        listed = "".join(f"# {line}\n" for line in self.choices)
        return ("#\n"
                "# TO DO: say where the workflows install statusgen from. statusgen init ran\n"
                "# from a statusgen they cannot reach:\n"
                f"#   {self.origin}\n"
                "# Uncomment the line that says where your team installs statusgen from:\n"
                f"{listed}")

    def notice(self) -> str:
        """What ``init`` prints about ``requirements.txt`` when the user must choose, else ``""``."""
        if self.requirement is not None:
            return ""
        listed = "".join(f"  {line}\n" for line in self.choices)
        return ("requirements.txt needs you: statusgen init ran from a statusgen that the\n"
                f"workflows cannot install:\n  {self.origin}\n"
                "In requirements.txt, uncomment the line that says where your team installs\n"
                f"statusgen from (the workflows fail until one does):\n{listed}")


def installed_distribution() -> metadata.Distribution | None:
    """The installed ``statusgen`` distribution, or ``None`` when running from a source folder.

    Only an installed one counts (it has a ``RECORD``): a ``statusgen.egg-info``
    that a build left in the current folder is found first on ``sys.path`` but
    says nothing about how statusgen was installed.
    """
    for dist in metadata.distributions(name=DISTRIBUTION):
        if dist.read_text("RECORD") is not None:
            return dist
    return None


def direct_url(dist: metadata.Distribution) -> Mapping[str, Any] | None:
    """The distribution's ``direct_url.json`` (PEP 610), ``None`` when absent; ``{}`` when unreadable."""
    text = dist.read_text("direct_url.json")
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("url"), str) else {}


def pin_for(dist: metadata.Distribution | None) -> Pin:
    """Where the workflows should install statusgen from, given how ``dist`` was installed."""
    if dist is None:
        return _local(__version__, "a source folder where statusgen is not installed as a package")
    info = direct_url(dist)
    if info is None:
        return Pin(f"{DISTRIBUTION}=={dist.version}", "the package index")
    if not info:
        return _local(dist.version, "an unreadable direct_url.json in the installed statusgen")
    url: str = info["url"]
    remote = urlsplit(url).scheme not in ("", "file")
    vcs, archive = info.get("vcs_info"), info.get("archive_info")
    if isinstance(vcs, dict) and remote:
        return _vcs_pin(url, vcs, info)
    if isinstance(archive, dict) and remote:
        return Pin(f"{DISTRIBUTION} @ {url}{_fragment(_hash(archive), info)}", f"the archive {url}")
    return _local(dist.version, _describe_local(url, info), folder=_folder(url, info))


def _vcs_pin(url: str, vcs: Mapping[str, Any], info: Mapping[str, Any]) -> Pin:
    kind, commit = str(vcs.get("vcs", "git")), str(vcs.get("commit_id", ""))
    at = f"@{commit}" if commit else ""
    return Pin(f"{DISTRIBUTION} @ {kind}+{url}{at}{_fragment(None, info)}",
               f"the {kind} repository {url} at commit {commit[:12] or '?'}")


def _hash(archive: Mapping[str, Any]) -> str | None:
    hashes = archive.get("hashes")
    if isinstance(hashes, dict) and hashes:
        name = "sha256" if "sha256" in hashes else sorted(hashes)[0]
        return f"{name}={hashes[name]}"
    legacy = archive.get("hash")  # the older form: "sha256=..."
    return legacy if isinstance(legacy, str) and "=" in legacy else None


def _fragment(digest: str | None, info: Mapping[str, Any]) -> str:
    parts = [digest] if digest else []
    if isinstance(info.get("subdirectory"), str):
        parts.append(f"subdirectory={info['subdirectory']}")
    return "#" + "&".join(parts) if parts else ""


def _describe_local(url: str, info: Mapping[str, Any]) -> str:
    dir_info = info.get("dir_info")
    if isinstance(dir_info, dict):
        editable = ", editable" if dir_info.get("editable") else ""
        return f"{url} (a folder on this computer{editable})"
    if isinstance(info.get("vcs_info"), dict):
        return f"{url} (a repository on this computer)"
    if isinstance(info.get("archive_info"), dict):
        return f"{url} (a file on this computer)"
    return f"{url} (a direct URL of a kind statusgen does not know)"


def _folder(url: str, info: Mapping[str, Any]) -> Path | None:
    parts = urlsplit(url)
    return Path(parts.path) if parts.scheme == "file" and isinstance(info.get("dir_info"), dict) else None


def _local(version: str, origin: str, folder: Path | None = None) -> Pin:
    git_line = _git_checkout_line(folder) if folder is not None else None
    return Pin(None, origin, (
        f"{DISTRIBUTION}=={version}",
        git_line or f"{DISTRIBUTION} @ git+https://github.com/YOUR-ORG/statusgen@v{version}",
    ))


def _git_checkout_line(folder: Path) -> str | None:
    """``statusgen @ git+<origin>@<HEAD>`` when ``folder`` is a checkout with an https ``origin``."""
    if shutil.which("git") is None or not folder.is_dir():
        return None
    remote, head = _git(folder, "remote", "get-url", "origin"), _git(folder, "rev-parse", "HEAD")
    url = remote.stdout.strip()
    if remote.returncode or head.returncode or not url.startswith("https://"):
        return None
    return f"{DISTRIBUTION} @ git+{url}@{head.stdout.strip()}"


# --------------------------------------------------------------------------
# The skeleton
# --------------------------------------------------------------------------


def skeleton() -> Traversable:
    """The skeleton folder inside the installed package."""
    return files("statusgen") / "skeleton"


def target_path(relative: PurePosixPath) -> PurePosixPath:
    """Where a skeleton file goes: ``dot-github/workflows/x.yml`` → ``.github/workflows/x.yml``."""
    return PurePosixPath(*(
        "." + part[len(DOT_PREFIX):] if part.startswith(DOT_PREFIX) else part
        for part in relative.parts
    ))


def _walk(folder: Traversable, prefix: PurePosixPath) -> Iterator[tuple[PurePosixPath, Traversable]]:
    for item in sorted(folder.iterdir(), key=lambda t: t.name):
        if item.name == "__pycache__":
            continue
        if item.is_dir():
            yield from _walk(item, prefix / item.name)
        else:
            yield prefix / item.name, item


def skeleton_files(pin: Pin | None = None) -> dict[PurePosixPath, bytes]:
    """Every file ``init`` writes: its path in the new repository, and its bytes.

    ``pin`` fills ``requirements.txt`` (default: from how this statusgen was installed).
    """
    body = (pin or pin_for(installed_distribution())).requirements_body().encode("utf-8")
    return {target_path(relative): item.read_bytes().replace(REQUIREMENT_MARK, body)
            for relative, item in _walk(skeleton(), PurePosixPath())}


def existing(root: Path, paths: Iterator[PurePosixPath] | list[PurePosixPath]) -> list[PurePosixPath]:
    """The paths that already exist under ``root`` (as anything: file, folder or link)."""
    return [p for p in paths if (root / p).exists() or (root / p).is_symlink()]


def init(root: Path, pin: Pin | None = None) -> tuple[list[PurePosixPath], list[PurePosixPath]]:
    """Write the skeleton into ``root``; ``(written, in the way)``, and nothing written if any is."""
    wanted = skeleton_files(pin)
    clashes = existing(root, list(wanted))
    # A file where a folder must go (`incidents` as a file) is in the way too.
    for path in wanted:
        for parent in path.parents:
            where = root / parent
            if parent != PurePosixPath(".") and where.exists() and not where.is_dir():
                clashes.append(parent)
    if clashes:
        return [], sorted(set(clashes))
    for path, data in wanted.items():
        out = root / path
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("xb") as handle:  # never replace a file that appeared meanwhile
            handle.write(data)
    return sorted(wanted), []


# --------------------------------------------------------------------------
# A git repository with a first commit
# --------------------------------------------------------------------------


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                          check=False)


def work_tree(folder: Path) -> Path | None:
    """The top of the git work tree that ``folder`` is in, or ``None`` (also without git)."""
    if shutil.which("git") is None:
        return None
    proc = _git(folder, "rev-parse", "--show-toplevel")
    top = proc.stdout.strip()
    return Path(top) if proc.returncode == 0 and top else None


def git_command(root: Path) -> str:
    """``git`` for the current folder, else ``git -C DIR``, as the user would type it."""
    return "git" if root == Path(".") else f"git -C {shlex.quote(str(root))}"


def has_identity(root: Path) -> bool:
    """Whether git knows a name and email to commit with in ``root`` (as ``git commit`` decides)."""
    return all(_git(root, "var", ident).returncode == 0
               for ident in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"))


@dataclass(frozen=True)
class GitResult:
    """What became of the git repository: committed, and what to tell the user."""

    committed: bool
    message: str
    failed: bool = False


def make_repository(root: Path, written: list[PurePosixPath]) -> GitResult:
    """``git init`` (branch ``main``) in ``root``, stage ``written``, and commit them if git can."""
    git = git_command(root)
    commit = f"{git} commit -m {shlex.quote(COMMIT_MESSAGE)}"
    for args in (("init", "--quiet", "--initial-branch=main"), ("add", "--", *map(str, written))):
        proc = _git(root, *args)
        if proc.returncode:
            return GitResult(False, f"git {args[0]} failed: {proc.stderr.strip()}\n", failed=True)
    if not has_identity(root):
        return GitResult(False, (
            f"Made {root} a git repository (branch main) and staged the files, but git does not\n"
            "know who you are, so nothing is committed yet. Tell it, then commit:\n"
            '  git config --global user.name "Your Name"\n'
            '  git config --global user.email "you@example.com"\n'
            f"  {commit}\n"))
    proc = _git(root, "commit", "--quiet", "-m", COMMIT_MESSAGE)
    if proc.returncode:
        return GitResult(False, (f"git commit failed: {proc.stderr.strip()}\n"
                                 f"The files are staged; once git can commit, run:\n  {commit}\n"),
                         failed=True)
    return GitResult(True, (f"Made {root} a git repository (branch main) and committed the files above;\n"
                            "`statusgen diff --base HEAD` works from now on.\n"))


def interactive() -> bool:
    """Whether a person can answer a question: stdin and stdout are a terminal."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def ask(question: str, default: bool) -> bool:
    """A yes/no question on the terminal; Enter gives ``default``, end of input no."""
    # The question goes to stdout with the rest: input() would write it to stderr.
    print(f"{question} [{'Y/n' if default else 'y/N'}] ", end="", flush=True)
    try:
        answer = input().strip().lower()
    except EOFError:
        print()
        return False
    return default if not answer else answer in ("y", "yes")


def git_step(root: Path, choice: bool | None, written: list[PurePosixPath],
             question: Callable[[str, bool], bool] | None) -> GitResult | None:
    """Make ``root`` a git repository when ``choice`` (or the user, asked through ``question``) says so.

    ``None`` when nothing was done and there is nothing to say.
    """
    if shutil.which("git") is None:
        by_hand = (f"  git init --initial-branch=main {shlex.quote(str(root))}\n"
                   f"  {git_command(root)} add -A\n"
                   f"  {git_command(root)} commit -m {shlex.quote(COMMIT_MESSAGE)}\n")
        return GitResult(False, "git is not installed (or not on PATH): install it, then run\n"
                         + by_hand, failed=True) if choice else None
    top = work_tree(root)
    if top is not None and top.resolve() == root.resolve():
        names = sorted({p.parts[0] for p in written})
        return GitResult(False, (f"{root} is already a git repository: commit the new files with\n"
                                 f"  {git_command(root)} add {' '.join(names)} && "
                                 f"{git_command(root)} commit -m {shlex.quote(COMMIT_MESSAGE)}\n"))
    inside = f"{root} is inside the git work tree of {top}" if top is not None else ""
    if choice is None and question is not None:
        choice = question(f"{inside}; make {root} a git repository of its own anyway?" if inside else
                          f"Make {root} a git repository with a first commit?", top is None)
    if not choice:
        return GitResult(False, f"{inside}, so it was not made a git repository of its own "
                         "(--git makes one).\n") if inside and choice is None else None
    result = make_repository(root, written)
    note = f"Note: {inside}; that repository will see {root} as an untracked folder.\n" if inside else ""
    return GitResult(result.committed, note + result.message, result.failed)


# --------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------


NEXT_STEPS = """\
Next steps:
  1. Edit components.yml: the page's title and url, and your components.
  2. {requirements}
  3. Check and preview:   statusgen validate{root}  &&  statusgen build{root}
  4. {push} to GitHub, then Settings -> Pages -> Source: GitHub Actions.
  5. Open an incident:    statusgen new "Title" --impact minor \\
                              --component api=degraded_performance --message "..."
     or from a phone: Actions -> Incident -> Run workflow.
README.md explains the rest.
"""


def register(commands: Any) -> None:
    """Add ``init`` to the subcommands."""
    parser = commands.add_parser(
        "init",
        description="Create a new status repository in DIR (default: the current folder): "
        "components.yml, an example incident, .gitignore, the GitHub workflows (check, "
        "deploy, incident), requirements.txt (where the workflows install statusgen from: "
        "the same statusgen as this one, when they can reach it) and a README. Never "
        "overwrites: if any of these files exists, nothing is written and the command exits 1.")
    parser.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar="DIR",
                        help="where to create it; made if missing (default: the current folder)")
    parser.add_argument("--git", action=argparse.BooleanOptionalAction, default=None,
                        help="make DIR a git repository (branch main) with a first commit, so "
                        "that `statusgen diff` works at once; inside another repository's work "
                        "tree too, saying so (default: ask in a terminal, otherwise --no-git)")
    parser.set_defaults(run=cmd_init)


def _write(root: Path, pin: Pin) -> tuple[list[PurePosixPath], list[PurePosixPath]]:
    if not root.exists():
        root.mkdir(parents=True)
    return init(root, pin)


def cmd_init(args: argparse.Namespace, now: datetime) -> int:
    root: Path = args.dir
    if root.exists() and not root.is_dir():
        print(f"statusgen init: {root} is a file, not a folder", file=sys.stderr)
        return EXIT_PROBLEMS
    pin = pin_for(installed_distribution())
    written, clashes = _write(root, pin)
    if clashes:
        print(f"statusgen init: these already exist in {root}; nothing was written:", file=sys.stderr)
        for path in clashes:
            print(f"  {path}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Created a status repository in {root}:")
    for path in written:
        print(f"  {path}")
    if pin.notice():
        print(f"\n{pin.notice()}", end="")
    git = git_step(root, args.git, written, ask if interactive() else None)
    if git is not None:
        print(f"\n{git.message}", end="", file=sys.stderr if git.failed else sys.stdout)
    requirements = (f"requirements.txt installs {pin.requirement}: keep it, or change it to where "
                    "your team installs statusgen from." if pin.requirement is not None else
                    "In requirements.txt, uncomment the line for where your team installs statusgen.")
    option = "" if root == Path(".") else f" --root {shlex.quote(str(root))}"
    print()
    print(NEXT_STEPS.format(root=option, requirements=requirements,
                            push="Push" if git is not None and git.committed else "Commit and push"),
          end="")
    return EXIT_PROBLEMS if git is not None and git.failed else EXIT_OK
