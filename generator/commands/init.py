"""``statusgen init [DIR]``: a status repository from the skeleton in this package.

The skeleton (``generator/skeleton/``, installed as package data) holds every
file a new repository starts with.  Names starting with ``dot-`` are written
with a ``.`` instead (``dot-github/`` → ``.github/``), so that packaging tools,
which skip hidden files, carry them.

Besides the skeleton, ``init`` writes what the workflows install statusgen from
(:mod:`statusgen.wrapper`): ``requirements.txt``, pinned with hashes, and, unless
this statusgen came from a package index, this very statusgen as a wheel in
``.statusgen/``.

``init`` never overwrites.  In a folder that has files already, it writes what is
missing and names each file it kept, with how to merge statusgen's: a second copy
beside it (``README.statusgen.md``; a workflow in ``.github/statusgen-workflows/``,
where GitHub does not run it), the lines a ``.gitignore`` lacks, or, for a
``components.yml`` of the user's, the checks of it (and no example incident, whose
components it would not have).

Then ``init`` can make the folder a git repository with a first commit, so
that ``statusgen diff`` works at once: ``--git`` / ``--no-git``, or a question
in a terminal; without either and without a terminal it does not.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath
from typing import Any

from statusgen import __version__
from statusgen.commands.options import EXIT_OK, EXIT_PROBLEMS
from statusgen.diagnostics import Severity, format_text
from statusgen.pipeline import Refused, run_checks, validated_edit
from statusgen.wrapper.pins import Wrapper, installed_distribution, make_wrapper, written_by_statusgen

DOT_PREFIX = "dot-"
COMMIT_MESSAGE = "A status page, from statusgen init"
CONFIG = PurePosixPath("components.yml")
GITIGNORE = PurePosixPath(".gitignore")
INCIDENTS = PurePosixPath("incidents")
REQUIREMENTS = PurePosixPath("requirements.txt")
WORKFLOWS = PurePosixPath(".github/workflows")
ASIDE_WORKFLOWS = PurePosixPath(".github/statusgen-workflows")
HOW_TO_MERGE = {
    "README.md": "merge it by hand.",
    "requirements.txt": "the workflows install from requirements.txt, so put statusgen's lines "
    "into yours (with --require-hashes, every line needs its hashes), or make the workflows' "
    "\"Install statusgen\" step read requirements.statusgen.txt.",
}


# --------------------------------------------------------------------------
# The skeleton, and what a folder that already has files keeps
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


def skeleton_files() -> dict[PurePosixPath, bytes]:
    """Every file of the skeleton: its path in the new repository, and its bytes."""
    return {target_path(relative): item.read_bytes() for relative, item in _walk(skeleton(), PurePosixPath())}


def workflow_names() -> list[str]:
    """The workflows ``init`` writes, by file name."""
    return sorted(p.name for p in skeleton_files() if p.parent == WORKFLOWS)


def repository_files(wrapper: Wrapper) -> dict[PurePosixPath, bytes]:
    """Every file ``init`` writes: the skeleton, ``requirements.txt`` and the wheel it names."""
    wanted = {**skeleton_files(), REQUIREMENTS: wrapper.requirements}
    if wrapper.wheel is not None and wrapper.wheel_path is not None:
        wanted[PurePosixPath(wrapper.wheel_path)] = wrapper.wheel.data
    return wanted


def beside(path: PurePosixPath) -> PurePosixPath | None:
    """Where statusgen's file goes when the folder has one of its own at ``path`` (``None``: nowhere).

    A workflow goes out of ``.github/workflows/``, where GitHub would run it next to
    the user's; the wheel and the user's ``components.yml`` need no second copy.
    """
    if path in (CONFIG, GITIGNORE) or path.suffix == ".whl":
        return None
    if path.parent == WORKFLOWS:
        return ASIDE_WORKFLOWS / path.name
    return path.with_name(f"{path.stem}.statusgen{path.suffix}")


def _present(root: Path, path: PurePosixPath) -> bool:
    return (root / path).exists() or (root / path).is_symlink()


def _blocked(root: Path, path: PurePosixPath) -> PurePosixPath | None:
    """A file where a folder of ``path`` must go (``incidents`` as a file), if any."""
    for parent in reversed(path.parents):
        where = root / parent
        if parent != PurePosixPath(".") and (where.exists() or where.is_symlink()) and not where.is_dir():
            return parent
    return None


def _same(root: Path, path: PurePosixPath, data: bytes) -> bool:
    where = root / path
    return where.is_file() and not where.is_symlink() and where.read_bytes() == data


@dataclass
class Outcome:
    """What ``init`` did: the files written, and each of the user's it kept, with how to merge it."""

    written: list[PurePosixPath] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    blocked: bool = False


def _missing_lines(root: Path, data: bytes) -> list[str]:
    where = root / GITIGNORE
    theirs = set(where.read_text(encoding="utf-8", errors="replace").splitlines() if where.is_file() else ())
    return [line for line in data.decode("utf-8").splitlines()
            if line and not line.startswith("#") and line not in theirs]


def _keep(root: Path, path: PurePosixPath, data: bytes, wanted: dict[PurePosixPath, bytes],
          outcome: Outcome) -> None:
    """The user has a file at ``path``: keep it, say how to merge, and write statusgen's beside it."""
    if path == CONFIG:
        outcome.kept.append(f"{path} exists: kept (yours); the checks of it follow.")
    elif path == GITIGNORE:
        missing = _missing_lines(root, data)
        outcome.kept.append(f"{path} exists: kept; " + (
            "it already ignores what statusgen writes." if not missing else
            "add these lines to it, for what statusgen writes:\n"
            + "".join(f"      {line}\n" for line in missing).rstrip("\n")))
    elif path.suffix == ".whl" or (path == REQUIREMENTS and written_by_statusgen(root / path)):
        outcome.kept.append(f"{path} exists, for another statusgen than this one: kept; "
                            "`statusgen upgrade` rewrites requirements.txt and the wheel together.")
    else:
        other = beside(path)
        assert other is not None
        if _same(root, other, data):
            outcome.kept.append(f"{path} exists: kept; statusgen's is already in {other}.")
            return
        if _present(root, other):
            outcome.kept.append(f"{path} and {other} exist: kept both; statusgen's {path} is not written.")
            return
        wanted[other] = data
        outcome.kept.append(f"{path} exists: kept; statusgen's is in {other}: " + HOW_TO_MERGE.get(
            str(path), "merge it by hand." if path.parent != WORKFLOWS else
            "GitHub does not run it there. Merge it into yours by hand, or move yours away "
            f"and it into {WORKFLOWS}/."))


def init(root: Path, now: datetime, wrapper: Wrapper | None = None) -> Outcome:
    """Write into ``root`` every file of a status repository that it lacks, and never over one it has.

    ``wrapper``: the requirements (and wheel) to write (default: this statusgen's).
    :class:`~statusgen.pipeline.Refused`, and nothing written, when the repository would not
    validate with the new files (the folder may hold incidents the new ``components.yml`` does
    not fit).
    """
    wanted = repository_files(wrapper or make_wrapper(installed_distribution()))
    outcome = Outcome()
    if _present(root, CONFIG):
        # The example incident names the example components.yml's components.
        wanted = {p: d for p, d in wanted.items() if p.parent != INCIDENTS}
    theirs = sorted(p.name for p in (root / WORKFLOWS).glob("*")
                    if (root / WORKFLOWS).is_dir() and WORKFLOWS / p.name not in wanted)
    if theirs:
        outcome.kept.append(f"{WORKFLOWS}/ has workflows of yours ({', '.join(theirs)}): kept; "
                            "statusgen's are written beside them under their own names.")
    writes: dict[PurePosixPath, bytes] = {}
    for path, data in wanted.items():
        if _same(root, path, data):
            continue
        if _present(root, path):
            _keep(root, path, data, writes, outcome)
        else:
            writes[path] = data
    if CONFIG in writes:
        # A components.yml of statusgen's beside incidents the folder already holds: they
        # must fit it.  (A kept components.yml of the user's is checked and reported instead.)
        validated_edit(root, {str(path): data for path, data in writes.items()}, now)
    for path, data in sorted(writes.items()):
        block = _blocked(root, path)
        if block is not None:
            outcome.kept.append(f"{block} is a file where statusgen needs a folder: {path} "
                                "is not written. Move it away and run `statusgen init` again.")
            outcome.blocked = True
            continue
        out = root / path
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("xb") as handle:  # never replace a file that appeared meanwhile
            handle.write(data)
        outcome.written.append(path)
    return outcome


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


def ignored_by_git(root: Path, path: str) -> bool:
    """Whether git would leave ``path`` (under ``root``) out of a commit, by a ``.gitignore`` line."""
    if shutil.which("git") is None:
        return False
    return _git(root, "check-ignore", "--quiet", "--", path).returncode == 0


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
    workflows = ", ".join(workflow_names())
    parser = commands.add_parser(
        "init",
        description="Create a status repository in DIR (default: the current folder): "
        "components.yml, an example incident, .gitignore, README.md, the GitHub workflows "
        f"in .github/workflows/ ({workflows}), and requirements.txt, which installs this "
        "statusgen (committed as a wheel in .statusgen/, or from the package index when it "
        "came from there) and its dependencies, pinned with hashes. Never overwrites: in a "
        "folder with files of its own, writes what is missing and says how to merge each "
        "file it kept (statusgen's README beside yours as README.statusgen.md, a workflow "
        "of the same name in .github/statusgen-workflows/; a components.yml of yours is "
        "checked). Exits 1 when a kept components.yml has errors or a file stands where a "
        "folder must go.")
    parser.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar="DIR",
                        help="where to create it; made if missing (default: the current folder)")
    parser.add_argument("--git", action=argparse.BooleanOptionalAction, default=None,
                        help="make DIR a git repository (branch main) with a first commit, so "
                        "that `statusgen diff` works at once; inside another repository's work "
                        "tree too, saying so (default: ask in a terminal, otherwise --no-git)")
    parser.set_defaults(run=cmd_init)


def installs(wrapper: Wrapper) -> str:
    """What ``requirements.txt`` installs statusgen from, in words."""
    if wrapper.wheel is None:
        return f"statusgen=={__version__} from the package index"
    size = len(wrapper.wheel.data) / 1024
    return f"statusgen {wrapper.wheel.version} from {wrapper.wheel_path} ({size:.0f} KiB: commit it)"


def _checks(root: Path, now: datetime) -> tuple[str, bool]:
    """What ``validate`` says of a kept ``components.yml`` (and the rest), and whether it has errors."""
    diagnostics = run_checks(root, now).diagnostics
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    command = "statusgen validate" + ("" if root == Path(".") else f" --root {shlex.quote(str(root))}")
    if not diagnostics:
        return f"{CONFIG} (yours) validates: no problem found.\n", False
    return (f"{CONFIG} (yours): {errors} errors and {len(diagnostics) - errors} warnings in the "
            f"repository; `{command}` shows them at their places.\n", errors > 0)


def cmd_init(args: argparse.Namespace, now: datetime) -> int:
    root: Path = args.dir
    if root.exists() and not root.is_dir():
        print(f"statusgen init: {root} is a file, not a folder", file=sys.stderr)
        return EXIT_PROBLEMS
    wrapper = make_wrapper(installed_distribution())
    root.mkdir(parents=True, exist_ok=True)
    try:
        outcome = init(root, now, wrapper)
    except Refused as exc:
        sys.stderr.write(format_text(exc.diagnostics))
        print(f"statusgen init: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    problems = outcome.blocked
    if outcome.written:
        print(f"Created a status repository in {root}:" if not outcome.kept else
              f"Added a status repository to {root}:")
        for path in outcome.written:
            print(f"  {path}")
    else:
        print(f"Nothing new to write in {root}." if outcome.kept else
              f"Nothing to write: {root} has every file statusgen init writes.")
    if outcome.kept:
        print("\nFiles of yours, kept:")
        for line in outcome.kept:
            print(f"  {line}")
    if _present(root, CONFIG) and CONFIG not in outcome.written and outcome.kept:
        said, failed = _checks(root, now)
        print(f"\n{said}", end="")
        problems = problems or failed
    if wrapper.note:
        print(f"\n{wrapper.note}", end="")
    if not outcome.written:
        return EXIT_PROBLEMS if problems else EXIT_OK
    git = git_step(root, args.git, outcome.written, ask if interactive() else None)
    if git is not None:
        print(f"\n{git.message}", end="", file=sys.stderr if git.failed else sys.stdout)
    if wrapper.wheel_path and ignored_by_git(root, wrapper.wheel_path):
        print(f"\nWarning: git ignores {wrapper.wheel_path} (a line of a .gitignore), but the "
              "workflows install it: remove that line, or commit it with\n"
              f"  {git_command(root)} add --force {wrapper.wheel_path}", file=sys.stderr)
    requirements = (f"requirements.txt installs {installs(wrapper)}\n     and what it needs, "
                    "pinned with hashes; `statusgen upgrade` replaces them all.")
    option = "" if root == Path(".") else f" --root {shlex.quote(str(root))}"
    print()
    print(NEXT_STEPS.format(root=option, requirements=requirements,
                            push="Push" if git is not None and git.committed else "Commit and push"),
          end="")
    return EXIT_PROBLEMS if problems or (git is not None and git.failed) else EXIT_OK
