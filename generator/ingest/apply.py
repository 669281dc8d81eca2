"""Turning a :class:`~statusgen.ingest.plan.Plan` into an edit of ``incidents/``: the text of a
new incident or of added updates (every other byte of an existing file kept), validated with
the whole repository before it is written, then written atomically."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from statusgen import model as m
from statusgen.authoring.references import next_reference, references
from statusgen.authoring.text import (
    AuthoringError,
    Metadata,
    NewUpdate,
    acknowledged_keys,
    add_update_text,
    incident_name,
    new_incident_text,
    set_keys_text,
)
from statusgen.diagnostics import Diagnostic
from statusgen.ingest.alerts import Delivery
from statusgen.ingest.plan import Action, Plan, decide
from statusgen.ingest.record import clean
from statusgen.output.atomic import Changed, create_file, replace_file
from statusgen.pipeline import Refused, validated_edit
from statusgen.source.load import load
from statusgen.source.parse import CONFIG_FILE, INCIDENTS_DIR, parse_incident
from statusgen.source.tree import DiskSource


@dataclass(frozen=True)
class Outcome:
    """What one delivery did: the plan, and the file written (``None`` when nothing was)."""

    plan: Plan
    path: str | None
    warnings: tuple[Diagnostic, ...] = ()


def ingest(root: Path, delivery: Delivery, now: datetime, strict: bool = False) -> Outcome:
    """Decide what ``delivery`` does to the repository under ``root`` and write it.

    :class:`Refused` when ``components.yml`` cannot be read, or the result would not validate.
    """
    loaded = load(DiskSource(root))
    if loaded.repository is None:
        raise Refused(f"{CONFIG_FILE} cannot be read; fix it first",
                      [d for d in loaded.diagnostics if d.location.path == CONFIG_FILE])
    plan = decide(loaded.repository, delivery, now)
    if plan.action is Action.NOTHING:
        return Outcome(plan, None)
    rel, data, original = _edit(root, plan, now, _next_reference(loaded.repository))
    mine = validated_edit(root, {rel: data}, now, strict)
    try:
        if original is None:
            create_file(root / rel, data)
        else:
            replace_file(root / rel, data, expected=original, keep_mode=True)
    except Changed as exc:
        raise Refused(f"{exc}; nothing was written, deliver the alert again") from exc
    except OSError as exc:
        raise Refused(f"cannot write {rel}: {exc}") from exc
    return Outcome(plan, rel, tuple(mine))


def _next_reference(repository: m.Repository) -> str:
    """The reference a new incident takes: the next number, when references are declared."""
    form = repository.config.incident_fields.reference
    return next_reference(form, references(repository.incidents)) if form else ""


def _edit(root: Path, plan: Plan, now: datetime, reference: str) -> tuple[str, bytes, bytes | None]:
    """The path, the new bytes, and the bytes they replace (``None`` for a new file)."""
    if plan.action is Action.OPEN:
        return _new_file(root, plan, now, reference)
    target = plan.target
    assert target is not None  # decide() names the incident for every other action
    try:
        raw = (root / target.path).read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise Refused(f"cannot read {target.path}: {exc}") from exc
    if plan.action is Action.ACKNOWLEDGE:
        return target.path, _acknowledged(text, plan, now, target), raw
    # Newest first: an update never goes below one posted later (a clock a little ahead).
    at = max(now, target.updates[0].at)
    updates = [NewUpdate(at=at, status=target.updates[0].status, message=plan.record, internal=True)]
    if plan.action is Action.RESOLVE:
        message = plan.rule.resolve_message if plan.rule else m.DEFAULT_RESOLVE_MESSAGE
        updates.append(NewUpdate(at=at, status=m.Status.RESOLVED, message=message))
    try:
        for update in updates:
            text = add_update_text(text, update, target.path)
    except AuthoringError as exc:
        raise Refused(str(exc)) from exc
    data = text.encode("utf-8")
    _verify(target.path, data, updates[-1], target.source)
    return target.path, data, raw


def _acknowledged(text: str, plan: Plan, now: datetime, target: m.Incident) -> bytes:
    """``text`` with ``acknowledged``: when the tool says (never before the incident started,
    nor after ``now``), and by whom."""
    given = plan.acknowledged
    assert given is not None  # decide() says who for every acknowledgement
    at = max(min(given.at or now, now), target.updates[-1].at)
    try:
        data = set_keys_text(text, acknowledged_keys(at, _name(given.by)), target.path).encode("utf-8")
    except AuthoringError as exc:
        raise Refused(str(exc)) from exc
    incident, _ = parse_incident(target.path, data)
    if incident is not None and (incident.acknowledged is None or incident.acknowledged.at != at):
        raise Refused(f"statusgen could not write this acknowledgement faithfully to "
                      f"{target.path}; nothing was written. Please report this as a bug")
    return data


def _name(by: str) -> str:
    """A person's name as a tool sent it, safe to write on one line."""
    return clean(" ".join(by.split()), 100)


def _new_file(root: Path, plan: Plan, now: datetime, reference: str) -> tuple[str, bytes, None]:
    rule = plan.rule
    assert rule is not None  # decide() opens incidents only for a rule
    components = ((rule.component, rule.level),) if rule.component else ()
    first = NewUpdate(at=now, status=m.Status.INVESTIGATING, message=rule.message)
    tool = plan.source.partition("/")[0]
    alert = f"{tool}: " + ", ".join(f"{name}={value}" for name, value in rule.match)
    text = new_incident_text(rule.title, rule.impact, components, first,
                             metadata=Metadata(reference=reference), source=plan.source,
                             creator=(m.CreatorKind.ALERT, alert))
    record = NewUpdate(at=now, status=m.Status.INVESTIGATING, message=plan.record, internal=True)
    folder = root / INCIDENTS_DIR
    taken = [p.stem for p in folder.iterdir() if p.suffix == ".md"] if folder.is_dir() else []
    rel = f"{INCIDENTS_DIR}/{incident_name(rule.title, now, taken, fallback='monitor-alert')}.md"
    try:
        text = add_update_text(text, record, rel)
    except AuthoringError as exc:
        raise Refused(str(exc)) from exc
    data = text.encode("utf-8")
    _verify(rel, data, record, plan.source)
    return rel, data, None


def _verify(rel: str, data: bytes, newest: NewUpdate, source: str) -> None:
    """The text reads back as what was meant (a guard on our own code, not on the user's)."""
    incident, _ = parse_incident(rel, data)
    if incident is None:
        return  # validation says why
    first = incident.updates[0]
    if (first.at, first.status, first.message, first.internal, incident.source) != \
            (newest.at, newest.status, newest.message, newest.internal, source):
        raise Refused(f"statusgen could not write this alert faithfully to {rel}; nothing was "
                      "written. Please report this as a bug")
