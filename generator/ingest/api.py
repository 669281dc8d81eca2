"""The create-incident API of hosted status pages (isdown's ``POST /api/v2/incidents``), the
git way.

A request is ``{"service_id", "title", "status": "minor"|"major", "description",
"resolution_stage"}`` as that API documents it, plus ``"resolved": true`` (ends the incident at
once) and ``components`` (a list of ids, levelled by ``status``, or ``{id: level}``).
``service_id`` names a component through ``api.services`` of ``components.yml``; without that
mapping it is taken and ignored.  ``status`` defaults to minor, ``resolution_stage`` to
investigating, and ``description`` to empty, in which case the first update says what the stage
means in a fixed sentence (:data:`STAGE_MESSAGES`), because readers never see an empty update.

The answer is the incident in that API's documented shape (docs/schemas/
create-incident-response.json), public updates only, newest first.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from statusgen import model as m
from statusgen.authoring.text import incident_name, stamp
from statusgen.ingest.alerts import PayloadError, describe, mapping, read_json, text
from statusgen.render.paths import absolute, component_page, incident_page

MAX_TITLE = 200
MAX_DESCRIPTION = 20_000
MAX_COMPONENTS = 50
REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")
"""What a request id (the relay's delivery id, an ``Idempotency-Key``) may be."""
INCIDENT_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,119}\Z")
"""What an incident id decided before the file is written may be (a file name's stem)."""

IMPACTS = {"minor": m.Impact.MINOR, "major": m.Impact.MAJOR}
LEVEL_OF = {m.Impact.MINOR: m.Level.PARTIAL_OUTAGE, m.Impact.MAJOR: m.Level.MAJOR_OUTAGE}
"""The level of a component listed without one: a minor incident is a partial outage."""
STAGES = tuple(s.value for s in m.STATUSES[m.Kind.INCIDENT])
STAGE_MESSAGES = {
    m.Status.INVESTIGATING: "We are investigating this issue.",
    m.Status.IDENTIFIED: "The cause has been identified and a fix is under way.",
    m.Status.MONITORING: "A fix has been applied and we are monitoring the results.",
    m.Status.RESOLVED: m.DEFAULT_RESOLVE_MESSAGE,
}
"""The first update's message when a request's ``description`` is empty (the API's default)."""
FIELDS = ("service_id", "title", "status", "description", "resolution_stage", "resolved",
          "components")
MAX_SERVICE_ID = 2**53 - 1
"""The largest id JSON carries exactly (and so every client sends as it was meant)."""
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
    """As sent: empty when the request gave none."""
    stage: m.Status
    components: tuple[tuple[str, m.Level], ...] = ()
    service_id: int | None = None

    @property
    def message(self) -> str:
        """The first update's message: the description, or the stage's fixed sentence."""
        return self.description or STAGE_MESSAGES[self.stage]


def parse_request(data: bytes, api: m.ApiSettings | None = None) -> IncidentRequest:
    """The request ``data`` holds, its ``service_id`` mapped by ``api`` (the ``api:`` key of
    components.yml); :class:`RequestError` for anything the API does not take."""
    try:
        obj = mapping(read_json(data), "the request")
        unknown = set(obj) - set(FIELDS)
        if unknown:
            raise RequestError(f"the request has {len(unknown)} field(s) this API does not "
                               f"take; its fields are {', '.join(FIELDS)}")
        title = text(obj.get("title"), "title").strip()
        description = text(obj.get("description"), "description", optional=True).strip()
        description = description.replace("\r\n", "\n").replace("\r", "\n")
        status = text(obj.get("status"), "status", optional=True).strip() or "minor"
        stage = text(obj.get("resolution_stage"), "resolution_stage", optional=True).strip()
    except PayloadError as exc:
        raise RequestError(str(exc)) from None
    if not title or len(title) > MAX_TITLE or _BREAKS.search(title):
        raise RequestError(f"`title` must be one line of 1 to {MAX_TITLE} characters")
    if _UNWRITABLE.search(description):
        raise RequestError("`description` holds a control character; remove it")
    if len(description) > MAX_DESCRIPTION:
        raise RequestError(f"`description` may be {MAX_DESCRIPTION} characters at most")
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
    service_id = _service_id(obj.get("service_id"))
    components = _components(obj.get("components"), LEVEL_OF[impact])
    service = _service(service_id, api)
    if service is not None and service.component not in dict(components):
        components = ((service.component, LEVEL_OF[impact]), *components)
    return IncidentRequest(title, impact, description, m.Status(stage), components, service_id)


def _service_id(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_SERVICE_ID:
        raise RequestError(f"`service_id` must be a whole number above 0, not {describe(value)}")
    return value


def _service(service_id: int | None, api: m.ApiSettings | None) -> m.ApiService | None:
    """The service ``service_id`` names; ``None`` when the page maps none (then any id is
    taken and ignored)."""
    if service_id is None or api is None or not api.services:
        return None
    found = api.service(service_id)
    if found is None:
        known = ", ".join(str(s.id) for s in api.services)
        raise RequestError(f"`service_id` {service_id} is not a service of this page; "
                           f"components.yml maps {known} (api.services)")
    return found


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


def request_name(title: str, received: datetime, request_id: str) -> str:
    """The id of the incident a queued request will create, decided when it is accepted: the
    usual ``<date>-<slug>`` and six hex digits of the request id, so that two requests of the
    same title and day do not meet, and a retried request names the same file."""
    digest = hashlib.sha256(request_id.encode()).hexdigest()[:6]
    return f"{incident_name(title, received, ())}-{digest}"


@dataclass(frozen=True)
class Service:
    """What the answer says of the service a request named."""

    id: int | None
    component: m.Component | None = None


def service_of(config: m.Config | None, service_id: int | None) -> Service:
    """The component ``service_id`` stands for in ``config`` (``None`` when unmapped)."""
    found = config.api.service(service_id) if config and config.api and service_id else None
    return Service(service_id, config.get(found.component) if config and found else None)


def _update(status: str, description: str, at: datetime) -> dict[str, Any]:
    return {"status": status, "created_at": stamp(at), "description": description}


def _answer(incident_id: str, attributes: dict[str, Any], config: m.Config | None,
            service: Service) -> dict[str, Any]:
    """The documented envelope around ``attributes``, with the links and the service."""
    page = config.page.url if config is not None else None
    component = service.component
    return {"data": {"id": incident_id, "type": "incidents", "attributes": {
        "url": absolute(page, incident_page(incident_id)) if page else None,
        "title": attributes["title"],
        "description": attributes["updates"][-1]["description"],
        "status": attributes["status"],
        "resolved": attributes["resolved_at"] is not None,
        "created_at": attributes["created_at"],
        "resolved_at": attributes["resolved_at"],
        "updated_at": attributes["updates"][0]["created_at"],
        "service_id": service.id,
        "service": component.name if component else None,
        "service_status_url": absolute(page, component_page(component.id))
        if page and component else None,
        "service_urlname": component.id if component else None,
        "user_generated": False,
        "severity_from_provider": None,
        "components": attributes["components"],
        "updates": attributes["updates"],
        "isdown_url": None,
        "reference": attributes["reference"] or None,
    }}}


def incident_json(incident: m.Incident, config: m.Config | None,
                  service_id: int | None = None) -> dict[str, Any]:
    """``incident`` as the create-incident API answers: its public updates, newest first."""
    shown = incident.visible_updates(internal=False) or incident.updates
    terminal = incident.terminal
    return _answer(incident.id, {
        "title": incident.title,
        "status": incident.impact.value,
        "created_at": stamp(incident.updates[-1].at),
        "resolved_at": stamp(terminal.at) if terminal is not None else None,
        "components": [{"id": r.id, "level": r.level.value if r.level else None}
                       for r in incident.components],
        "updates": [_update(u.status.value, u.message, u.at) for u in shown],
        "reference": incident.reference,
    }, config, service_of(config, service_id))


def preview_json(request: IncidentRequest, incident_id: str, received: datetime,
                 request_id: str, config: m.Config | None) -> dict[str, Any]:
    """What the incident will be once the workflow writes it (the relay's answer); its
    reference is not known until then."""
    at = stamp(received)
    answer = _answer(incident_id, {
        "title": request.title,
        "status": request.impact.value,
        "created_at": at,
        "resolved_at": at if request.stage is m.Status.RESOLVED else None,
        "components": [{"id": cid, "level": level.value} for cid, level in request.components],
        "updates": [_update(request.stage.value, request.message, received)],
        "reference": "",
    }, config, service_of(config, request.service_id))
    return {**answer, "meta": {"request_id": request_id, "state": "queued"}}
