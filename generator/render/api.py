"""The site as a Statuspage-compatible JSON API: ``api/v2/*.json``.

:func:`render_api` is a pure function of the (already redacted) snapshot.  Every
object has exactly the fields of Statuspage's public API v2, in the order a real
Statuspage writes them, so an existing Statuspage client can point at the site.

Ids are stable strings, not Statuspage's random 12-character codes:

* a component's (or group's) id is its id in ``components.yml``;
* an incident's or maintenance's id is its file name without ``.md``;
* an update's id is ``<incident id>-u<digest>``, made in compute from the update's time,
  status and ordinal among its twins (:mod:`statusgen.compute.updates`), so it does not
  change when other updates are added, edited, made public or internal;
* the page's id is the snapshot's ``page_id``: 12 base-36 characters of a SHA-256
  of ``page.url``, so it changes only when the site moves.

Timestamps are ISO 8601 in the page's time zone with milliseconds
(:func:`statusgen.render.timefmt.iso_utc`), as Statuspage writes them.
"""

from __future__ import annotations

import json
from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from statusgen import model as m
from statusgen.compute.views import (
    CATEGORIES,
    DURATION_METRICS,
    INTERNAL_METRICS,
    Entry,
    EntryFigures,
    Snapshot,
)
from statusgen.render import paths
from statusgen.render.entries import safe_link, shown_links, shown_reference, words
from statusgen.render.markdown import body, fill_html, fill_text, linker, message
from statusgen.render.timefmt import iso_utc, whole_seconds, zone
from statusgen.steps import Runner, direct

API = "api/v2"
LIMIT = 50
"""How many incidents ``incidents.json`` and maintenances ``scheduled-maintenances.json`` hold."""

JSON = dict[str, Any]

METRIC_NAMES: dict[str, str] = {
    "time_to_acknowledge": "Time to acknowledge",
    "time_to_identify": "Time to identify",
    "time_to_mitigate": "Time to mitigate",
    "time_to_resolve": "Time to resolve",
}
"""Each duration metric's name in the JSON: English, whatever the page's language, as the
names of a named timestamp (``words``) and Statuspage's own strings are: programs read them."""

def incident_json_path(entry_id: str) -> str:
    """Where one entry's ``{"page", "incident"}`` document lives."""
    return f"{API}/incidents/{entry_id}.json"


def statuspage_incident(snap: Snapshot, e: Entry) -> tuple[JSON, list[JSON]]:
    """The incident or scheduled maintenance object of ``e`` exactly as Statuspage shapes it
    (none of statusgen's own fields), and every component's object."""
    api = _Api(api_frame(snap), snap.ids, snap.figures)
    return api.incident(e), api.components()


@dataclass(frozen=True)
class ApiFrame:
    """What every document of the API reads of the site: the settings and components, the
    build, and the page's and every component's object (their levels and times at ``now``)."""

    config: m.Config
    internal: bool
    page: Mapping[str, Any]
    components: Mapping[str, Mapping[str, Any]]
    """Every component's and group's object, in display order, by id."""


@dataclass(frozen=True)
class Document:
    """What an entry's document reads: the frame, the entry and its figures, and which of
    the entries it links to are shown."""

    frame: ApiFrame
    entry: Entry
    figures: EntryFigures
    links: tuple[tuple[str, bool], ...]


def document_step(item: Document) -> bytes:
    """The step that writes an entry's ``{"page", "incident"}`` document."""
    e = item.entry
    api = _Api(item.frame, {target for target, shown in item.links if shown}, {e.id: item.figures})
    # Byte for byte what dump({"page": page, "incident": {…Statuspage's, …extras}}) writes.
    return dump({"page": item.frame.page, "incident": {**api.incident(e), **api.extras(e)}})


def render_api(snap: Snapshot, run: Runner = direct) -> dict[str, bytes]:
    """Every ``api/v2`` document of the snapshot, path → UTF-8 JSON bytes; ``run`` runs the
    steps (each entry's document)."""
    frame = api_frame(snap)
    api = _Api(frame, snap.ids, snap.figures)
    page = frame.page
    incidents = [e for e in snap.entries if e.incident.kind is m.Kind.INCIDENT]
    maintenances = [e for e in snap.entries if e.incident.kind is m.Kind.MAINTENANCE]
    unresolved = [e for e in incidents if e.active]
    upcoming = sorted((e for e in maintenances if e.upcoming), key=_by_schedule)
    active = sorted((e for e in maintenances if e.active), key=_by_schedule)
    status = {"indicator": snap.indicator, "description": snap.description}
    components = api.components()
    docs: dict[str, Any] = {
        "summary.json": {
            "page": page,
            "components": components,
            "incidents": [api.incident(e) for e in unresolved],
            "scheduled_maintenances": [api.incident(e) for e in snap.maintenance],
            "status": status,
        },
        "status.json": {"page": page, "status": status},
        "components.json": {"page": page, "components": components},
        "incidents.json": {"page": page, "incidents": [api.incident(e) for e in incidents[:LIMIT]]},
        "incidents/unresolved.json": {"page": page, "incidents": [api.incident(e) for e in unresolved]},
        "scheduled-maintenances.json": {
            "page": page,
            "scheduled_maintenances": [api.incident(e) for e in maintenances[:LIMIT]],
        },
        "scheduled-maintenances/upcoming.json": {
            "page": page, "scheduled_maintenances": [api.incident(e) for e in upcoming]},
        "scheduled-maintenances/active.json": {
            "page": page, "scheduled_maintenances": [api.incident(e) for e in active]},
    }
    made = run(document_step, [Document(frame, e, snap.figures[e.id], shown_links(e, snap.by_id))
                               for e in snap.entries])
    out = {incident_json_path(e.id): data for e, data in zip(snap.entries, made, strict=True)}
    # The lists win over an entry of the same name (the loader rejects ``unresolved`` as an id).
    out.update({f"{API}/{name}": dump(doc) for name, doc in docs.items()})
    return out


def dump(doc: Any) -> bytes:
    """Compact UTF-8 JSON with a trailing newline, key order as built.

    Compact as Statuspage serves it; it is also what Python's C encoder writes, five
    times faster than indented output over 10,000 incident files.
    """
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _by_schedule(e: Entry) -> tuple[datetime, str]:
    window = e.incident.window
    return (window.start if window else e.started_at, e.id)



def api_frame(snap: Snapshot) -> ApiFrame:
    """The page's and every component's object at ``snap.now``, as every document embeds them."""
    tz = snap.tz
    now = snap.now
    times = [u.at for e in snap.entries for u in e.incident.updates if u.at <= now]
    times += [t for e in snap.entries for s in e.spans for t in (s.start, s.end)
              if t is not None and t <= now]
    updated_at = max(times, default=now)
    created_at = min((u.at for e in snap.entries for u in e.incident.updates), default=updated_at)
    # Each leaf's last level change up to now, in one pass over the spans.
    last_change: dict[str, datetime] = {}
    for e in snap.entries:
        for s in e.spans:
            for t in (s.start, s.end):
                if t is not None and t <= now and t > last_change.get(s.component, created_at):
                    last_change[s.component] = t
    page = snap.page
    page_object = {"id": snap.page_id, "name": page.title, "url": page.url.rstrip("/"),
                   "time_zone": page.timezone, "updated_at": iso_utc(updated_at, tz)}
    components: dict[str, Mapping[str, Any]] = {}
    for component, position in _ordered(snap.config):
        changed = max((last_change[c] for c in snap.config.expand(component.id)
                       if c in last_change), default=created_at)
        data: JSON = {
            "id": component.id,
            "name": component.name,
            "status": str(snap.levels[component.id]),
            "created_at": iso_utc(min(created_at, changed), tz),
            "updated_at": iso_utc(changed, tz),
            "position": position,
            "description": component.description or None,
            "showcase": page.uptime_days > 0,
            "start_date": component.start_date.isoformat() if component.start_date else None,
            "group_id": component.group,
            "page_id": snap.page_id,
            "group": component.is_group,
            "only_show_if_degraded": component.only_show_if_degraded,
        }
        if component.is_group:
            data["components"] = [c.id for c in component.members]
        components[component.id] = data
    return ApiFrame(snap.config, snap.internal, page_object, components)


def _ordered(config: m.Config) -> list[tuple[m.Component, int]]:
    out: list[tuple[m.Component, int]] = []
    for position, component in enumerate(config.components, start=1):
        out.append((component, position))
        out.extend((member, index) for index, member in enumerate(component.members, start=1))
    return out


class _Api:
    """Builds the JSON objects of the documents of one frame."""

    def __init__(self, frame: ApiFrame, ids: Container[str],
                 figures: Mapping[str, EntryFigures]) -> None:
        self.frame = frame
        self.config = frame.config
        self.internal = frame.internal
        self.figures = figures
        self.tz = zone(frame.config.page.timezone)
        self.page_id = str(frame.page["id"])
        self.links = linker(lambda to: paths.absolute(frame.config.page.url, to), ids)
        self._incidents: dict[str, JSON] = {}

    def ts(self, at: datetime | None) -> str | None:
        return None if at is None else iso_utc(at, self.tz)

    def page(self) -> JSON:
        return dict(self.frame.page)

    def components(self) -> list[JSON]:
        return [dict(c) for c in self.frame.components.values()]

    def _names(self) -> dict[str, str]:
        return {c.id: c.name for c in self.config.walk()}

    def updates(self, e: Entry) -> list[JSON]:
        names = self._names()
        out = []
        for update, changes, update_id, notifies in zip(e.incident.updates, e.changes, e.update_ids,
                                                        e.update_delivers, strict=True):
            at = self.ts(update.at)
            affected = [{"code": c.component, "name": names.get(c.component, c.component),
                         "old_status": str(c.old), "new_status": str(c.new)} for c in changes]
            out.append({
                "id": update_id,
                "status": str(update.status),
                "body": fill_text(message(update, self.config.page.language,
                                          self.config.page.language)[0], self.links),
                "incident_id": e.id,
                "created_at": at,
                "updated_at": at,
                "display_at": at,
                "affected_components": affected or None,
                "deliver_notifications": notifies,
                "custom_tweet": None,
                "tweet_id": None,
            })
        return out

    def incident(self, e: Entry) -> JSON:
        """The incident or scheduled maintenance object of an entry (built once)."""
        if e.id not in self._incidents:
            self._incidents[e.id] = self._incident(e)
        return self._incidents[e.id]

    def _incident(self, e: Entry) -> JSON:
        incident = e.incident
        maintenance = incident.kind is m.Kind.MAINTENANCE
        created = incident.updates[-1].at
        data: JSON = {
            "id": e.id,
            "name": incident.title,
            "status": str(e.status),
            "created_at": self.ts(created),
            "updated_at": self.ts(e.updated_at),
            "monitoring_at": self.ts(e.monitoring_at),
            "resolved_at": self.ts(e.resolved_at),
            "impact": "maintenance" if maintenance else str(incident.impact),
            "shortlink": paths.absolute(self.config.page.url, paths.incident_page(e.id)),
            "started_at": self.ts(created if maintenance else e.started_at),
            "page_id": self.page_id,
            "incident_updates": self.updates(e),
            "components": [dict(self.frame.components[c]) for c in e.named],
        }
        if maintenance and incident.window is not None:
            data["scheduled_for"] = self.ts(incident.window.start)
            data["scheduled_until"] = self.ts(incident.window.end)
        return data

    def extras(self, e: Entry) -> JSON:
        """statusgen's own fields of an entry's document, after Statuspage's (which stay as
        they are): reference, severity, links, named timestamps, public custom fields and
        the duration metrics, in seconds, shaped like incident.io's ``duration_metrics``.
        An internal build adds ``internal``: roles, private fields, the follow-up ticket, the
        acknowledgement (``acknowledged_at``, ``acknowledged_by``) and the time to acknowledge; and
        what only the team reads of the declarations, under incident.io's names: the
        severity's and the fields' ``description``, the options with their ``sort_key``, each
        role's ``description`` and ``required``."""
        incident = e.incident
        declared = self.config.incident_fields
        severity = declared.severity(incident.severity) if incident.severity else None
        metrics = self.figures[e.id].metrics
        names = self._names()
        data: JSON = {
            "reference": shown_reference(incident, declared) or None,
            "severity": None if severity is None else self._severity(severity),
            "postmortem_document_url": safe_link(incident.postmortem_url),
            "timestamps": [{"id": t.id, "name": words(t.id), "value": self.ts(at)}
                           for t in declared.timestamps
                           if (at := incident.named_time(t.id)) is not None],
            "custom_fields": [self._field(f, incident, self.internal) for f in declared.custom
                              if f.public and any(v.id == f.id for v in incident.fields)],
            "duration_metrics": [] if metrics is None else [
                {"duration_metric": {"id": metric, "name": METRIC_NAMES[metric]},
                 "value_seconds": None if (seconds := getattr(metrics, metric)) is None
                 else whole_seconds(seconds)} for metric in self._metrics()],
            "component_impact": [] if metrics is None else [
                {"component": {"id": t.component, "name": names.get(t.component, t.component)},
                 "level": str(t.level), "seconds": whole_seconds(t.seconds)}
                for t in metrics.impact],
        }
        data.update(self.incident_object(e))
        if self.internal:
            data["internal"] = {
                "roles": [self._role(r, declared) for r in incident.roles],
                "custom_fields": [self._field(f, incident, True) for f in declared.custom
                                  if not f.public and any(v.id == f.id for v in incident.fields)],
                "external_issue_url": safe_link(incident.external_issue),
                **self.team_object(e),
                **self._acknowledged(incident),
            }
        return data

    def _metrics(self) -> tuple[str, ...]:
        """The duration metrics of this build: the time to acknowledge only in the team's."""
        return (*INTERNAL_METRICS, *DURATION_METRICS) if self.internal else DURATION_METRICS

    def _acknowledged(self, incident: m.Incident) -> JSON:
        """Who took ownership and when, under Better Stack's and incident.io's names."""
        ack = incident.acknowledged
        return {"acknowledged_at": self.ts(ack.at) if ack else None,
                "acknowledged_by": (ack.by or None) if ack else None}

    def incident_object(self, e: Entry) -> JSON:
        """incident.io's fields of the incident object a reader may see: ``mode``, ``summary``
        (the body as text, and ``summary_html``), ``incident_status``, ``incident_type`` (with
        its ``description`` in an internal build) and ``has_debrief``."""
        incident = e.incident
        derived = self.figures[e.id].object
        read = body(incident)
        kind = derived.incident_type
        shown_type: JSON | None = None
        if kind is not None:
            shown_type = {"id": kind.id, "name": kind.name}
            if self.internal:
                shown_type["description"] = kind.description
        return {
            "mode": str(incident.mode),
            "summary": fill_text(read, self.links) if incident.body else None,
            "summary_html": fill_html(read, self.links) if incident.body else None,
            "incident_status": {"id": derived.category, "name": derived.category.capitalize(),
                                "category": derived.category,
                                "rank": CATEGORIES.index(derived.category) + 1},
            "incident_type": shown_type,
            "has_debrief": derived.has_debrief,
        }

    def team_object(self, e: Entry) -> JSON:
        """incident.io's fields only the team sees, for ``internal``: ``creator``,
        ``call_url``, ``debrief_url``, ``external_issue_reference`` and ``follow_ups``."""
        incident = e.incident
        derived = self.figures[e.id].object
        who = derived.creator
        issue = derived.external_issue
        name = "title" if who.kind is m.CreatorKind.ALERT else "name"
        return {
            "creator": {str(who.kind): {"id": who.id, name: who.name}},
            "call_url": safe_link(incident.call_url),
            "debrief_url": safe_link(incident.debrief),
            "external_issue_reference": None if issue is None else {
                "provider": issue.provider, "issue_name": issue.issue_name,
                "issue_permalink": safe_link(issue.permalink)},
            "follow_ups": [{"title": f.title, "owner": f.owner or None, "status": str(f.status),
                            "link": safe_link(f.link)} for f in incident.follow_ups],
        }

    def _severity(self, severity: m.SeverityLevel) -> JSON:
        data: JSON = {"id": severity.id, "name": severity.name, "rank": severity.rank}
        if self.internal:
            data["description"] = severity.description
        return data

    @staticmethod
    def _field(field: m.CustomField, incident: m.Incident, internal: bool) -> JSON:
        entry = next(v for v in incident.fields if v.id == field.id)
        data: JSON = {"id": field.id, "name": field.label, "type": str(field.type),
                      "values": list(entry.values)}
        if internal:
            data["description"] = field.description
            data["options"] = [{"value": o.value, "sort_key": o.sort_key} for o in field.options]
        return data

    @staticmethod
    def _role(assigned: m.Assigned, declared: m.IncidentFields) -> JSON:
        role = next((r for r in declared.roles if r.id == assigned.role), None)
        return {"role": assigned.role, "person": assigned.person,
                "description": role.description if role is not None else "",
                "required": role is not None and role.required}
