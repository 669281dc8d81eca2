"""Attachments and links against an attacker: links, encodings and file-system traps.

Each trap is built in a temporary repository and then both validated and built: the
validation must name it at its place, and whatever the build publishes must hold
nothing from outside ``incidents/``, no incident source, and nothing that runs.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from statusgen.pipeline import Session, build
from statusgen.source.svg import css_source
from tests.conftest import StatusRepo
from tests.helpers import INCIDENT, NOW, incident, rows, tree, validate
from tests.hostile import SVG_DRAWINGS, SVG_HEAD, SVG_REMOTE, svg

A = "incidents/a.md"
E, W = "error", "warning"
SECRET = b"root:x:0:0:the secret no page may show\n"
INTERNAL = incident("impact: minor\n", "impact: minor\nvisibility: internal\n").replace(
    "title: API errors", "title: Internal notes").replace("api: partial_outage", "db: partial_outage")


def with_body(body: str, base: str = INCIDENT) -> str:
    return base.replace("Some **Markdown**.", body)


def published(root: Path) -> dict[str, bytes]:
    result = build(root, root / "site", NOW)
    return tree(root / "site") if result.ok else {}


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside every repository, standing in for /etc/passwd or /proc/self/environ."""
    path = tmp_path / "outside" / "passwd"
    path.parent.mkdir()
    path.write_bytes(SECRET)
    return path


def assert_nothing_leaks(site: dict[str, bytes]) -> None:
    for path, data in site.items():
        assert SECRET not in data, path
        assert not path.endswith(".md"), path


# --------------------------------------------------------------------------
# Symbolic links: never followed, whatever they point at
# --------------------------------------------------------------------------


def test_an_attachment_that_is_a_link_is_refused(status_repo: StatusRepo, secret: Path) -> None:
    root = status_repo({A: with_body("![chart](chart.png)")})
    (root / "incidents" / "chart.png").symlink_to(secret)
    found = validate(root)
    assert rows(found) == [(A, 11, 10, E, "attachment")]
    assert "symbolic link" in found[0].message
    assert_nothing_leaks(published(root))


def test_a_link_inside_the_repository_is_refused_too(status_repo: StatusRepo) -> None:
    root = status_repo({A: with_body("![chart](chart.png)"), "incidents/real.png": b"\x89PNG"})
    (root / "incidents" / "chart.png").symlink_to(root / "incidents" / "real.png")
    assert [d.code for d in validate(root)] == ["attachment"]


def test_a_folder_link_on_the_way_to_an_attachment_is_refused(status_repo: StatusRepo,
                                                              secret: Path) -> None:
    root = status_repo({A: with_body("![chart](images/passwd.png)")})
    os.symlink(secret.parent, root / "incidents" / "images")
    (secret.parent / "passwd.png").write_bytes(SECRET)
    found = validate(root)
    assert [d.code for d in found] == ["attachment"]
    assert "symbolic link" in found[0].message
    assert_nothing_leaks(published(root))


def test_an_incident_file_that_is_a_link_is_refused(status_repo: StatusRepo, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.md"
    outside.write_text(INCIDENT.replace("API errors", "Stolen title"), encoding="utf-8")
    root = status_repo({})
    (root / "incidents" / "b.md").symlink_to(outside)
    assert rows(validate(root)) == [("incidents/b.md", 1, 1, E, "symlink")]
    assert not published(root)


def test_the_incidents_folder_as_a_link_is_refused(status_repo: StatusRepo, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "b.md").write_text(INCIDENT, encoding="utf-8")
    root = status_repo({})
    (root / "incidents").rmdir()
    (root / "incidents").symlink_to(elsewhere)
    assert rows(validate(root)) == [("incidents", 1, 1, E, "symlink")]


def test_components_yml_as_a_link_is_refused(tmp_path: Path, secret: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "components.yml").symlink_to(secret)
    assert rows(validate(root)) == [("components.yml", 1, 1, E, "symlink")]


def test_a_dangling_link_is_refused_not_missing(status_repo: StatusRepo) -> None:
    root = status_repo({A: with_body("![chart](chart.png)")})
    (root / "incidents" / "chart.png").symlink_to(root / "nowhere.png")
    found = validate(root)
    assert "symbolic link" in found[0].message


def test_a_pipe_named_like_an_incident_does_not_block(status_repo: StatusRepo) -> None:
    root = status_repo({A: INCIDENT})
    os.mkfifo(root / "incidents" / "b.md")
    assert rows(validate(root)) == [("incidents/b.md", 1, 1, E, "io")]


# --------------------------------------------------------------------------
# Encodings: decided on the decoded, normalised name
# --------------------------------------------------------------------------


@pytest.mark.parametrize("link", ["b%2Emd", "b.m%64", "./b.md", "x/../b.md", "b%2emd#top"])
def test_an_incident_source_is_never_copied(status_repo: StatusRepo, link: str) -> None:
    root = status_repo({A: with_body(f"[notes]({link})"), "incidents/b.md": INTERNAL})
    found = validate(root)
    assert [d.code for d in found] == ["link-hidden"]
    site = published(root)
    assert site and not any(p.endswith(".md") for p in site)
    assert b"Internal notes" not in b"".join(site.values())
    assert b"incidents/b/" not in site["incidents/a/index.html"]


@pytest.mark.parametrize("link", ["../components.yml", "..%2Fcomponents.yml", "%2E%2E/components.yml",
                                  "sub/../../components.yml", "../../../etc/passwd"])
def test_files_outside_incidents_are_refused(status_repo: StatusRepo, link: str) -> None:
    root = status_repo({A: with_body(f"![x]({link})")})
    assert {d.code for d in validate(root)} <= {"attachment", "link"}
    assert validate(root)


@pytest.mark.parametrize("name", ["page.html", "page.htm", "page.xhtml", "feed.xml", "app.js", "x.mjs",
                                  "drawing.svgz", "noextension", "run.sh", "page.HTML", "a.shtml"])
def test_active_or_unknown_types_are_refused(status_repo: StatusRepo, name: str) -> None:
    root = status_repo({A: with_body(f"[file]({name})"),
                        f"incidents/{name}": b"<script>alert(document.domain)</script>"})
    found = validate(root)
    assert [d.code for d in found] == ["attachment"]
    assert "run" in found[0].message
    assert not published(root)


@pytest.mark.parametrize("inside", [
    "<script>alert(1)</script>",
    '<rect onclick="alert(1)"/>',
    '<rect ONLOAD="alert(1)"/>',
    '<a href="javascript:alert(1)"><text>x</text></a>',
    '<use xlink:href="data:image/svg+xml;base64,PHN2Zz4="/>',
    '<image href="https://tracker.example/pixel.png"/>',
    "<foreignObject><body xmlns='http://www.w3.org/1999/xhtml'><script>1</script></body></foreignObject>",
    '<animate attributeName="href" to="javascript:alert(1)"/>',
    '<set attributeName="onmouseover" to="alert(1)"/>',
    "<style>@import url(https://evil.example/x.css);</style>",
    '<rect style="fill: url(https://evil.example/x)"/>',
    '<g xml:base="javascript:/"/>',
    '<html:script xmlns:html="http://www.w3.org/1999/xhtml">alert(1)</html:script>',
])
def test_svg_that_can_do_more_than_draw_is_refused(status_repo: StatusRepo, inside: str) -> None:
    svg = f"{SVG_HEAD}{inside}</svg>".encode()
    root = status_repo({A: with_body("![chart](chart.svg)"), "incidents/chart.svg": svg})
    found = validate(root)
    assert [d.code for d in found] == ["attachment"], inside
    assert not published(root)


@pytest.mark.parametrize("prefix", [
    '<?xml-stylesheet type="text/xsl" href="x.xsl"?>',
    '<!DOCTYPE svg [<!ENTITY x "y">]>',
])
def test_svg_prologue_tricks_are_refused(status_repo: StatusRepo, prefix: str) -> None:
    svg = f'{prefix}<svg xmlns="http://www.w3.org/2000/svg"/>'.encode()
    root = status_repo({A: with_body("![chart](chart.svg)"), "incidents/chart.svg": svg})
    assert [d.code for d in validate(root)] == ["attachment"]


@pytest.mark.parametrize("inside", SVG_REMOTE, ids=range(len(SVG_REMOTE)))
def test_svg_that_loads_from_another_host_is_refused(status_repo: StatusRepo, inside: str) -> None:
    root = status_repo({A: with_body("![chart](chart.svg)"),
                        "incidents/chart.svg": svg(inside, "//tracker.example")})
    found = validate(root)
    assert [d.code for d in found] == ["attachment"], inside
    assert "tracker.example" not in found[0].message or "links to" in found[0].message
    assert not published(root)


@pytest.mark.parametrize("inside", SVG_DRAWINGS, ids=range(len(SVG_DRAWINGS)))
def test_drawings_close_to_those_are_published(status_repo: StatusRepo, inside: str) -> None:
    data = svg(inside, "//tracker.example")
    root = status_repo({A: with_body("![chart](chart.svg)"), "incidents/chart.svg": data})
    assert validate(root) == []
    assert published(root)["incidents/chart.svg"] == data


@pytest.mark.parametrize(("css", "read"), [
    ("\\75rl(", "url("),
    ("\\000075 rl(", "url("),
    ("u\\rl(", "url("),
    ("@\\69mport", "@import"),
    ("a/* x */b", "ab"),
    ('"/*" x "*/"', '"/*" x "*/"'),
    ('"a\\\nb"', '"ab"'),
    ("\\0 x\\D800 y\\110000 z", "\ufffdx\ufffdy\ufffdz"),
    ("x\\", "x\ufffd"),
    ("a\r\nb\x00", "a\nb\ufffd"),
    ("/* never closed url(//x)", ""),
])
def test_css_is_read_as_the_browser_reads_it(css: str, read: str) -> None:
    assert css_source(css) == read


def test_a_drawing_svg_is_published(status_repo: StatusRepo) -> None:
    svg = (f'<?xml version="1.0"?>\n{SVG_HEAD}<title>t</title><defs><linearGradient id="g"><stop/>'
           '</linearGradient></defs><rect style="fill: url(#g)" width="2"/><use xlink:href="#g"/>'
           '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>'
           "</svg>").encode()
    root = status_repo({A: with_body("![chart](chart.svg)"), "incidents/chart.svg": svg})
    assert validate(root) == []
    assert published(root)["incidents/chart.svg"] == svg


def test_an_attachment_over_the_limit_is_refused(status_repo: StatusRepo) -> None:
    root = status_repo({A: with_body("![big](big.png)")})
    with (root / "incidents" / "big.png").open("wb") as handle:
        handle.truncate(11 * 1024 * 1024)
    found = validate(root)
    assert [d.code for d in found] == ["attachment"]
    assert "11.0 MiB" in found[0].message


def test_a_file_linked_only_from_an_internal_update_stays_internal(status_repo: StatusRepo) -> None:
    text = INCIDENT.replace("    message: We are looking into it.\n",
                            "    message: We are looking into it.\n"
                            "  - at: 2026-11-22T07:59:00Z\n    status: investigating\n"
                            "    internal: true\n    message: '![graph](graph.png)'\n")
    root = status_repo({A: text, "incidents/graph.png": b"\x89PNG internal graph"})
    assert validate(root) == []
    public = published(root)
    assert "incidents/graph.png" not in public
    assert build(root, root / "team", NOW, internal=True).ok
    assert (root / "team" / "incidents" / "graph.png").is_file()


def test_incident_files_over_the_limit_are_refused_before_parsing(status_repo: StatusRepo) -> None:
    root = status_repo({A: INCIDENT + "x" * (1024 * 1024)})
    found = validate(root)
    assert rows(found) == [(A, 1, 1, E, "size")]
    assert "at most 1.0 MiB" in found[0].message


# --------------------------------------------------------------------------
# Themes and the build's own bookkeeping
# --------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["themes/default/static/leak.css", "themes/default/base.html",
                                   "themes/default/static"])
def test_a_link_in_a_theme_is_refused(status_repo: StatusRepo, secret: Path, where: str) -> None:
    root = status_repo({A: INCIDENT, "themes/default/index.html": "{% extends 'base.html' %}"})
    link = root / where
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(secret if not where.endswith("static") else secret.parent)
    result = build(root, root / "site", NOW)
    assert not result.ok
    assert [(d.code, "symbolic link" in d.message) for d in result.diagnostics] == [("theme", True)]
    assert not (root / "site").exists()


def test_an_unreadable_file_does_not_break_the_cached_build(status_repo: StatusRepo,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root = status_repo({A: INCIDENT})
    assert build(root, root / "site", NOW, session=Session.on_disk(root)).ok
    real = Path.read_bytes

    def denied(self: Path) -> bytes:
        # The fingerprint of the last build reads every input; as root, modes stop nobody.
        if self.name == "a.md":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    result = build(root, root / "site", NOW, session=Session.on_disk(root))
    assert result.ok
