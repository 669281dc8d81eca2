"""Caches and parallel rendering never change a byte of the site (issue: performance)."""

from __future__ import annotations

import json
import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.generate import NOW as BENCH_NOW
from bench.generate import write_repo
from statusgen.incremental.codec import decode_parsed, encode_parsed
from statusgen.incremental.parse_cache import CACHE_DIR, PARSE_FILE, ParseCache
from statusgen.pipeline import Session, build
from statusgen.render.theme import Theme
from statusgen.source import files
from statusgen.source import tree as source_tree
from statusgen.source.load import load
from statusgen.source.parse import parse_incident
from statusgen.source.tree import DiskSource
from tests.helpers import NOW, copy_example, tree


def test_the_parse_cache_is_used_and_gives_the_same_model(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    cold = ParseCache(root)
    first = load(DiskSource(root), cold.parse)
    cold.save()
    assert (root / CACHE_DIR / PARSE_FILE).is_file()
    warm = ParseCache(root)
    assert first.repository is not None and len(warm.stored) == len(first.repository.incidents)
    again = load(DiskSource(root), warm.parse)
    assert again.repository == first.repository
    assert again.diagnostics == first.diagnostics


def test_a_corrupt_or_foreign_cache_is_ignored_and_rebuilt(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    reference = build(root, tmp_path / "reference", NOW)
    assert reference.ok
    assert build(root, tmp_path / "a", NOW, session=Session.on_disk(root)).ok
    cache_file = root / CACHE_DIR / PARSE_FILE
    good = cache_file.read_bytes()
    for damaged in (good[:100], good[:32] + b"x" + good[33:], b"", b"\0" * 64,
                    good[:-1] + bytes([good[-1] ^ 1])):
        cache_file.write_bytes(damaged)
        assert ParseCache(root).stored == {}
        shutil.rmtree(tmp_path / "a")
        assert build(root, tmp_path / "a", NOW, session=Session.on_disk(root)).ok
        assert tree(tmp_path / "a") == tree(tmp_path / "reference")
        assert ParseCache(root).stored, "the cache was written again"


def test_deleting_the_cache_changes_no_output(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    assert build(root, tmp_path / "warm", NOW, session=Session.on_disk(root)).ok
    assert build(root, tmp_path / "warm2", NOW, session=Session.on_disk(root)).ok
    shutil.rmtree(root / CACHE_DIR)
    assert build(root, tmp_path / "cold", NOW, session=Session.on_disk(root)).ok
    assert tree(tmp_path / "warm") == tree(tmp_path / "cold") == tree(tmp_path / "warm2")


def test_a_skipped_rebuild_is_noticed_when_the_output_was_touched(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    out = tmp_path / "site"
    assert build(root, out, NOW, session=Session.on_disk(root)).ok
    expected = tree(out)
    skipped = build(root, out, NOW, session=Session.on_disk(root))
    assert skipped.write is not None and skipped.write.written == 0
    (out / "index.html").write_bytes(b"defaced")
    (out / "history" / "index.html").unlink()
    repaired = build(root, out, NOW, session=Session.on_disk(root))
    assert repaired.write is not None and repaired.write.written == 2
    assert tree(out) == expected


@pytest.mark.slow
def test_parallel_rendering_is_byte_identical(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "bench", 450)
    one = build(root, tmp_path / "one", BENCH_NOW, jobs=1)
    two = build(root, tmp_path / "two", BENCH_NOW, jobs=2)
    assert one.ok and two.ok
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


INCIDENT = """\
---
title: {title}
impact: minor
components: {{api: partial_outage}}
updates:
  - at: 2026-11-22T0{hour}:00:00Z
    status: investigating
    message: {message}
---
"""
EDITS = st.lists(st.tuples(
    st.sampled_from(["message", "new", "delete", "resolve", "components", "template", "image",
                     "later", "deface"]),
    st.integers(min_value=0, max_value=7),
), min_size=1, max_size=6)


def _edit(root: Path, kind: str, n: int) -> None:
    incidents = sorted((root / "incidents").glob("*.md"))
    victim = incidents[n % len(incidents)]
    if kind == "message":
        victim.write_text(victim.read_text().replace("message: ", f"message: Edit {n}. ", 1))
    elif kind == "new":
        (root / "incidents" / f"2026-11-22-new-{n}.md").write_text(
            INCIDENT.format(title=f"New problem {n}", hour=n % 8 + 1, message=f"Seen {n}."))
    elif kind == "delete" and len(incidents) > 2:
        victim.unlink()
    elif kind == "resolve":
        text = victim.read_text()
        if "status: resolved" not in text and "kind: maintenance" not in text:
            victim.write_text(text.replace("updates:\n", "updates:\n  - at: 2026-11-22T08:59:00Z\n"
                                           "    status: resolved\n    message: Fixed.\n", 1))
    elif kind == "components":
        config = root / "components.yml"
        config.write_text(config.read_text().replace("name: Public API", f"name: API v{n}"))
    elif kind == "template":
        css = root / "themes" / "default" / "static" / "style.css"
        css.write_text(css.read_text() + f"\n/* {n} */\n")
    elif kind == "image":
        (root / "incidents" / "2026-11-03-database-outage.svg").write_text(
            f"<svg xmlns='http://www.w3.org/2000/svg'><title>{n}</title></svg>")


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
def test_incremental_builds_equal_a_clean_full_build(tmp_path_factory: object, edits: list[tuple[str, int]]
                                                     ) -> None:
    """Whatever changes between builds — a file, the clock (a maintenance starts, a resolved
    incident ages off the front page, a day of the bars ends), a page of the site defaced —
    the dev server's build and the command line's, which keep what they can, write the
    site a clean build writes."""
    base = Path(str(tmp_path_factory.mktemp("incremental")))  # type: ignore[attr-defined]
    root = copy_example(base)
    served_session = Session.in_memory()
    serve_out, cli_out = base / "serve", base / "cli"
    now = NOW
    assert build(root, serve_out, now, session=served_session).ok
    assert build(root, cli_out, now, session=Session.on_disk(root)).ok
    for number, (kind, n) in enumerate(edits):
        if kind == "later":
            now += timedelta(hours=7 * n + 1, minutes=13)
        elif kind == "deface":
            pages = sorted(cli_out.rglob("*.html"))
            victim = pages[n * 7 % len(pages)]
            if n % 2:
                victim.write_bytes(victim.read_bytes() + b"<!-- defaced -->")
            else:
                victim.unlink()
        else:
            _edit(root, kind, n)
        served = build(root, serve_out, now, session=served_session)
        cached = build(root, cli_out, now, session=Session.on_disk(root), jobs=2)
        clean = build(root, base / f"clean{number}", now)
        assert served.ok == cached.ok == clean.ok
        if clean.ok:
            assert tree(serve_out) == tree(cli_out) == tree(base / f"clean{number}")


def test_a_scheduled_rebuild_renders_only_what_the_clock_moved(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_repo(tmp_path / "bench", 60)  # 40 in the last 90 days, 2 of them open
    out = tmp_path / "site"
    assert build(root, out, BENCH_NOW, session=Session.on_disk(root)).ok
    rendered: list[str] = []
    render = Theme.render

    def counted(self: Theme, template: str, context: object) -> bytes:
        rendered.append(template)
        return render(self, template, context)

    monkeypatch.setattr(Theme, "render", counted)
    later = BENCH_NOW + timedelta(minutes=10)
    assert build(root, out, later, session=Session.on_disk(root)).ok
    # Only the pages of entries still running (their clock moves) are rendered again.
    running = sum(1 for p in (root / "incidents").glob("*.md")
                  if "status: resolved" not in p.read_text() and "kind: maintenance" not in p.read_text())
    assert 0 < rendered.count("incident.html") <= running + 20
    monkeypatch.setattr(Theme, "render", render)
    assert build(root, tmp_path / "clean", later).ok
    assert tree(out) == tree(tmp_path / "clean")
    # A page touched by hand is written again, though nothing it is made from changed.
    page = next((out / "incidents").rglob("index.html"))
    page.write_bytes(b"defaced")
    assert build(root, out, later + timedelta(minutes=10), session=Session.on_disk(root)).ok
    assert build(root, tmp_path / "clean2", later + timedelta(minutes=10)).ok
    assert tree(out) == tree(tmp_path / "clean2")


def test_a_cache_that_was_committed_or_copied_is_never_trusted(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    assert build(root, tmp_path / "a", NOW, session=Session.on_disk(root)).ok
    assert ParseCache(root).stored, "the cache is read back where it was written"
    # A clone holds the same bytes in new files: another inode and time than the stamp says.
    (tmp_path / "clone").mkdir()
    clone = copy_example(tmp_path / "clone")
    shutil.copytree(root / CACHE_DIR, clone / CACHE_DIR)
    assert ParseCache(clone).stored == {}
    # Even with a poisoned entry and its stamp rewritten for the old file, a rewrite is seen.
    cache = root / CACHE_DIR / PARSE_FILE
    cache.write_bytes(cache.read_bytes().replace(b'"visibility":{"$E":["Visibility","public"]}',
                                                 b'"visibility":{"$E":["Visibility","internal"]}'))
    assert ParseCache(root).stored == {}


def test_the_cache_is_plain_json_inside_the_repository(tmp_path: Path, monkeypatch: object) -> None:
    root = copy_example(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))  # type: ignore[attr-defined]
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))  # type: ignore[attr-defined]
    assert build(root, tmp_path / "a", NOW, session=Session.on_disk(root)).ok
    assert list(home.iterdir()) == []
    document = json.loads((root / CACHE_DIR / PARSE_FILE).read_bytes())
    assert document["format"] == "statusgen-parse-cache 5" and document["entries"]


def test_files_whose_identity_has_not_changed_are_not_read_again(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_example(tmp_path)
    assert build(root, tmp_path / "a", NOW, session=Session.on_disk(root)).ok
    read: list[str] = []
    real = files.read_inside

    def counting(folder: Path, relative: str, limit: int) -> bytes:
        read.append(relative)
        return real(folder, relative, limit)

    monkeypatch.setattr(files, "read_inside", counting)
    monkeypatch.setattr(source_tree, "read_inside", counting)
    session = Session.on_disk(root)
    assert build(root, tmp_path / "b", NOW, session=session).ok
    assert [p for p in read if p.endswith(".md")] == []
    assert session.parse.parsed == 0
    # An edit that keeps the size still changes the time: the file is read and parsed again.
    victim = root / "incidents" / "2026-11-22-api-latency.md"
    victim.write_bytes(victim.read_bytes().replace(b"investigating", b"INVESTIGATING", 1).replace(
        b"INVESTIGATING", b"investigating", 1))
    os.utime(victim, ns=(victim.stat().st_atime_ns, victim.stat().st_mtime_ns + 1000))
    read.clear()
    session = Session.on_disk(root)
    assert build(root, tmp_path / "c", NOW, session=session).ok
    assert [p for p in read if p.endswith(".md")] == ["incidents/2026-11-22-api-latency.md"]


def test_a_cached_incident_holds_each_text_once() -> None:
    body = "## What happened\n\n" + "A long post-mortem. " * 200
    raw = ("---\ntitle: Outage\nimpact: minor\nupdates:\n  - at: 2026-11-22T08:00:00Z\n"
           "    status: resolved\n    message: All clear.\n---\n" + body).encode()
    incident, problems = parse_incident("incidents/outage.md", raw)
    assert incident is not None
    decoded, _ = decode_parsed(encode_parsed(incident, problems), "incidents/outage.md")
    assert decoded is not None and decoded.body_prose is not None
    assert decoded.body_prose.source is decoded.body
    assert decoded.updates[0].prose is not None
    assert decoded.updates[0].prose.source is decoded.updates[0].message
