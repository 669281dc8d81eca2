"""Messages as plain text, for the places that show no HTML: the calendar's descriptions and
the JSON API's update bodies (Statuspage's are plain text, and its clients show them so)."""

from __future__ import annotations

from statusgen.render.markdown import Rewrite, fill_text
from statusgen.source.markdown import prose


def plain_text(markdown: str, rewrite: Rewrite | None = None) -> str:
    """Markdown not read with a file as plain text: paragraphs and list items on their own
    lines, links through ``rewrite`` with their URL in brackets."""
    return fill_text(prose(markdown), rewrite)
