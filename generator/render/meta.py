"""Site metadata: ``sitemap.xml``, ``robots.txt``, ``_headers`` and ``CNAME``.

:func:`render_meta` takes the snapshot and the paths of every other output, and
is pure.  ``_headers`` is the format of Netlify and Cloudflare Pages: it makes
the API readable from any origin, keeps caches of the live files short,
gives feeds and the calendar their media types, and with a subscriptions
service lets the pages' form post to it and nowhere else.  Rules carry ``page.url``'s path
(``/status/api/*`` for a page at ``https://example.com/status/``).  ``CNAME`` is
GitHub Pages' record of a custom domain: written for a public build whose ``page.url``
is a host name of its own at the root, unless ``page.cname`` is ``false``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from statusgen.compute.views import Snapshot
from statusgen.render import paths
from statusgen.render.around import Around, Site
from statusgen.render.editions import editions
from statusgen.render.media import media_type
from statusgen.steps import Runner, direct

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
EXCLUDED = frozenset({"404.html"})
EMBED_PAGE = "embed/index.html"
"""The widget's page (:mod:`statusgen.render.embed`), named here too: embed imports the pages."""
MAX_AGE = 60
"""Seconds a cache may keep the API, feeds, badges and calendar: they change with every build."""



def pages(outputs: Collection[str], prefixes: Collection[str] = ("",)) -> list[str]:
    """The HTML pages among ``outputs`` that belong in the sitemap: not the 404 page, nor the
    widget's page for an iframe in each edition (of ``prefixes``)."""
    left_out = EXCLUDED | {prefix + EMBED_PAGE for prefix in prefixes}
    return sorted(p for p in outputs if p.endswith(".html") and p not in left_out)


def sitemap(snap: Around, outputs: Collection[str]) -> bytes:
    ET.register_namespace("", SITEMAP_NS)
    urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    prefixes = [e.prefix for e in editions(snap.page)]
    for url in sorted(paths.absolute(snap.page.url, p) for p in pages(outputs, prefixes)):
        item = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(item, f"{{{SITEMAP_NS}}}loc").text = url
    ET.indent(urlset)
    body: bytes = ET.tostring(urlset, encoding="utf-8", xml_declaration=True)
    return body + b"\n"


_LINE_BREAKS = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")


def _line(value: str) -> str:
    """A value written into a line-based file (``robots.txt``, ``_headers``): without any
    character that would end its line and start another. ``page.url`` is validated to hold
    none; this keeps the files whole even if a value were not."""
    return _LINE_BREAKS.sub("", value)


def robots(snap: Around) -> bytes:
    """Allow everything; an internal build asks every robot to stay away."""
    lines = ["User-agent: *"]
    lines.append("Disallow: /" if snap.internal else "Allow: /")
    if not snap.internal:
        lines += ["", f"Sitemap: {_line(paths.absolute(snap.page.url, 'sitemap.xml'))}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def prefix(snap: Around) -> str:
    """``page.url``'s path, always ending with ``/``: ``/`` or ``/status/``."""
    path = urlsplit(snap.page.url).path or "/"
    return path if path.endswith("/") else path + "/"


def matches(pattern: str, path: str) -> bool:
    """Whether a ``_headers`` pattern (``*`` splat, ``:name`` placeholder) matches ``path``."""
    regex = "".join(
        ".*" if part == "*" else "[^/]+" if part.startswith(":") else re.escape(part)
        for part in re.split(r"(\*|:[a-z]+)", pattern)
    )
    return re.fullmatch(regex, path) is not None


_LIVE = (".atom", ".rss", ".ics")
"""Feeds and the calendar: with badges, the files readers poll and other sites embed."""


def _rule(path: str, prefixes: tuple[str, ...]) -> tuple[int, str] | None:
    """The ``_headers`` pattern an output falls under (the API of its edition, or its own
    path with a component's id as ``:id``), with its edition's place; ``None`` for a page
    or asset, which keeps the host's defaults."""
    place, edition = next(((i, p) for i, p in enumerate(prefixes) if p and path.startswith(p)),
                          (0, ""))
    rest = path[len(edition):]
    if rest.startswith("api/"):
        return place, edition + "api/*"
    if not rest.endswith(_LIVE) and PurePosixPath(rest).name != "badge.svg":
        return None
    parts = rest.split("/")
    if len(parts) == 3 and parts[0] == "components":
        parts[1] = ":id"
    return place, edition + "/".join(parts)


def policy(snap: Around) -> str:
    """The ``Content-Security-Policy`` of every page: with a subscriptions service, forms may
    post to this site and to the service's origin alone; nothing without one (the site has
    no form of its own)."""
    declared = snap.config.subscriptions
    if declared is None:
        return ""
    parts = urlsplit(declared.url)
    return _line(f"form-action 'self' {parts.scheme}://{parts.netloc}")


def headers(snap: Around, outputs: Collection[str]) -> bytes:
    """Netlify / Cloudflare Pages ``_headers``: a block per URL pattern that matches an
    output, made from the outputs of every edition, no two setting the same header on
    one file."""
    base = _line(prefix(snap))
    cache = f"Cache-Control: public, max-age={MAX_AGE}"
    cors = "Access-Control-Allow-Origin: *"
    prefixes = tuple(e.prefix for e in editions(snap.page))
    rules = {rule for path in outputs if (rule := _rule(path, prefixes)) is not None}
    lines = ["# Response headers for Netlify and Cloudflare Pages; written by statusgen."]
    # Each edition's API first, then its other files by name: the same order every build.
    for _, pattern in sorted(rules, key=lambda r: (r[0], not r[1].endswith("api/*"), r[1])):
        lines.append(base + pattern)
        if pattern.endswith("api/*"):
            lines += [f"  {cors}", f"  {cache}"]
        else:
            lines += [f"  {cors}", f"  {cache}", f"  Content-Type: {media_type(pattern)}"]
    everywhere = [f"Content-Security-Policy: {csp}"] if (csp := policy(snap)) else []
    if snap.internal:
        everywhere.append("X-Robots-Tag: noindex")
    if everywhere:
        lines.append(base + "*")
        lines += [f"  {header}" for header in everywhere]
    return ("\n".join(lines) + "\n").encode("utf-8")


_IP = re.compile(r"[0-9.]+\Z|\[")


def cname(snap: Around) -> dict[str, bytes]:
    """``CNAME`` naming the custom domain, or nothing: for ``*.github.io`` (GitHub's own),
    an address, ``localhost``, a page under a path (the domain is then another site's, which
    would hold the file), or an internal build (never published at the public domain)."""
    parts = urlsplit(snap.page.url)
    host = (parts.hostname or "").lower()
    if not snap.page.cname or snap.internal or parts.path.strip("/") or parts.port or \
            not host or "." not in host or _IP.match(host) or host.endswith(".github.io"):
        return {}
    try:  # GitHub takes the ASCII form of an internationalised name
        written = _line(host).encode("idna")
    except UnicodeError:
        return {}
    return {"CNAME": written + b"\n"}


@dataclass(frozen=True)
class Meta:
    """What the site's own files read: the settings, the build, and every output's path."""

    site: Site
    outputs: tuple[str, ...]


def meta_step(item: Meta) -> dict[str, bytes]:
    """The step that writes ``sitemap.xml``, ``robots.txt``, ``_headers`` and ``CNAME``
    (:func:`cname`)."""
    return {
        "sitemap.xml": sitemap(item.site, item.outputs),
        "robots.txt": robots(item.site),
        "_headers": headers(item.site, item.outputs),
        **cname(item.site),
    }


def render_meta(snap: Snapshot, outputs: Collection[str], run: Runner = direct) -> dict[str, bytes]:
    """The site's own files for a site of ``outputs``: made again only when a file appears
    or goes, or the settings change."""
    return dict(run(meta_step, [Meta(Site(snap.config, snap.internal), tuple(sorted(outputs)))])[0])
