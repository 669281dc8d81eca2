"""The languages statusgen's words are shipped in, and how language tags relate.

Below the model and every room that reads a language tag (the schema, rendering, the
dev server), so none of them needs the model for it.
"""

from __future__ import annotations

LANGUAGES: dict[str, str] = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "pt-BR": "Português (Brasil)",
    "it": "Italiano",
    "nl": "Nederlands",
    "pl": "Polski",
    "ja": "日本語",
    "zh-Hans": "简体中文",
    "ko": "한국어",
    "ar": "العربية",
    "he": "עברית",
}
"""The languages statusgen's words are shipped in (a catalogue each under ``generator/locales/``),
by BCP 47 tag, with the name readers of each know it by."""


def shipped_language(tag: str) -> str | None:
    """The shipped language whose words ``tag`` takes: ``de`` for ``de`` and ``de-AT``,
    ``zh-Hans`` for ``zh-Hans-SG``; ``None`` when none is shipped."""
    parts = tag.split("-")
    for end in range(len(parts), 0, -1):
        candidate = "-".join(parts[:end])
        for known in LANGUAGES:
            if known.lower() == candidate.lower():
                return known
    return None


def same_language(a: str, b: str) -> bool:
    """``de`` and ``de-AT`` are read by the same readers; ``en`` and ``de`` are not."""
    a, b = a.lower(), b.lower()
    return a == b or a.startswith(b + "-") or b.startswith(a + "-")
