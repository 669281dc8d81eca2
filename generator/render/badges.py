"""Status badges: SVG images and shields.io endpoint JSON, for the page and every component.

``badge.svg`` and ``components/<id>/badge.svg`` are small flat badges that say the
status in words (``status | operational``), dark text on a light fill, so they read
on light and dark backgrounds and never rely on colour alone.  ``api/shields/<id>.json``
and ``api/shields/page.json`` feed shields.io's endpoint badge for other styles.

Pure functions of the (already redacted) snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from statusgen import model as m
from statusgen.compute.views import Snapshot
from statusgen.render.api import dump
from statusgen.render.feeds import xml_text
from statusgen.render.i18n import N_, Language, translator

SHIELDS = "api/shields"


def badge_path(component_id: str | None) -> str:
    return "badge.svg" if component_id is None else f"components/{component_id}/badge.svg"


def shields_path(component_id: str | None) -> str:
    return f"{SHIELDS}/{'page' if component_id is None else component_id}.json"


@dataclass(frozen=True)
class Tone:
    """A badge colour: light fill, dark text, a border, and shields.io's colour name."""

    fill: str
    text: str
    border: str
    shields: str


# Every text colour has a contrast of at least 7:1 on its fill (tests check 4.5:1).
LABEL = Tone("#eef0f3", "#1f2328", "#8c959f", "lightgrey")
TONES: dict[str, Tone] = {
    "operational": Tone("#dcfce7", "#14532d", "#4d9a6a", "brightgreen"),
    "maintenance": Tone("#dbeafe", "#1e3a8a", "#5b82c7", "blue"),
    "minor": Tone("#fef9c3", "#713f12", "#b89b2a", "yellow"),
    "major": Tone("#ffedd5", "#7c2d12", "#c7773d", "orange"),
    "critical": Tone("#fee2e2", "#7f1d1d", "#c75454", "red"),
}
LEVEL_TONES: dict[m.Level, str] = {
    m.Level.OPERATIONAL: "operational",
    m.Level.UNDER_MAINTENANCE: "maintenance",
    m.Level.DEGRADED_PERFORMANCE: "minor",
    m.Level.PARTIAL_OUTAGE: "major",
    m.Level.MAJOR_OUTAGE: "critical",
}
INDICATOR_TONES: dict[str, str] = {
    "none": "operational",
    "maintenance": "maintenance",
    "minor": "minor",
    "major": "major",
    "critical": "critical",
}

# A badge's words, lower case as badges write them (shields.io's habit); each language
# writes them as it would on a badge.
LEVEL_WORDS: dict[m.Level, str] = {
    m.Level.OPERATIONAL: N_("operational"),
    m.Level.UNDER_MAINTENANCE: N_("under maintenance"),
    m.Level.DEGRADED_PERFORMANCE: N_("degraded performance"),
    m.Level.PARTIAL_OUTAGE: N_("partial outage"),
    m.Level.MAJOR_OUTAGE: N_("major outage"),
}
INDICATOR_WORDS: dict[str, str] = {
    "none": N_("all systems operational"),
    "minor": N_("minor service outage"),
    "major": N_("partial system outage"),
    "critical": N_("major system outage"),
    "maintenance": N_("service under maintenance"),
}
LABEL_WORD = N_("status")

FONT_SIZE = 11
HEIGHT = 20
PAD = 6
# Approximate advance widths at 11 px of Verdana / DejaVu Sans (the widest common sans
# fonts), so the text fits whichever the reader has; unknown characters count as wide.
_NARROW = set("fijlrtI.,:;'|!() ")
_WIDE = set("mwMW@%")


def text_width(text: str) -> int:
    """An upper estimate of ``text``'s width in pixels, deterministic."""
    width = 0.0
    for char in text:
        if char in _NARROW:
            width += 4.0
        elif char in _WIDE:
            width += 10.5
        elif char.isupper() or char.isdigit():
            width += 7.8
        elif char.isascii():
            width += 7.0
        else:
            width += 9.0
    return int(width + 0.999)


def render_svg(label: str, message: str, tone: Tone) -> str:
    """A flat two-part badge; the words carry the status, the colour only repeats it."""
    label, message = xml_text(label), xml_text(message)
    left = text_width(label) + 2 * PAD
    right = text_width(message) + 2 * PAD
    total = left + right
    title = f"{label}: {message}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="{HEIGHT}" '
        f'viewBox="0 0 {total} {HEIGHT}" role="img" aria-label={quoteattr(title)}>\n'
        f"  <title>{escape(title)}</title>\n"
        f'  <rect x="0.5" y="0.5" width="{left - 1}" height="{HEIGHT - 1}" rx="3" '
        f'fill="{LABEL.fill}" stroke="{LABEL.border}"/>\n'
        f'  <rect x="{left - 0.5}" y="0.5" width="{right}" height="{HEIGHT - 1}" rx="3" '
        f'fill="{tone.fill}" stroke="{tone.border}"/>\n'
        f'  <g font-family="Verdana,DejaVu Sans,Geneva,sans-serif" font-size="{FONT_SIZE}" '
        f'text-anchor="middle" aria-hidden="true">\n'
        f'    <text x="{left / 2:g}" y="14" fill="{LABEL.text}">{escape(label)}</text>\n'
        f'    <text x="{left + right / 2:g}" y="14" fill="{tone.text}">{escape(message)}</text>\n'
        f"  </g>\n"
        f"</svg>\n"
    )


def _shields(label: str, message: str, tone: Tone) -> bytes:
    doc = {"schemaVersion": 1, "label": label, "message": message, "color": tone.shields}
    return dump(doc)


def render_badges(snap: Snapshot, lang: Language | None = None) -> dict[str, bytes]:
    """``badge.svg``, every component's and group's badge, and their shields.io JSON, in
    ``lang`` (``page.language``'s words by default)."""
    lang = lang or translator(snap.page.language)
    out: dict[str, bytes] = {}
    for component in snap.config.walk():
        level = snap.levels[component.id]
        tone = TONES[LEVEL_TONES[level]]
        message = lang.gettext(LEVEL_WORDS[level])
        out[badge_path(component.id)] = render_svg(component.name, message, tone).encode("utf-8")
        out[shields_path(component.id)] = _shields(component.name, message, tone)
    # Last, so a component with the id ``page`` cannot take the page's shields.io JSON.
    tone = TONES[INDICATOR_TONES[snap.indicator]]
    message = lang.gettext(INDICATOR_WORDS[snap.indicator])
    label = lang.gettext(LABEL_WORD)
    out[badge_path(None)] = render_svg(label, message, tone).encode("utf-8")
    out[shields_path(None)] = _shields(label, message, tone)
    return out
