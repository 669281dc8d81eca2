"""Writing ``components.yml``: a new file, or new components added to the user's.

An existing file is edited as text, like :func:`statusgen.authoring.text.add_update_text`
edits an incident: new top-level components (and new groups with their members) go
after the last item of the top-level ``components`` list, new members of an existing
group after the group's last member, each indented like the items already there.
Nothing of the user's is reordered, renamed or dropped, and comments stay.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from statusgen.authoring.text import inline_scalar, split_lines
from statusgen.importers.plan import Page
from statusgen.source.yaml_reader import Map, Node, Seq, double_quoted, parse_yaml

PLACEHOLDER_URL = "https://status.example.com/"
_URL_PATH = re.compile(r"[A-Za-z0-9\-._~/%]*\Z")


class EditError(Exception):
    """``components.yml`` cannot be edited as needed; the message says what to do."""


@dataclass(frozen=True)
class NewComponent:
    """A component to add: ``group`` is the id of its group (new or existing), if any."""

    id: str
    name: str
    description: str = ""
    group: str | None = None
    is_group: bool = False
    retired: bool = False
    upstream: tuple[str, str] | None = None
    """A third party's: its provider's Statuspage address and the component's name there."""


def page_url(url: str) -> str | None:
    """``url`` as ``page.url`` accepts it (scheme, host and a plain path), or ``None``."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host or parts.username or parts.password:
        return None
    path = parts.path if _URL_PATH.match(parts.path) else ""
    netloc = f"{host}:{port}" if port else host
    return urlunsplit((parts.scheme, netloc, path.rstrip("/") + "/", "", ""))


def _item(component: NewComponent, members: Sequence[NewComponent], dash: str,
          indent: int) -> list[str]:
    """The lines of one list item; ``dash`` before the first, ``indent`` spaces before the rest."""
    keys = [f"id: {component.id}", f"name: {inline_scalar(component.name)}"]
    if component.description:
        keys.append(f"description: {inline_scalar(component.description)}")
    if component.retired:
        keys.append("retired: true")
    if component.upstream is not None:
        url, name = component.upstream
        keys.append(f"upstream: {{statuspage: {url}, component: {_flow(name)}}}")
    if members:
        keys.append("components:")
        for member in members:
            keys.extend(_item(member, (), "  - ", 4))
    return [dash + keys[0], *(" " * indent + line for line in keys[1:])]


def _flow(text: str) -> str:
    """``text`` as a value inside a flow mapping, where `,` `{` `}` also need quotes."""
    plain = inline_scalar(text)
    return double_quoted(text) if any(c in plain for c in ",{}[]") else plain


def _tree(components: Sequence[NewComponent]) -> list[tuple[NewComponent, list[NewComponent]]]:
    """Top-level components, new groups with their new members, in order."""
    return [(c, [x for x in components if x.group == c.id]) for c in components if c.group is None]


def create_text(page: Page, timezone: str, components: Sequence[NewComponent]) -> str:
    """A new ``components.yml`` for ``page`` with ``components``."""
    url = page_url(page.url) or PLACEHOLDER_URL
    lines = ["# Imported by `statusgen import`. The reference for every key is docs/format.md.",
             "page:", f"  title: {inline_scalar(page.title)}", f"  url: {url}"]
    if page.description:
        lines.append(f"  description: {inline_scalar(page.description)}")
    lines += [f"  timezone: {timezone}", "", "components:"]
    for component, members in _tree(components):
        lines.extend(_item(component, members, "  - ", 4))
    return "\n".join(lines) + "\n"


def _block_end(lines: Sequence[str], seq: Seq) -> int:
    """The index of the last line of a block sequence (0-based)."""
    column = seq.loc.column - 1
    last = seq.items[-1].loc.line - 1
    end = last
    for index in range(last + 1, len(lines)):
        text = lines[index].rstrip("\r\n")
        stripped = text.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(text) - len(stripped)
        if indent > column or (indent == column and stripped.startswith("-")
                               and stripped[:2] in ("-", "- ")):
            end = index
            continue
        break
    return end


def _style(lines: Sequence[str], seq: Seq, what: str) -> tuple[str, int]:
    """The dash and key indentation of a block sequence's items."""
    first = seq.items[0]
    line = lines[seq.loc.line - 1]
    if line[seq.loc.column - 1: seq.loc.column] == "[":
        raise EditError(f"components.yml writes {what} in flow style (`[...]`) on line "
                        f"{seq.loc.line}; statusgen only adds to a block list, one `- id: …` item "
                        "per component. Rewrite it as a block list, then import again")
    dash_col = seq.loc.column - 1
    key_col = first.loc.column - 1 if first.loc.line == seq.loc.line else dash_col + 2
    return " " * dash_col + "-" + " " * (key_col - dash_col - 1), key_col


def _components_of(node: Node | None, what: str) -> Seq:
    value = node.get("components") if isinstance(node, Map) else None
    if not isinstance(value, Seq) or not value.items:
        raise EditError(f"components.yml has no list of components {what} to add to")
    return value


def append_text(original: str, components: Sequence[NewComponent], groups: Sequence[str]) -> str:
    """``original`` with ``components`` added; ``groups`` are the ids of the file's groups.

    Raises :class:`EditError` when the file cannot be read or a list is in flow style.
    """
    if not components:
        return original
    bom = "\ufeff" if original.startswith("\ufeff") else ""
    text = original[len(bom):]
    lines = split_lines(text)
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    root, problems = parse_yaml(normal, "components.yml")
    if root is None or problems or not isinstance(root, Map):
        raise EditError("components.yml cannot be read; fix it first (statusgen validate)")
    newline = next((e for line in lines for e in ("\r\n", "\r", "\n") if line.endswith(e)), "\n")
    top = _components_of(root, "")
    inserts: dict[int, list[str]] = {}
    for group_id in groups:
        members = [c for c in components if c.group == group_id]
        if not members:
            continue
        node = next((item for item in top.items if isinstance(item, Map)
                     and getattr(item.get("id"), "value", None) == group_id), None)
        seq = _components_of(node, f"in the group `{group_id}`")
        dash, indent = _style(lines, seq, f"the members of `{group_id}`")
        block = [line for member in members for line in _item(member, (), dash, indent)]
        inserts.setdefault(_block_end(lines, seq), []).extend(block)
    dash, indent = _style(lines, top, "its components")
    block = [line for c, members in _tree(components)
             for line in _item(c, members, dash, indent)]
    if block:
        inserts.setdefault(_block_end(lines, top), []).extend(block)
    out: list[str] = []
    for index, line in enumerate(lines):
        if index in inserts and not line.endswith(("\n", "\r")):
            line += newline
        out.append(line)
        out.extend(added + newline for added in inserts.get(index, []))
    return bom + "".join(out)
