"""``statusgen upgrade``: the repository's wheel and pins become the running statusgen's, changes said."""

from __future__ import annotations

from pathlib import Path

import pytest

import statusgen.wrapper.pins
from statusgen import __version__
from statusgen.commands.cli import main

WHEEL = f".statusgen/statusgen-{__version__}-py3-none-any.whl"
OLD_WHEEL = ".statusgen/statusgen-0.0.9-py3-none-any.whl"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def repo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    root = tmp_path / "status"
    assert run(capsys, "init", str(root), "--no-git")[0] == 0
    return root


def an_older_statusgen(root: Path) -> None:
    """What an older statusgen's init would have left: its wheel, and a pin that has moved since."""
    text = (root / "requirements.txt").read_text(encoding="utf-8")
    (root / WHEEL).rename(root / OLD_WHEEL)
    (root / "requirements.txt").write_text(
        text.replace(WHEEL, OLD_WHEEL).replace("\njinja2==3.1.6 ", "\njinja2==3.1.5 "), encoding="utf-8")


def test_nothing_to_change(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (repo / "requirements.txt").read_bytes(), (repo / WHEEL).read_bytes()
    code, out, _ = run(capsys, "upgrade", "--root", str(repo))
    assert code == 0
    assert out == (f"{repo}/requirements.txt already installs statusgen {__version__} and the "
                   "same pins: nothing to change.\n")
    assert ((repo / "requirements.txt").read_bytes(), (repo / WHEEL).read_bytes()) == before


def test_an_older_statusgen_is_replaced_and_the_changes_said(repo: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    wanted = (repo / "requirements.txt").read_bytes(), (repo / WHEEL).read_bytes()
    an_older_statusgen(repo)
    (repo / ".statusgen" / "notified.json").write_text("{}")  # the notify log stays
    code, out, _ = run(capsys, "upgrade", "--root", str(repo))
    assert code == 0
    assert out == (f"statusgen 0.0.9 → {__version__}, from {WHEEL}\n"
                   "Dependency pins that changed:\n  jinja2 3.1.5 → 3.1.6\n"
                   f"Commit requirements.txt and {WHEEL} (and the removal of {OLD_WHEEL}).\n")
    assert ((repo / "requirements.txt").read_bytes(), (repo / WHEEL).read_bytes()) == wanted
    assert sorted(p.name for p in (repo / ".statusgen").iterdir()) == ["notified.json", Path(WHEEL).name]
    assert run(capsys, "upgrade", "--root", str(repo))[1].endswith("nothing to change.\n")


def test_from_an_index_the_wheel_goes(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(statusgen.wrapper.pins, "from_index", lambda dist: True)
    monkeypatch.setattr(statusgen.wrapper.pins, "index_hashes", lambda version: ["ab" * 32])
    code, out, _ = run(capsys, "upgrade", "--root", str(repo))
    assert code == 0
    assert out.startswith(f"statusgen {__version__} → {__version__}, from the package index\n"
                          "Dependency pins: unchanged.\n")
    assert not (repo / WHEEL).exists()
    assert f"\nstatusgen=={__version__} \\\n    --hash=sha256:{'ab' * 32}\n" in \
        (repo / "requirements.txt").read_text(encoding="utf-8")


def test_no_requirements_txt_or_one_of_the_users(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "upgrade", "--root", str(tmp_path))
    assert code == 1 and out == ""
    assert err == (f"statusgen upgrade: {tmp_path}/requirements.txt: no such file; `statusgen init` "
                   "writes one (in a folder with files of its own, as requirements.statusgen.txt)\n")
    (tmp_path / "requirements.txt").write_text("django==5.0\n")
    code, out, err = run(capsys, "upgrade", "--root", str(tmp_path))
    assert code == 1 and "requirements.txt: not written by statusgen, so left alone;" in err
    assert (tmp_path / "requirements.txt").read_text() == "django==5.0\n"


def test_beside_the_users_requirements_txt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "requirements.txt").write_text("django==5.0\n")
    assert run(capsys, "init", str(tmp_path), "--no-git")[0] == 0
    ours = tmp_path / "requirements.statusgen.txt"
    ours.write_text(ours.read_text().replace("\njinja2==3.1.6 ", "\njinja2==3.1.5 "))
    code, out, _ = run(capsys, "upgrade", "--root", str(tmp_path))
    assert code == 0 and "  jinja2 3.1.5 → 3.1.6\n" in out
    assert f"Commit requirements.statusgen.txt and {WHEEL}.\n" in out
    assert (tmp_path / "requirements.txt").read_text() == "django==5.0\n"
