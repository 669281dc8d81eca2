"""The reference tables of ``docs/format.md``, written from :mod:`generator.schema`.

Each table sits between ``<!-- schema:NAME -->`` and ``<!-- /schema:NAME -->``,
where NAME is the schema's name (``page``, ``component``, ``components.yml``,
``incident``, ``update``, ``window``). After changing a :class:`~generator.schema.Field`,
run ``python -c 'from generator.docs import update_format_doc; update_format_doc()'``.
"""

from __future__ import annotations

import re
from pathlib import Path

from .schema import SCHEMAS, markdown_table

FORMAT_DOC = Path(__file__).resolve().parent.parent / "docs" / "format.md"


def markers(name: str) -> tuple[str, str]:
    """The comments that open and close the table of the schema called ``name``."""
    return f"<!-- schema:{name} -->", f"<!-- /schema:{name} -->"


def tables() -> dict[str, str]:
    """Every schema's name and its reference table."""
    return {schema.name: markdown_table(schema) for schema in SCHEMAS}


def _block(name: str) -> re.Pattern[str]:
    start, end = markers(name)
    return re.compile(re.escape(start) + r"\n?(.*?)" + re.escape(end), re.DOTALL)


def table_in(text: str, name: str) -> str | None:
    """The text between the markers of ``name``, or ``None`` when they are missing."""
    found = _block(name).search(text)
    return found.group(1) if found else None


def with_tables(text: str) -> str:
    """``text`` with every table between its markers rewritten from the schema."""
    for name, table in tables().items():
        start, end = markers(name)
        found = _block(name).search(text)
        if not found:
            raise ValueError(f"{start} … {end} is missing; add the two lines where the table goes")
        text = f"{text[:found.start()]}{start}\n{table}{end}{text[found.end():]}"
    return text


def update_format_doc(path: Path = FORMAT_DOC) -> bool:
    """Rewrite the tables of ``docs/format.md``; ``True`` when the file changed."""
    text = path.read_text(encoding="utf-8")
    updated = with_tables(text)
    if updated == text:
        return False
    path.write_text(updated, encoding="utf-8")
    return True
