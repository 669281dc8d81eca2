"""Loading: files into the model, with every reading problem at its line and column.

The table below has, for every code the loader reports, a bad repository with
the exact location of the problem and the good repository that fixes it. Each
case runs on LF files, and again with a BOM, with CRLF and with old Mac CR line
ends: the locations must not move.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import statusgen.source.parse as load_module
from statusgen import model as m
from statusgen.diagnostics import Location
from statusgen.source.load import incident_files, load
from statusgen.source.parse import FrontMatter, decode, parse_config, parse_incident, split_front_matter
from statusgen.source.tree import DiskSource, Kind, Overlay
from tests.conftest import StatusRepo
from tests.helpers import (
    COMPONENTS,
    ENCODINGS,
    INCIDENT,
    MAINTENANCE,
    Case,
    bom,
    components,
    cr,
    crlf,
    incident,
    rows,
    validate,
)

BOMB = """\
---
lol: &a [x, x, x, x, x, x, x, x, x, x]
lol2: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
lol3: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
lol4: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
lol5: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
---
"""


A = "incidents/a.md"
C = "components.yml"
E, W = "error", "warning"

PARAGRAPH = incident("Some **Markdown**.", "A paragraph\nover [two](x.pdf) lines.")

CASES = [
    Case("front-matter-missing", {A: "title: API errors\n"}, [(A, 1, 1, E, "front-matter")],
         "starts with a line `---`"),
    Case("front-matter-unclosed", {A: incident("    message: We are looking into it.\n---\n",
                                               "    message: We are looking into it.\n")},
         [(A, 1, 1, E, "front-matter")], "not closed"),
    Case("encoding", {A: incident("title: API errors", "title: API \udce9rrors").encode(
        "utf-8", "surrogateescape")}, [(A, 2, 12, E, "encoding")], "not UTF-8"),
    Case("encoding-components", {C: components("name: Database", "name: Dat\udcffbase").encode(
        "utf-8", "surrogateescape")}, [(C, 11, 18, E, "encoding")], "not UTF-8",
         good={C: COMPONENTS}),
    Case("yaml", {A: incident("impact: minor", "impact: minor: x")}, [(A, 3, 14, E, "yaml")],
         "mapping values are not allowed"),
    Case("yaml-unclosed-quote", {A: incident("title: API errors", "title: \"API errors")},
         [(A, 2, 8, E, "yaml")], "this `\"` is never closed"),
    Case("yaml-comment", {A: incident("title: API errors", "title: #1 API errors")},
         [(A, 2, 8, E, "yaml-comment")], "`#` starts a comment",
         good={A: INCIDENT, C: COMPONENTS.replace("name: API\n", "name: API\n    description: # TODO\n")}),
    Case("yaml-control-character", {A: incident("title: API errors", "title: API\x07errors")},
         [(A, 2, 11, E, "yaml")], "U+0007"),
    Case("yaml-components", {C: components("  title: Test Status", "  title: Test Status\n bad")},
         [(C, 3, 2, E, "yaml")], "YAML syntax", good={C: COMPONENTS}),
    Case("yaml-tag", {A: incident("title: API errors", "title: !!binary QVBJ")},
         [(A, 2, 8, E, "yaml-tag")], "`!!binary`"),
    Case("yaml-alias", {A: BOMB}, [(A, 6, 8, E, "yaml-alias")], "`*d` here repeats 11111"),
    Case("yaml-depth", {A: incident("title: API errors", "title: " + "[" * 45 + "]" * 45)},
         [(A, 2, 48, E, "yaml-depth")], "nested more than 40"),
    Case("duplicate-key", {A: incident("impact: minor\n", "impact: minor\ntitle: Again\n")},
         [(A, 4, 1, E, "duplicate-key")], "key `title` appears twice (first on line 2)"),
    Case("duplicate-key-components-list", {A: incident(
        "kind: maintenance", "kind: maintenance", MAINTENANCE).replace("[db]", "[db, queue, db]")},
         [(A, 7, 25, E, "duplicate-key")], "`db` is listed twice", good={A: MAINTENANCE}),
    Case("type", {A: incident("title: API errors", "title: [API, errors]")},
         [(A, 2, 8, E, "type")], "expected text, found a list"),
    Case("type-boolean", {A: incident("title: API errors", "title: yes")},
         [(A, 2, 8, E, "type")], "YAML reads `yes` as a boolean, put it in quotes"),
    Case("type-minimum", {C: components("  url: https://status.test.example/\n",
                                        "  url: https://status.test.example/\n  uptime_days: 0\n")},
         [(C, 4, 16, E, "type")], "must be at least 1", good={C: COMPONENTS}),
    Case("type-key", {A: incident("impact: minor\n", "impact: minor\n[x]: 1\n")},
         [(A, 4, 1, E, "type")], "a key must be a plain name"),
    Case("unknown-key", {A: incident("components:", "componets:")},
         [(A, 4, 1, E, "unknown-key")], "unknown key `componets` in incident (did you mean `components`?)"),
    Case("unknown-key-update", {A: incident("    message: We", "    mesage: We")},
         [(A, 7, 5, E, "required"), (A, 9, 5, E, "unknown-key")], "(did you mean `message`?)"),
    Case("unknown-key-page", {C: components("  title: Test Status", "  title: Test Status\n  titel: x")},
         [(C, 3, 3, E, "unknown-key")], "(did you mean `title`?)", good={C: COMPONENTS}),
    Case("required", {A: incident("    message: We are looking into it.\n", "")},
         [(A, 7, 5, E, "required")], "update is missing `message` (Markdown)"),
    Case("required-empty-front-matter", {A: "---\n---\nBody\n"}, [(A, 2, 1, E, "required")],
         "front matter is empty"),
    Case("required-empty-list", {A: incident("""\
updates:
  - at: 2026-11-22T08:00:00Z
    status: investigating
    message: We are looking into it.
""", "updates: []\n")}, [(A, 6, 10, E, "required")], "add at least one update"),
    Case("required-components-yml", {C: "# nothing yet\n"}, [(C, 1, 1, E, "required")],
         "components.yml is empty", good={C: COMPONENTS}),
    Case("required-page-title", {C: components("  title: Test Status\n", "")},
         [(C, 2, 3, E, "required")], "page is missing `title`", good={C: COMPONENTS}),
    Case("choice", {A: incident("impact: minor", "impact: huge")}, [(A, 3, 9, E, "choice")],
         "`huge` is not one of none, minor, major, critical"),
    Case("choice-suggestion", {A: incident("status: investigating", "status: investigatin")},
         [(A, 8, 13, E, "choice")], "(did you mean `investigating`?)"),
    Case("choice-empty", {A: incident("status: investigating", "status:")},
         [(A, 8, 12, E, "choice")], "no value given"),
    Case("slug", {A: incident("  api: partial_outage", "  API: partial_outage")},
         [(A, 5, 3, E, "slug")], "`API` is not a valid id"),
    Case("slug-component", {C: components("id: db", "id: Data base")},
         [(C, 10, 13, E, "slug")], "`Data base` is not a valid id", good={C: COMPONENTS}),
    Case("slug-file-name", {"incidents/API_errors.md": INCIDENT},
         [("incidents/API_errors.md", 1, 1, E, "slug")], "the file name `API_errors` is the incident's id"),
    Case("timestamp", {A: incident("at: 2026-11-22T08:00:00Z", "at: yesterday")},
         [(A, 7, 9, E, "timestamp")], "`yesterday` is not an ISO 8601 timestamp"),
    Case("timestamp-zone", {A: incident("at: 2026-11-22T08:00:00Z", "at: 2026-11-22T08:00:00")},
         [(A, 7, 9, E, "timestamp-zone")], "has no time zone"),
    Case("timestamp-zone-window", {A: incident("start: 2026-11-30T02:00:00Z",
                                               "start: 2026-11-30 02:00", MAINTENANCE)},
         [(A, 5, 10, E, "timestamp-zone")], "has no time zone", good={A: MAINTENANCE}),
    Case("page-url", {C: components("url: https://status.test.example/", "url: status.test.example")},
         [(C, 3, 8, E, "page-url")], "not an absolute http(s) URL", good={C: COMPONENTS}),
    Case("page-url-ipv6", {C: components("url: https://status.test.example/", "url: 'http://[::1'")},
         [(C, 3, 8, E, "page-url")], "not an absolute http(s) URL", good={C: COMPONENTS}),
    Case("timezone", {C: components("  url: https://status.test.example/\n",
                                    "  url: https://status.test.example/\n  timezone: Europe/Berln\n")},
         [(C, 4, 13, E, "timezone")], "(did you mean `Europe/Berlin`?)", good={C: COMPONENTS}),
    Case("timezone-folder", {C: components("  url: https://status.test.example/\n",
                                           "  url: https://status.test.example/\n  timezone: Europe\n")},
         [(C, 4, 13, E, "timezone")], "`Europe` is not an IANA time zone", good={C: COMPONENTS}),
    Case("group-depth", {C: components("      - id: queue\n        name: Queue\n", """\
      - id: queue
        name: Queue
        components:
          - id: worker
            name: Worker
""")}, [(C, 14, 9, E, "group-depth")], "groups are one level deep", good={C: COMPONENTS}),
    Case("duplicate-id-case", {"incidents/Outage.md": MAINTENANCE, "incidents/outage.md": INCIDENT},
         [("incidents/Outage.md", 1, 1, E, "slug"), ("incidents/outage.md", 1, 1, E, "duplicate-id")],
         "differs from incidents/Outage.md only in case", good={"incidents/outage.md": INCIDENT}),
    Case("reserved-id", {"incidents/unresolved.md": INCIDENT},
         [("incidents/unresolved.md", 1, 1, E, "reserved-id")], "reserved by the JSON API",
         good={"incidents/unresolved-api-errors.md": INCIDENT}),
    Case("extension-markdown", {"incidents/a.markdown": INCIDENT},
         [("incidents/a.markdown", 1, 1, W, "extension")], "rename it to a.md"),
    Case("extension-yml", {"incidents/a.yml": INCIDENT}, [("incidents/a.yml", 1, 1, W, "extension")],
         "only `.md` files are read"),
    Case("attachment", {A: incident("Some **Markdown**.", "Text.\n\n![chart](chart.png)")},
         [(A, 13, 10, E, "attachment")], "`chart.png` does not exist in incidents/",
         good={A: incident("Some **Markdown**.", "Text.\n\n![chart](chart.png)"),
               "incidents/chart.png": b"\x89PNG\r\n"}),
    Case("attachment-in-a-paragraph", {A: PARAGRAPH}, [(A, 12, 12, E, "attachment")],
         "`x.pdf` does not exist in incidents/", good={A: PARAGRAPH,
               "incidents/x.pdf": b"%PDF-1.4\n"}),
    Case("attachment-outside", {A: incident("Some **Markdown**.", "See [the key](../secrets.txt).")},
         [(A, 11, 15, E, "attachment")], "`../secrets.txt` points outside incidents/"),
]


@pytest.mark.parametrize("encoding", list(ENCODINGS))
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_reading_problem_is_located(case: Case, encoding: str, status_repo: StatusRepo) -> None:
    case.assert_located(status_repo, encoding)


def test_every_loader_code_has_a_case() -> None:
    codes = {row[4] for case in CASES for row in case.expected}
    assert codes >= {
        "front-matter", "encoding", "yaml", "yaml-tag", "yaml-alias", "yaml-depth", "duplicate-key",
        "type", "unknown-key", "required", "choice", "slug", "timestamp", "timestamp-zone",
        "page-url", "timezone", "group-depth", "duplicate-id", "reserved-id", "extension",
        "attachment", "yaml-comment",
    }


@pytest.mark.parametrize("name", ["chart.png", "README", "README.txt", "README.md", "readme.md",
                                  "notes.yml", ".DS_Store"])
def test_files_that_are_not_incidents_are_ignored(name: str, status_repo: StatusRepo) -> None:
    content = b"\x89PNG\r\n\x1a\n" if name.endswith(".png") else b"Notes about incidents.\n"
    root = status_repo({f"incidents/{name}": content, A: INCIDENT})
    assert validate(root) == []
    assert incident_files(DiskSource(root))[0] == ["incidents/a.md"]


def test_a_folder_named_like_an_incident_is_an_io_error(status_repo: StatusRepo) -> None:
    root = status_repo({A: INCIDENT})
    (root / "incidents" / "old.md").mkdir()
    (root / "incidents" / "images").mkdir()
    assert rows(validate(root)) == [("incidents/old.md", 1, 1, E, "io")]
    assert "it is a folder, not a file" in validate(root)[0].message


def test_missing_components_yml(tmp_path: Path) -> None:
    loaded = load(DiskSource(tmp_path))
    assert loaded.repository is None
    assert rows(loaded.diagnostics) == [(C, 1, 1, E, "required")]
    assert "there is no components.yml" in loaded.diagnostics[0].message


def test_unreadable_components_yml_is_an_io_error(tmp_path: Path) -> None:
    (tmp_path / C).mkdir()
    loaded = load(DiskSource(tmp_path))
    assert loaded.repository is None
    assert rows(loaded.diagnostics) == [(C, 1, 1, E, "io")]
    assert "cannot read" in loaded.diagnostics[0].message


def test_unreadable_incident_is_an_io_error(status_repo: StatusRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    root = status_repo({A: INCIDENT})
    real = os.open

    def denied(path: str | Path, flags: int, *args: object, **kwargs: object) -> int:
        # Tests may run as root, whom file modes do not stop: refuse as the system would.
        if str(path).endswith("a.md"):
            raise PermissionError(13, "Permission denied")
        return real(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", denied)
    loaded = load(DiskSource(root))
    assert rows(loaded.diagnostics) == [(A, 1, 1, E, "io")]
    assert loaded.diagnostics[0].message == "cannot read: Permission denied"
    assert loaded.repository is not None and loaded.repository.incidents == ()


def test_a_bug_in_the_loader_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(path: str, raw: bytes) -> tuple[m.Incident | None, list[object]]:
        raise KeyError("oops")

    monkeypatch.setattr(load_module, "_parse_incident", broken)
    incident_, out = parse_incident(A, INCIDENT.encode())
    assert incident_ is None
    assert rows(out) == [(A, 1, 1, E, "internal")]
    assert "please report this as a bug" in out[0].message


def test_parse_incident_builds_the_model() -> None:
    parsed, out = parse_incident("incidents/2026-11-22-api.md", INCIDENT.encode())
    assert out == []
    assert parsed is not None
    assert parsed.id == "2026-11-22-api"
    assert parsed.path == "incidents/2026-11-22-api.md"
    assert (parsed.kind, parsed.title, parsed.impact) == (m.Kind.INCIDENT, "API errors", m.Impact.MINOR)
    assert parsed.loc == Location(parsed.path, 2, 1)
    assert parsed.loc_of("impact") == Location(parsed.path, 3, 9)
    assert [(r.id, r.level) for r in parsed.components] == [("api", m.Level.PARTIAL_OUTAGE)]
    (update,) = parsed.updates
    assert update.status is m.Status.INVESTIGATING and update.components is None
    assert update.loc_of("message") == Location(parsed.path, 9, 14)
    assert parsed.body == "Some **Markdown**."
    assert parsed.body_line == 11
    assert parsed.published and parsed.terminal is None


def test_parse_incident_is_the_same_for_bom_andcrlf() -> None:
    plain, _ = parse_incident(A, INCIDENT.encode())
    for raw in (bom(INCIDENT.encode()), crlf(INCIDENT.encode()), cr(INCIDENT.encode())):
        other, out = parse_incident(A, raw)
        assert out == []
        assert other == plain
        assert other is not None and plain is not None and other.keys == plain.keys


def test_parse_maintenance_list_components() -> None:
    parsed, out = parse_incident(A, MAINTENANCE.encode())
    assert out == [] and parsed is not None
    assert parsed.kind is m.Kind.MAINTENANCE
    assert [(r.id, r.level) for r in parsed.components] == [("db", None)]
    assert parsed.window is not None and parsed.window.end > parsed.window.start


def test_parse_config_links_members_to_their_group() -> None:
    config, out = parse_config(COMPONENTS.encode())
    assert out == [] and config is not None
    assert config.page.url == "https://status.test.example/"
    assert (config.page.timezone, config.page.uptime_days, config.page.theme) == ("UTC", 90, "default")
    assert [c.id for c in config.walk()] == ["api", "platform", "db", "queue"]
    assert [c.group for c in config.walk()] == [None, None, "platform", "platform"]
    assert config.expand("platform") == ("db", "queue")
    assert config.expand("api") == ("api",)
    assert config.expand("nope") == ()
    assert [c.id for c in config.leaves()] == ["api", "db", "queue"]


def test_url_gets_a_final_slash() -> None:
    config, _ = parse_config(components("url: https://status.test.example/",
                                        "url: https://acme.example/status").encode())
    assert config is not None and config.page.url == "https://acme.example/status/"


def test_load_reads_every_incident_and_counts_files(status_repo: StatusRepo) -> None:
    root = status_repo({A: INCIDENT, "incidents/b.md": MAINTENANCE, "incidents/c.md": "broken"})
    loaded = load(DiskSource(root))
    assert loaded.files == 4
    assert loaded.repository is not None
    assert [i.id for i in loaded.repository.incidents] == ["a", "b"]
    assert rows(loaded.diagnostics) == [("incidents/c.md", 1, 1, E, "front-matter")]


def test_load_uses_the_given_parse_function(status_repo: StatusRepo) -> None:
    root = status_repo({A: INCIDENT})
    seen: list[str] = []

    def parse(path: str, raw: bytes) -> tuple[m.Incident | None, list[object]]:
        seen.append(path)
        return parse_incident(path, raw)  # type: ignore[return-value]

    load(DiskSource(root), parse)  # type: ignore[arg-type]
    assert seen == [A]


def test_decode_normalises_bom_and_line_ends() -> None:
    assert decode(b"\xef\xbb\xbfa\r\nb\rc\n", "f") == ("a\nb\nc\n", [])


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param(b"ab\xff", (1, 3), id="first-line"),
    pytest.param(b"\xef\xbb\xbfa\nbc\xff", (2, 3), id="after-bom"),
    pytest.param("a\r\n\u00e9\u00e9\xff".encode("latin-1").replace(b"\xe9", b"\xc3\xa9"), (2, 3),
                 id="crlf-and-multibyte"),
    pytest.param(b"a\rb\xff", (2, 2), id="cr"),
])
def test_decode_locates_the_bad_byte_in_characters(raw: bytes, expected: tuple[int, int]) -> None:
    text, out = decode(raw, "f")
    assert text is None
    assert rows(out) == [("f", *expected, E, "encoding")]


def test_split_front_matter_finds_the_body() -> None:
    split = split_front_matter("---\na: 1\n---  \n\n\nBody\n", "f")
    assert isinstance(split, FrontMatter)
    assert (split.yaml, split.yaml_line, split.body, split.body_line) == ("a: 1\n", 1, "Body", 6)


def test_an_overlay_brings_the_folders_of_the_files_it_adds(tmp_path: Path) -> None:
    """The first incident of a repository without incidents/ is read, as it will be once
    written: writers validate through this view."""
    (tmp_path / "components.yml").write_text(COMPONENTS, encoding="utf-8")
    overlay = Overlay(DiskSource(tmp_path), {"incidents/2026-11-22-a.md": INCIDENT.encode()})
    assert overlay.kind("incidents") is Kind.FOLDER
    assert overlay.kind("incident") is None and overlay.kind("themes") is None
    loaded = load(overlay)
    assert loaded.repository is not None
    assert [i.path for i in loaded.repository.incidents] == ["incidents/2026-11-22-a.md"]
