"""What the dev server adds to pages in the browser, never to the files on disk: the
reload script, and the overlay that lists the problems of a failed build."""

from __future__ import annotations

import html
import re

from statusgen import languages
from statusgen.diagnostics import Diagnostic, format_text
from statusgen.render.i18n import Language, translator

PREFIX = "/__statusgen/"
EVENTS = PREFIX + "events"


CLIENT_JS = PREFIX + "client.js"
CLIENT_CSS = PREFIX + "client.css"


STATE = PREFIX + "state"
CLIENT_SCRIPT = b"""\
// statusgen serve: reload this page when the site is rebuilt. Not part of the built site.
(function () {
  "use strict";
  var script = document.currentScript;
  var version = script ? script.getAttribute("data-version") : null;
  var source = new EventSource("/__statusgen/events");
  source.onmessage = function (event) {
    if (event.data !== version) {
      source.close();
      window.location.reload();
    }
  };
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.id === "statusgen-overlay-hide") {
      var overlay = document.getElementById("statusgen-overlay");
      if (overlay) { overlay.hidden = true; }
    }
  });
})();
"""


CLIENT_STYLE = b"""\
/* statusgen serve: the overlay that lists build problems. Not part of the built site. */
#statusgen-overlay {
  position: fixed; inset: 0; z-index: 2147483647; overflow: auto;
  margin: 0; padding: 2rem; box-sizing: border-box;
  background: rgba(20, 20, 24, 0.96); color: #f4f4f5;
  font: 15px/1.5 system-ui, sans-serif; text-align: left;
}
#statusgen-overlay[hidden] { display: none; }
#statusgen-overlay h2 { margin: 0 0 0.5rem; font-size: 1.4rem; color: #fca5a5; }
#statusgen-overlay ul { padding: 0; list-style: none; }
#statusgen-overlay li {
  margin: 0.5rem 0; padding: 0.5rem 0.75rem; border-left: 4px solid #f87171;
  background: #27272a; white-space: pre-wrap; overflow-wrap: anywhere;
  font: 14px/1.45 ui-monospace, monospace;
}
#statusgen-overlay li.warning { border-left-color: #facc15; }
#statusgen-overlay button { font: inherit; padding: 0.25rem 0.75rem; }
"""


def overlay_html(problems: list[Diagnostic], lang: Language | None = None) -> bytes:
    """The overlay listing the problems of the failed build, every text escaped; its own words
    in ``lang`` (the problems themselves are statusgen's messages, in English)."""
    lang = lang or translator("en")
    items = "".join(
        f'<li class="{html.escape(str(d.severity))}" lang="en">{html.escape(line)}</li>\n'
        for d, line in zip(problems, format_text(problems).splitlines(), strict=False)
    )
    count = sum(d.severity == "error" for d in problems)
    title = lang.n_("statusgen: the build failed (%(num)s error)",
                    "statusgen: the build failed (%(num)s errors)", count)
    note = lang._("This is the last good site. Fix the problems below and save; the page "
                  "reloads by itself.")
    hide = lang._("Hide")
    return (
        f'<div id="statusgen-overlay" role="alert">\n'
        f'<link rel="stylesheet" href="{CLIENT_CSS}">\n'
        f"<h2>{html.escape(title)}</h2>\n"
        f"<p>{html.escape(note)}</p>\n"
        f"<ul>\n{items}</ul>\n"
        f'<button type="button" id="statusgen-overlay-hide">{html.escape(hide)}</button>\n'
        "</div>\n"
    ).encode()


_LANG = re.compile(rb"<html\b[^>]*\blang=\"([A-Za-z0-9-]{1,35})\"", re.IGNORECASE)


def page_language(page: bytes) -> Language:
    """The language a built page says it is in (``<html lang>``), for the overlay's words;
    English for a page that names none statusgen ships."""
    found = _LANG.search(page[:4096])
    tag = found.group(1).decode("ascii") if found else "en"
    return translator(tag if languages.shipped_language(tag) else "en")


def inject(page: bytes, version: int, problems: list[Diagnostic] | None) -> bytes:
    """``page`` with the reload script (and the overlay, when broken, in the page's language)
    before ``</body>``."""
    added = b""
    if problems is not None:
        added += overlay_html(problems, page_language(page))
    added += f'<script src="{CLIENT_JS}" data-version="{version}"></script>\n'.encode()
    at = page.lower().rfind(b"</body>")
    if at == -1:
        return page + added
    return page[:at] + added + page[at:]


NOT_FOUND = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>
<body><h1>Not found</h1><p>statusgen serve has no such page.</p></body></html>
"""
