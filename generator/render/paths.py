"""Where each output lives in the site, and links between them.

HTML pages link relatively, so the site works under any sub-path and from a
preview artifact; feeds and the API link absolutely, from ``page.url``.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

INDEX = "index.html"


def incident_page(entry_id: str) -> str:
    return f"incidents/{entry_id}/{INDEX}"


def component_page(component_id: str) -> str:
    return f"components/{component_id}/{INDEX}"


def unresolved_page() -> str:
    """Every unresolved incident (``unresolved`` is a reserved id, so no entry has it)."""
    return f"incidents/unresolved/{INDEX}"


def search_page() -> str:
    """The search box over the whole history (its index is written by the build, see
    :mod:`statusgen.output.search`)."""
    return f"search/{INDEX}"


def entry_pages() -> re.Pattern[str]:
    """The paths of the entry pages, in every language's edition: what search indexes."""
    return re.compile(r"(?:[A-Za-z_-]+/)?incidents/(?!unresolved/)[^/]+/" + re.escape(INDEX))


SEARCH_BUNDLE = "pagefind/"
"""Where the build writes the search index: at the site's root, for every language."""


def history_page(year: int | None = None) -> str:
    return f"history/{INDEX}" if year is None else f"history/{year}/{INDEX}"


def relative(from_page: str, to: str) -> str:
    """A link from the page at ``from_page`` to the output ``to``.

    Links name ``index.html`` so that a downloaded preview opened from disk works
    as well as the served site, under any sub-path. A folder ``to`` (ending in
    ``/``) stays a folder link, for ``rebase`` of incident bodies.
    """
    # Both are clean paths inside the site, so plain string work does what relpath does
    # without asking the file system for the current folder, once per link of every page.
    here = from_page.split("/")[:-1]
    folder = to.endswith("/") or not to
    there = [p for p in to.split("/") if p]
    common = 0
    while common < min(len(here), len(there) - (0 if folder else 1)) and \
            here[common] == there[common]:
        common += 1
    parts = [".."] * (len(here) - common) + there[common:]
    link = "/".join(parts)
    if folder:
        return link + "/" if link else "./"
    return link


def absolute(page_url: str, to: str) -> str:
    """The public address of an output, from ``page.url`` (which ends with ``/``)."""
    target = to[: -len(INDEX)] if to.endswith(INDEX) else to
    if page_url.endswith("/") and not target.startswith(("/", ".")) and ":" not in target:
        return page_url + target  # a clean path inside the site: what urljoin gives, cheaper
    return urljoin(page_url, target)
