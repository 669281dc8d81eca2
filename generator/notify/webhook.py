"""A webhook in Statuspage's shape, so that a receiver built for Statuspage works unchanged.

Each event is one ``{"meta", "page", "incident"}`` message whose ``incident`` is the
object of the site's JSON API (:mod:`statusgen.render.api`) as the entry stood at the
event, its ``incident_updates`` newest first, so ``incident_updates[0]`` is the update
the message announces; the keys Statuspage's webhooks add to the API's object are added
with statusgen's values.  Each component the event changed is one more
``{"meta", "page", "component_update", "component"}`` message.  ``page`` says the page's
status at the time of sending.

Statuspage's own strings stay as Statuspage writes them (``status``, ``impact``,
``page.status_description``), since receivers match on them; an update's ``body`` is its
message in the page's language, as in the JSON API, and so is the note that ends a body
cut to :data:`BODY_LIMIT`.

With ``secret_env``, the body is signed: ``X-Statusgen-Signature: sha256=<hex>``, the
HMAC-SHA256 of the exact bytes of the body under the secret.

A channel with ``internal: true`` (the team's own) also has ``incident.internal``, true for
an internal entry or update, whose ``name`` is then marked ``🔒 [Internal] …``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from statusgen import model as m
from statusgen.compute.snapshot import narrowed
from statusgen.notify.events import EventKind
from statusgen.notify.markup import cut
from statusgen.notify.notice import Notice
from statusgen.notify.outgoing import (
    COMPONENT_EVENT,
    SIGNATURE_HEADER,
    Delivery,
    Scene,
    component_keys,
    delivery_id,
    dump,
)
from statusgen.render.api import statuspage_incident
from statusgen.render.timefmt import iso_utc

BODY_LIMIT = 20_000
"""Characters of one update's body before it is cut, with a link to the page."""
SIZE_LIMIT = 256 * 1024
"""Bytes of one message: older updates are left out beyond it (the newest always stays)."""

INCIDENT_EXTRAS = ("backfilled", "impact_override", "postmortem_body",
                   "postmortem_body_last_updated_at", "postmortem_ignored",
                   "postmortem_notified_subscribers", "postmortem_notified_twitter",
                   "postmortem_published_at", "scheduled_auto_transition", "scheduled_for",
                   "scheduled_remind_prior", "scheduled_reminded_at", "scheduled_until",
                   "organization_id")
"""The keys of a Statuspage webhook's ``incident`` that its public API's object has not."""
UPDATE_EXTRAS = ("twitter_updated_at", "wants_twitter_update")


def sign(secret: str, body: bytes) -> str:
    """The signature header's value: ``sha256=`` and the hex HMAC-SHA256 of ``body``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _api(notice: Notice, scene: Scene) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The API's incident object of the entry as it stood at the event, and its components."""
    now = scene.snapshot
    entry = notice.event.entry
    one = narrowed(now, (entry,), internal=False)
    found, components = statuspage_incident(one, entry)
    # A copy through JSON: the message changes its own, and the API's objects are shared.
    incident: dict[str, Any] = json.loads(json.dumps(found))
    return incident, {c["id"]: json.loads(json.dumps(c)) for c in components}


def _page(scene: Scene) -> dict[str, Any]:
    snap = scene.snapshot
    return {"id": snap.page_id, "status_indicator": snap.indicator,
            "status_description": snap.description}


def _meta(scene: Scene) -> dict[str, Any]:
    # Subscriptions live in components.yml: there is nothing to unsubscribe from here.
    return {"unsubscribe": None, "documentation": None,
            "generated_at": iso_utc(scene.now)}


def _incident(channel: m.Channel, notice: Notice, scene: Scene,
              incident: dict[str, Any]) -> dict[str, Any]:
    """The API's object with what Statuspage's webhooks add to it."""
    source = notice.event.incident
    tz = scene.snapshot.tz
    maintenance = source.kind is m.Kind.MAINTENANCE
    reminded = notice.event.kind is EventKind.REMINDER
    extras = {
        "backfilled": source.mode is m.Mode.RETROSPECTIVE,
        "impact_override": None,
        "postmortem_body": None,
        "postmortem_body_last_updated_at": None,
        "postmortem_ignored": True,
        "postmortem_notified_subscribers": False,
        "postmortem_notified_twitter": False,
        "postmortem_published_at": None,
        "scheduled_auto_transition": maintenance,
        "scheduled_for": incident.get("scheduled_for"),
        "scheduled_remind_prior": maintenance and channel.reminder > 0,
        "scheduled_reminded_at": iso_utc(scene.now, tz) if reminded else None,
        "scheduled_until": incident.get("scheduled_until"),
        "organization_id": incident["page_id"],
    }
    # ``deliver_notifications`` and the ids are the API's: one function decides each.
    for update in incident["incident_updates"]:
        update["twitter_updated_at"] = None
        update["wants_twitter_update"] = False
        if len(update["body"]) > BODY_LIMIT:
            rest = notice.lang._("(continued at %(url)s)", url=notice.url)
            update["body"] = cut(update["body"], BODY_LIMIT - len(rest) - 1, str) + " " + rest
    incident.update(extras)
    if channel.internal:
        # Only the team's channel says so: a public receiver's shape stays Statuspage's.
        incident["internal"] = notice.event.internal
        incident["name"] = notice.title
    return incident


def _fitted(doc: dict[str, Any]) -> bytes:
    """The message within :data:`SIZE_LIMIT`, leaving out the oldest updates if it must."""
    body = dump(doc)
    updates = doc["incident"]["incident_updates"]
    while len(body) > SIZE_LIMIT and len(updates) > 1:
        del updates[max(1, len(updates) // 2):]
        body = dump(doc)
    return body


def build(channel: m.Channel, notice: Notice, scene: Scene) -> list[Delivery]:
    """The incident message of ``notice``, and one message per component it changed."""
    event = notice.event
    page, meta = _page(scene), _meta(scene)
    api, components = _api(notice, scene)
    incident = {"meta": meta, "page": page, "incident": _incident(channel, notice, scene, api)}
    out = [Delivery(channel, event.id, event.name, notice, _fitted(incident),
                    delivery_id(scene.config.page, channel, event.id))]
    tz = scene.snapshot.tz
    for change, key in zip(event.changes, component_keys(event), strict=True):
        component = components[change.component]
        ident = delivery_id(scene.config.page, channel, key)
        doc = {"meta": meta, "page": page,
               "component_update": {
                   "created_at": iso_utc(event.at, tz), "new_status": str(change.new),
                   "old_status": str(change.old), "id": ident, "component_id": change.component},
               "component": {k: component[k] for k in ("created_at", "id", "name", "status")}}
        out.append(Delivery(channel, key, COMPONENT_EVENT, notice, dump(doc), ident))
    return out


def signed(delivery: Delivery, secret: str) -> dict[str, str]:
    """The request's headers, with the signature when there is a secret."""
    headers = delivery.headers()
    if secret:
        headers[SIGNATURE_HEADER] = sign(secret, delivery.body)
    return headers

