"""The status widget's files as the build writes them (the browser tests show them at work)."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from statusgen.render.editions import editions, localized
from statusgen.render.embed import PAGE, SCRIPT, render_embed
from statusgen.render.meta import sitemap
from statusgen.render.site import render_site
from tests.hostile import output_problems
from tests.render.test_pages import ROOT, THEMES, snap_of
from tests.support.validators import format_vnu_messages, run_vnu

MAX_GZIPPED = 4 * 1024
"""Bytes of embed.js gzipped: it is sent to every reader of every page that includes it."""


def constants(script: bytes) -> dict[str, object]:
    found = re.search(rb"var WORDS = (.*), LANG = (.*), ROOT = (.*), PAGE = (.*);\n", script)
    assert found, script[:300]
    return dict(zip(("WORDS", "LANG", "ROOT", "PAGE"), map(json.loads, found.groups()), strict=True))


def test_each_edition_has_the_script_and_the_page_for_an_iframe() -> None:
    snap = snap_of(ROOT)
    site = render_site(snap, THEMES, {})
    for prefix in ("", "de/"):
        assert {prefix + SCRIPT, prefix + PAGE} <= site.keys()
    urls = sitemap(snap, frozenset(site)).decode()
    assert "/embed/" not in urls and "/incidents/" in urls


def test_the_script_carries_every_languages_words_and_finds_the_site_from_its_place() -> None:
    snap = snap_of(ROOT)
    default, german = editions(snap.page)
    script = render_embed(snap, THEMES, default)[SCRIPT]
    script.decode("ascii")  # whatever charset the host page declares
    assert b"\n//" not in script and not re.search(rb"^\s", script, re.MULTILINE)
    found = constants(script)
    words = found["WORDS"]
    assert isinstance(words, dict) and set(words) == {"en", "de"}
    assert words["de"] == {
        "lang": "de", "dir": "ltr", "prefix": "de/", "label": "Aktueller Status", "incident": "Störung",
        "maintenance": "Wartung", "impact": {"none": "Keine Auswirkung", "minor": "Auswirkung: Gering",
                                             "major": "Auswirkung: Erheblich",
                                             "critical": "Auswirkung: Kritisch"}}
    assert (found["LANG"], found["ROOT"], found["PAGE"]) == ("en", "", "incidents/{id}/index.html")
    in_german = constants(render_embed(snap, THEMES, german)[SCRIPT])
    assert (in_german["LANG"], in_german["ROOT"], in_german["WORDS"]) == ("de", "../", words)
    gzipped = len(gzip.compress(script, 9))
    print(f"\nembed.js: {len(script)} bytes, {gzipped} gzipped")
    assert gzipped < MAX_GZIPPED


def test_the_page_for_an_iframe_is_the_script_alone_in_the_pages_language() -> None:
    snap = snap_of(ROOT)
    german = editions(snap.page)[1]
    page = render_embed(localized(snap, german), THEMES, german)[PAGE].decode()
    assert '<html lang="de" dir="ltr">' in page and '<meta name="robots" content="noindex">' in page
    assert '<script src="../embed.js" async></script>' in page
    assert '<a href="../index.html" target="_top">Aktueller Status</a>' in page


def test_the_hostile_audit_lets_only_the_widgets_own_script_through() -> None:
    tag = b'<script src="../embed.js" async></script>'
    assert list(output_problems({"embed/index.html": tag, "zh-Hans/embed/index.html": tag})) == []
    assert list(output_problems({"embed/index.html": tag + b"<script>alert(1)</script>",
                                 "components/embed/index.html": tag})) == [
        "components/embed/index.html: <script>", "embed/index.html: <script>"]


@pytest.mark.validator
def test_the_nu_html_checker_finds_no_errors_in_the_page_for_an_iframe(tmp_path: Path) -> None:
    snap = snap_of(ROOT)
    files = []
    for edition in editions(snap.page):
        path = tmp_path / edition.prefix / PAGE
        path.parent.mkdir(parents=True)
        path.write_bytes(render_embed(localized(snap, edition), THEMES, edition)[PAGE])
        files.append(path)
    errors = run_vnu(files)
    assert errors == [], format_vnu_messages(errors)
