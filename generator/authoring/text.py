"""Writing incidents: the text of new files and of added updates, as pure functions.

Nothing here reads or writes files; :mod:`statusgen.commands.authoring` does, and
validates what these functions return before anything reaches the disk.

An added update is a careful text edit, not a YAML round trip: the lines of the
new update are inserted right after the ``updates:`` line, indented and dashed
like the first update already there, and every other byte of the file (comments,
key order, quoting, flow or block style, the Markdown body, CRLF line ends, a
BOM) stays as the author wrote it.  A flow-style list (``updates: [...]``) is
refused with a clear message rather than rewritten.

Text values are written so that YAML reads back exactly what was given: plain
when that is unambiguous, else double-quoted with escapes; multi-line messages
as literal block scalars (``message: |``).  Every choice is checked by reading
it back, and falls back to double quotes when the check fails.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import PurePath
from typing import Any

import yaml

from statusgen import model as m
from statusgen.diagnostics import Diagnostic
from statusgen.source.parse import split_front_matter
from statusgen.source.yaml_reader import Map, Node, Seq, parse_yaml

SLUG_LIMIT = 60
"""Longest slug taken from a title, before the date and any ``-2`` suffix."""

COMMENT = "#"
"""Lines of the editor template starting with this are dropped."""


class AuthoringError(Exception):
    """What the user asked for cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class NewUpdate:
    """One update to write: what ``--status``, ``--message`` … asked for."""

    at: datetime
    status: m.Status
    message: str
    internal: bool = False
    components: tuple[tuple[str, m.Level], ...] | None = None
    """Levels from this update on; ``None`` writes no ``components`` key."""
    notify: bool = True
    """``False`` writes ``notify: false``: no notification channel is sent the update."""
    next_update: str = ""
    """``next_update`` as given (``30m`` or a timestamp); empty writes none."""
    occurrence: date | None = None
    """The occurrence of a recurring maintenance the update is about (``occurrence:``)."""


# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------


def slugify(title: str, limit: int = SLUG_LIMIT, fallback: str = "incident") -> str:
    """``Elevated API response times`` → ``elevated-api-response-times``.

    Lower-case ASCII (accents dropped), every run of other characters one
    hyphen, at most ``limit`` characters cut at a hyphen when one is near.
    ``fallback`` when nothing is left (a title without Latin letters or digits).
    """
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        cut = slug[:limit + 1]
        hyphen = cut.rfind("-")
        slug = cut[:hyphen] if hyphen >= limit // 2 else slug[:limit]
        slug = slug.strip("-")
    return slug or fallback


def incident_name(title: str, date_at: datetime, taken: Collection[str], *,
                  fallback: str = "incident") -> str:
    """The new file's id: ``<YYYY-MM-DD>-<slug>`` (date in UTC), ``-2``, ``-3`` … if taken.

    ``taken`` holds the ids already in ``incidents/``; they are compared without
    regard to case, as the loader's duplicate check does.
    """
    used = {t.lower() for t in taken}
    stem = f"{date_at.astimezone(UTC).date().isoformat()}-{slugify(title, fallback=fallback)}"
    name, number = stem, 1
    while name in used:
        number += 1
        name = f"{stem}-{number}"
    return name


def resolve_id(given: str, ids: Sequence[str]) -> str:
    """The incident id ``given`` names: the id, ``id.md``, a path to it, or a unique prefix.

    A prefix is matched against the whole id, else against the id after its
    date (``api-lat`` finds ``2026-11-22-api-latency``).

    Raises :class:`AuthoringError` for an ambiguous prefix (listing the
    candidates) or an unknown id (with the closest match).
    """
    name = PurePath(given.replace("\\", "/")).name if given.strip() else ""
    name = name.removesuffix(".md")
    if not name:
        raise AuthoringError("no incident given; pass its file name, such as "
                             "2026-11-22-api-latency")
    if name in ids:
        return name
    matches = sorted(i for i in ids if i.startswith(name))
    if not matches:  # ids start with their date: `api-latency` for `2026-11-22-api-latency`
        matches = sorted(i for i in ids if _DATE.sub("", i, count=1).startswith(name))
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = "".join(f"\n  {c}" for c in matches)
        raise AuthoringError(f"`{name}` matches {len(matches)} incidents; give more of the "
                             f"name:{listed}")
    raise AuthoringError(f"no incident `{name}` in incidents/{_closest(name, ids)}")


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}-")


def _closest(name: str, ids: Sequence[str]) -> str:
    """``; did you mean `…`?`` for the id ``name`` most likely meant, or nothing."""
    containing = [i for i in ids if name in i]
    if not containing:
        # Ids start with a date: compare the words after it too.
        words = {_DATE.sub("", i, count=1): i for i in ids}
        close = difflib.get_close_matches(_DATE.sub("", name, count=1), list(words), n=1,
                                          cutoff=0.6)
        containing = [words[c] for c in close] or \
            difflib.get_close_matches(name, list(ids), n=1, cutoff=0.6)
    if not containing:
        return ""
    if len(containing) > 3:
        return f"; {len(containing)} ids contain `{name}`, such as `{containing[0]}`"
    return "; did you mean " + " or ".join(f"`{c}`" for c in containing) + "?"


def parse_component(text: str, *, level_required: bool) -> tuple[str, str | None]:
    """``api=partial_outage`` → ``("api", "partial_outage")``; only the syntax is checked.

    With ``level_required=False`` (maintenance) a bare id is expected and a
    level is an error.
    """
    cid, sep, level = text.partition("=")
    cid, level = cid.strip(), level.strip()
    if level_required:
        if not sep or not cid or not level:
            raise AuthoringError(f"--component {text!r}: write it as id=level, such as "
                                 "api=partial_outage")
        return cid, level
    if sep or not cid:
        raise AuthoringError(f"--component {text!r}: maintenance takes component ids only, "
                             "such as --component db (they are under maintenance)")
    return cid, None


# --------------------------------------------------------------------------
# YAML scalars
# --------------------------------------------------------------------------

# What YAML may hold unescaped (PyYAML's reader), minus the characters YAML
# reads as line breaks (U+0085, U+2028, U+2029) and the BOM.
_UNSAFE = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
                     "\U00010000-\U0010ffff]")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def stamp(at: datetime) -> str:
    """A timestamp as written in files: ISO 8601, ``Z`` for UTC."""
    text = at.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def double_quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar on one line; any character round-trips."""
    out = ['"']
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _UNSAFE.match(ch):
            code = ord(ch)
            out.append(f"\\x{code:02X}" if code < 0x100 else
                       f"\\u{code:04X}" if code < 0x10000 else f"\\U{code:08X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _reads_back(snippet: str, key: str, text: object) -> bool:
    try:
        loaded = yaml.safe_load(snippet)
    except yaml.YAMLError:
        return False
    return isinstance(loaded, dict) and loaded == {key: text}


def inline_scalar(text: str) -> str:
    """``text`` as a one-line YAML value: plain when unambiguous, else double-quoted."""
    plain = (
        text
        and text == text.strip()
        and not _UNSAFE.search(text)
        and not any(c in text for c in "\n\r\t")
        and text[0] not in "-?:,[]{}#&*!|>'\"%@`"
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
    )
    if plain and _reads_back(f"k: {text}\n", "k", text):
        return text
    return double_quoted(text)


def block_scalar(key: str, text: str) -> list[str]:
    """``key: value`` lines for ``text`` at indentation 0; continuation lines indented by two.

    One line of text stays on the key's line; several become a literal block
    (``|``, ``|-`` or ``|+`` to keep exactly the final line breaks, with an
    indentation indicator when the first line starts with a space).
    """
    single = f"{key}: {inline_scalar(text)}"
    if "\n" not in text.rstrip("\n") or _UNSAFE.search(text) or "\r" in text:
        return [single]
    trailing = len(text) - len(text.rstrip("\n"))
    chomp = "-" if trailing == 0 else "" if trailing == 1 else "+"
    content = text[: len(text) - trailing].split("\n")
    first = next((line for line in content if line), "")
    indicator = "2" if first[:1] in (" ", "\t") else ""
    lines = [f"{key}: |{indicator}{chomp}"]
    lines.extend(f"  {line}" if line else "" for line in content)
    lines.extend("" for _ in range(trailing - 1))
    if _reads_back("\n".join(lines) + "\n", key, text):
        return lines
    return [single]


# --------------------------------------------------------------------------
# New files
# --------------------------------------------------------------------------


def _update_lines(update: NewUpdate, order: Sequence[str] = (), flow_components: bool = True,
                  step: int = 2) -> list[str]:
    """The keys of one update at indentation 0, in ``order`` where it names them."""
    parts: dict[str, list[str]] = {
        "at": [f"at: {stamp(update.at)}"],
        "status": [f"status: {update.status}"],
        "message": block_scalar("message", update.message),
    }
    if update.internal:
        parts["internal"] = ["internal: true"]
    if not update.notify:
        parts["notify"] = ["notify: false"]
    if update.next_update:
        parts["next_update"] = [f"next_update: {inline_scalar(update.next_update)}"]
    if update.occurrence is not None:
        parts["occurrence"] = [f"occurrence: {update.occurrence.isoformat()}"]
    if update.components is not None:
        if flow_components or not update.components:
            pairs = ", ".join(f"{cid}: {level}" for cid, level in update.components)
            parts["components"] = [f"components: {{{pairs}}}"]
        else:
            parts["components"] = ["components:",
                                   *(f"{' ' * step}{cid}: {level}" for cid, level in update.components)]
    known = [k for k in order if k in parts]
    rest = [k for k in parts if k not in known]
    return [line for key in (*known, *rest) for line in parts[key]]


def new_update_lines(update: NewUpdate) -> list[str]:
    """The first item of a new file's ``updates`` list, at its indentation."""
    return _item(_update_lines(update), "  - ", 4)


def _item(lines: Sequence[str], dash: str, indent: int) -> list[str]:
    """Lines of a sequence item: ``dash`` before the first, ``indent`` spaces before the rest."""
    out = []
    for index, line in enumerate(lines):
        if index == 0:
            out.append(dash + line)
        else:
            out.append(" " * indent + line if line else "")
    return out


def _document(lines: Iterable[str], body: str = "") -> str:
    text = "---\n" + "".join(f"{line}\n" for line in lines) + "---\n"
    return text + (f"\n{body.strip()}\n" if body.strip() else "")


@dataclass(frozen=True)
class Metadata:
    """What an incident records besides its timeline, as the command line gives it."""

    reference: str = ""
    severity: str = ""
    roles: tuple[tuple[str, str], ...] = ()
    """``(role, person)``."""
    timestamps: tuple[tuple[str, datetime], ...] = ()
    fields: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """``(field, values)``: one value, or several for a multi-select field."""

    def merged_over(self, incident: m.Incident) -> Metadata:
        """These values laid over what ``incident`` records: given names replace theirs, the
        others stay, in the order written."""
        def merge(old: Sequence[tuple[str, Any]], new: Sequence[tuple[str, Any]]
                  ) -> tuple[tuple[str, Any], ...]:
            given = dict(new)
            kept = [(k, given.pop(k, v)) for k, v in old]
            return (*kept, *given.items())

        return Metadata(
            reference=self.reference or incident.reference,
            severity=self.severity or incident.severity,
            roles=merge([(r.role, r.person) for r in incident.roles], self.roles),
            timestamps=merge([(t.name, t.at) for t in incident.timestamps], self.timestamps),
            fields=merge([(f.id, f.values) for f in incident.fields], self.fields),
        )


_PLAIN_ITEM = re.compile(r"[A-Za-z0-9_.-]+\Z")


def _flow_item(text: str) -> str:
    """A value inside ``[…]``: plain when it is a simple word, else double-quoted."""
    return text if _PLAIN_ITEM.match(text) and _reads_back(f"k: [{text}]\n", "k", [text]) \
        else double_quoted(text)


def metadata_keys(metadata: Metadata) -> dict[str, list[str]]:
    """Each key ``metadata`` sets, with its lines at indentation 0, in the format's order."""
    keys: dict[str, list[str]] = {}
    if metadata.reference:
        keys["reference"] = [f"reference: {inline_scalar(metadata.reference)}"]
    if metadata.severity:
        keys["severity"] = [f"severity: {inline_scalar(metadata.severity)}"]
    if metadata.roles:
        keys["roles"] = ["roles:", *(f"  {role}: {inline_scalar(person)}"
                                     for role, person in metadata.roles)]
    if metadata.timestamps:
        keys["timestamps"] = ["timestamps:", *(f"  {name}: {stamp(at)}"
                                               for name, at in metadata.timestamps)]
    if metadata.fields:
        keys["fields"] = ["fields:", *(
            f"  {fid}: {inline_scalar(values[0])}" if len(values) == 1 else
            f"  {fid}: [{', '.join(_flow_item(v) for v in values)}]"
            for fid, values in metadata.fields)]
    return keys


def acknowledged_keys(at: datetime, by: str = "") -> dict[str, list[str]]:
    """The ``acknowledged`` key that records who took ownership (``by``, may be empty) at
    ``at``, for :func:`set_keys_text`."""
    return {"acknowledged": ["acknowledged:", f"  at: {stamp(at)}",
                             *([f"  by: {inline_scalar(by)}"] if by else [])]}


def new_incident_text(title: str, impact: m.Impact, components: Sequence[tuple[str, m.Level]],
                      update: NewUpdate, *, internal: bool = False,
                      metadata: Metadata = Metadata(), source: str = "",
                      creator: tuple[m.CreatorKind, str] | None = None,
                      stage: m.Stage | None = None) -> str:
    """A new incident file: front matter in the format's key order, the first update;
    ``source`` is the key of the tool that wrote it, if one did; ``creator`` who or what
    opened it, if known; ``stage`` where it starts (``triage``), if not live."""
    lines = [f"title: {inline_scalar(title)}", f"impact: {impact}"]
    if components:
        lines.append("components:")
        lines.extend(f"  {cid}: {level}" for cid, level in components)
    if internal:
        lines.append("visibility: internal")
    if source:
        lines.append(f"source: {inline_scalar(source)}")
    if creator is not None:
        lines.extend(["creator:", f"  {creator[0]}: {inline_scalar(creator[1])}"])
    lines.extend(line for key in metadata_keys(metadata).values() for line in key)
    if stage is not None:
        lines.append(f"stage: {stage}")
    lines.append("updates:")
    lines.extend(_item(_update_lines(update), "  - ", 4))
    return _document(lines)


def new_maintenance_text(title: str, start: datetime, end: datetime, components: Sequence[str],
                         update: NewUpdate, *, internal: bool = False, retrospective: bool = False,
                         metadata: Metadata = Metadata(), repeat: str = "") -> str:
    """A new maintenance file: its window, the components under maintenance, a first update;
    ``retrospective`` writes ``mode: retrospective`` (recorded after the fact), ``repeat``
    the rule that repeats the window."""
    lines = ["kind: maintenance", f"title: {inline_scalar(title)}", "window:",
             f"  start: {stamp(start)}", f"  end: {stamp(end)}"]
    if repeat:
        lines.append(f"repeat: {inline_scalar(repeat)}")
    if components:
        lines.append(f"components: [{', '.join(components)}]")
    if internal:
        lines.append("visibility: internal")
    if retrospective:
        lines.append("mode: retrospective")
    lines.extend(line for key in metadata_keys(metadata).values() for line in key)
    lines.append("updates:")
    lines.extend(_item(_update_lines(update), "  - ", 4))
    return _document(lines)


# --------------------------------------------------------------------------
# Adding an update in place
# --------------------------------------------------------------------------

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str) -> list[str]:
    """Lines with their own endings, split only at CR, LF and CRLF (as the loader counts)."""
    return _LINE.findall(text)


def _newline(lines: Sequence[str]) -> str:
    for line in lines:
        for ending in ("\r\n", "\r", "\n"):
            if line.endswith(ending):
                return ending
    return "\n"


def _diagnostics_text(diagnostics: Sequence[Diagnostic]) -> str:
    return "; ".join(f"line {d.location.line}: {d.message}" for d in diagnostics)


def _front_matter(text: str, path: str) -> Map:
    """The front matter's root mapping; :class:`AuthoringError` when it cannot be read."""
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    split = split_front_matter(normal, path)
    if isinstance(split, Diagnostic):
        raise AuthoringError(f"{path}: {split.message}")
    node, problems = parse_yaml(split.yaml, path, split.yaml_line)
    if node is None or problems:
        raise AuthoringError(f"{path} cannot be read: {_diagnostics_text(problems)}")
    if not isinstance(node, Map):
        raise AuthoringError(f"{path}: the front matter is not a mapping of keys")
    return node


def _flow(node: Node, lines: Sequence[str]) -> bool:
    """Whether a collection is written in flow style (``[…]`` or ``{…}``)."""
    line = lines[node.loc.line - 1]
    return line[node.loc.column - 1: node.loc.column] in ("[", "{")


def _components_style(updates: Seq, lines: Sequence[str]) -> tuple[bool, int]:
    """How the file writes an update's ``components``: flow or block, and the block's step."""
    for item in updates.items:
        if not isinstance(item, Map):
            continue
        value = item.get("components")
        if isinstance(value, Map) and value.entries:
            if _flow(value, lines):
                return True, 2
            key = next(k for k, v in item.entries if v is value)
            return False, max(1, value.entries[0][0].loc.column - key.loc.column)
    return True, 2


def add_update_text(original: str, update: NewUpdate, path: str = "incident.md") -> str:
    """``original`` with ``update`` inserted as the newest (first) update; nothing else changes.

    The lines go right after the ``updates:`` line, with the file's line ends,
    the first update's indentation, dash style and key order. Raises
    :class:`AuthoringError` when the file cannot be read or its ``updates`` is
    a flow-style list.
    """
    bom = "\ufeff" if original.startswith("\ufeff") else ""
    text = original[len(bom):]
    lines = split_lines(text)
    bare = [line.rstrip("\r\n") for line in lines]
    root = _front_matter(text, path)
    entry = next(((k, v) for k, v in root.entries if k.text == "updates"), None)
    if entry is None:
        raise AuthoringError(f"{path} has no `updates` list to add to")
    key, updates = entry
    if not isinstance(updates, Seq) or not updates.items:
        raise AuthoringError(f"{path}: `updates` is not a list of updates")
    if _flow(updates, bare):
        raise AuthoringError(f"{path}: `updates` is written in flow style (`updates: [...]`) on "
                             f"line {updates.loc.line}; statusgen only adds to a block list, "
                             "one `- at: …` item per update. Rewrite it as a block list, then "
                             "run this command again")
    first = updates.items[0]
    dash_col = updates.loc.column - 1
    # The keys follow the dash on its line, or ("-" alone on its line) start below it.
    indent = first.loc.column - 1 if first.loc.line == updates.loc.line else dash_col + 2
    dash = " " * dash_col + "-" + " " * (indent - dash_col - 1)
    order = [k.text for k, _ in first.entries] if isinstance(first, Map) else []
    flow, step = _components_style(updates, bare)
    block = _item(_update_lines(update, order, flow, step), dash, indent)
    newline = _newline(lines)
    insert_at = key.loc.line  # the index just after the `updates:` line
    if insert_at > len(lines) or not lines[insert_at - 1].endswith(("\n", "\r")):
        raise AuthoringError(f"{path}: cannot find the line after `updates:`")
    added = [line + newline for line in block]
    return bom + "".join([*lines[:insert_at], *added, *lines[insert_at:]])


def set_keys_text(original: str, keys: dict[str, list[str]], path: str = "incident.md") -> str:
    """``original`` with each top-level key of ``keys`` set to its lines (at indentation 0).

    A key already written has its lines replaced where they are (comment and blank lines
    after them, which may describe the next key, stay); a new key goes just before
    ``updates:``. Every other byte is kept, line ends and BOM included.
    """
    if not keys:
        return original
    bom = "\ufeff" if original.startswith("\ufeff") else ""
    text = original[len(bom):]
    lines = split_lines(text)
    bare = [line.rstrip("\r\n") for line in lines]
    root = _front_matter(text, path)
    newline = _newline(lines)
    closing = next(i for i, line in enumerate(bare) if i > 0 and line.rstrip() == "---")
    starts = [k.loc.line - 1 for k, _ in root.entries]
    spans: dict[str, tuple[int, int]] = {}
    for index, (key, _) in enumerate(root.entries):
        if key.loc.column != 1:
            raise AuthoringError(f"{path}: the front matter's keys are indented; statusgen only "
                                 "edits keys written at the start of their line")
        end = starts[index + 1] if index + 1 < len(starts) else closing
        while end - 1 > starts[index] and (not bare[end - 1].strip() or bare[end - 1].startswith("#")):
            end -= 1
        spans[key.text] = (starts[index], end)
    if "updates" not in spans:
        raise AuthoringError(f"{path} has no `updates` list")
    before_updates = spans["updates"][0]
    added = [line for name, new in keys.items() if name not in spans for line in new]
    edits = [(spans[name], new) for name, new in keys.items() if name in spans]
    edits.append(((before_updates, before_updates), added))
    # From the end of the file backwards, so that each span's line numbers still hold.
    for (start, end), new in sorted(edits, key=lambda edit: edit[0], reverse=True):
        lines[start:end] = [line + newline for line in new]
    return bom + "".join(lines)


def newest_update(original: str, path: str = "incident.md") -> tuple[str, str]:
    """The ``status`` and ``at`` text of the first update, as written (for messages)."""
    root = _front_matter(original.removeprefix("\ufeff"), path)
    updates = root.get("updates")
    first = updates.items[0] if isinstance(updates, Seq) and updates.items else None
    status = first.get("status") if isinstance(first, Map) else None
    at = first.get("at") if isinstance(first, Map) else None
    return (getattr(status, "text", ""), getattr(at, "text", ""))


# --------------------------------------------------------------------------
# The editor
# --------------------------------------------------------------------------


def editor_template(what: str) -> str:
    """The text the editor opens with: comments saying what to write."""
    return (
        "\n"
        f"{COMMENT} Write the message of {what} above these lines: Markdown, one or more\n"
        f"{COMMENT} paragraphs. Lines starting with '{COMMENT}' are left out. Save and close the\n"
        f"{COMMENT} editor to continue; an empty message cancels and writes nothing.\n"
    )


def message_from_editor(edited: str) -> str:
    """What the user wrote: comment lines dropped, blank lines around trimmed."""
    kept = [line for line in edited.replace("\r\n", "\n").split("\n")
            if not line.startswith(COMMENT)]
    return "\n".join(kept).strip("\n").rstrip()
