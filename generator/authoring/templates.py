"""Incident templates: ``templates/NAME.md`` in the repository, an incident file's front matter
(every key but ``updates``) and, as its body, the first update's message, with placeholders
``{name}`` that ``statusgen new --template NAME --var name=VALUE`` fills.

The file written is the template's front matter as written (comments and key order kept),
then the first update; it is validated like any new incident before it is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from statusgen.authoring.text import AuthoringError, NewUpdate, new_update_lines
from statusgen.diagnostics import Diagnostic
from statusgen.source.parse import decode, split_front_matter
from statusgen.source.yaml_reader import Map, Scalar, parse_yaml

TEMPLATES_DIR = "templates"
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
"""``{component}``: a name in braces.  A YAML flow mapping (``{api: partial_outage}``) is
never one, since a key is followed by ``:``."""


def template_names(root: Path) -> list[str]:
    """The templates ``root/templates/`` holds, by name."""
    folder = root / TEMPLATES_DIR
    return sorted(p.stem for p in folder.glob("*.md") if p.is_file()) if folder.is_dir() else []


def read_template(root: Path, name: str) -> str:
    """The text of ``templates/<name>.md``; :class:`AuthoringError` naming the ones there are."""
    names = template_names(root)
    if name not in names or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
        there = ", ".join(names) if names else f"none: add {TEMPLATES_DIR}/NAME.md"
        raise AuthoringError(f"there is no template `{name}` in {TEMPLATES_DIR}/; the "
                             f"templates are: {there}")
    path = f"{TEMPLATES_DIR}/{name}.md"
    try:
        text, problems = decode((root / path).read_bytes(), path)
    except OSError as exc:
        raise AuthoringError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if text is None:
        raise AuthoringError(f"{path}: {problems[0].message}")
    return text


def placeholders(text: str) -> list[str]:
    """The placeholders ``text`` uses, each once, in order."""
    return list(dict.fromkeys(PLACEHOLDER.findall(text)))


def fill(text: str, values: Mapping[str, str], name: str) -> str:
    """``text`` with every placeholder replaced by its value; :class:`AuthoringError` naming
    each placeholder without a value and each value no placeholder takes (a misspelling)."""
    used = placeholders(text)
    missing = [p for p in used if p not in values]
    if missing:
        options = " ".join(f"--var {p}=VALUE" for p in missing)
        raise AuthoringError(f"template `{name}` needs a value for "
                             f"{', '.join(f'`{{{p}}}`' for p in missing)}: give {options}")
    unused = [v for v in values if v not in used]
    if unused:
        raise AuthoringError(f"template `{name}` has no placeholder "
                             f"{', '.join(f'`{{{v}}}`' for v in unused)}; it has "
                             f"{', '.join(f'`{{{p}}}`' for p in used) or 'none'}")
    for key, value in values.items():
        if "\n" in value or "\r" in value:
            raise AuthoringError(f"the value of `{key}` holds a line break; give one line")
    return PLACEHOLDER.sub(lambda found: values[found.group(1)], text)


def from_template(filled: str, update: NewUpdate, name: str) -> tuple[str, str, str]:
    """The incident file a filled template gives with ``update`` as its first update (its
    message, when empty, the template's body): the text, the title, the message used."""
    path = f"{TEMPLATES_DIR}/{name}.md"
    split = split_front_matter(filled, path)
    if isinstance(split, Diagnostic):
        raise AuthoringError(f"{path}: {split.message}")
    node, problems = parse_yaml(split.yaml, path, split.yaml_line)
    if node is None or problems or not isinstance(node, Map):
        why = "; ".join(f"line {d.location.line}: {d.message}" for d in problems)
        raise AuthoringError(f"{path} (filled) cannot be read: {why or 'not a mapping of keys'}")
    keys = {key.text: value for key, value in node.entries}
    if "updates" in keys:
        raise AuthoringError(f"{path}: a template has no `updates`; its body is the first "
                             "update's message, and the command gives the time and status")
    title = keys.get("title")
    if not isinstance(title, Scalar) or not isinstance(title.value, str) or not title.value.strip():
        raise AuthoringError(f"{path}: a template needs a `title`")
    message = update.message or split.body.strip()
    if not message:
        raise AuthoringError(f"{path} has no body for the first update's message: write one "
                             "under the front matter, or give --message")
    first = replace(update, message=message)
    text = "---\n" + split.yaml + "updates:\n" + \
        "".join(f"{line}\n" for line in new_update_lines(first)) + "---\n"
    return text, title.value.strip(), message
