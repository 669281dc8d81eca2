"""What a link in an incident means, decided on the value a browser would follow.

A link's safety is never decided on the text as written: ``../javascript:x``
only becomes a scheme once it is rebased, ``%2E`` only becomes a dot once it
is decoded, and browsers drop tabs and line breaks from URLs before they read
the scheme.  :func:`classify` therefore decodes and normalises first and
answers what the link is — an external address, a page of the site, another
entry, a file beside the incidents — or why it may not be published.
:func:`safe_final` checks the URL that ends up in an ``href``, after every
rewrite, as the last word.
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote, unquote

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
INCIDENTS = "incidents"

_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")
# What the URL standard strips from both ends (C0 controls and space) and removes
# everywhere (tab and line breaks) before a browser parses a URL.
_EDGES = "".join(chr(c) for c in range(0x21))
_REMOVED = str.maketrans("", "", "\t\n\r")


def browser_form(url: str) -> str:
    """``url`` as a browser reads it before parsing: ends trimmed, tabs and newlines gone."""
    return url.strip(_EDGES).translate(_REMOVED)


def scheme(url: str) -> str | None:
    """The lower-case scheme a browser would see in ``url`` (also once percent-decoded)."""
    for form in (browser_form(url), browser_form(unquote(url))):
        found = _SCHEME.match(form)
        if found:
            return found.group()[:-1].lower()
    return None


def safe_final(url: str) -> bool:
    """Whether ``url`` may stand in an ``href`` or ``src``: no scheme, or http(s)/mailto."""
    found = scheme(url)
    return found is None or found in SAFE_SCHEMES


class Kind(StrEnum):
    """What a link in an incident points at."""

    EXTERNAL = "external"
    """An http(s) or mailto address, or a protocol-relative one: published as written."""
    FRAGMENT = "fragment"
    """``#section`` on the same page."""
    SITE = "site"
    """A path on the site's host (``/api/...``), or a folder of the site (``../history/``)."""
    ENTRY = "entry"
    """Another incident or maintenance, by its file (``other.md``)."""
    FILE = "file"
    """A file beside the incidents, copied into the site (an image, a PDF)."""
    OUTSIDE = "outside"
    """A file outside ``incidents/``: never copied, so it cannot be linked."""
    UNSAFE = "unsafe"
    """Refused: a scheme that can run code, a path leaving the site, a ``:`` in a path."""


@dataclass(frozen=True)
class Link:
    """A classified link: ``target`` is the entry id, the file's path under ``incidents/``,
    the site path, or the address; ``reason`` says why an unsafe link is refused."""

    kind: Kind
    target: str
    fragment: str = ""
    reason: str = ""


def _unsafe(reason: str) -> Link:
    return Link(Kind.UNSAFE, "", reason=reason)


# A pure function of the string, asked again for every link of every entry by the checks, the
# attachments and each page's key on every build (300,000 times for 10,000 post-mortems):
# remembered, its answer for a link is the same object, immutable, whoever asks.
@functools.lru_cache(maxsize=1 << 16)
def classify(url: str) -> Link:
    """What ``url``, written in an incident (relative to ``incidents/``), points at."""
    form = browser_form(url)
    found = scheme(url)
    if found is not None:
        if found in SAFE_SCHEMES:
            return Link(Kind.EXTERNAL, form)
        return _unsafe(f"`{found}:` links are not allowed; use http, https or mailto")
    if form.startswith(("//", "\\\\", "/\\", "\\/")):
        return Link(Kind.EXTERNAL, form)
    if form.startswith("#"):
        return Link(Kind.FRAGMENT, "", fragment=form[1:])
    address, _, fragment = form.partition("#")
    path = unquote(address.partition("?")[0])
    if "\\" in path or "\0" in path:
        return _unsafe("a link path may not contain `\\`; use `/`")
    if path.startswith("/"):
        return Link(Kind.SITE, posixpath.normpath(path) + ("/" if path.endswith("/") else ""),
                    fragment)
    site = posixpath.normpath(f"{INCIDENTS}/{path}")
    if site == ".." or site.startswith("../"):
        return _unsafe("the link leaves the site; link a page of the site, or use an https address")
    hidden = scheme(site)
    if hidden is not None:
        return _unsafe(f"this becomes a `{hidden}:` link on the front page; use http, https or "
                       "mailto links only")
    if any(":" in part for part in site.split("/")):
        # Relative to some page the part with `:` comes first, and a browser reads a scheme.
        return _unsafe("a relative link may not contain `:`; rename the file, or use an https address")
    folder = path.endswith("/") or path in ("", ".")
    inside = site.startswith(f"{INCIDENTS}/")
    name = site[len(INCIDENTS) + 1:] if inside else ""
    if folder:
        return Link(Kind.SITE, site + ("/" if site != "." else ""), fragment)
    if not inside:
        return Link(Kind.OUTSIDE, site, fragment)
    if name.endswith(".md") and "/" not in name:
        return Link(Kind.ENTRY, name[: -len(".md")], fragment)
    return Link(Kind.FILE, name, fragment)


def encode_path(path: str) -> str:
    """A decoded site path as it is written in an ``href``."""
    return quote(path, safe="/-._~!$&'()*+,;=@")
