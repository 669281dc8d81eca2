"""``statusgen init``: a new status repository that validates and builds, written once, never over.

Also: a folder with files of its own (kept, and said how to merge), the
``requirements.txt`` and wheel it writes from how statusgen was installed (fake
installed distributions, real ``dist-info`` folders put first on ``sys.path``,
and this checkout's own install), the git repository it can make, and the
package itself: built, checked and installed into a fresh venv.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import pty
import select
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from packaging.requirements import Requirement

import statusgen.commands.init
import statusgen.wrapper.pins
from statusgen import __version__
from statusgen.commands.cli import main
from statusgen.commands.init import repository_files, skeleton, skeleton_files, target_path
from statusgen.wrapper.pins import installed_distribution, make_wrapper
from tests.helpers import REPO_ROOT
from tests.support.packages import Dist, copy_source, copy_venv, run_checked

WHEEL = f".statusgen/statusgen-{__version__}-py3-none-any.whl"
SKELETON = {
    ".github/workflows/check.yml",
    ".github/workflows/deploy.yml",
    ".github/workflows/incident.yml",
    ".github/workflows/ingest.yml",
    ".gitignore",
    "README.md",
    "components.yml",
    "incidents/2025-01-15-example-drill.md",
}
EXPECTED = SKELETON | {"requirements.txt", WHEEL}
"""What init writes from this checkout's (editable) install: the wheel too."""
INDEX_HASHES = ["ab" * 32, "cd" * 32]


@pytest.fixture(autouse=True)
def no_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests ask no package index: a statusgen from one has the files of INDEX_HASHES."""
    monkeypatch.setattr(statusgen.wrapper.pins, "index_hashes", lambda version: list(INDEX_HASHES))


def repository() -> set[str]:
    """Every file init writes, from this statusgen as installed."""
    return {str(p) for p in repository_files(make_wrapper(installed_distribution()))}


FAKE_VERSION = "9.9.9"
COMMIT = "4f2a9c0e5b7d8a1f3c6e9b2d5a8f1c4e7b0d3a6f"


@pytest.fixture
def installed_as(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Make ``statusgen`` look installed with a given ``direct_url.json`` (PEP 610).

    ``installed_as(None)``: from an index (no direct_url.json); ``installed_as({...})``
    or ``installed_as("text")``: with that file.  A real ``dist-info`` folder goes
    first on ``sys.path``, so the real metadata lookup finds it before this checkout's.
    """
    def install(direct: dict[str, Any] | str | None, *, record: bool = True) -> Path:
        site = tmp_path / "fake-site-packages"
        info = site / f"statusgen-{FAKE_VERSION}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.4\nName: statusgen\nVersion: {FAKE_VERSION}\n", encoding="utf-8")
        if record:
            (info / "RECORD").write_text("", encoding="utf-8")
        if direct is not None:
            text = direct if isinstance(direct, str) else json.dumps(direct)
            (info / "direct_url.json").write_text(text, encoding="utf-8")
        monkeypatch.syspath_prepend(str(site))
        return info

    yield install


def snapshot_tree(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_writes_the_skeleton_and_says_what_next(tmp_path: Path, installed_as: Any,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    installed_as(None)  # from a package index: no wheel in the repository
    root = tmp_path / "status"
    code, out, err = run(capsys, "init", str(root))
    assert code == 0, err
    assert {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} == EXPECTED - {WHEEL}
    for name in EXPECTED - {WHEEL}:
        assert f"  {name}\n" in out
    assert "Next steps:" in out
    assert f"statusgen validate --root {root}" in out
    assert "Settings -> Pages -> Source: GitHub Actions" in out
    requirements = (root / "requirements.txt").read_text(encoding="utf-8")
    assert f"\nstatusgen=={__version__} \\\n    --hash=sha256:{'ab' * 32} \\\n" in requirements
    assert f"2. requirements.txt installs statusgen=={__version__} from the package index\n" in out
    assert not (root / ".git").exists()  # no terminal, no --git: no repository
    gitignore = (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/site/" in gitignore and "/.statusgen-cache/" in gitignore
    # The wheel in .statusgen/ is committed; the notify log beside it is not.
    assert "/.statusgen/notified.json" in gitignore and "/.statusgen/" not in gitignore


def test_the_readme_first_installs_statusgen_and_needs_no_mac() -> None:
    readme = skeleton_files()[PurePosixPath("README.md")].decode("utf-8")
    blocks = [block.split("```", 1)[0] for block in readme.split("```sh\n")[1:]]
    assert blocks[0].splitlines()[0] == "python -m pip install --require-hashes -r requirements.txt"
    commands = [line for block in blocks for line in block.splitlines()]
    assert not [line for line in commands if line.startswith("open ") or "&& open " in line]


def test_init_output_validates_strictly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "status"
    assert run(capsys, "init", str(root))[0] == 0
    code, out, _ = run(capsys, "validate", "--root", str(root), "--strict")
    assert code == 0, out
    assert "0 errors, 0 warnings in 2 files" in out


def test_the_examples_commented_out_in_components_yml_validate_once_uncommented(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "status"
    assert run(capsys, "init", str(root))[0] == 0
    config = root / "components.yml"
    text = config.read_text()
    head, marker, examples = text.partition("to use it:\n")
    assert "# incident_fields:" in examples and "  # language: de" in head
    # What the comments tell a user to do: remove the `# ` before a block.
    config.write_text(head.replace("\n  # language:", "\n  language:") + marker
                      + examples.replace("# ", "", 1).replace("\n# ", "\n"))
    assert "\nnotify:" in config.read_text()
    code, out, _ = run(capsys, "validate", "--root", str(root), "--strict")
    assert code == 0, out


def test_init_output_builds_and_publishes_no_example(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    if importlib.util.find_spec("statusgen.render.pages") is None:
        pytest.skip("statusgen.render.pages (the HTML renderer) has not landed yet; the build needs it")
    root = tmp_path / "status"
    assert run(capsys, "init", str(root))[0] == 0
    code, out, err = run(capsys, "build", "--root", str(root), "--strict")
    assert code == 0, out + err
    index = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert "Example Status" in index
    assert "Public API" in index
    # The example is a drill (`mode: test`): validated, never published.
    site = "".join(p.read_text(encoding="utf-8", errors="replace")
                   for p in (root / "site").rglob("*") if p.is_file())
    assert "Example incident" not in site
    assert (root / "site" / "_headers").is_file()


def test_running_init_twice_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "status"
    assert run(capsys, "init", str(root))[0] == 0
    before = snapshot_tree(root)
    code, out, err = run(capsys, "init", str(root))
    assert code == 0, err
    assert out == f"Nothing to write: {root} has every file statusgen init writes.\n"
    assert snapshot_tree(root) == before


COMPONENTS = """\
page:
  title: Acme Status
  url: https://status.acme.example
components:
  - id: shop
    name: Shop
"""


def test_init_into_a_repository_of_its_own_keeps_every_file_and_says_how_to_merge(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "existing"
    (root / ".github" / "workflows").mkdir(parents=True)
    mine = {"README.md": "# Acme\n", "components.yml": COMPONENTS, ".github/workflows/ci.yml": "name: CI\n",
            ".gitignore": "node_modules/\n/site/\n", "requirements.txt": "django==5.0\n"}
    for name, text in mine.items():
        (root / name).write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "init", str(root), "--no-git")
    assert code == 0, err
    for name, text in mine.items():  # never overwritten
        assert (root / name).read_text(encoding="utf-8") == text
    files = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
    # Beside the user's: statusgen's README and requirements under names of their own, its
    # workflows under theirs; no example incident (its components are not the user's).
    assert files == set(mine) | {
        "README.statusgen.md", "requirements.statusgen.txt", WHEEL, ".github/workflows/check.yml",
        ".github/workflows/deploy.yml", ".github/workflows/incident.yml", ".github/workflows/ingest.yml"}
    assert (root / "README.statusgen.md").read_bytes() == skeleton_files()[PurePosixPath("README.md")]
    assert out.startswith(f"Added a status repository to {root}:\n")
    assert "\nFiles of yours, kept:\n" in out
    for said in (
            "README.md exists: kept; statusgen's is in README.statusgen.md: merge it by hand.",
            "components.yml exists: kept (yours); the checks of it follow.",
            ".github/workflows/ has workflows of yours (ci.yml): kept; statusgen's are written "
            "beside them under their own names.",
            ".gitignore exists: kept; add these lines to it, for what statusgen writes:\n"
            "      .*.statusgen-new/\n",
            "requirements.txt exists: kept; statusgen's is in requirements.statusgen.txt: the "
            "workflows install from requirements.txt",
            "\ncomponents.yml (yours) validates: no problem found.\n"):
        assert said in out
    assert "      /site/\n" not in out  # the user's .gitignore has that line already
    assert "2. requirements.txt installs" in out

    # Again: nothing new, and the same things said.
    before = snapshot_tree(root)
    code, again, _ = run(capsys, "init", str(root), "--no-git")
    assert code == 0
    assert again.startswith(f"Nothing new to write in {root}.\n")
    assert "README.md exists: kept; statusgen's is already in README.statusgen.md." in again
    assert snapshot_tree(root) == before


def test_a_gitignore_that_hides_the_wheel_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    isolate_git(monkeypatch, tmp_path)
    root = tmp_path / "existing"
    root.mkdir()
    git(root, "init", "--quiet")
    (root / ".gitignore").write_text("/.statusgen/\n")  # what an older statusgen init wrote
    code, _, err = run(capsys, "init", str(root))
    assert code == 0
    assert (f"Warning: git ignores {WHEEL} (a line of a .gitignore), but the workflows install it: "
            f"remove that line, or commit it with\n  git -C {root} add --force {WHEEL}\n") in err


def test_a_workflow_of_the_same_name_goes_where_github_does_not_run_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "existing"
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "deploy.yml").write_text("name: Ours\n")
    code, out, _ = run(capsys, "init", str(root), "--no-git")
    assert code == 0
    assert (root / ".github" / "workflows" / "deploy.yml").read_text() == "name: Ours\n"
    aside = root / ".github" / "statusgen-workflows" / "deploy.yml"
    assert aside.read_bytes() == skeleton_files()[PurePosixPath(".github/workflows/deploy.yml")]
    assert (".github/workflows/deploy.yml exists: kept; statusgen's is in "
            ".github/statusgen-workflows/deploy.yml: GitHub does not run it there.") in out
    assert (root / "incidents").is_dir()  # no components.yml of the user's: the example comes


def test_a_components_yml_with_errors_is_kept_and_init_exits_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "existing"
    root.mkdir()
    (root / "components.yml").write_text(COMPONENTS.replace("  - id: shop\n", "  - id: Shop Front\n"))
    code, out, _ = run(capsys, "init", str(root), "--no-git")
    assert code == 1
    assert (root / "README.md").is_file() and (root / "requirements.txt").is_file()
    assert f"components.yml (yours): 1 errors and 0 warnings in the repository; `statusgen " \
        f"validate --root {root}` shows them at their places." in out


def test_init_in_a_folder_with_other_files(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "LICENSE").write_text("MIT\n")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "init")
    assert code == 0
    assert "statusgen validate  &&" in out  # no --root for the current folder
    assert (tmp_path / "components.yml").is_file()
    assert (tmp_path / "LICENSE").read_text() == "MIT\n"


def test_a_file_in_the_way_of_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "status"
    root.mkdir()
    (root / "incidents").write_text("not a folder\n")
    code, out, _ = run(capsys, "init", str(root))
    assert code == 1
    assert ("incidents is a file where statusgen needs a folder: incidents/2025-01-15-example-drill.md "
            "is not written. Move it away and run `statusgen init` again.") in out
    assert (root / "incidents").read_text() == "not a folder\n"
    assert (root / "components.yml").is_file()  # the rest is written


def test_dir_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("x")
    code, _, err = run(capsys, "init", str(tmp_path / "file"))
    assert code == 1
    assert "is a file" in err


def test_dot_names() -> None:
    assert target_path(PurePosixPath("dot-github/workflows/x.yml")) == \
        PurePosixPath(".github/workflows/x.yml")
    assert target_path(PurePosixPath("dot-gitignore")) == PurePosixPath(".gitignore")
    assert target_path(PurePosixPath("incidents/dot-not-at-start.md")) == \
        PurePosixPath("incidents/.not-at-start.md")
    assert {str(p) for p in skeleton_files()} == SKELETON
    assert repository() == EXPECTED


def test_a_wheel_carries_the_skeleton_and_the_default_theme(tmp_path: Path) -> None:
    """A non-editable install gets every skeleton file, hidden-named ones included.

    A wheel holds what setuptools' ``build_py`` gathers (modules and package data);
    run it on a copy of the source, offline, and look at what it gathered.
    """
    pytest.importorskip("setuptools", reason="the packaging check runs setuptools' build_py; "
                        "this Python's venv has no setuptools")
    source = copy_source(tmp_path / "source")
    lib = tmp_path / "lib"
    proc = subprocess.run(
        [sys.executable, "-c", "import setuptools; setuptools.setup()",
         "build_py", "--build-lib", str(lib)],
        cwd=source, capture_output=True, text=True, check=False, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    gathered = {p.relative_to(lib).as_posix() for p in lib.rglob("*") if p.is_file()}
    root = Path(str(skeleton()))
    wanted = {f"statusgen/skeleton/{p.relative_to(root).as_posix()}"
              for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert len(wanted) == len(SKELETON)
    assert wanted <= gathered, sorted(wanted - gathered)
    assert "statusgen/commands/init.py" in gathered and "statusgen/py.typed" in gathered
    assert "statusgen/wrapper/runtime-requirements.txt" in gathered
    # The default theme travels inside the package, so an installed statusgen renders
    # a repository that has no themes/ of its own.
    theme = REPO_ROOT / "themes" / "default"
    shipped = {f"statusgen/default_theme/{p.relative_to(theme).as_posix()}"
               for p in theme.rglob("*") if p.is_file()}
    assert "statusgen/default_theme/base.html" in shipped
    assert shipped <= gathered, sorted(shipped - gathered)


# --- requirements.txt and the wheel: what the workflows install statusgen from -------------------

def requirement_lines(root: Path) -> list[str]:
    """The lines of requirements.txt that pip would install (not comments, not hashes)."""
    text = (root / "requirements.txt").read_text(encoding="utf-8")
    return [line.removesuffix(" \\") for line in text.splitlines()
            if line.strip() and not line.startswith(("#", " "))]


ARCHIVE = "https://files.example.org/statusgen-9.9.9.tar.gz"
NOT_FROM_AN_INDEX = {
    "git": {"url": "https://github.com/acme/statusgen.git",
            "vcs_info": {"vcs": "git", "commit_id": COMMIT, "requested_revision": "v9.9.9"}},
    "archive": {"url": ARCHIVE, "archive_info": {"hashes": {"sha256": "ab12"}}},
    "editable-folder": {"url": "file:///home/ana/src/statusgen", "dir_info": {"editable": True}},
    "folder": {"url": "file:///home/ana/src/statusgen", "dir_info": {}},
    "wheel-file": {"url": "file:///tmp/statusgen-9.9.9-py3-none-any.whl",
                   "archive_info": {"hashes": {"sha256": "ab12"}}},
    "local-git": {"url": "file:///home/ana/src/statusgen", "vcs_info": {"vcs": "git", "commit_id": COMMIT}},
    "unreadable": "{not json",
}


@pytest.mark.parametrize("direct", NOT_FROM_AN_INDEX.values(), ids=NOT_FROM_AN_INDEX.keys())
def test_not_from_an_index_the_repository_gets_the_wheel(direct: dict[str, Any] | str, tmp_path: Path,
                                                         installed_as: Any,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """A git URL cannot be hash-checked and a folder is out of the runners' reach: the wheel can."""
    installed_as(direct)
    root = tmp_path / "status"
    code, out, _ = run(capsys, "init", str(root), "--no-git")
    assert code == 0
    wheel = root / WHEEL
    assert requirement_lines(root)[0] == f"./{WHEEL}"
    text = (root / "requirements.txt").read_text(encoding="utf-8")
    assert f"./{WHEEL} \\\n    --hash=sha256:{hashlib.sha256(wheel.read_bytes()).hexdigest()}\n" in text
    assert f"requirements.txt installs statusgen {__version__} from {WHEEL} (" in out


@pytest.mark.parametrize("direct", [None, {"url": "https://pypi.example.org/simple/statusgen/"}],
                         ids=["no-direct-url", "of-no-known-kind"])
def test_from_an_index_the_version_and_its_hashes(direct: dict[str, Any] | None, tmp_path: Path,
                                                  installed_as: Any) -> None:
    installed_as(direct)
    wrapper = make_wrapper(installed_distribution())
    assert wrapper.wheel is None and wrapper.note == ""
    text = wrapper.requirements.decode("utf-8")
    assert (f"\nstatusgen=={__version__} \\\n    --hash=sha256:{'ab' * 32} \\\n"
            f"    --hash=sha256:{'cd' * 32}\n") in text
    assert str(PurePosixPath(WHEEL).name) not in text


def test_an_index_that_cannot_be_asked_gives_the_wheel_and_says_so(
        tmp_path: Path, installed_as: Any, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    def offline(version: str) -> list[str]:
        raise OSError("Network is unreachable")

    monkeypatch.setattr(statusgen.wrapper.pins, "index_hashes", offline)
    installed_as(None)
    root = tmp_path / "status"
    code, out, _ = run(capsys, "init", str(root), "--no-git")
    assert code == 0
    assert requirement_lines(root)[0] == f"./{WHEEL}"
    assert (f"statusgen {__version__} came from a package index, but its hashes could not be read "
            f"from https://pypi.org/pypi/statusgen/{__version__}/json (Network is unreachable): the "
            "repository gets the wheel instead.\n") in out


def test_not_installed_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(statusgen.commands.init, "installed_distribution", lambda: None)
    code, _, _ = run(capsys, "init", str(tmp_path / "status"), "--no-git")
    assert code == 0
    with zipfile.ZipFile(tmp_path / "status" / WHEEL) as wheel:
        info = f"statusgen-{__version__}.dist-info"
        assert wheel.read(f"{info}/entry_points.txt").decode() == \
            "[console_scripts]\nstatusgen = statusgen.commands.cli:entry\n"
        assert f"Version: {__version__}\n" in wheel.read(f"{info}/METADATA").decode()


def test_an_egg_info_left_by_a_build_is_not_the_install(tmp_path: Path, installed_as: Any) -> None:
    """A ``statusgen.egg-info`` (no RECORD) found first on sys.path says nothing about the install."""
    installed_as(None, record=False)
    dist = installed_distribution()
    assert dist is not None and dist.version == __version__  # this checkout's install, not the fake


def test_the_dependencies_are_the_locked_ones_with_hashes(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "init", str(tmp_path / "status"), "--no-git")[0] == 0
    names = [Requirement(line).name for line in requirement_lines(tmp_path / "status")[1:]]
    assert {"jinja2", "pyyaml", "babel", "markupsafe"} <= set(names)
    text = (tmp_path / "status" / "requirements.txt").read_text(encoding="utf-8")
    assert text.count("==") == len(names)  # every dependency pinned, and each with its hashes
    assert text.count("--hash=sha256:") > len(names)


# --- a git repository with a first commit -------------------------------------------------------

def isolate_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *, identity: bool = True) -> None:
    """No global or system git config leaks in; a name and email to commit with, or none at all."""
    config = tmp_path / "gitconfig"
    config.write_text("" if identity else "[user]\n\tuseConfigOnly = true\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("EMAIL", raising=False)
    for who in ("AUTHOR", "COMMITTER"):
        if identity:
            monkeypatch.setenv(f"GIT_{who}_NAME", "Ana Status")
            monkeypatch.setenv(f"GIT_{who}_EMAIL", "ana@example.com")
        else:
            monkeypatch.delenv(f"GIT_{who}_NAME", raising=False)
            monkeypatch.delenv(f"GIT_{who}_EMAIL", raising=False)


def git(root: Path, *args: str, check: bool = True) -> str:
    proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_git_makes_a_repository_that_diff_can_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    isolate_git(monkeypatch, tmp_path)
    root = tmp_path / "status"
    code, out, err = run(capsys, "init", str(root), "--git")
    assert code == 0, err
    assert f"Made {root} a git repository (branch main) and committed the files above" in out
    assert "4. Push to GitHub" in out
    assert git(root, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    assert git(root, "log", "--format=%an <%ae>|%s").strip() == \
        "Ana Status <ana@example.com>|A status page, from statusgen init"
    assert set(git(root, "ls-files").split()) == repository()
    assert git(root, "status", "--porcelain") == ""
    code, out, err = run(capsys, "diff", "--root", str(root), "--base", "HEAD", "--format", "text")
    assert code == 0, err
    assert "No change to the public page." in out


def test_without_a_git_identity_it_stages_and_says_what_to_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    isolate_git(monkeypatch, tmp_path, identity=False)
    root = tmp_path / "status"
    code, out, _ = run(capsys, "init", str(root), "--git")
    assert code == 0
    assert git(root, "rev-parse", "--verify", "HEAD", check=False) == ""  # no commit
    staged = git(root, "diff", "--cached", "--name-only").split()
    assert set(staged) == repository()
    assert "git does not\nknow who you are, so nothing is committed yet" in out
    for command in ('git config --global user.name "Your Name"',
                    'git config --global user.email "you@example.com"',
                    f"git -C {root} commit -m 'A status page, from statusgen init'"):
        assert f"\n  {command}\n" in out
    assert "4. Commit and push to GitHub" in out


def test_inside_another_work_tree_it_asks_for_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    isolate_git(monkeypatch, tmp_path)
    outer = tmp_path / "monorepo"
    outer.mkdir()
    git(outer, "init", "--quiet")
    code, out, _ = run(capsys, "init", str(outer / "status"))
    assert code == 0
    assert f"{outer / 'status'} is inside the git work tree of {outer}, so it was not made a git " \
        "repository of its own (--git makes one)." in out
    assert not (outer / "status" / ".git").exists()

    code, out, _ = run(capsys, "init", str(outer / "nested"), "--git")
    assert code == 0
    assert f"Note: {outer / 'nested'} is inside the git work tree of {outer}; that repository " \
        f"will see {outer / 'nested'} as an untracked folder." in out
    assert git(outer / "nested", "rev-parse", "--show-toplevel").strip() == str(outer / "nested")


def test_an_existing_repository_gets_no_new_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    isolate_git(monkeypatch, tmp_path)
    root = tmp_path / "cloned"
    root.mkdir()
    git(root, "init", "--quiet")
    git(root, "commit", "--quiet", "--allow-empty", "-m", "Initial commit")
    code, out, _ = run(capsys, "init", str(root), "--git")
    assert code == 0
    assert f"{root} is already a git repository: commit the new files with\n  git -C {root} add " \
        ".github .gitignore .statusgen README.md components.yml incidents requirements.txt && " \
        f"git -C {root} commit -m 'A status page, from statusgen init'\n" in out
    assert git(root, "log", "--format=%s").strip() == "Initial commit"
    assert git(root, "diff", "--cached", "--name-only") == ""


def test_no_git_and_no_git_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "init", str(tmp_path / "a"), "--no-git")
    assert code == 0 and not (tmp_path / "a" / ".git").exists()
    assert "git repository" not in out
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no git anywhere
    code, out, err = run(capsys, "init", str(tmp_path / "b"), "--git")
    assert code == 1
    assert (tmp_path / "b" / "components.yml").is_file()  # the files are there all the same
    root = tmp_path / "b"
    assert err.endswith(f"git is not installed (or not on PATH): install it, then run\n"
                        f"  git init --initial-branch=main {root}\n  git -C {root} add -A\n"
                        f"  git -C {root} commit -m 'A status page, from statusgen init'\n")


def answer_in_a_terminal(argv: list[str], answer: str, cwd: Path) -> tuple[int, str]:
    """Run statusgen with a pseudo-terminal as stdin and stdout; answer its question."""
    leader, follower = pty.openpty()
    statusgen = Path(sys.executable).parent / "statusgen"
    proc = subprocess.Popen([str(statusgen), *argv], stdin=follower, stdout=follower,
                            stderr=subprocess.PIPE, cwd=cwd, env=os.environ.copy())
    os.close(follower)
    seen, answered, deadline = b"", False, time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: statusgen has exited
                break
            if not chunk:
                break
            seen += chunk
        if not answered and b"] " in seen:
            os.write(leader, answer.encode() + b"\n")
            answered = True
        if proc.poll() is not None and not ready:
            break
    os.close(leader)
    if proc.poll() is None:  # it never asked, or never finished: fail, do not hang
        proc.kill()
    proc.wait(timeout=60)
    assert proc.stderr is not None
    shown = (seen + proc.stderr.read()).decode("utf-8", errors="replace")
    return proc.returncode, shown.replace("\r\n", "\n")


@pytest.mark.parametrize(("answer", "made"), [("", True), ("y", True), ("n", False)])
def test_in_a_terminal_it_asks(answer: str, made: bool, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(monkeypatch, tmp_path)
    code, shown = answer_in_a_terminal(["init", "status"], answer, tmp_path)
    assert code == 0, shown
    assert "Make status a git repository with a first commit? [Y/n] " in shown
    assert (tmp_path / "status" / ".git").is_dir() is made
    if made:
        assert git(tmp_path / "status", "log", "--format=%s").strip() == \
            "A status page, from statusgen init"


# --- the package: built, checked, installed into a fresh venv and run ---------------------------

@pytest.mark.package
@pytest.mark.validator
def test_the_sdist_and_wheel_install_and_run(tmp_path: Path, dist: Dist, installed_venv: Path) -> None:
    """``python -m build`` (the wheel built from the sdist), ``twine check``, then a fresh venv.

    The fresh venv takes the dependencies from the package index at the versions
    of this venv, so the pinned and the newest-releases runs each test their own.
    """
    sdist, wheel = dist.sdist, dist.wheel
    assert sorted(dist.folder.iterdir()) == [wheel, sdist]
    checked = run_checked([sys.executable, "-m", "twine", "check", "--strict", wheel, sdist], tmp_path)
    assert checked.count("PASSED") == 2
    # The licence travels in both; the metadata says where the project lives.
    with zipfile.ZipFile(wheel) as packed:
        assert packed.read(f"statusgen-{__version__}.dist-info/licenses/LICENSE") == \
            (REPO_ROOT / "LICENSE").read_bytes()
        metadata = packed.read(f"statusgen-{__version__}.dist-info/METADATA").decode("utf-8")
    assert "License-File: LICENSE\n" in metadata
    for label in ("Homepage", "Documentation", "Source", "Issues"):
        assert f"Project-URL: {label}, https://github.com/statusgen/statusgen" in metadata
    with tarfile.open(sdist) as archive:
        assert f"statusgen-{__version__}/LICENSE" in archive.getnames()

    # The wheel with its dependencies (a venv the runner test shares), then, in a copy of that
    # venv, the sdist in the wheel's place (pip builds it).
    venv = tmp_path / "venv"
    python = copy_venv(installed_venv.parent, venv) / "python"
    run_checked([python, "-m", "pip", "--disable-pip-version-check", "install", "--quiet",
                 "--force-reinstall", "--no-deps", sdist], tmp_path)
    for command, folder in ((installed_venv / "statusgen", "from-wheel"),
                            (venv / "bin" / "statusgen", "from-sdist")):
        run_checked([command, "init", folder, "--no-git"], tmp_path)
        assert requirement_lines(tmp_path / folder)[0] == f"./{WHEEL}"  # from a file: the wheel
        built = run_checked([command, "build", "--root", folder], tmp_path)
        assert built.startswith(f"built the site in {folder}/site:"), built
        index = (tmp_path / folder / "site" / "index.html").read_text(encoding="utf-8")
        assert "Example Status" in index  # the default theme, from inside the package
    where = run_checked([venv / "bin" / "python", "-c", "import statusgen; print(statusgen.__file__)"],
                        tmp_path)
    assert where.startswith(str(venv)), where
    # statusgen takes no generic top-level name in site-packages: no `generator` to import.
    proc = subprocess.run([venv / "bin" / "python", "-c", "import generator"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 1 and "No module named 'generator'" in proc.stderr
