"""Themes: a theme's own files win, the default fills every gap, a missing theme is an error."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import jinja2
import pytest
from bs4 import BeautifulSoup

from statusgen.compute.snapshot import Snapshot, snapshot
from statusgen.pipeline import build
from statusgen.render.pages import render_pages
from statusgen.render.theme import BUILTIN, ThemeError, load_theme
from statusgen.source.load import load
from statusgen.source.tree import DiskSource
from tests.conftest import StatusRepo
from tests.helpers import COMPONENTS
from tests.helpers import INCIDENT as INCIDENT_TEXT

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
THEMES = Path(__file__).resolve().parents[2] / "themes"
A = "incidents/a.md"


def snap_of(root: Path, theme: str | None = None) -> Snapshot:
    if theme is not None:
        config = (root / "components.yml").read_text(encoding="utf-8")
        (root / "components.yml").write_text(config.replace("page:\n", f"page:\n  theme: {theme}\n", 1),
                                             encoding="utf-8")
    loaded = load(DiskSource(root))
    assert loaded.repository is not None, loaded.diagnostics
    return snapshot(loaded.repository, NOW)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def h1(page: bytes) -> str:
    tag = BeautifulSoup(page.decode("utf-8"), "html.parser").find("h1")
    assert tag is not None
    return tag.get_text(" ", strip=True)


def test_the_builtin_default_is_the_repositorys_default() -> None:
    assert BUILTIN == THEMES / "default"
    assert (BUILTIN / "base.html").is_file() and (BUILTIN / "static" / "style.css").is_file()


def test_a_theme_with_only_a_stylesheet_uses_the_default_templates(status_repo: StatusRepo) -> None:
    root = status_repo({"themes/calm/static/style.css": "body { color: #123456; }\n"})
    custom = render_pages(snap_of(root, "calm"), root / "themes")
    default = render_pages(snap_of(status_repo({})), THEMES)
    assert custom["static/style.css"] == b"body { color: #123456; }\n"
    assert custom["static/favicon.svg"] == default["static/favicon.svg"]
    assert set(custom) == set(default)
    assert h1(custom["index.html"]) == h1(default["index.html"]) == "All Systems Operational"
    # Only the stylesheet's version differs between the two sites' pages.
    assert custom["index.html"] != default["index.html"]
    assert b"body { color: #123456; }" in custom["404.html"]  # the 404 page carries it inline


def test_a_theme_with_one_template_keeps_the_other_pages(status_repo: StatusRepo) -> None:
    root = status_repo({"themes/plain/history.html": """
        {% extends "base.html" %}
        {% block main %}<h1>Our past, {{ years|length }} years</h1>{% endblock %}
        """})
    pages = render_pages(snap_of(root, "plain"), root / "themes")
    assert h1(pages["history/index.html"]) == "Our past, 0 years"
    assert h1(pages["index.html"]) == "All Systems Operational"
    assert pages["static/style.css"] == (THEMES / "default" / "static" / "style.css").read_bytes()


def test_the_repositorys_default_theme_wins_over_the_builtin(status_repo: StatusRepo) -> None:
    root = status_repo({"themes/default/static/style.css": "main { margin: 0; }\n"})
    pages = render_pages(snap_of(root), root / "themes")
    assert pages["static/style.css"] == b"main { margin: 0; }\n"
    assert "static/favicon.svg" in pages


def test_a_missing_theme_raises_theme_error(status_repo: StatusRepo) -> None:
    root = status_repo({"themes/calm/static/style.css": "x {}\n"})
    snap = snap_of(root, "fancy")
    with pytest.raises(ThemeError) as excinfo:
        render_pages(snap, root / "themes")
    assert "fancy" in excinfo.value.message and "calm" in excinfo.value.message
    with pytest.raises(ThemeError, match="fancy"):
        render_pages(snap, root / "no-themes-here")


def test_a_broken_template_is_a_theme_error(status_repo: StatusRepo) -> None:
    root = status_repo({"themes/broken/index.html": "{% extends 'base.html' %}\n{% block main %}{% if %}\n"})
    with pytest.raises(ThemeError, match=r"^themes/broken/index\.html:2: .*\(theme `broken`\)") as syntax:
        render_pages(snap_of(root, "broken"), root / "themes")
    assert (syntax.value.path, syntax.value.line) == ("themes/broken/index.html", 2)
    root = status_repo({"themes/typo/404.html": "{{ sitee.title }}"})
    with pytest.raises(ThemeError, match=r"^themes/typo/404\.html:1: `sitee` is undefined "
                                         r"\(did you mean `site`\?\)") as undefined:
        render_pages(snap_of(root, "typo"), root / "themes")
    assert "404.html receives: site, page, url, asset" in undefined.value.message


def test_a_misspelled_field_names_the_fields_of_the_view(status_repo: StatusRepo) -> None:
    template = "{% extends 'base.html' %}\n{% block main %}\n<h1>{{ entry.titel }}</h1>\n{% endblock %}\n"
    root = status_repo({A: INCIDENT_TEXT, "themes/typo/incident.html": template})
    with pytest.raises(ThemeError) as raised:
        render_pages(snap_of(root, "typo"), root / "themes")
    error = raised.value
    assert (error.path, error.line) == ("themes/typo/incident.html", 3)
    assert error.message.startswith("`titel` is not a field of an entry (did you mean `title`?); "
                                    "it has: id, path, title")
    assert "View" not in error.message and "generator" not in error.message


def test_a_theme_can_build_on_the_default_template_it_overrides(status_repo: StatusRepo) -> None:
    root = status_repo({"themes/brand/base.html": """
        {% extends "default/base.html" %}
        {% block head %}<meta name="brand" content="acme">{% endblock %}
        {% block footer %}<footer><p>Acme, Inc.</p></footer>{% endblock %}
        """})
    pages = render_pages(snap_of(root, "brand"), root / "themes")
    soup = BeautifulSoup(pages["index.html"].decode(), "html.parser")
    assert soup.find("meta", attrs={"name": "brand"}) is not None
    assert soup.find("footer").get_text(strip=True) == "Acme, Inc."  # type: ignore[union-attr]
    assert soup.find("nav") is not None  # the default header is still there


def test_a_broken_template_is_reported_at_its_line_by_the_build(status_repo: StatusRepo) -> None:
    template = "{% extends 'base.html' %}\n{% block main %}{{ componnets }}{% endblock %}\n"
    root = status_repo({"components.yml": COMPONENTS.replace("  url:", "  theme: typo\n  url:"),
                        "themes/typo/index.html": template})
    result = build(root, root / "site", NOW)
    assert not result.ok
    [problem] = result.diagnostics
    assert (problem.location.path, problem.location.line, problem.code) == (
        "themes/typo/index.html", 2, "theme")
    assert "did you mean `components`?" in problem.message


@pytest.mark.parametrize("name", ["..", "a/b", ""])
def test_a_theme_name_cannot_leave_themes(tmp_path: Path, name: str) -> None:
    with pytest.raises(ThemeError):
        load_theme(tmp_path, name)


def test_without_any_default_theme_it_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("statusgen.render.theme.BUILTIN", tmp_path / "nowhere")
    with pytest.raises(ThemeError, match="default theme is missing"):
        load_theme(tmp_path / "themes", "default")


def test_templates_are_strict_and_escape(tmp_path: Path) -> None:
    themes = tmp_path / "themes"
    shutil.copytree(THEMES / "default", themes / "default")
    write(themes / "t" / "x.html", "{{ missing }}")
    write(themes / "t" / "y.html", "{{ value }}")
    theme = load_theme(themes, "t")
    with pytest.raises(jinja2.UndefinedError):
        theme.env.get_template("x.html").render()
    assert theme.env.get_template("y.html").render(value="<b>&") == "&lt;b&gt;&amp;"


def test_assets_merge_with_the_themes_files_winning(tmp_path: Path) -> None:
    themes = tmp_path / "themes"
    write(themes / "default" / "base.html", "")
    write(themes / "default" / "static" / "style.css", "default")
    write(themes / "default" / "static" / "img" / "logo.svg", "<svg/>")
    write(themes / "t" / "static" / "style.css", "mine")
    write(themes / "t" / "static" / "extra.txt", "extra")
    write(themes / "t" / "static" / ".DS_Store", "junk")
    theme = load_theme(themes, "t")
    assert theme.folders[:2] == (themes / "t", themes / "default")
    builtin = {f"static/{p.name}" for p in (BUILTIN / "static").iterdir()}
    assert dict(theme.assets) == {
        **{path: (BUILTIN / path).read_bytes() for path in builtin},
        "static/extra.txt": b"extra",
        "static/img/logo.svg": b"<svg/>",
        "static/style.css": b"mine",
    }
    assert list(theme.assets) == sorted(theme.assets)
    assert theme.version("static/style.css") != load_theme(themes, "default").version("static/style.css")
