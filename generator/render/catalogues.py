"""The catalogues' upkeep: every message of the theme and the renderers, extracted with Babel,
merged into each shipped language's ``.po`` and compiled to the ``.mo`` statusgen reads.

``make catalogues`` runs :func:`update` after a word changes; a test runs :func:`problems`, so
a message added without its translations, a fuzzy entry, a placeholder a translation lost
or a ``.mo`` older than its ``.po`` fails the suite.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract, extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from jinja2.ext import babel_extract

from statusgen import languages
from statusgen.render.i18n import DOMAIN, LOCALES, cldr_locale, folder, placeholders
from statusgen.render.theme import BUILTIN

PACKAGE = Path(__file__).resolve().parents[1]
KEYWORDS: dict[str, Any] = {
    "_": None, "gettext": None, "N_": None, "ngettext": (1, 2), "n_": (1, 2),
    "pgettext": ((1, "c"), 2), "p_": ((1, "c"), 2),
}
"""The calls whose first arguments are messages: gettext's names, and :class:`Language`'s."""
SOURCES = ("render/*.py", "serve/client.py", "notify/*.py", "subscriptions/*.py")
"""The modules that say words to readers (the notifications' messages included)."""


def _sources() -> Iterator[tuple[Path, str]]:
    for template in sorted(BUILTIN.glob("*.html")):
        yield template, "jinja"
    for pattern in SOURCES:
        for module in sorted(PACKAGE.glob(pattern)):
            yield module, "python"


def source_catalog() -> Catalog:
    """Every message statusgen shows, in English, where each is written."""
    catalog = Catalog(project="statusgen", domain=DOMAIN, locale="en", fuzzy=False)
    for path, kind in _sources():
        method: Any = babel_extract if kind == "jinja" else extract_python
        with path.open("rb") as handle:
            for line, message, comments, context in extract(method, handle, KEYWORDS,
                                                            options={"trimmed": "true"}):
                where = path.relative_to(PACKAGE.parent if kind == "python" else path.parents[2])
                catalog.add(message, locations=[(where.as_posix(), line)], auto_comments=comments,
                            context=context)
    return catalog


def po_path(tag: str) -> Path:
    return LOCALES / f"{folder(tag)}.po"


def _mo(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def _read(tag: str) -> Catalog:
    path = po_path(tag)
    if not path.is_file():
        return Catalog(locale=cldr_locale(tag), domain=DOMAIN)
    with path.open("rb") as handle:
        return read_po(handle, locale=cldr_locale(tag))


def update() -> None:
    """Merge the source's messages into every shipped language's ``.po`` and compile it."""
    template = source_catalog()
    for tag in languages.LANGUAGES:
        if tag == "en":
            continue
        catalog = _read(tag)
        created = catalog.creation_date  # kept, so an update changes only what changed
        catalog.update(template, no_fuzzy_matching=True)
        catalog.creation_date = created
        catalog.obsolete.clear()
        path = po_path(tag)
        path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        write_po(buffer, catalog, width=100, omit_header=False, sort_output=True,
                 include_previous=False)
        path.write_bytes(buffer.getvalue())
        path.with_suffix(".mo").write_bytes(_mo(catalog))


def _strings(message: Message) -> tuple[str, ...]:
    value = message.string
    return tuple(value) if isinstance(value, tuple | list) else (value or "",)


def problems(tag: str, template: Catalog | None = None) -> list[str]:
    """What keeps ``tag``'s shipped catalogue from being complete, right and compiled, each as
    one line; ``template`` is :func:`source_catalog`, when the caller has it already."""
    catalog = _read(tag)
    found = catalog_problems(tag, catalog, template or source_catalog())
    mo = po_path(tag).with_suffix(".mo")
    if not mo.is_file() or mo.read_bytes() != _mo(catalog):
        found.append(f"{tag}: {mo.relative_to(PACKAGE.parent)} is not compiled from its .po")
    return found


def catalog_problems(tag: str, catalog: Catalog, template: Catalog) -> list[str]:
    """Each message of ``template`` missing from ``catalog``, fuzzy, with other placeholders
    or with markup, and each message ``catalog`` has that statusgen no longer says."""
    found: list[str] = []
    for source in template:
        if not source.id:
            continue
        key = source.id if not isinstance(source.id, tuple | list) else source.id[0]
        message = catalog.get(key, context=source.context)
        if message is None:
            found.append(f"{tag}: `{key}` is not translated")
            continue
        if message.fuzzy:
            found.append(f"{tag}: `{key}` is fuzzy")
        wanted = placeholders(source.id[-1] if isinstance(source.id, tuple | list) else source.id)
        strings = _strings(message)
        if len(strings) != catalog.num_plurals and isinstance(source.id, tuple | list):
            found.append(f"{tag}: `{key}` has {len(strings)} plural forms, not {catalog.num_plurals}")
        for text in strings:
            if not text:
                found.append(f"{tag}: `{key}` is not translated")
            elif placeholders(text) - wanted or (not isinstance(source.id, tuple | list)
                                                 and placeholders(text) != wanted):
                found.append(f"{tag}: `{key}` has the placeholders {sorted(placeholders(text))}, "
                             f"the message {sorted(wanted)}")
            elif any(c in text for c in "<>&") and not any(c in key for c in "<>&"):
                found.append(f"{tag}: `{key}` holds markup: {text}")
    ids = {(s.id if not isinstance(s.id, tuple | list) else s.id[0], s.context)
           for s in template if s.id}
    for message in catalog:
        key = message.id if not isinstance(message.id, tuple | list) else message.id[0]
        if message.id and (key, message.context) not in ids:
            found.append(f"{tag}: `{key}` is no longer a message of statusgen")
    return found


def main(argv: list[str]) -> int:
    """``python -m statusgen.render.catalogues update|check``."""
    if argv[1:] == ["update"]:
        update()
        return 0
    if argv[1:] == ["check"]:
        template = source_catalog()
        lines = [line for tag in languages.LANGUAGES if tag != "en" for line in problems(tag, template)]
        print("\n".join(lines) or "every catalogue is complete")
        return 1 if lines else 0
    print("usage: python -m statusgen.render.catalogues update|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
