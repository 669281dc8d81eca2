"""The whole build, as `statusgen build` runs it: reproducible, atomic, nothing internal leaks."""

from __future__ import annotations

from pathlib import Path

import pytest

from statusgen.commands.cli import main
from statusgen.output.write import MARKER
from statusgen.pipeline import build
from tests.conftest import StatusRepo
from tests.helpers import NOW, copy_example, tree


def test_the_same_inputs_and_now_give_byte_identical_sites(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    first = build(root, tmp_path / "one", NOW)
    second = build(root, tmp_path / "two", NOW)
    assert first.ok and second.ok
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    assert first.pages > 10


def test_source_date_epoch_fixes_the_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_example(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(NOW.timestamp())))
    assert main(["build", "--root", str(root), "--out", str(tmp_path / "a")]) == 0
    assert main(["build", "--root", str(root), "--out", str(tmp_path / "b"),
                 "--now", NOW.isoformat()]) == 0
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_a_broken_incident_stops_the_build_and_leaves_the_site_untouched(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_example(tmp_path)
    out = root / "site"
    assert main(["build", "--root", str(root), "--now", NOW.isoformat()]) == 0
    before = {p: (data, (out / p).stat().st_mtime_ns) for p, data in tree(out).items()}
    capsys.readouterr()
    broken = root / "incidents" / "2026-11-22-api-latency.md"
    broken.write_text(broken.read_text().replace("status: identified", "status: identifed"))
    assert main(["build", "--root", str(root), "--now", NOW.isoformat()]) == 1
    printed = capsys.readouterr()
    assert "incidents/2026-11-22-api-latency.md:15:13: error:" in printed.out
    assert "did you mean `identified`?" in printed.out
    assert "left as it was" in printed.err
    assert {p: (data, (out / p).stat().st_mtime_ns) for p, data in tree(out).items()} == before
    assert not list(root.glob(".site.statusgen-*"))


def test_build_refuses_a_folder_it_did_not_make(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_example(tmp_path)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    assert main(["build", "--root", str(root), "--out", str(mine), "--now", NOW.isoformat()]) == 1
    assert "not made by statusgen" in capsys.readouterr().out
    assert tree(mine) == {"notes.txt": b"keep me"}


PUBLIC = """\
---
title: Public title pelican
impact: minor
components: {api: partial_outage}
updates:
  - at: 2026-11-22T08:30:00Z
    status: identified
    internal: true
    message: Secret update walrus on host db-7.
  - at: 2026-11-22T08:00:00Z
    status: investigating
    message: Public message heron.
---
"""
INTERNAL = """\
---
title: Secret incident narwhal
impact: major
visibility: internal
components: {db: major_outage}
updates:
  - at: 2026-11-22T08:00:00Z
    status: investigating
    message: Secret message okapi.
---
Secret post-mortem axolotl. ![diagram](secret-diagram.svg)
"""
DRILL = """\
---
title: Drill title quokka
impact: critical
mode: test
updates:
  - at: 2026-11-22T08:00:00Z
    status: investigating
    message: Drill message wombat.
---
"""
SECRETS = ("walrus", "db-7", "narwhal", "okapi", "axolotl", "quokka", "wombat", "secret-diagram")


def test_nothing_internal_appears_in_any_file_of_the_public_build(
        status_repo: StatusRepo, tmp_path: Path) -> None:
    root = status_repo({"incidents/2026-11-22-public.md": PUBLIC,
                        "incidents/2026-11-22-internal.md": INTERNAL,
                        "incidents/2026-11-22-drill.md": DRILL,
                        "incidents/secret-diagram.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>"})
    public = build(root, tmp_path / "public", NOW)
    assert public.ok, public.diagnostics
    files = tree(tmp_path / "public")
    leaks = [(path, word) for path, data in files.items() for word in SECRETS
             if word.encode() in data.lower()]
    assert leaks == []
    assert any(b"heron" in data for data in files.values())
    assert not any("internal" in path or "drill" in path for path in files)
    team = build(root, tmp_path / "team", NOW, internal=True)
    assert team.ok
    team_files = tree(tmp_path / "team")
    for word in SECRETS:
        assert any(word.encode() in data.lower() for data in team_files.values()), word


def test_the_report_says_what_was_built(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_example(tmp_path)
    assert main(["build", "--root", str(root), "--now", NOW.isoformat()]) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith(f"built the site in {root / 'site'}: ")
    assert " pages, " in line and " in " in line and line.endswith("0 warnings")
    assert (root / "site" / MARKER).is_file()
    assert main(["build", "--root", str(root), "--now", NOW.isoformat()]) == 0
    assert "0 written" in capsys.readouterr().out


def test_an_audience_build_writes_its_own_site(status_repo: StatusRepo, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from tests.compute.test_audience import AUDIENCES, FOR_ACME

    root = status_repo({"components.yml": AUDIENCES, "incidents/acme.md": FOR_ACME})
    now = ["--now", NOW.isoformat(), "--no-cache"]
    assert main(["build", "--root", str(root), "--out", str(tmp_path / "public"), *now]) == 0
    assert main(["build", "--root", str(root), "--audience", "acme-corp",
                 "--out", str(tmp_path / "acme"), *now]) == 0
    assert "built the site of audience acme-corp" in capsys.readouterr().out
    assert "incidents/acme/index.html" in tree(tmp_path / "acme")
    assert not any(b"Database slow" in data for data in tree(tmp_path / "public").values())
    assert main(["build", "--root", str(root), "--audience", "acme",
                 "--out", str(tmp_path / "none"), *now]) == 1
    printed = capsys.readouterr()
    assert "components.yml:1:1: error: no audience `acme` in components.yml; known audiences: " \
        "acme-corp, globex [unknown-audience]" in printed.out
    assert not (tmp_path / "none").exists()
    with pytest.raises(SystemExit):
        main(["build", "--root", str(root), "--audience", "acme-corp", "--internal", *now])
