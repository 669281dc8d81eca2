# ruff: noqa: RUF001 (the expected texts are in Arabic digits and CLDR punctuation on purpose)
"""Languages: complete catalogues, sites built in German, Japanese and Arabic read with real
parsers, one repository in several languages, a theme's own words, and byte-identical builds
whatever the machine's locale."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from statusgen import languages
from statusgen import model as m
from statusgen.compute.reports import Revision
from statusgen.compute.snapshot import snapshot
from statusgen.render import paths, report_paths
from statusgen.render.catalogues import catalog_problems, po_path, problems, source_catalog
from statusgen.render.i18n import translator
from statusgen.render.site import render_site
from statusgen.render.theme import ThemeError
from statusgen.serve.client import inject
from statusgen.source.load import load
from statusgen.source.parse import parse_config, parse_incident
from statusgen.source.tree import DiskSource
from tests.helpers import NOW, REPO_ROOT

SHIPPED = [tag for tag in languages.LANGUAGES if tag != "en"]
WORD = re.compile(r"[A-Za-z]{3,}")


@cache
def template() -> Catalog:
    return source_catalog()


# ----------------------------------------------------------------------------------------
# The catalogues
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("tag", SHIPPED)
def test_each_shipped_catalogue_is_complete_and_compiled(tag: str) -> None:
    """No message missing or fuzzy, the placeholders of the source kept, no markup added,
    and the .mo statusgen reads compiled from the .po."""
    assert problems(tag, template()) == []


def test_every_shipped_language_has_a_catalogue_and_no_catalogue_is_unlisted() -> None:
    on_disk = {p.stem for p in (REPO_ROOT / "generator" / "locales").glob("*.po")}
    assert on_disk == {tag.replace("-", "_") for tag in SHIPPED}
    assert all(po_path(tag).is_file() for tag in SHIPPED)


def test_a_catalogue_that_lost_a_placeholder_or_a_message_is_reported() -> None:
    """The check can fail: a translation without `%(num)s`, and a message left out."""
    with po_path("de").open("rb") as handle:
        catalog = read_po(handle, locale="de")
    message = catalog.get("%(num)s h")
    assert message is not None and "%(num)s" in str(message.string)
    message.string = "Stunden"
    catalog.delete("Hide")
    found = catalog_problems("de", catalog, template())
    assert any("`%(num)s h` has the placeholders" in line for line in found)
    assert "de: `Hide` is not translated" in found


# ----------------------------------------------------------------------------------------
# Formatting through CLDR
# ----------------------------------------------------------------------------------------

AT = datetime(2026, 11, 22, 6, 10, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(("tag", "expected"), [
    ("en", "22 Nov 2026, 07:10 CET"),
    ("en-US", "Nov 22, 2026, 07:10 GMT+01:00"),
    ("de", "22. Nov. 2026, 07:10 MEZ"),
    ("de-AT", "22. Nov. 2026, 07:10 MEZ"),
    ("fr", "22 nov. 2026, 07:10 UTC+01:00"),
    ("ja", "2026年11月22日 7:10 GMT+01:00"),
    ("zh-Hans", "2026年11月22日 07:10 GMT+01:00"),
    ("ar", "22 نوفمبر 2026، 07:10 غرينتش+01:00"),
    ("ar-EG", "٢٢ نوفمبر ٢٠٢٦، ٠٧:١٠ غرينتش+٠١:٠٠"),
])
def test_moments_as_each_language_writes_them(tag: str, expected: str) -> None:
    assert translator(tag).moment(AT, BERLIN) == expected


def test_a_zone_with_a_name_readers_know_is_named() -> None:
    assert translator("ja").moment(AT, ZoneInfo("Asia/Tokyo")).endswith("15:10 JST")
    assert translator("en").clock(AT, UTC) == "06:10 UTC"


@pytest.mark.parametrize(("tag", "expected"), [
    ("en", "99.87%"), ("de", "99,87\xa0%"), ("fr", "99,87\xa0%"), ("ar-EG", "٩٩٫٨٧٪؜"),
])
def test_uptime_with_the_language_s_separator_and_never_rounded_up(tag: str, expected: str) -> None:
    lang = translator(tag)
    assert lang.percent(0.99879) == expected
    assert lang.percent(0.999999) != lang.percent(1.0)


@pytest.mark.parametrize(("tag", "span", "expected"), [
    ("en", timedelta(hours=2, minutes=18), "2 h 18 min"),
    ("de", timedelta(days=3, hours=4), "3 Tage 4 Std."),
    ("ja", timedelta(hours=2, minutes=18), "2時間18分"),
    ("pl", timedelta(days=5), "5 dni"),
    ("ar", timedelta(days=2), "يومان"),
    ("he", timedelta(seconds=20), "פחות מדקה"),
])
def test_durations_from_the_catalogue_with_each_language_s_plurals(
        tag: str, span: timedelta, expected: str) -> None:
    assert translator(tag).duration(span) == expected


def test_date_ranges_and_months_as_headings() -> None:
    de = translator("de")
    assert de.date_range(date(2026, 11, 4), date(2026, 11, 22)) == "4.–22. Nov. 2026"
    assert de.month(2026, 11) == "November 2026"
    assert translator("pl").month(2026, 11) == "listopad 2026"  # the standalone form


def test_a_hundred_thousand_moments_take_little_time() -> None:
    """Formatters are cached per language and zone: the cost of a 10,000-entry build's dates
    stays well under a second."""
    lang = translator("de")
    # This process's processor time: what other processes do on a busy machine does not count.
    start = time.process_time()
    for minute in range(100_000):
        lang.moment(AT + timedelta(minutes=7 * minute), BERLIN)
    assert time.process_time() - start < 5


def test_the_notifications_get_their_words_from_the_same_catalogue() -> None:
    assert translator("de").gettext("Resolved") == "Behoben"
    assert translator("ja").ngettext("%(num)s day", "%(num)s days", 3) % {"num": 3} == "3日"
    assert translator("en").gettext("Resolved") == "Resolved"


# ----------------------------------------------------------------------------------------
# Validation
# ----------------------------------------------------------------------------------------


def _page_problem(line: str) -> str:
    config, found = parse_config(
        f"page: {{title: A, url: https://a.example/, {line}}}\ncomponents: [{{id: a, name: A}}]\n".encode())
    return "; ".join(d.message for d in found) if config is None else ""


def test_page_language_is_one_statusgen_ships() -> None:
    assert "did you mean `de`" in _page_problem("language: ge")
    assert "did you mean `zh-Hans`" in _page_problem("language: zh-CN")
    assert "did you mean `ja`" in _page_problem("language: jp")
    assert _page_problem("language: de-AT") == ""
    assert _page_problem("language: pt-br") == ""
    assert "not a language statusgen ships" in _page_problem("language: de-XX-yy-zz")


def test_page_languages_once_each() -> None:
    assert "listed twice" in _page_problem("languages: [en, de, en]")
    config, _ = parse_config(b"page: {title: A, url: https://a.example/, languages: [ja, en], "
                             b"language: en}\ncomponents: [{id: a, name: A}]\n")
    assert config is not None and config.page.editions == ("en", "ja")


def _incident(message: str) -> tuple[m.Incident | None, str]:
    raw = textwrap.dedent(f"""\
        ---
        title: X
        impact: minor
        updates:
          - at: 2026-11-22T08:00:00Z
            status: investigating
            message: {message}
        ---
        """).encode()
    incident, found = parse_incident("incidents/2026-11-22-x.md", raw)
    return incident, "; ".join(d.message for d in found)


def test_a_message_per_language_and_its_mistakes() -> None:
    incident, _ = _incident("{en: Looking into it., de: Wir sehen nach.}")
    assert incident is not None
    update = incident.updates[0]
    assert update.message == "Looking into it."
    assert update.message_in("de", "en") == ("Wir sehen nach.", None)
    assert update.message_in("ja", "en") == ("Looking into it.", "en")
    assert "did you mean `de`" in _incident("{en: A, ge: B}")[1]
    assert "written twice" in _incident("{en: A, EN: B}")[1]
    assert "empty" in _incident('{en: A, de: ""}')[1]


# ----------------------------------------------------------------------------------------
# Built sites, read with real parsers
# ----------------------------------------------------------------------------------------

NEUTRAL_COMPONENTS = """\
page:
  title: Kappa
  url: https://status.kappa.example/
  timezone: Europe/Berlin
  language: {language}
components:
  - id: alpha
    name: Alpha
    sla: 99.9
  - id: grp
    name: Gamma
    sla: 99.5
    components:
      - id: delta
        name: Delta
      - id: epsilon
        name: Epsilon
incident_fields:
  reference: {{prefix: KX-}}
  severities:
    - {{id: sev1, name: Omega-Eins, rank: 1}}
  roles: [lead, communications]
  timestamps: [impact_started, detected, mitigated]
  custom:
    - {{id: zeta, name: Zeta, type: single_select, options: [omikron, ypsilon], public: true}}
    - {{id: theta, name: Theta, type: text}}
"""
"""A repository whose own words are no language's, so every English word on its pages
comes from statusgen: with every kind of incident metadata, targets for the reliability
reports, and a month that has ended."""

NEUTRAL_ENTRIES = {
    "2026-11-22-omega.md": """\
---
title: Omega
impact: major
components: {alpha: partial_outage}
updates:
  - at: 2026-11-22T07:10:00+01:00
    status: identified
    message: Omikron.
    components: {alpha: degraded_performance}
  - at: 2026-11-22T05:58:00Z
    status: investigating
    message: Omikron.
---
""",
    "2026-11-03-sigma.md": """\
---
title: Sigma
impact: critical
components: {delta: major_outage, epsilon: partial_outage}
reference: KX-2
severity: sev1
roles: {lead: Iota Nu, communications: Mu Xi}
timestamps:
  impact_started: 2026-11-03T14:55:00+01:00
  detected: 2026-11-03T15:00:00+01:00
  mitigated: 2026-11-03T16:30:00+01:00
fields: {zeta: omikron, theta: ypsilon}
postmortem_url: https://kappa.example/omikron
external_issue: https://kappa.example/ypsilon
updates:
  - at: 2026-11-03T17:20:00+01:00
    status: resolved
    message: Omikron.
  - at: 2026-11-03T15:40:00+01:00
    status: identified
    message: Omikron.
    components: {delta: partial_outage}
  - at: 2026-11-03T15:02:00+01:00
    status: investigating
    message: Omikron.
---
Omikron.
""",
    "2026-10-14-lambda.md": """\
---
title: Lambda
impact: major
components: {alpha: major_outage}
reference: KX-1
updates:
  - at: 2026-10-14T11:30:00+02:00
    status: resolved
    message: Omikron.
  - at: 2026-10-14T10:00:00+02:00
    status: investigating
    message: Omikron.
---
""",
    "2026-11-30-tau.md": """\
---
kind: maintenance
title: Tau
window: {start: 2026-11-30T02:00:00Z, end: 2026-11-30T04:00:00Z}
components: [delta]
updates:
  - at: 2026-11-20T12:00:00Z
    status: scheduled
    message: Omikron.
---
""",
    "2026-11-20-rho.md": """\
---
kind: maintenance
title: Rho
window: {start: 2026-11-20T02:00:00Z, end: 2026-11-20T03:00:00Z}
components: [epsilon]
updates:
  - at: 2026-11-20T02:50:00Z
    status: completed
    message: Omikron.
  - at: 2026-11-19T12:00:00Z
    status: scheduled
    message: Omikron.
---
""",
}


def write_repo(root: Path, language: str, components: str = NEUTRAL_COMPONENTS) -> Path:
    (root / "incidents").mkdir(parents=True)
    (root / "components.yml").write_text(components.format(language=language), encoding="utf-8")
    for name, text in NEUTRAL_ENTRIES.items():
        (root / "incidents" / name).write_text(text, encoding="utf-8")
    return root


REVISION = Revision("0123456789abcdef0123456789abcdef01234567", changed=True)


def build(root: Path, now: datetime = NOW, internal: bool = False) -> dict[str, bytes]:
    loaded = load(DiskSource(root))
    assert loaded.repository is not None, loaded.diagnostics
    return render_site(snapshot(loaded.repository, now, internal=internal), root / "themes", {},
                       revision=REVISION)


def english_words(tag: str) -> set[str]:
    """Words of the catalogue's English source that the language's translations never use."""
    with po_path(tag).open("rb") as handle:
        catalog = read_po(handle)
    source, used = set(), set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string or "",)
        for text in ids:
            source |= {w.lower() for w in WORD.findall(re.sub(r"%\(\w+\)s", "", str(text)))}
        for text in strings:
            used |= {w.lower() for w in WORD.findall(re.sub(r"%\(\w+\)s", "", str(text)))}
    return source - used


def readable_text(name: str, data: bytes) -> str:
    """Everything a reader (or a screen reader) of an output meets, markup left out."""
    if name.endswith(".html"):
        soup = BeautifulSoup(data, "html.parser")
        for code in soup.find_all("code"):
            code.decompose()  # a command to type (statusgen report --period …): in no language
        labels = [str(t.get(a, "")) for t in soup.find_all(True) for a in ("aria-label", "title", "alt")]
        return soup.get_text(" ") + " " + " ".join(labels)
    if name.endswith((".atom", ".rss")):
        feed = feedparser.parse(data)
        parts = [feed.feed.get("title", ""), feed.feed.get("subtitle", "")]
        for entry in feed.entries:
            parts += [entry.get("title", ""),
                      BeautifulSoup(entry.get("summary", ""), "html.parser").get_text(" ")]
        return " ".join(parts)
    if name.endswith(".svg"):
        return " ".join(t.text or "" for t in ET.fromstring(data).iter() if t.text)
    return ""


LOCALE_DATES = {"de": "22. Nov. 2026", "ja": "2026年11月22日", "ar": "22 نوفمبر 2026"}


@pytest.mark.parametrize(("tag", "direction"), [("de", "ltr"), ("ja", "ltr"), ("ar", "rtl")])
def test_a_site_in_german_japanese_and_arabic_has_no_english_word(
        tmp_path: Path, tag: str, direction: str) -> None:
    """Every page, the reliability reports and the incidents' metadata included, in the public
    build and in the team's (roles, private fields, the follow-up ticket)."""
    root = write_repo(tmp_path, tag)
    files = build(root)
    internal = build(root, internal=True)
    pages = {n: d for n, d in files.items() if n.endswith(".html")}
    assert len(pages) > 10
    forbidden = english_words(tag)
    assert {"incident", "history", "resolved", "uptime", "maintenance", "report", "severity",
            "detected", "lead", "target", "period", "computed", "recompute"} <= forbidden
    sigma = paths.incident_page("2026-11-03-sigma")
    metadata = BeautifulSoup(internal[sigma], "html.parser")
    assert len(metadata.select(".facts div")) >= 12  # the times, the fields, the roles, the links
    assert len(metadata.select(".facts .is-internal")) == 4
    for report in ("reports/2026-10/index.html", "reports/2026-11/index.html"):
        assert len(BeautifulSoup(files[report], "html.parser").select("table.figures tbody tr")) == 4
    leaks = {}
    for name, data in [*files.items(), *((f"internal:{n}", d) for n, d in internal.items())]:
        if name.endswith((".html", ".atom", ".rss", ".svg")):
            found = {w for w in WORD.findall(readable_text(name, data)) if w.lower() in forbidden}
            if found:
                leaks[name] = sorted(found)
    assert leaks == {}
    for name, data in pages.items():
        html = BeautifulSoup(data, "html.parser").html
        assert html is not None and html["lang"] == tag and html["dir"] == direction, name
    front = BeautifulSoup(files[paths.INDEX], "html.parser")
    times = front.find_all("time")
    assert times and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", str(t["datetime"]))
                         for t in times)
    assert any(LOCALE_DATES[tag] in t.get_text() for t in times)
    feed = feedparser.parse(files["history.atom"])
    assert feed.feed.language == tag if "language" in feed.feed else True
    assert all(e.updated.startswith("2026-") for e in feed.entries)  # feeds' dates stay ISO


def test_the_english_check_can_fail(tmp_path: Path) -> None:
    """A template word left in English is caught: the German site of a theme with one."""
    root = write_repo(tmp_path, "de")
    theme = root / "themes" / "default"
    theme.mkdir(parents=True)
    own = (REPO_ROOT / "themes" / "default" / "404.html").read_text(encoding="utf-8")
    (theme / "404.html").write_text(own.replace('{{ _("Page not found") }}</h1>', "Page not found</h1>"),
                                    encoding="utf-8")
    text = readable_text("404.html", build(root)["404.html"])
    assert {"page", "found"} <= {w.lower() for w in WORD.findall(text)} & english_words("de")


# ----------------------------------------------------------------------------------------
# Several languages from one repository
# ----------------------------------------------------------------------------------------

BILINGUAL = NEUTRAL_COMPONENTS.replace("  language: {language}\n", "  languages: [en, ja]\n")


def test_languages_build_one_site_per_language_linked_to_each_other(tmp_path: Path) -> None:
    files = build(write_repo(tmp_path, "", BILINGUAL))
    assert "ja/index.html" in files and "ja/history.atom" in files and "ja/badge.svg" in files
    assert "ja/404.html" not in files and "ja/api/v2/summary.json" not in files
    assert "api/v2/summary.json" in files
    for page in (paths.INDEX, paths.incident_page("2026-11-22-omega"), paths.history_page(2026)):
        for prefix, tag in (("", "en"), ("ja/", "ja")):
            soup = BeautifulSoup(files[prefix + page], "html.parser")
            assert soup.html is not None and soup.html["lang"] == tag
            alternates = {link["hreflang"]: link["href"]
                          for link in soup.find_all("link", hreflang=True)}
            assert alternates == {"en": "https://status.kappa.example/" + _folder(page),
                                  "ja": "https://status.kappa.example/ja/" + _folder(page),
                                  "x-default": "https://status.kappa.example/" + _folder(page)}
            switch = soup.find("nav", class_="languages")
            assert switch is not None
            links = {str(a["lang"]): str(a["href"]) for a in switch.find_all("a")}
            assert set(links) == {"en", "ja"}
            for target_tag, href in links.items():
                target = os.path.normpath(os.path.join(os.path.dirname(prefix + page), href))
                assert target == ("" if target_tag == "en" else "ja/") + page
            current = switch.find("a", attrs={"aria-current": "page"})
            assert current is not None and current["lang"] == tag
    sitemap = files["sitemap.xml"].decode()
    assert "https://status.kappa.example/ja/" in sitemap


def test_report_data_is_written_once_and_every_language_links_it(tmp_path: Path) -> None:
    files = build(write_repo(tmp_path, "", BILINGUAL))
    data = sorted(path for path in files if path.startswith("reports/") and
                  path.endswith((".json", ".csv")) and path != report_paths.reports_list())
    assert data and not [path for path in files if path.startswith("ja/reports/") and
                         path.endswith((".json", ".csv"))]
    period = data[0].removeprefix("reports/").rsplit(".", 1)[0]
    for prefix in ("", "ja/"):
        page = prefix + report_paths.reports_page(period)
        soup = BeautifulSoup(files[page], "html.parser")
        targets = {os.path.normpath(os.path.join(os.path.dirname(page), str(a["href"])))
                   for a in soup.find_all("a", href=True)}
        assert {report_paths.report_data(period, "json"),
                report_paths.report_data(period, "csv")} <= targets, prefix


def _folder(page: str) -> str:
    return page[: -len(paths.INDEX)] if page.endswith(paths.INDEX) else page


def test_a_message_without_a_translation_shows_the_default_language_marked(tmp_path: Path) -> None:
    root = write_repo(tmp_path, "", BILINGUAL)
    omega = root / "incidents" / "2026-11-22-omega.md"
    omega.write_text(omega.read_text(encoding="utf-8").replace(
        "    status: identified\n    message: Omikron.",
        "    status: identified\n    message: {en: Fixing it., ja: 修正しています。}"), encoding="utf-8")
    files = build(root)
    page = paths.incident_page("2026-11-22-omega")
    ja = BeautifulSoup(files["ja/" + page], "html.parser")
    proses = ja.select(".update .prose")
    assert proses[0].get_text(strip=True) == "修正しています。" and not proses[0].get("lang")
    assert proses[1].get_text(strip=True) == "Omikron." and proses[1]["lang"] == "en"
    en = BeautifulSoup(files[page], "html.parser")
    assert en.select(".update .prose")[0].get_text(strip=True) == "Fixing it."
    assert not any(p.get("lang") for p in en.select(".update .prose"))
    summary = feedparser.parse(files["ja/history.atom"]).entries[0].summary
    assert "修正しています。" in summary and 'lang="en"' in summary


# ----------------------------------------------------------------------------------------
# A theme's own words
# ----------------------------------------------------------------------------------------


def test_a_theme_adds_and_overrides_words_without_a_fork(tmp_path: Path) -> None:
    root = write_repo(tmp_path, "de")
    locales = root / "themes" / "default" / "locales"
    locales.mkdir(parents=True)
    (locales / "de.po").write_text(textwrap.dedent("""\
        msgid "Active incidents"
        msgstr "Laufende Störungen"
        """), encoding="utf-8")
    front = BeautifulSoup(build(root)[paths.INDEX], "html.parser")
    assert front.find(id="active-h").get_text() == "Laufende Störungen"  # type: ignore[union-attr]
    assert "Verlauf" in front.get_text()  # every other word still from statusgen's catalogue


def test_a_catalogue_as_gettext_tools_write_it_is_read(tmp_path: Path) -> None:
    """Another project's German catalogue (header, comments, contexts, plurals) as a theme's
    de.po, with one of statusgen's messages added at its end: read, and that message used."""
    real = (REPO_ROOT / "tests" / "fixtures" / "po" / "django-humanize-de.po").read_text(encoding="utf-8")
    root = write_repo(tmp_path, "de")
    locales = root / "themes" / "default" / "locales"
    locales.mkdir(parents=True)
    (locales / "de.po").write_text(real + '\nmsgid "Today"\nmsgstr "Heute, jetzt"\n', encoding="utf-8")
    front = BeautifulSoup(build(root)[paths.INDEX], "html.parser")
    assert "Heute, jetzt" in front.get_text()
    assert "Aktuelle Störungen" in front.get_text()


def test_a_theme_translation_that_loses_a_placeholder_is_refused_with_its_place(tmp_path: Path) -> None:
    root = write_repo(tmp_path, "de")
    locales = root / "themes" / "default" / "locales"
    locales.mkdir(parents=True)
    (locales / "de.po").write_text('\n\nmsgid "Last updated %(time)s."\nmsgstr "Aktualisiert."\n',
                                   encoding="utf-8")
    with pytest.raises(ThemeError) as raised:
        build(root)
    assert raised.value.path == "themes/default/locales/de.po" and raised.value.line == 3
    assert "placeholders" in raised.value.message


# ----------------------------------------------------------------------------------------
# The dev server's overlay, reproducibility
# ----------------------------------------------------------------------------------------


def test_the_overlay_speaks_the_page_s_language() -> None:
    from statusgen import rules
    from statusgen.diagnostics import Location
    problem = rules.TYPE.at(Location("incidents/x.md", 1, 1), "expected text")
    page = b'<!DOCTYPE html><html lang="de" dir="ltr"><body><p>x</p></body></html>'
    shown = BeautifulSoup(inject(page, 1, [problem]), "html.parser")
    assert shown.find(id="statusgen-overlay-hide").get_text() == "Ausblenden"  # type: ignore[union-attr]
    assert "1 Fehler" in shown.find("h2").get_text()  # type: ignore[union-attr]
    li = shown.find("li")
    assert li is not None and li["lang"] == "en"


def _cli_build(root: Path, out: Path, env: dict[str, str]) -> dict[str, bytes]:
    subprocess.run([sys.executable, "-m", "statusgen", "build", "--out", str(out), "--no-cache",
                    "--now", "2026-11-22T09:00:00Z"], cwd=root, env={**os.environ, **env},
                   check=True, capture_output=True, timeout=120)
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.mark.slow  # three builds of four languages by the command line
def test_builds_are_byte_identical_whatever_the_machine_s_locale(tmp_path: Path) -> None:
    components = NEUTRAL_COMPONENTS.replace("  language: {language}\n",
                                            "  languages: [de, ja, ar, en]\n")
    root = write_repo(tmp_path / "repo", "", components)
    env = {"PYTHONPATH": str(REPO_ROOT)}
    german = _cli_build(root, tmp_path / "de", {**env, "LC_ALL": "de_DE.UTF-8", "LANG": "de_DE.UTF-8",
                                                  "LANGUAGE": "de", "TZ": "Asia/Tokyo"})
    plain = _cli_build(root, tmp_path / "c", {**env, "LC_ALL": "C", "LANG": "C", "LANGUAGE": "",
                                               "TZ": "UTC"})
    assert german.keys() == plain.keys()
    assert [n for n in german if german[n] != plain[n]] == []
    assert {"ja/index.html", "ar/index.html", "en/index.html", "index.html"} <= german.keys()
    again = _cli_build(root, tmp_path / "again", {**env, "LC_ALL": "C"})
    assert again == plain


def test_a_theme_catalogue_that_is_not_gettext_is_refused(tmp_path: Path) -> None:
    root = write_repo(tmp_path, "de")
    locales = root / "themes" / "default" / "locales"
    locales.mkdir(parents=True)
    (locales / "de.po").write_bytes(b'msgid "Today"\nmsgstr "Heute\n\xff\xfe')
    with pytest.raises(ThemeError) as raised:
        build(root)
    assert raised.value.path == "themes/default/locales/de.po"
