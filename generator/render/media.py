"""The media types of the site's outputs, known once: the dev server sends them, ``_headers``
declares them for hosts that would guess, and pages name the feeds' types in their links."""

from __future__ import annotations

from pathlib import PurePosixPath

ATOM = "application/atom+xml"
RSS = "application/rss+xml"

MEDIA_TYPES = {
    ".atom": f"{ATOM}; charset=utf-8",
    ".rss": f"{RSS}; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
}
"""By file extension: the outputs statusgen writes, and the text files a theme may carry."""


def media_type(path: str) -> str | None:
    """The media type of an output path, or ``None`` when statusgen does not know it."""
    return MEDIA_TYPES.get(PurePosixPath(path).suffix.lower())
