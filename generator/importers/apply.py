"""An import onto a repository: what each file becomes, validated as a whole, then written.

:func:`plan` maps the source's components onto ``components.yml`` (matching by name,
adding what is new, retired when only old entries name it, and noting a new name spelled
like another but for case, punctuation or spaces), gives each new entry a stable id
from its date and title (in order of time, then source key, so collisions resolve the
same way every time), finds the file each known entry already has by its ``source`` key,
and lays every new or changed file over the repository to validate it all at once.  A file that would not
validate is tried once more with its Markdown read as plain text, then left out and
noted.  :func:`write` then writes ``components.yml`` first and each file atomically.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from statusgen import model as m
from statusgen.authoring.references import next_reference, references
from statusgen.authoring.text import AuthoringError, incident_name, slugify
from statusgen.diagnostics import Diagnostic
from statusgen.importers.components_yml import EditError, NewComponent, append_text, create_text, page_url
from statusgen.importers.entries import add_updates, covers, missing_updates, render, untouched
from statusgen.importers.plaintext import markdown_from_text
from statusgen.importers.plan import Entry, Imported, Levels, Note, Page
from statusgen.output.atomic import Changed, create_file, replace_file
from statusgen.pipeline import Refused, check_edit
from statusgen.source.files import MAX_SOURCE_BYTES, Unreadable
from statusgen.source.load import load, read_config
from statusgen.source.parse import CONFIG_FILE, INCIDENTS_DIR, parse_incident
from statusgen.source.timestamps import in_range, range_problem
from statusgen.source.tree import DiskSource, Kind

RESERVED_IDS = {"page"}


class ImportFailed(Exception):
    """Nothing can be written; the message (and diagnostics) say why."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics = list(diagnostics)


@dataclass(frozen=True)
class Change:
    """One file to write: its new bytes, and the bytes it holds now (``None``: a new file)."""

    path: str
    data: bytes
    original: bytes | None
    entry: Entry | None = None


@dataclass
class Plan:
    """What an import would do."""

    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    added: list[str] = field(default_factory=list)
    """Ids of the components added to ``components.yml``."""
    notes: list[Note] = field(default_factory=list)


@dataclass
class _Existing:
    path: str
    raw: bytes
    incident: m.Incident


def plan(root: Path, imported: Imported, now: datetime, strict: bool = False) -> Plan:
    """Every file the import writes, validated together with the rest of the repository."""
    result = Plan(notes=list(imported.notes))
    source = DiskSource(root)
    config_change, keymap = _components(source, imported, result)
    existing = _existing(source)
    taken = {Path(e.path).stem for e in existing.values()} | _stems(source)
    numbering = _numbering(source)
    for entry in sorted(_representable(imported.entries, result.notes), key=_order):
        mapped = _mapped(entry, keymap, result.notes)
        change = _entry_change(mapped, existing.get(entry.source), taken, result, numbering)
        if change is None:
            result.unchanged += 1
        else:
            result.changes.append(change)
    _validate(root, config_change, result, imported, now, strict)
    if config_change is not None:
        result.changes.insert(0, config_change)
    return result


def _representable(entries: Sequence[Entry], notes: list[Note]) -> list[Entry]:
    """The entries whose every time lies in the range the pages can show; each other one is
    left out and noted (its file would not validate, and ordering it would fail first)."""
    kept = []
    for entry in entries:
        times = [*(entry.window or ()), *(u.at for u in entry.updates)]
        wrong = next((t for t in times if not in_range(t)), None)
        if wrong is None:
            kept.append(entry)
        else:
            notes.append(Note(entry.label, range_problem(wrong.isoformat()), "not imported"))
    return kept


def _order(entry: Entry) -> tuple[datetime, str]:
    return _start(entry).astimezone(UTC), entry.source


def _start(entry: Entry) -> datetime:
    return entry.window[0] if entry.window is not None else entry.updates[-1].at


# --------------------------------------------------------------------------
# components.yml
# --------------------------------------------------------------------------


def _unique(name: str, taken: set[str]) -> str:
    base = slugify(name, fallback="component")
    if base in RESERVED_IDS:
        base += "-component"
    cid, number = base, 1
    while cid in taken:
        number += 1
        cid = f"{base}-{number}"
    taken.add(cid)
    return cid


def _components(source: DiskSource, imported: Imported,
                result: Plan) -> tuple[Change | None, dict[str, str]]:
    """The change to ``components.yml`` (if any) and each source key's component id."""
    exists = source.kind(CONFIG_FILE) is not None
    config: m.Config | None = None
    original = b""
    if exists:
        config, problems = read_config(source)
        if config is None:
            raise ImportFailed(f"{CONFIG_FILE} cannot be read; fix it first", problems)
        original = source.read(CONFIG_FILE, MAX_SOURCE_BYTES)
    walk = list(config.walk()) if config else []
    by_name = {c.name.lower(): c for c in walk}
    taken = {c.id for c in walk}
    used: set[str] = set()
    keymap: dict[str, str] = {}
    new: list[NewComponent] = []
    groups = {c.key for c in imported.components if c.is_group}
    for c in imported.components:
        match = by_name.get(c.name.lower())
        if match is not None and match.id not in used and match.is_group == c.is_group:
            used.add(match.id)
            keymap[c.key] = match.id
            continue
        cid = _unique(c.name, taken)
        parent = keymap.get(c.group) if c.group in groups else None
        if parent is not None and config is not None:
            found = config.get(parent)
            if found is not None and not found.is_group:
                parent = None  # the user's file has it as a component: the new one goes on top
        new.append(NewComponent(id=cid, name=c.name, description=c.description, group=parent,
                                is_group=c.is_group, retired=c.retired, upstream=c.upstream))
        keymap[c.key] = cid
    # A new group none of whose members is new would be empty: leave it out.
    empty = {n.id for n in new if n.is_group and not any(x.group == n.id for x in new)}
    new = [n for n in new if n.id not in empty]
    keymap = {k: v for k, v in keymap.items() if v not in empty}
    if not exists and not any(not n.is_group for n in new):
        title = imported.page.title if imported.page else "Service"
        new.append(NewComponent(id=_unique(title, taken), name=title))
        result.notes.append(Note(CONFIG_FILE, "the source names no component: one named after "
                                 "the page is added, as components.yml needs one"))
    result.added = [n.id for n in new]
    _near_duplicates(walk, new, result.notes)
    if exists and not new:
        return None, keymap
    try:
        if exists:
            text = append_text(original.decode("utf-8"), new,
                               [c.id for c in (config.walk() if config else []) if c.is_group])
        else:
            text = create_text(_page(imported, result.notes), _zone(imported, result.notes), new)
    except (EditError, UnicodeDecodeError) as exc:
        raise ImportFailed(str(exc)) from exc
    return Change(CONFIG_FILE, text.encode("utf-8"), original if exists else None), keymap


def _spelling(name: str) -> str:
    """A name without case, punctuation and spaces: ``repo.jenkins-ci.org`` and
    ``Repo-Jenkins-CI.org`` are spelled alike."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _near_duplicates(walk: Sequence[m.Component], new: Sequence[NewComponent],
                     notes: list[Note]) -> None:
    """Note each new component spelled like another, with how to merge them."""
    seen: dict[str, tuple[str, str, bool]] = {}
    for cid, name, retired, added in [*((c.id, c.name, c.retired, False) for c in walk
                                        if not c.is_group),
                                      *((n.id, n.name, n.retired, True) for n in new
                                        if not n.is_group)]:
        spelled = _spelling(name)
        first = seen.setdefault(spelled, (cid, name, retired)) if spelled else None
        if first is None or first[0] == cid or not added:
            continue
        # Keep the one the source lists (not retired), else the first.
        keep, drop = (cid, first[0]) if first[2] and not retired else (first[0], cid)
        notes.append(Note(CONFIG_FILE, f"“{first[1]}” (`{first[0]}`) and “{name}” (`{cid}`) "
                          "differ only in case, punctuation or spaces: if they are one component, "
                          f"merge them: write `{keep}` for `{drop}` in incidents/ and remove "
                          f"`{drop}` from components.yml", "to review"))


def _page(imported: Imported, notes: list[Note]) -> Page:
    page = imported.page or Page(title="Status", url="")
    if page_url(page.url) is None:
        notes.append(Note(CONFIG_FILE, f"the page's address `{page.url}` is not an http(s) URL: "
                          "set page.url in components.yml"))
    return page


def _zone(imported: Imported, notes: list[Note]) -> str:
    name = imported.page.timezone if imported.page else "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        notes.append(Note(CONFIG_FILE, f"the time zone `{name}` is not an IANA zone: UTC is used"))
        return "UTC"
    return name


# --------------------------------------------------------------------------
# Entries
# --------------------------------------------------------------------------


def _stems(source: DiskSource) -> set[str]:
    try:
        return {e.name[:-3] for e in source.listing(INCIDENTS_DIR) if e.name.endswith(".md")}
    except Unreadable:
        return set()


def _existing(source: DiskSource) -> dict[str, _Existing]:
    """The files that carry a ``source`` key, by that key."""
    if source.kind(INCIDENTS_DIR) is not Kind.FOLDER:
        return {}
    found: dict[str, _Existing] = {}
    paths = [f"{INCIDENTS_DIR}/{e.name}" for e in source.listing(INCIDENTS_DIR)
             if e.name.endswith(".md") and e.kind is Kind.FILE]
    for path, raw in source.read_many(paths, MAX_SOURCE_BYTES).items():
        if isinstance(raw, Unreadable):
            continue
        incident, _ = parse_incident(path, raw)
        if incident is not None and incident.source:
            found.setdefault(incident.source, _Existing(path, raw, incident))
    return found


def _mapped(entry: Entry, keymap: dict[str, str], notes: list[Note]) -> Entry:
    """``entry`` naming components by their ids in ``components.yml``."""
    def ids(levels: Levels) -> Levels:
        out: dict[str, m.Level | None] = {}
        for key, level in levels:
            if key in keymap:
                out[keymap[key]] = level
            else:
                notes.append(Note(entry.label, f"the component `{key}` is not in the source's list "
                                  "of components and was left out", "not mapped"))
        return tuple(out.items())

    updates = tuple(replace(u, components=None if u.components is None else ids(u.components) or None)
                    for u in entry.updates)
    return replace(entry, components=ids(entry.components), updates=updates)


def _numbering(source: DiskSource) -> tuple[m.ReferenceForm, list[str]] | None:
    """The declared reference form and the references taken, when references are declared."""
    config, _ = read_config(source)
    form = config.incident_fields.reference if config is not None else None
    if form is None:
        return None
    loaded = load(source)
    return form, references(loaded.repository.incidents if loaded.repository else ())


def _entry_change(entry: Entry, found: _Existing | None, taken: set[str], result: Plan,
                  numbering: tuple[m.ReferenceForm, list[str]] | None = None) -> Change | None:
    if found is None:
        name = incident_name(entry.title, _start(entry), taken, fallback=str(entry.kind))
        taken.add(name)
        if numbering is not None:
            form, refs = numbering
            entry = replace(entry, reference=next_reference(form, refs))
            refs.append(entry.reference)
        return Change(f"{INCIDENTS_DIR}/{name}.md", render(entry).encode("utf-8"), None, entry)
    text = found.raw.decode("utf-8")
    if untouched(text, found.incident) and covers(entry, found.incident):
        new = render(replace(entry, reference=found.incident.reference))
    else:
        newest = found.incident.updates[0].at
        missing = missing_updates(entry, found.incident)
        late = [u for u in missing if u.at >= newest]
        if len(late) < len(missing):
            result.notes.append(Note(entry.label, f"{found.path} was edited since it was imported: "
                                     f"{len(missing) - len(late)} update(s) older than its newest "
                                     "were not added", "not imported"))
        try:
            new = add_updates(text, late, found.path)
        except AuthoringError as exc:
            result.notes.append(Note(entry.label, str(exc), "not imported"))
            return None
    if new == text:
        return None
    return Change(found.path, new.encode("utf-8"), found.raw, entry)


def _plain(entry: Entry, markdown_messages: bool) -> Entry:
    """``entry`` with its body (and Markdown messages) read as plain text."""
    updates = tuple(replace(u, message=markdown_from_text(u.message)) for u in entry.updates) \
        if markdown_messages else entry.updates
    return replace(entry, body=markdown_from_text(entry.body), updates=updates)


def _validate(root: Path, config_change: Change | None, result: Plan, imported: Imported,
              now: datetime, strict: bool) -> None:
    """Validate every change at once; retry or leave out the files that would not pass."""
    retried: set[str] = set()
    for _ in range(3):
        files = {c.path: c.data for c in result.changes}
        if config_change is not None:
            files[CONFIG_FILE] = config_change.data
        try:
            edit = check_edit(root, files, now, strict)
        except Refused as exc:
            raise ImportFailed(f"{CONFIG_FILE} would not validate; nothing was written",
                               exc.diagnostics) from exc
        errors = edit.errors
        if any(d.location.path == CONFIG_FILE for d in errors):
            raise ImportFailed(f"{CONFIG_FILE} would not validate; nothing was written",
                               [d for d in errors if d.location.path == CONFIG_FILE])
        if edit.elsewhere:
            raise ImportFailed("the import would make files already in the repository fail "
                               "validation; nothing was written", edit.elsewhere)
        bad = {d.location.path: d for d in errors if d.location.path in files}
        if not bad:
            return
        kept = []
        for change in result.changes:
            problem = bad.get(change.path)
            if problem is None:
                kept.append(change)
            elif change.entry is not None and change.path not in retried and \
                    (change.original is None or change.data == render(change.entry).encode("utf-8")):
                retried.add(change.path)
                plain = _plain(change.entry, imported.system != "statuspage")
                result.notes.append(Note(change.entry.label, "its Markdown would not validate "
                                         f"({problem.message}): it is written as plain text"))
                kept.append(replace(change, data=render(plain).encode("utf-8"), entry=plain))
            else:
                label = change.entry.label if change.entry else change.path
                result.notes.append(Note(label, f"{change.path} would not validate "
                                         f"({problem.message}); it was left out", "not imported"))
        result.changes = kept
    raise ImportFailed("the import would not validate; nothing was written")


def write(root: Path, changes: Sequence[Change]) -> list[str]:
    """Write each change atomically, ``components.yml`` first; the paths written."""
    written = []
    for change in changes:
        path = root / change.path
        try:
            if change.original is None:
                create_file(path, change.data)
            else:
                replace_file(path, change.data, expected=change.original, keep_mode=True)
        except Changed as exc:
            raise ImportFailed(f"{exc}; run the import again (it continues where it stopped)") from exc
        except OSError as exc:
            raise ImportFailed(f"cannot write {change.path}: {exc}") from exc
        written.append(change.path)
    return written
