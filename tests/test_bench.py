"""The benchmark: shapes that have the property they claim, valid for statusgen, and a runner
that prints honest figures (its timings are not judged here)."""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
import time
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from bench import measure, report
from bench.cstate import NotAnIssue, parse_issue, to_entry
from bench.entries import NOW, entry_text
from bench.generate import SHAPES, generate, write_files, write_repo
from bench.serve_edit import MARK, edit_message
from bench.shapes import real
from bench.simple import simple_pass
from tests.helpers import REPO_ROOT

SMALL = {"today": 60, "migrated": 60, "busy": 60, "long": 60, "real": 130}
"""A small N of each shape; real's passes its 115 issues, so a second tile begins."""


def front(text: str) -> dict[str, Any]:
    """An entry's front matter, read by PyYAML."""
    data = yaml.load(text.split("---\n")[1], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    assert isinstance(data, dict)
    return data


def entries_of(files: dict[str, str | bytes]) -> dict[str, dict[str, Any]]:
    return {path: front(text) for path, text in files.items()
            if path.endswith(".md") and isinstance(text, str)}


def utc(value: object) -> datetime:
    assert isinstance(value, datetime)
    return value.astimezone(UTC)


@pytest.mark.parametrize("shape", SHAPES)
def test_a_shape_is_the_same_for_the_same_seed(shape: str) -> None:
    assert generate(shape, 150) == generate(shape, 150)
    if shape != "real":  # real data has no randomness
        assert generate(shape, 150, seed=8) != generate(shape, 150)


def test_today_keeps_the_last_90_days_fixed_whatever_n() -> None:
    small, large = generate("today", 60), generate("today", 300)
    recent = {name: text for name, text in small.items() if "-r" in name}
    assert len(recent) == 40 and all(large[name] == text for name, text in recent.items())
    assert len(large) == 301  # and components.yml


@pytest.mark.slow
def test_every_shape_validates_and_the_simple_pass_reads_it(tmp_path: Path) -> None:
    roots = {shape: write_repo(tmp_path / shape, n, shape) for shape, n in SMALL.items()}
    running = {shape: subprocess.Popen([sys.executable, "-m", "statusgen", "validate", "--root",
                                        str(root), "--now", NOW.isoformat(), "--format", "json"],
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=REPO_ROOT)
               for shape, root in roots.items()}
    for shape, child in running.items():
        out, _ = child.communicate(timeout=120)
        problems = json.loads(out)
        assert child.returncode == 0, (shape, [p for p in problems if p["severity"] == "error"][:5])
        assert {p["code"] for p in problems} <= {"stale-open", "duplicate-open"}, shape
        entries = sorted((roots[shape] / "incidents").glob("*.md"))
        assert len(entries) == SMALL[shape]
        assert simple_pass(roots[shape], tmp_path / f"simple-{shape}") == SMALL[shape]
        assert all((tmp_path / f"simple-{shape}" / e.stem / "index.html").is_file() for e in entries)


def test_migrated_has_5_percent_open_spread_over_the_years_and_a_quiet_quarter() -> None:
    found = entries_of(generate("migrated", 400))
    incidents = [d for d in found.values() if d.get("kind") != "maintenance"]
    still_open = [d for d in incidents if d["updates"][0]["status"] != "resolved"]
    assert len(incidents) == 360 and len(still_open) == 18  # 5%
    assert len({utc(d["updates"][-1]["at"]).year for d in still_open}) >= 4
    quiet = NOW - timedelta(days=90)
    times = [utc(u["at"]) for d in found.values() for u in d["updates"]]
    times += [utc(d["window"][k]) for d in found.values() if "window" in d for k in ("start", "end")]
    assert max(times) < quiet


def test_busy_has_200_components_in_20_groups_and_its_recent_days_grow_with_n() -> None:
    def recent(n: int) -> int:
        found = entries_of(generate("busy", n)).values()
        starts = [d["window"]["start"] if "window" in d else d["updates"][-1]["at"] for d in found]
        return sum(utc(start) > NOW - timedelta(days=90) for start in starts)

    config = yaml.safe_load(str(generate("busy", 10)["components.yml"]))
    groups = config["components"]
    assert len(groups) == 20 and all(len(g["components"]) == 10 for g in groups)
    assert len({c["id"] for g in groups for c in g["components"]}) == 200
    assert recent(250) >= 50 and recent(500) >= 100


def png_size(data: bytes) -> tuple[int, int]:
    """The width and height of a PNG, after checking every chunk's CRC and inflating its pixels."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, pixels, size = 8, b"", (0, 0)
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        assert struct.unpack(">I", data[at + 8 + length:at + 12 + length])[0] == zlib.crc32(kind + body)
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8])
        pixels += body if kind == b"IDAT" else b""
        at += 12 + length
    assert len(zlib.decompress(pixels)) == size[1] * (size[0] + 1)
    return size


def test_long_has_20_kb_post_mortems_with_tables_and_images_that_exist() -> None:
    files = generate("long", 120)
    md = MarkdownIt("commonmark").enable("table")
    bodies = {p: str(t).split("---\n", 2)[2] for p, t in files.items() if p.endswith(".md")}
    long = {p: b for p, b in bodies.items() if len(b.encode()) >= 20 * 1024}
    resolved = [p for p, d in entries_of(files).items()
                if d.get("kind") != "maintenance" and d["updates"][0]["status"] == "resolved"]
    assert len(long) >= len(resolved) // 4
    for body in long.values():
        page = BeautifulSoup(md.render(body), "html.parser")
        assert len(page.find_all("table")) == 3
        images = [img["src"] for img in page.find_all("img")]
        assert len(images) >= 2
        for src in images:
            data = files[f"incidents/{src}"]
            assert isinstance(data, bytes) and png_size(data) == (48, 16)


def test_real_holds_every_issue_of_the_data_file_and_tiles_never_overlap() -> None:
    data = json.loads(real.DATA.read_text())
    assert data["source"] == "https://github.com/jenkins-infra/status" and len(data["commit"]) == 40
    found = entries_of(generate("real", 2 * len(data["issues"])))
    def told(title: str, story: str, lasted: timedelta | None) -> tuple[str, str, str]:
        return title, story, str(lasted)

    expected, shown = [], []
    for text in data["issues"].values():
        issue, story = front(text), text.split("\n---\n", 1)[1].strip()
        maintenance = re.search("maintenance|upgrade", issue["title"], re.IGNORECASE)
        expected.append(told(issue["title"], story or issue["title"],
                             # one issue was resolved "before" it began: then at its start
                             None if maintenance else max(issue["resolvedWhen"] - issue["date"],
                                                          timedelta(0))))
    for path, entry in found.items():
        if "-t000-" in path:
            updates = entry["updates"]
            shown.append(told(entry["title"], updates[-1]["message"], None if "window" in entry
                              else updates[0]["at"] - updates[-1]["at"]))
    assert sorted(shown) == sorted(expected)
    first = [utc(u["at"]) for p, d in found.items() if "-t000-" in p for u in d["updates"]]
    second = [utc(u["at"]) for p, d in found.items() if "-t001-" in p for u in d["updates"]]
    assert len(first) == len(second) and max(second) < min(first) and max(first) < NOW


def test_real_names_only_components_its_page_has() -> None:
    files = generate("real", 115)
    ids = {c["id"] for c in yaml.safe_load(str(files["components.yml"]))["components"]}
    for d in entries_of(files).values():
        assert set(d.get("components") or []) <= ids


def test_a_cstate_issue_without_zones_or_resolution_still_converts() -> None:
    # The forms other cState sites write: a time without a zone (UTC to Hugo), a time as
    # text, an issue never resolved.
    issue = parse_issue("2024-05-14-pruning", "---\ntitle: Blocked publishing\n"
                        "date: 2024-05-14 10:00:00\nresolved: false\nresolvedWhen: \"\"\n"
                        "severity: down\naffected:\n  - Build service\n  - build service\n---\n\nSlow.\n")
    assert issue.start == datetime(2024, 5, 14, 10, tzinfo=UTC) and issue.end is None
    entry = front(entry_text(to_entry(issue, "x", timedelta(days=7))))
    assert entry["impact"] == "major" and entry["components"] == {"build-service": "major_outage"}
    assert [u["status"] for u in entry["updates"]] == ["investigating"]
    assert utc(entry["updates"][0]["at"]) == datetime(2024, 5, 21, 10, tzinfo=UTC)
    text = parse_issue("a", "---\ntitle: t\ndate: '2024-01-02 03:04:05 UTC'\n---\n")
    assert text.start == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    huge = "---\ntitle: x\ndate: 2024-01-01\n---\n" + "x" * 2**20
    for broken in ("no front matter", "---\ntitle: x\n---\n", "---\ndate: 2024-01-01\n---\n",
                   "---\ntitle: x\ndate: soon\n---\n", huge):
        with pytest.raises(NotAnIssue):
            parse_issue("x", broken)


@pytest.mark.parametrize("message", ["Plain words.", '"Quoted: words"', "|-\n      A block\n      of two"])
def test_the_serve_edit_changes_only_the_first_message(message: str) -> None:
    text = ("---\ntitle: t\nimpact: minor\nupdates:\n  - at: 2026-11-21T00:00:00Z\n"
            f"    status: resolved\n    message: {message}\n  - at: 2026-11-20T00:00:00Z\n"
            "    status: investigating\n    message: Older.\n---\n")
    before, after = front(text), front(edit_message(text))
    assert after["updates"][0]["message"] == MARK + before["updates"][0]["message"]
    assert after["updates"][1] == before["updates"][1]


def test_scaling_is_per_doubling_and_misses_are_named() -> None:
    assert report.per_doubling(4000, 10.0, 10000, 25.0) == pytest.approx(2.0)
    fine: dict[str, report.Value] = {"cold_s": 1.0, "scheduled_s": 0.3, "edit_s": 0.1,
                                     "peak_mib": 100.0, "ratio": 1.2, "index_bytes": 1000}
    results: dict[int, report.Figures] = {1000: fine, 2000: {**fine, "cold_s": 2.5}, 4000: fine,
               10000: {**fine, "ratio": 1.6, "index_bytes": 1001, "edit_s": "> 900"}}
    found = {(m.key, m.where) for m in report.misses("s", results)}
    assert found == {("cold_s", "1,000→2,000"), ("ratio", "10,000"), ("index_bytes", "10,000"),
                     ("edit_s", "10,000"), ("edit_s", "4,000→10,000")}
    table = report.markdown({"s": results}, {"s": "a shape"})
    assert "**2.50x**" in table and "**1.60x**" in table and "| > 900 s" not in table
    assert "**> 900 s**" in table and "- missed: s: cold build at 1,000→2,000" in table


def test_a_command_past_its_limit_is_killed_with_its_children() -> None:
    spawn = ("import subprocess, sys, time; p = subprocess.Popen(['sleep', '60']); "
             "print(p.pid, flush=True); time.sleep(60)")
    started = time.perf_counter()
    run = measure.run([sys.executable, "-c", spawn], timeout=1.0)
    assert run.timed_out and not run.ok and time.perf_counter() - started < 10
    sleeper = int(run.stdout.split()[0])
    for _ in range(100):
        try:
            state = Path(f"/proc/{sleeper}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            break
        if state == "Z":
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"process {sleeper} outlived its build")


@pytest.mark.skipif(not os.path.exists("/proc/self/smaps_rollup"), reason="PSS needs Linux /proc")
def test_peak_memory_counts_what_the_child_holds() -> None:
    hold = "b = bytearray(200 * 2**20); import time; time.sleep(0.5)"
    run = measure.run([sys.executable, "-c", hold], timeout=30)
    assert run.ok and 200 * 2**20 <= run.peak_bytes < 400 * 2**20


@pytest.mark.slow
def test_the_runner_prints_every_figure_and_builds_what_the_shape_holds(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    done = subprocess.run([sys.executable, "-m", "bench.run", "--shapes", "long", "--sizes", "10", "20",
                           "--keep", str(tmp_path / "work"), "--json", str(out)],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    machine, _, tables = done.stdout.partition("\n\n")
    assert re.fullmatch(r"Measured \d{4}-\d\d-\d\d on .*, \d+ cores, Python .*", machine)
    lines = tables.splitlines()
    assert lines[0].startswith("long: ") and re.split(r"\s{2,}", lines[1]) == ["figure", "10", "20",
                                                                                 "10→20"]
    labels = {re.split(r"\s{2,}", line.strip())[0] for line in lines[2:]}
    assert {row.label.strip() for row in report.ROWS} <= labels
    figures = json.loads(out.read_text())["results"]["long"]
    for n in ("10", "20"):
        for key in ("simple_s", "cold_s", "scheduled_s", "edit_s", "peak_mib", "ratio", "index_bytes"):
            assert isinstance(figures[n][key], float | int) and figures[n][key] > 0, (n, key)
    site, repo = tmp_path / "work" / "long-20" / "site", tmp_path / "work" / "long-20" / "repo"
    charts = sorted(p.name for p in (repo / "incidents").glob("*.png"))
    assert charts and all((site / "incidents" / name).read_bytes() ==
                          (repo / "incidents" / name).read_bytes() for name in charts)


@pytest.mark.slow
def test_a_stopped_build_is_reported_and_larger_sizes_are_not_run(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    done = subprocess.run([sys.executable, "-m", "bench.run", "--shapes", "today", "--sizes", "20", "40",
                           "--timeout", "0.05", "--json", str(out), "--markdown"],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text())["results"]["today"]
    assert figures["20"]["cold_s"] == "> 0.05" and figures["40"] == {"cold_s": "not run"}
    assert "cold build at 20: no figure: stopped after 0.05 s" in done.stdout
    assert "| cold build (s) | **> 0.05 s** | **not run** |" in done.stdout


def test_a_folder_that_is_not_a_generated_repository_is_never_emptied(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        write_files(tmp_path, generate("today", 3))
    assert (tmp_path / "notes.txt").read_text() == "mine"
    write_files(tmp_path / "bench", generate("today", 3))
    write_files(tmp_path / "bench", generate("today", 2))  # its own: emptied and rewritten
    assert len(list((tmp_path / "bench" / "incidents").iterdir())) == 2


def test_the_upstream_bench_reads_every_component_and_falls_back_when_the_provider_is_gone() -> None:
    from bench.upstream import run

    figures = run(12)
    assert [figures[case]["readings"] for case in ("pages", "one page", "gone")] == [12, 12, 12]
    assert (figures["pages"]["warnings"], figures["gone"]["warnings"], figures["gone"]["stale"]) \
        == (0, 12, 12)
