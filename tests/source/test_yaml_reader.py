"""The located YAML reader: values, their locations, and what it refuses.

Every test runs with libyaml's parser (when PyYAML has it) and with PyYAML's
pure-Python one: what a user sees must not depend on how PyYAML was built.
"""

from __future__ import annotations

import pytest
import yaml

import statusgen.source.yaml_reader as yamlsource
from statusgen.diagnostics import Diagnostic, Location, Severity
from statusgen.source.yaml_reader import MAX_DEPTH, MAX_NODES, Map, Node, Scalar, Seq, parse_yaml
from tests.helpers import dedent

LOADERS = [
    pytest.param(getattr(yaml, "CSafeLoader", None), id="libyaml", marks=pytest.mark.skipif(
        not hasattr(yaml, "CSafeLoader"), reason="PyYAML was built without libyaml")),
    pytest.param(yaml.SafeLoader, id="python"),
]


@pytest.fixture(autouse=True, params=LOADERS)
def every_loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs the test once with each parser PyYAML may have."""
    monkeypatch.setattr(yamlsource, "_LOADER", request.param)


def parse(text: str, offset: int = 0) -> tuple[Node | None, list[Diagnostic]]:
    return parse_yaml(dedent(text), "f.yml", offset)


def only(diagnostics: list[Diagnostic]) -> tuple[int, int, Severity, str]:
    assert len(diagnostics) == 1, diagnostics
    d = diagnostics[0]
    return d.location.line, d.location.column, d.severity, d.code


def test_values_keep_their_type_text_and_location() -> None:
    node, out = parse("""
        title: Acme
        count: 7
        ratio: 0.5
        on: yes
        empty:
        at: 2026-11-22T10:42:00Z
        items: [a, {b: 1}]
    """)
    assert out == []
    assert isinstance(node, Map)
    assert node.loc == Location("f.yml", 1, 1)
    keys = {str(k.value): (k, v) for k, v in node.entries}
    assert list(keys) == ["title", "count", "ratio", "on", "empty", "at", "items"]
    count = keys["count"][1]
    assert isinstance(count, Scalar)
    assert (count.value, count.text, count.type_name) == (7, "7", "int")
    assert keys["count"][0].loc == Location("f.yml", 2, 1)
    assert count.loc == Location("f.yml", 2, 8)
    on = keys["on"][1]
    assert isinstance(on, Scalar) and on.value is True and on.text == "yes"
    empty = keys["empty"][1]
    assert isinstance(empty, Scalar) and empty.value is None and empty.type_name == "null"
    at = keys["at"][1]
    # Timestamps stay text: the schema reads them, with their zone.
    assert isinstance(at, Scalar) and at.value == "2026-11-22T10:42:00Z" and at.type_name == "timestamp"
    items = keys["items"][1]
    assert isinstance(items, Seq) and items.loc == Location("f.yml", 7, 8)
    inner = items.items[1]
    assert isinstance(inner, Map) and inner.loc == Location("f.yml", 7, 12)
    assert isinstance(inner.get("b"), Scalar) and inner.get("missing") is None


def test_line_offset_moves_every_location() -> None:
    node, _ = parse("a: 1\nb: 2\n", offset=1)
    assert isinstance(node, Map)
    assert [k.loc.line for k, _ in node.entries] == [2, 3]


def test_empty_document_is_none_without_problems() -> None:
    assert parse("") == (None, [])
    assert parse("# only a comment\n") == (None, [])


def test_a_few_aliases_are_fine() -> None:
    node, out = parse("""
        a: &x [1, 2]
        b: *x
    """)
    assert out == []
    assert isinstance(node, Map)
    b = node.get("b")
    assert isinstance(b, Seq) and len(b.items) == 2


@pytest.mark.parametrize(("text", "expected", "message"), [
    pytest.param("a: 1\nb: 2\na: 3\n", (3, 1, Severity.ERROR, "duplicate-key"), "first on line 1",
                 id="duplicate-key"),
    pytest.param("a: {x: 1, x: 2}\n", (1, 11, Severity.ERROR, "duplicate-key"), "`x` appears twice",
                 id="duplicate-key-flow"),
    pytest.param("a: !!binary aGVsbG8=\n", (1, 4, Severity.ERROR, "yaml-tag"), "`!!binary`",
                 id="yaml-tag-scalar"),
    pytest.param("a: !custom x\n", (1, 4, Severity.ERROR, "yaml-tag"), "`!custom`",
                 id="yaml-tag-local"),
    pytest.param("a: !!set {x, y}\n", (1, 4, Severity.ERROR, "yaml-tag"), "`!!set`",
                 id="yaml-tag-mapping"),
    pytest.param("a: !!omap [x: 1]\n", (1, 4, Severity.ERROR, "yaml-tag"), "`!!omap`",
                 id="yaml-tag-sequence"),
    pytest.param("base: &b {x: 1}\nc:\n  <<: *b\n", (3, 3, Severity.ERROR, "yaml-tag"), "merge keys",
                 id="yaml-tag-merge"),
    pytest.param("a: [1, 2\n  b: 3\n", (2, 4, Severity.ERROR, "yaml"), "while parsing a flow sequence",
                 id="yaml-syntax"),
    pytest.param("a:\n\tb: 1\n", (2, 1, Severity.ERROR, "yaml"), "'\\t'", id="yaml-tab"),
    pytest.param("a: b\x01c\n", (1, 5, Severity.ERROR, "yaml"), "U+0001", id="yaml-control-char"),
    pytest.param("a: 0x_\n", (1, 4, Severity.ERROR, "yaml"), "as int", id="yaml-bad-implicit-int"),
    pytest.param("a: !!int abc\n", (1, 4, Severity.ERROR, "yaml"), "as int", id="yaml-bad-int-tag"),
    pytest.param("a: !!bool maybe\n", (1, 4, Severity.ERROR, "yaml"), "as bool", id="yaml-bad-bool-tag"),
    pytest.param("a: " + "9" * 5000 + "\n", (1, 4, Severity.ERROR, "yaml"), "...`", id="yaml-huge-int"),
    pytest.param("a: " + "[" * 50 + "]" * 50 + "\n", (1, 4 + MAX_DEPTH, Severity.ERROR, "yaml-depth"),
                 "nested more than", id="yaml-depth"),
    # Past libyaml's own limit (about 1000 levels from PyYAML 6.0.3 on) and Python's recursion
    # limit: the bound still names the same place.
    pytest.param("a: " + "[" * 3000 + "]" * 3000 + "\n", (1, 4 + MAX_DEPTH, Severity.ERROR, "yaml-depth"),
                 "nested more than", id="yaml-depth-recursion"),
    pytest.param("a: " + "{a: " * 3000 + "}" * 3000 + "\n",
                 (1, 4 + 4 * MAX_DEPTH, Severity.ERROR, "yaml-depth"), "nested more than",
                 id="yaml-depth-flow-mappings"),
    pytest.param("".join(" " * i + "k:\n" for i in range(1100)),
                 (MAX_DEPTH + 2, MAX_DEPTH + 2, Severity.ERROR, "yaml-depth"), "nested more than",
                 id="yaml-depth-block"),
    pytest.param("a: &x [[[1]]]\nb: " + "[" * (MAX_DEPTH - 3) + "*x" + "]" * (MAX_DEPTH - 3) + "\n",
                 (2, 4 + MAX_DEPTH - 3, Severity.ERROR, "yaml-depth"), "nested more than",
                 id="yaml-depth-through-an-alias"),
    pytest.param("a: *x\n", (1, 4, Severity.ERROR, "yaml"), "no anchor `&x` before it",
                 id="yaml-alias-undefined"),
    pytest.param("a: &x 1\nb: &x 2\n", (2, 4, Severity.ERROR, "yaml"), "`&x` is already used on line 1",
                 id="yaml-anchor-twice"),
    pytest.param("a: 1\n---\nb: 2\n", (2, 1, Severity.ERROR, "yaml"), "a second document",
                 id="yaml-documents"),
    pytest.param("? [a, b]\n: 1\n", (1, 3, Severity.ERROR, "type"), "plain name", id="type-key"),
])
def test_problems_are_located(text: str, expected: tuple[int, int, Severity, str], message: str) -> None:
    _, out = parse_yaml(text, "f.yml")
    assert only(out) == expected
    assert message in out[0].message


def test_alias_bomb_is_refused_at_the_alias_that_passes_the_bound() -> None:
    bomb = dedent("""
        lol: &a [x, x, x, x, x, x, x, x, x, x]
        lol2: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
        lol3: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
        lol4: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
        lol5: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
    """)
    node, out = parse_yaml(bomb, "f.yml")
    assert node is None
    # Aliases repeat 110 + 1,110 + 11,110 values up to `lol4`; `lol5`'s first `*d` adds 11,111.
    assert only(out) == (5, 8, Severity.ERROR, "yaml-alias")
    assert "`*d` here repeats 11111" in out[0].message


def aliased(repeats: int) -> str:
    """An anchored list of 999 values (1,000 with the list) and ``repeats`` aliases of it."""
    return "a: &a [" + ", ".join(["x"] * 999) + "]\nb: [" + ", ".join(["*a"] * repeats) + "]\n"


def test_the_alias_bound_counts_every_value_each_alias_repeats() -> None:
    node, out = parse_yaml(aliased(MAX_NODES // 1000), "f.yml")
    assert out == [] and isinstance(node, Map)
    b = node.get("b")
    assert isinstance(b, Seq) and len(b.items) == MAX_NODES // 1000
    node, out = parse_yaml(aliased(MAX_NODES // 1000 + 1), "f.yml")
    assert node is None
    assert only(out) == (2, len("b: [") + 1 + 4 * (MAX_NODES // 1000), Severity.ERROR, "yaml-alias")


def test_values_written_out_never_count_against_the_alias_bound() -> None:
    entries = MAX_NODES // 3 + 1  # each a key's list and its two values: past the bound
    many = "".join(f"k{i}: [v, {i}]\n" for i in range(entries))
    node, out = parse_yaml(many + "last: &a [x]\nagain: *a\n", "f.yml")
    assert out == []
    assert isinstance(node, Map) and len(node.entries) == entries + 2


def test_a_problem_inside_an_anchored_value_is_reported_once() -> None:
    node, out = parse_yaml("a: &x [!!binary eA==]\nb: *x\nc: *x\n", "f.yml")
    assert [(d.location.line, d.location.column, d.code) for d in out] == [(1, 8, "yaml-tag")]
    assert isinstance(node, Map) and node.get("b") is node.get("a")


def test_an_alias_inside_the_value_it_repeats_is_refused_there() -> None:
    node, out = parse_yaml("a: &x [1, [*x]]\n", "f.yml")
    assert node is None
    assert only(out) == (1, 12, Severity.ERROR, "yaml-depth")
    assert "nest it forever" in out[0].message


def test_problems_found_before_an_abort_are_kept() -> None:
    _, out = parse_yaml("a: !!binary eA==\nb: " + "[" * 50 + "]" * 50 + "\n", "f.yml")
    assert [d.code for d in out] == ["yaml-tag", "yaml-depth"]


def test_unusual_line_breaks_do_not_count_as_lines() -> None:
    # PyYAML breaks lines at U+2028; editors do not, so neither do locations.
    _, out = parse_yaml("a: 'x\u2028y\u2029z\x85'\nb: 1\n  c: 2\n", "f.yml")
    assert only(out) == (3, 3, Severity.ERROR, "yaml")
    _, out = parse_yaml("a: 'x\u2028y'\nb: &b 1\nc: &b 2\n", "f.yml")
    assert only(out) == (3, 4, Severity.ERROR, "yaml")


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("a: [1,\n", (1, 7), id="after-final-newline"),
    pytest.param("a: [1,", (1, 7), id="without-final-newline"),
    pytest.param("a: [1,\n\n\n", (3, 1), id="after-blank-lines"),
])
def test_end_of_text_is_the_end_of_the_last_line(text: str, expected: tuple[int, int]) -> None:
    _, out = parse_yaml(text, "f.yml")
    assert only(out)[:2] == expected
    assert out[0].code == "yaml"


def test_end_of_front_matter_stays_inside_it() -> None:
    # The incident loader passes the YAML between the `---` lines with offset 1.
    _, out = parse_yaml("title: [\n", "incidents/a.md", 1)
    assert only(out)[:2] == (2, 9)
