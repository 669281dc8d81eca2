"""Badges: accessible SVG that says the status in words, and shields.io endpoint JSON."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest
from jsonschema import Draft202012Validator

from statusgen import model as m
from statusgen.render.badges import (
    INDICATOR_TONES,
    LABEL,
    LEVEL_TONES,
    TONES,
    Tone,
    render_badges,
    render_svg,
    text_width,
)
from statusgen.render.labels import LEVELS
from tests.datasource import example_snapshot

SVG = "{http://www.w3.org/2000/svg}"

SHIELDS_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["schemaVersion", "label", "message", "color"],
    "properties": {
        "schemaVersion": {"const": 1},
        "label": {"type": "string", "minLength": 1},
        "message": {"type": "string", "minLength": 1},
        "color": {"enum": ["brightgreen", "green", "yellow", "orange", "red", "blue", "lightgrey"]},
    },
}


def luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.fixture(scope="module")
def badges() -> dict[str, bytes]:
    return render_badges(example_snapshot())


def test_the_paths(badges: dict[str, bytes]) -> None:
    ids = [c.id for c in example_snapshot().config.walk()]
    assert set(badges) == ({"badge.svg", "api/shields/page.json"}
                           | {f"components/{i}/badge.svg" for i in ids}
                           | {f"api/shields/{i}.json" for i in ids})


def test_svg_badges_are_accessible_images(badges: dict[str, bytes]) -> None:
    for path, data in badges.items():
        if not path.endswith(".svg"):
            continue
        root = ET.fromstring(data)
        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "img"
        title = root.findtext(f"{SVG}title")
        assert title and root.get("aria-label") == title
        texts = [t.text for t in root.iter(f"{SVG}text")]
        assert title == f"{texts[0]}: {texts[1]}"
        assert int(root.get("width", "0")) >= sum(text_width(t or "") for t in texts)


def test_badges_say_the_status_in_words(badges: dict[str, bytes]) -> None:
    snap = example_snapshot()
    page = ET.fromstring(badges["badge.svg"])
    assert page.findtext(f"{SVG}title") == "status: partial system outage"
    api = ET.fromstring(badges["components/api/badge.svg"])
    assert api.findtext(f"{SVG}title") == "Public API: degraded performance"
    for component in snap.config.walk():
        root = ET.fromstring(badges[f"components/{component.id}/badge.svg"])
        words = LEVELS[snap.levels[component.id]].lower()
        assert root.findtext(f"{SVG}title") == f"{component.name}: {words}"


@pytest.mark.parametrize("tone", [LABEL, *TONES.values()])
def test_text_contrast_is_at_least_4_5(tone: Tone) -> None:
    assert contrast(tone.fill, tone.text) >= 4.5
    # Light fills carry the words, so the badge reads the same on a dark page.
    assert luminance(tone.fill) > 0.6


def test_markup_in_names_is_escaped() -> None:
    svg = render_svg("A <b> & \"c\"", "operational", TONES["operational"])
    root = ET.fromstring(svg)
    assert root.findtext(f"{SVG}title") == 'A <b> & "c": operational'


def test_shields_endpoint_json(badges: dict[str, bytes]) -> None:
    validator = Draft202012Validator(SHIELDS_SCHEMA)
    for path, data in badges.items():
        if path.endswith(".json"):
            assert data.endswith(b"}\n")
            validator.validate(json.loads(data))
    assert json.loads(badges["api/shields/page.json"]) == {
        "schemaVersion": 1, "label": "status", "message": "partial system outage", "color": "orange"}
    assert json.loads(badges["api/shields/api.json"]) == {
        "schemaVersion": 1, "label": "Public API", "message": "degraded performance",
        "color": "yellow"}
    assert json.loads(badges["api/shields/db.json"])["color"] == "brightgreen"


def test_every_level_has_a_tone() -> None:
    assert set(LEVEL_TONES) == set(m.Level)
    assert set(INDICATOR_TONES) == {"none", "minor", "major", "critical", "maintenance"}
    assert set(LEVEL_TONES.values()) <= set(TONES)


def test_output_is_deterministic() -> None:
    assert render_badges(example_snapshot()) == render_badges(example_snapshot())


def test_control_characters_are_dropped() -> None:
    root = ET.fromstring(render_svg("A\x0bB", "operational", TONES["operational"]))
    assert root.findtext(f"{SVG}title") == "AB: operational"
