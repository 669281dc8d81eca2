"""Markdown read once, as templates a page fills: the reading the model keeps of every
message and body, made by :mod:`statusgen.source.markdown` and filled by
:mod:`statusgen.render.markdown`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Slot:
    """Where a link or an image stands in a :class:`Prose`, as written."""

    url: str
    """The URL as markdown-it read it (normalised, not escaped)."""
    line: int
    """The 0-based line of the text its paragraph or list item starts on."""
    tail: str
    """The rest of the opening tag after the URL's value: ``" title=\"…\">"``."""
    image: bool = False
    alt: str = ""
    """An image's alternative text, escaped: what shows when the image may not."""


@dataclass(frozen=True)
class Prose:
    """Markdown read once: templates of its HTML and of its plain text, with a slot for each
    link and image that render fills with the URL the page may publish (or leaves out).

    In both templates the even items are text and the odd ones slot codes: ``a<n>`` opens
    link *n*, ``/<n>`` closes it, ``i<n>`` is image *n*.  ``source`` is the Markdown it was
    read from: a model object copied with another message keeps a reading that no longer
    matches, and render reads the new text instead.
    """

    source: str = ""
    html: tuple[str, ...] = ("",)
    text: tuple[str, ...] = ("",)
    slots: tuple[Slot, ...] = ()
