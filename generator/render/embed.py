"""The status widget (docs/embed.md): ``embed.js``, which any site includes with one
``<script src=".../embed.js" async>`` to show a banner while an incident or a maintenance is
under way, and ``embed/index.html``, a page of that banner alone for an ``<iframe>``.

The script reads the site's ``api/v2/summary.json`` from the origin it was loaded from, in the
browser, so the banner follows each build without the host site changing anything.  Its few
words are the catalogue's, in every language of the site: the script speaks the host page's
``<html lang>`` when the site has it, else the language of the edition it belongs to.  Each
edition has its own copy (``de/embed.js``), so the iframe page links it beside itself.
"""

from __future__ import annotations

import json
from pathlib import Path

from statusgen.compute.views import Snapshot
from statusgen.render import labels, paths, wording
from statusgen.render.editions import Edition, editions
from statusgen.render.i18n import N_, Language, translator
from statusgen.render.meta import EMBED_PAGE
from statusgen.render.pages import page_frame, theme_of
from statusgen.steps import Runner, direct

SCRIPT = "embed.js"
PAGE = EMBED_PAGE
TEMPLATE = "embed.html"
SOURCE = Path(__file__).with_name(SCRIPT)
_PLACEHOLDERS = 'var WORDS = {}, LANG = "en", ROOT = "", PAGE = "";'
LABEL = N_("Current status")
INCIDENT = N_("Incident")


def words(lang: Language, prefix: str) -> dict[str, object]:
    """The banner's words in ``lang``, and where that language's pages are in the site."""
    impact = lang.gettext("%(impact)s impact")
    return {
        "lang": lang.tag, "dir": lang.direction, "prefix": prefix, "label": lang.gettext(LABEL),
        "incident": lang.gettext(INCIDENT), "maintenance": lang.gettext(wording.MAINTENANCE),
        "impact": {level.value: lang.gettext(label) if level.value == "none"
                   else impact % {"impact": lang.gettext(label)}
                   for level, label in labels.IMPACTS.items()},
    }


def script(edition: Edition, table: dict[str, dict[str, object]]) -> bytes:
    """``embed.js`` of ``edition``, its comments and indentation dropped (it is sent to every
    reader of every page that includes it).  ASCII only: a host page without a charset would
    read UTF-8 words as its own encoding's."""
    filled = "var WORDS = {}, LANG = {}, ROOT = {}, PAGE = {};".format(*(
        json.dumps(value, separators=(",", ":"))
        for value in (table, edition.language, "../" * edition.prefix.count("/"),
                      paths.incident_page("{id}"))))
    source = SOURCE.read_text(encoding="utf-8")
    assert _PLACEHOLDERS in source, f"{SOURCE} lost its placeholders"
    kept = (line.strip() for line in source.replace(_PLACEHOLDERS, filled).splitlines())
    return "".join(f"{line}\n" for line in kept if line and not line.startswith("//")).encode("ascii")


def render_embed(snap: Snapshot, themes_dir: Path, edition: Edition,
                 run: Runner = direct) -> dict[str, bytes]:
    """``embed.js`` and ``embed/index.html`` of ``edition`` (``snap`` as it shows it), paths
    relative to the edition's folder."""
    theme = theme_of(themes_dir, snap.page.theme, run)
    frame = page_frame(snap, theme, edition)
    table = {e.language: words(translator(e.language, theme.folders), e.prefix)
             for e in editions(snap.page)}
    return {SCRIPT: script(edition, table), PAGE: frame.render(TEMPLATE, frame.base(PAGE))}
