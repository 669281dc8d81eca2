"""``statusgen init``: a new status repository that validates and builds, written once, never over."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from generator import __version__
from generator.commands.cli import main
from generator.commands.init import skeleton, skeleton_files, target_path
from tests.helpers import REPO_ROOT

EXPECTED = {
    ".github/workflows/check.yml",
    ".github/workflows/deploy.yml",
    ".github/workflows/incident.yml",
    ".gitignore",
    "README.md",
    "components.yml",
    "incidents/2025-01-15-example-drill.md",
    "requirements.txt",
}


def snapshot_tree(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_writes_the_skeleton_and_says_what_next(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "status"
    code, out, err = run(capsys, "init", str(root))
    assert code == 0, err
    assert {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} == EXPECTED
    for name in EXPECTED:
        assert f"  {name}\n" in out
    assert "Next steps:" in out
    assert f"statusgen validate --root {root}" in out
    assert "Settings -> Pages -> Source: GitHub Actions" in out
    requirements = (root / "requirements.txt").read_text(encoding="utf-8")
    assert f"statusgen=={__version__}\n" in requirements
    assert "@STATUSGEN_VERSION@" not in requirements
    gitignore = (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/site/" in gitignore and "/.statusgen-cache/" in gitignore


def test_init_output_validates_strictly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "status"
    assert run(capsys, "init", str(root))[0] == 0
    code, out, _ = run(capsys, "validate", "--root", str(root), "--strict")
    assert code == 0, out
    assert "0 errors, 0 warnings in 2 files" in out


def test_init_output_builds_and_publishes_no_example(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    if importlib.util.find_spec("generator.render.pages") is None:
        pytest.skip("generator.render.pages (the HTML renderer) has not landed yet; the build needs it")
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
    assert code == 1
    assert out == ""
    assert "nothing was written" in err
    for name in EXPECTED:
        assert f"  {name}\n" in err
    assert snapshot_tree(root) == before


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "existing"
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / "components.yml").write_text("mine\n")
    (root / ".github" / "workflows" / "deploy.yml").write_text("mine too\n")
    (root / "notes.txt").write_text("unrelated\n")
    code, _, err = run(capsys, "init", str(root))
    assert code == 1
    assert err.splitlines()[1:] == ["  .github/workflows/deploy.yml", "  components.yml"]
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) == [
        ".github/workflows/deploy.yml", "components.yml", "notes.txt"]
    assert (root / "components.yml").read_text() == "mine\n"


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
    code, _, err = run(capsys, "init", str(root))
    assert code == 1
    assert "  incidents\n" in err
    assert [p.name for p in root.iterdir()] == ["incidents"]


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
    assert {str(p) for p in skeleton_files()} == EXPECTED


def test_a_wheel_carries_the_skeleton_and_the_default_theme(tmp_path: Path) -> None:
    """A non-editable install gets every skeleton file, hidden-named ones included.

    A wheel holds what setuptools' ``build_py`` gathers (modules and package data);
    run it on a copy of the source, offline, and look at what it gathered.
    """
    pytest.importorskip("setuptools", reason="the packaging check runs setuptools' build_py; "
                        "this Python's venv has no setuptools")
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO_ROOT / name, source / name)
    shutil.copytree(REPO_ROOT / "generator", source / "generator",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO_ROOT / "themes" / "default", source / "themes" / "default")
    lib = tmp_path / "lib"
    proc = subprocess.run(
        [sys.executable, "-c", "import setuptools; setuptools.setup()",
         "build_py", "--build-lib", str(lib)],
        cwd=source, capture_output=True, text=True, check=False, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    gathered = {p.relative_to(lib).as_posix() for p in lib.rglob("*") if p.is_file()}
    root = Path(str(skeleton()))
    wanted = {f"generator/skeleton/{p.relative_to(root).as_posix()}"
              for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert len(wanted) == len(EXPECTED)
    assert wanted <= gathered, sorted(wanted - gathered)
    assert "generator/commands/init.py" in gathered and "generator/py.typed" in gathered
    # The default theme travels inside the package, so an installed statusgen renders
    # a repository that has no themes/ of its own.
    theme = REPO_ROOT / "themes" / "default"
    shipped = {f"generator/default_theme/{p.relative_to(theme).as_posix()}"
               for p in theme.rglob("*") if p.is_file()}
    assert "generator/default_theme/base.html" in shipped
    assert shipped <= gathered, sorted(shipped - gathered)
