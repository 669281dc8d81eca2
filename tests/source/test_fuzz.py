"""Random damage to the example files: the loader and the checker never raise, and
every diagnostic points inside the file it names.

The example repository is the starting point; each example mutates one of its
files a few times (lines deleted, duplicated, swapped or re-indented; YAML
punctuation, tabs, control characters or invalid UTF-8 inserted; truncated;
saved with CRLF, CR or a BOM). Set ``STATUSGEN_FUZZ_EXAMPLES`` for a longer run.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statusgen import model as m
from statusgen.check.run import check
from statusgen.diagnostics import Diagnostic
from statusgen.source.load import load
from statusgen.source.parse import parse_config, parse_incident
from statusgen.source.tree import DiskSource
from tests.helpers import NOW, REPO_ROOT

EXAMPLES = {
    path.relative_to(REPO_ROOT).as_posix(): path.read_bytes()
    for path in [REPO_ROOT / "components.yml", *sorted((REPO_ROOT / "incidents").glob("*.md"))]
}
ATTACHMENTS = [p for p in (REPO_ROOT / "incidents").iterdir() if p.suffix not in (".md", "")]

SETTINGS = settings(
    max_examples=int(os.environ.get("STATUSGEN_FUZZ_EXAMPLES", "300")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

TOKENS = [
    ":", ": ", "-", "- ", "&a ", "*a", "&a [*a]", "!!", "!!str ", "!!binary ", "!!int ", "!x ", "---",
    "...", "\t", "  ", "    ", "{", "}", "[", "]", "'", '"', "#", "|", ">", "? ", "<<: *a", "%YAML 1.1",
    "@", "`", ",", "~", "null", "yes", "0x_", "12:30", "1e400", '"\\ud800"', '"\\x00"', "\x00", "\x07",
    "\x85", "\u2028", "\ufeff", "é", "😀", "\r", "\n", "\r\n", "components:", "updates:", "status: ",
    "at: 2026-11-22T10:00:00Z", "- id: db", "kind: maintenance", "internal: true", "mode: retrospective",
    "![x](missing.png)", "[x](../../etc/passwd)",
]
BAD_BYTES = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xe2\x82", b"\x80\x80", b"\xef\xbb"]

Lines = list[bytes]
Mutation = Callable[[Lines], Lines]


@st.composite
def mutation(draw: st.DrawFn) -> Mutation:
    """One change to a file held as its lines (split on ``\\n``, ends kept apart)."""
    kind = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "indent", "truncate",
                                 "bytes", "crlf", "cr", "bom", "line-crlf"]))
    i = draw(st.integers(0, 10_000))
    j = draw(st.integers(0, 10_000))
    if kind == "insert":
        piece = draw(st.one_of(st.sampled_from(TOKENS), st.text(max_size=8))).encode("utf-8", "surrogatepass")
    elif kind == "bytes":
        piece = draw(st.sampled_from(BAD_BYTES))
    else:
        piece = b""
    width = draw(st.integers(-4, 4))

    def apply(lines: Lines) -> Lines:
        lines = list(lines)
        n = len(lines)
        a, b = i % n, j % n
        if kind == "delete" and n > 1:
            del lines[a]
        elif kind == "duplicate":
            lines.insert(a, lines[a])
        elif kind == "swap":
            lines[a], lines[b] = lines[b], lines[a]
        elif kind in ("insert", "bytes"):
            at = j % (len(lines[a]) + 1)
            lines[a] = lines[a][:at] + piece + lines[a][at:]
        elif kind == "indent":
            stripped = lines[a].lstrip(b" ")
            lines[a] = b" " * max(0, len(lines[a]) - len(stripped) + width) + stripped
        elif kind == "truncate":
            text = b"\n".join(lines)
            lines = text[: j % (len(text) + 1)].split(b"\n")
        elif kind == "crlf":
            lines = [line + b"\r" for line in lines[:-1]] + lines[-1:]
        elif kind == "line-crlf":
            lines[a] += b"\r"
        elif kind == "cr":
            lines = [b"\r".join(lines)]
        elif kind == "bom":
            lines[0] = b"\xef\xbb\xbf" + lines[0]
        return lines

    apply.__name__ = f"{kind}(line {i}, at {j}, {piece!r}, {width:+d})"
    return apply


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, bytes]:
    """An example file's path and its bytes after one to four mutations."""
    name = draw(st.sampled_from(sorted(EXAMPLES)))
    lines = EXAMPLES[name].split(b"\n")
    for change in draw(st.lists(mutation(), min_size=1, max_size=4)):
        lines = change(lines)
    return name, b"\n".join(lines)


def editor_lines(raw: bytes) -> list[str]:
    """The lines an editor shows: CR, LF and CRLF end a line; a final line end adds none."""
    text = raw.decode("utf-8", errors="replace").removeprefix("\ufeff")
    lines = re.split(r"\r\n|\r|\n", text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines  # an empty file is one empty line


@functools.lru_cache(maxsize=64)
def cached_parse(path: str, raw: bytes) -> tuple[m.Incident | None, list[Diagnostic]]:
    """``parse_incident`` for the unchanged files, as ``statusgen serve`` would cache it."""
    return parse_incident(path, raw)


def assert_inside(diagnostics: list[Diagnostic], files: dict[str, bytes]) -> None:
    for d in diagnostics:
        assert d.code != "internal", d
        lines = editor_lines(files[d.location.path])
        assert 1 <= d.location.line <= len(lines), (d, len(lines))
        assert 1 <= d.location.column <= len(lines[d.location.line - 1]) + 1, (
            d, lines[d.location.line - 1])


@SETTINGS
@given(damaged())
def test_parse_never_raises_and_stays_inside_the_file(case: tuple[str, bytes]) -> None:
    name, raw = case
    if name.endswith(".md"):
        _, out = parse_incident(name, raw)
    else:
        _, out = parse_config(raw)
    assert_inside(out, {name: raw})


@pytest.mark.slow
@SETTINGS
@given(damaged())
def test_load_and_check_never_raise_and_stay_inside_the_files(case: tuple[str, bytes]) -> None:
    name, raw = case
    files = {**EXAMPLES, name: raw}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "incidents").mkdir()
        for path, data in files.items():
            (root / path).write_bytes(data)
        for attachment in ATTACHMENTS:
            shutil.copy(attachment, root / "incidents" / attachment.name)
        loaded = load(DiskSource(root), cached_parse)
        found = list(loaded.diagnostics)
        if loaded.repository is not None:
            found.extend(check(loaded.repository, NOW))
    assert_inside(found, files)


def test_the_examples_themselves_are_clean() -> None:
    for name, raw in EXAMPLES.items():
        out = parse_incident(name, raw)[1] if name.endswith(".md") else parse_config(raw)[1]
        assert out == [], name


def test_editor_lines() -> None:
    assert editor_lines(b"") == [""]
    assert editor_lines(b"a\n") == ["a"]
    assert editor_lines(b"a\r\nb\rc\n\n") == ["a", "b", "c", ""]
    assert editor_lines(b"\xef\xbb\xbfa\xffb") == ["a\ufffdb"]
