"""Hostile strings, and the checks every output must pass whatever its input held.

The corpus mixes XSS filter-evasion forms (after OWASP's cheat sheet), markup that
breaks out of attributes, CDATA and comments, template syntax, control characters,
terminal escapes, direction overrides, line breaks that would inject lines into
``robots.txt`` or ``_headers``, and links that only become schemes once decoded or
rebased.  The checks parse each output format with a real parser and look for what
would run or leak: a script, an event handler, an unsafe URL, a broken document.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

from icalendar import Calendar

from statusgen.render.meta import EMBED_PAGE
from statusgen.render.paths import search_page
from statusgen.source.links import safe_final

TEXT = [
    "<script>alert(document.domain)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "javascript:alert(1)",
    "';alert(String.fromCharCode(88,83,83))//",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<iframe src=javascript:alert(1)>",
    "]]><script>alert(1)</script><![CDATA[",
    "<!-- --><script>alert(1)</script>",
    "{{ 7 * 7 }} {% raw %}${7*7}",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "Status\r\nSet-Cookie: pwned=1",
    "Title\nDisallow: /",
    "\x1b[31mred\x1b[0m",
    "nul\x00byte",
    "bell\x07",
    "\u202eevil\u202c.txt",
    "\u2066isolated\u2069",
    "line\u2028separator",
    "🔥 Outage — ümlaut ß 中文 العربية",
    "a" * 300,
    "\ufeffbom",
    '=HYPERLINK("https://evil.example","x")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
]
"""Text for titles, names and descriptions."""

MARKDOWN = [
    "[x](javascript:alert(1))",
    "[x](../javascript:alert(document.domain))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java%73cript:alert(1))",
    "[x](<java\tscript:alert(1)>)",
    "[x](&#x6A;avascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "[x](file:///etc/passwd)",
    "![x](x\" onerror=\"alert(1))",
    "<javascript:alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "[x](x:y/../javascript:alert(1))",
    "[x](%2E%2E/javascript:alert(1))",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
    "[x](https://example.com/\"onmouseover=\"alert(1))",
    "\u202eright to left text \u202c in a message",
]
"""Markdown for messages and post-mortems."""

URLS = [
    "https://status.example.com/\r\nSet-Cookie: x=1",
    "https://status.example.com/\nDisallow: /",
    "https://status.example.com/a b/",
    "https://user:pass@status.example.com/",
    "https://status.example.com/?q=1",
    "https://status.example.com/#frag",
    "https://status.example.com/:id/*/",
    "javascript:alert(1)//",
    "https://status.example.com/\x1b[31m/",
    "https://status.example.com//evil.example/",
]
"""Values for ``page.url``: every one must be refused."""

SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'

SVG_REMOTE = [
    "<style>@import url({remote}/a.css);</style>",
    "<style>rect{{fill:\\75rl({remote}/b)}}</style>",
    "<style>svg{{background:\\75 rl({remote}/b2)}}</style>",
    '<style>@\\69mport "{remote}/c.css";</style>',
    '<rect width="9" height="9" style="fill:u\\rl({remote}/d)"/>',
    '<rect width="9" height="9" fill="url(https:{remote}/e)"/>',
    '<rect width="9" height="9" mask="url({remote}/f)"/>',
    '<rect width="9" height="9" fill="URL({remote}/f2)"/>',
    '<rect width="9" height="9" style="fill:&#x75;rl({remote}/g)"/>',
    '<rect width="9" height="9" filter="url({remote}/h#f)"/>',
    '<use xlink:href="{remote}/i.svg#x"/>',
    '<use href="{remote}/j.svg#x"/>',
    "<style>svg{{background-image:image-set(\"{remote}/k.png\" 1x)}}</style>",
    "<style>svg{{background-image:-webkit-image-set(\"{remote}/k2.png\" 1x)}}</style>",
    '<style>/* */@import/**/"{remote}/l.css";</style>',
    '<style>svg{{content:"/*"}} svg{{background:url({remote}/m)}} svg{{content:"*/"}}</style>',
    '<style>@im<desc/>port "{remote}/n.css";</style>',
    "<style>rect{{cursor:url({remote}/o.png),auto}}</style>",
    "<style>@font-face{{font-family:x;src:url({remote}/p.woff)}} text{{font-family:x}}</style>",
    '<metadata><m:math xmlns:m="http://www.w3.org/1998/Math/MathML" '
    'style="background:url({remote}/q)"/></metadata>',
    '<filter id="f"><feImage href="{remote}/r.png"/></filter>',
    '<rect width="9" height="9" style="fill:url( \'  {remote}/s\' )"/>',
    '<rect width="9" height="9" style="--x:url({remote}/t);fill:var(--x)"/>',
]
"""SVG content that makes the browser fetch ``{remote}`` (another host, written ``//host``):
every one must be refused.  CSS escapes (``\\75rl(``, ``@\\69mport``, ``u\\rl(``), XML
character references, presentation attributes, comments hidden in strings, a style split by
an element, ``image-set()``, ``@font-face``, links by ``href`` and ``xlink:href``."""

SVG_DRAWINGS = [
    '<defs><linearGradient id="g"><stop offset="0" stop-color="rgb(1,2,3)"/></linearGradient>'
    '<mask id="m"><rect width="9" height="9" fill="#fff"/></mask><filter id="f"><feGaussianBlur '
    'stdDeviation="1"/></filter></defs><rect width="9" height="9" fill="url(#g)" mask="url(#m)" '
    'filter="url(&quot;#f&quot;)" transform="translate(1 2) rotate(3)"/>',
    "<style>rect{{fill:url(#g)}} @media (min-width: 1px){{rect{{stroke:hsl(1 2% 3%)}}}}"
    " /* url(//not.loaded) */ text{{font:12px sans-serif}}</style><rect width=\"9\" height=\"9\"/>",
    '<rect width="9" height="9" style="fill:\\23 g;stroke:calc(1px + 2px)"/>',
    '<text x="1" y="9" aria-label="Sales (2024) @ {remote}">Sales</text>',
    '<image width="1" height="1" href="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAf'
    'FcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="/>',
    '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    'rdf:about="https:{remote}/about"/></rdf:RDF></metadata><use xlink:href="#g"/>',
]
"""SVG drawings that load nothing, though they look close to the above: each must pass."""


def svg(inside: str, remote: str) -> bytes:
    """A whole SVG file around ``inside``, with ``{remote}`` standing for ``remote``."""
    return f"{SVG_HEAD}{inside.format(remote=remote)}</svg>".encode()


_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "data",
                             "background", "cite", "srcset"})
_FORBIDDEN = frozenset({"script", "iframe", "object", "embed", "frame", "frameset", "form", "base",
                        "applet", "foreignobject"})


class _Audit(HTMLParser):
    """Collects what in an HTML page could run code."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _FORBIDDEN:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and any(k == "http-equiv" and (v or "").lower() == "refresh" for k, v in attrs):
            self.problems.append("<meta http-equiv=refresh>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}>")
            if name in _URL_ATTRIBUTES and value is not None and not safe_final(value):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "srcdoc" or (name == "style" and "url(" in (value or "").lower()):
                self.problems.append(f"<{tag} {name}>")


def html_problems(html: str) -> list[str]:
    """What in ``html`` could run code: forbidden elements, event handlers, unsafe URLs."""
    audit = _Audit()
    audit.feed(html)
    audit.close()
    return audit.problems


_HTML_IN_FEEDS = ("content", "summary", "description")


def _feed_html(root: ET.Element) -> Iterator[str]:
    """The texts a feed reader renders as HTML: Atom content and summary, RSS description."""
    for element in root.iter():
        if element.text and element.tag.rpartition("}")[2] in _HTML_IN_FEEDS:
            yield element.text


_EMBED_PAGE = re.compile(r"(?:[a-z]{2,3}(?:-[A-Za-z0-9]+)*/)?" + re.escape(EMBED_PAGE))
"""The widget's page in the default edition or a language's (``de/``, ``zh-Hans/``)."""
_EMBED_SCRIPT = re.compile(r'<script src="(?:\.\./)+embed\.js" async></script>')
_SEARCH_PAGE = re.compile(r"(?:[a-z]{2,3}(?:-[A-Za-z0-9]+)*/)?" + re.escape(search_page()))
_SEARCH_SCRIPT = re.compile(r'<script src="(?:\.\./)+static/search\.js\?v=[0-9a-f]+"></script>')


def output_problems(files: dict[str, bytes]) -> Iterator[str]:
    """Every problem of every output: each format parsed with a real parser."""
    for path, data in sorted(files.items()):
        if path.endswith(".html"):
            text = data.decode("utf-8")
            if _EMBED_PAGE.fullmatch(path):
                # The widget's page for an iframe runs the build's own embed.js beside it (its
                # exact tag, once); anything else that could run code is still a problem.
                text = _EMBED_SCRIPT.sub("", text, count=1)
            if _SEARCH_PAGE.fullmatch(path):
                # The search page runs the theme's own search.js (its exact tag, once).
                text = _SEARCH_SCRIPT.sub("", text, count=1)
            for problem in html_problems(text):
                yield f"{path}: {problem}"
        elif path.endswith((".atom", ".rss", ".xml", ".svg")):
            try:
                root = ET.fromstring(data)
            except ET.ParseError as exc:
                yield f"{path}: not well-formed XML: {exc}"
                continue
            if path.endswith(".svg"):
                if any(e.tag.endswith("}script") for e in root.iter()):
                    yield f"{path}: <script> in an SVG"
                continue
            for text in _feed_html(root):
                # Feed content is HTML escaped inside XML: audit it as HTML too.
                for problem in html_problems(text):
                    yield f"{path}: {problem}"
            for element in root.iter():
                href = element.attrib.get("href")
                if href is not None and not safe_final(href):
                    yield f"{path}: unsafe link {href!r}"
        elif path.endswith(".json"):
            try:
                json.loads(data)
            except ValueError as exc:
                yield f"{path}: not JSON: {exc}"
        elif path.endswith(".csv"):
            yield from (f"{path}: {problem}" for problem in csv_problems(data))
        elif path.endswith(".ics"):
            try:
                Calendar.from_ical(data)
            except ValueError as exc:
                yield f"{path}: not iCalendar: {exc}"
        elif path in ("robots.txt", "_headers"):
            yield from (f"{path}: {line!r}" for line in data.decode("utf-8").split("\n")
                        if not _line_is_expected(path, line))


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_problems(data: bytes) -> Iterator[str]:
    """A CSV that Python's reader cannot read row by row with the header's columns, or a cell a
    spreadsheet would run as a formula."""
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    except (UnicodeDecodeError, csv.Error) as exc:
        yield f"not CSV: {exc}"
        return
    width = len(rows[0]) if rows else 0
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != width:
            yield f"row {number} has {len(row)} cells, the header {width}"
        yield from (f"row {number}: a formula {cell!r}" for cell in row if cell.startswith(_FORMULA))


def _line_is_expected(path: str, line: str) -> bool:
    if not line or line.startswith("#"):
        return True
    if path == "robots.txt":
        return line.split(":", 1)[0] in ("User-agent", "Allow", "Disallow", "Sitemap") and \
            (not line.startswith("Disallow") or line == "Disallow: /")
    return (line.startswith("/") and " " not in line) or (line.startswith("  ") and ": " in line)
