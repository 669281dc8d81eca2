"""The create-incident API of hosted status pages, the git way.

A request is ``{"title", "status": "minor"|"major", "description", "resolution_stage",
"components"}`` (``resolution_stage`` one of investigating, identified, monitoring, resolved;
``"resolved": true`` also ends the incident at once; ``components`` a list of ids, levelled
by ``status``, or ``{id: level}``).  The answer is the incident in that API's shape:
``{"data": {"id", "type": "incident", "attributes": {"title", "status", "resolved",
"created_at", "updates": [...]}}}``, public updates only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from statusgen import model as m
from statusgen.authoring.text import inline_scalar, stamp
from statusgen.ingest.alerts import PayloadError, describe, mapping, read_json, text

MAX_TITLE = 200
MAX_DESCRIPTION = 20_000
MAX_COMPONENTS = 50
REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")
"""What a request id (the relay's delivery id, an ``Idempotency-Key``) may be."""

IMPACTS = {"minor": m.Impact.MINOR, "major": m.Impact.MAJOR}
LEVEL_OF = {m.Impact.MINOR: m.Level.PARTIAL_OUTAGE, m.Impact.MAJOR: m.Level.MAJOR_OUTAGE}
"""The level of a component listed without one: a minor incident is a partial outage."""
STAGES = tuple(s.value for s in m.STATUSES[m.Kind.INCIDENT])
FIELDS = ("title", "status", "description", "resolution_stage", "resolved", "components")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class RequestError(ValueError):
    """The request cannot create an incident; the message says why, in our words."""


@dataclass(frozen=True)
class IncidentRequest:
    """A create-incident request, checked."""

    title: str
    impact: m.Impact
    description: str
    stage: m.Status
    components: tuple[tuple[str, m.Level], ...] = ()


def parse_request(data: bytes) -> IncidentRequest:
    """The request ``data`` holds; :class:`RequestError` for anything the API does not take."""
    try:
        obj = mapping(read_json(data), "the request")
        unknown = set(obj) - set(FIELDS)
        if unknown:
            raise RequestError(f"the request has {len(unknown)} field(s) this API does not "
                               f"take; its fields are {', '.join(FIELDS)}")
        title = text(obj.get("title"), "title").strip()
        description = text(obj.get("description"), "description").strip()
        description = description.replace("\r\n", "\n").replace("\r", "\n")
        status = text(obj.get("status"), "status").strip()
        stage = text(obj.get("resolution_stage"), "resolution_stage", optional=True).strip()
    except PayloadError as exc:
        raise RequestError(str(exc)) from None
    if not title or len(title) > MAX_TITLE or _BREAKS.search(title):
        raise RequestError(f"`title` must be one line of 1 to {MAX_TITLE} characters")
    if _UNWRITABLE.search(description):
        raise RequestError("`description` holds a control character; remove it")
    if not description or len(description) > MAX_DESCRIPTION:
        raise RequestError(f"`description` must be 1 to {MAX_DESCRIPTION} characters: what "
                           "readers should know")
    if status not in IMPACTS:
        raise RequestError("`status` must be minor or major")
    resolved = obj.get("resolved", False)
    if not isinstance(resolved, bool):
        raise RequestError(f"`resolved` must be true or false, not {describe(resolved)}")
    stage = stage or (m.Status.RESOLVED.value if resolved else m.Status.INVESTIGATING.value)
    if stage not in STAGES:
        raise RequestError(f"`resolution_stage` must be one of {', '.join(STAGES)}")
    if resolved and stage != m.Status.RESOLVED:
        raise RequestError("`resolved` is true but `resolution_stage` is not resolved")
    impact = IMPACTS[status]
    return IncidentRequest(title, impact, description, m.Status(stage),
                           _components(obj.get("components"), LEVEL_OF[impact]))


def _components(value: Any, level: m.Level) -> tuple[tuple[str, m.Level], ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        pairs = [(item, level.value) for item in value]
    elif isinstance(value, dict):
        pairs = list(value.items())
    else:
        raise RequestError(f"`components` must be a list of ids or an object of id: level, not "
                           f"{describe(value)}")
    if len(pairs) > MAX_COMPONENTS:
        raise RequestError(f"`components` may name {MAX_COMPONENTS} components at most")
    levels = [lv.value for lv in m.INCIDENT_LEVELS]
    found: dict[str, m.Level] = {}
    for cid, given in pairs:
        if not isinstance(cid, str) or not _SLUG.match(cid):
            raise RequestError("`components` holds an id that is not lower-case letters, digits "
                               "and hyphens")
        if given not in levels:
            raise RequestError(f"`components` holds a level that is not one of {', '.join(levels)}")
        if cid in found:
            raise RequestError("`components` names a component twice")
        found[cid] = m.Level(given)
    return tuple(found.items())


def with_source(written: str, source: str) -> str:
    """A new incident's text (as ``authoring.text`` writes it) with ``source`` added above
    ``updates:``, where the format's key order puts it."""
    marker = "\nupdates:\n"
    if marker not in written:
        raise ValueError("the text has no `updates:` line")
    return written.replace(marker, f"\nsource: {inline_scalar(source)}{marker}", 1)


def _update(status: str, description: str, at: datetime) -> dict[str, Any]:
    return {"resolution_stage": status, "description": description, "created_at": stamp(at)}


def incident_json(incident: m.Incident) -> dict[str, Any]:
    """``incident`` as the create-incident API answers: its public updates, newest first."""
    shown = incident.visible_updates(internal=False) or incident.updates
    terminal = incident.terminal
    return {"data": {"id": incident.id, "type": "incident", "attributes": {
        "title": incident.title,
        "status": incident.impact.value,
        "resolved": terminal is not None,
        "resolution_stage": shown[0].status.value,
        "created_at": stamp(incident.updates[-1].at),
        "resolved_at": stamp(terminal.at) if terminal is not None else None,
        "components": [{"id": r.id, "level": r.level.value if r.level else None}
                       for r in incident.components],
        "updates": [_update(u.status.value, u.message, u.at) for u in shown],
    }}}


def preview_json(request: IncidentRequest, received: datetime, request_id: str) -> dict[str, Any]:
    """What the incident will be once the workflow writes it: the relay's answer, which cannot
    know the incident's id yet."""
    return {"data": {"id": None, "type": "incident", "attributes": {
        "title": request.title,
        "status": request.impact.value,
        "resolved": request.stage is m.Status.RESOLVED,
        "resolution_stage": request.stage.value,
        "created_at": stamp(received),
        "resolved_at": stamp(received) if request.stage is m.Status.RESOLVED else None,
        "components": [{"id": cid, "level": level.value} for cid, level in request.components],
        "updates": [_update(request.stage.value, request.description, received)],
    }}, "meta": {"request_id": request_id, "state": "queued"}}
