"""What the relay answers: its routes, the token check, and the requests it queues.

- ``POST /hooks/<tool>`` (``alertmanager``, ``grafana``, ``gatus``, ``uptime-kuma``,
  ``pagerduty``, ``generic``): a monitor's webhook, checked with the same parser as
  ``statusgen ingest`` and queued as an ``alert`` dispatch; ``202`` once it is on disk, with
  ``notes`` when a malformed alert of the group was left out (the group's other alerts go
  on; a group of none is refused, ``422``).
  A payload without alerts (Uptime Kuma's test notification) is answered ``200`` and not
  forwarded.
- ``POST /api/v2/incidents``: a create-incident request (docs/monitors.md), queued as an
  ``incident`` dispatch; ``202`` with the incident it will create, under the id decided here
  and sent along for the workflow to write.  ``service_id`` is checked against the
  ``components.yml`` the relay was given.  An ``Idempotency-Key`` header makes a retried
  request create the incident once.
- ``GET /healthz`` and ``GET /metrics``: liveness with the queue's depth, and counters.

Every ``POST`` needs ``Authorization: Bearer <token>``, compared in constant time.  Refusals say
why in the relay's own words; nothing a request holds is repeated in an answer or a header.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from statusgen import model as m
from statusgen.authoring.text import stamp
from statusgen.diagnostics import with_article
from statusgen.ingest.alerts import PayloadError, read_json
from statusgen.ingest.api import REQUEST_ID, RequestError, parse_request, preview_json, request_name
from statusgen.ingest.payloads import PARSERS, TOOLS
from statusgen.relay.metrics import Metrics
from statusgen.relay.queue import DiskQueue, Full
from statusgen.serve.http import Refusal, Request, site_path

JSON = "application/json"
PLAIN = "text/plain; charset=utf-8"
MAX_BODY = 60 * 1024
"""Bytes of a request body: GitHub takes dispatches of less than 64 KB."""
MAX_DISPATCH = 63 * 1024
"""Bytes of the dispatch forwarded, the request wrapped with its kind and id."""
HOOKS = "/hooks/"
INCIDENTS = "/api/v2/incidents"


@dataclass(frozen=True)
class Answer:
    """A response: status, body and its type, and headers from the relay's own fixed words."""

    status: HTTPStatus
    body: bytes
    content_type: str = JSON
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: HTTPStatus, data: Any) -> Answer:
        return cls(status, (json.dumps(data, indent=2) + "\n").encode())

    @classmethod
    def refused(cls, refusal: Refusal) -> Answer:
        return cls(refusal.status, refusal.body(), PLAIN, refusal.headers)


def _digest(token: str) -> bytes:
    # Both sides hashed first: compare_digest then takes the same time whatever the length.
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).digest()


class RelayApp:
    """The relay's routes over a :class:`DiskQueue`."""

    def __init__(self, queue: DiskQueue, metrics: Metrics, token: str, *, max_body: int = MAX_BODY,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 config: m.Config | None = None) -> None:
        self.queue = queue
        self.config = config
        self.metrics = metrics
        self._token = _digest(token)
        self.max_body = max_body
        self.clock = clock
        metrics.gauges["statusgen_relay_queue_depth"] = lambda: float(queue.depth())
        metrics.gauges["statusgen_relay_queue_oldest_seconds"] = queue.oldest_age

    def answer(self, request: Request, read: Callable[[int], bytes]) -> tuple[str, Answer]:
        """The route's name (for metrics and the log) and the answer; ``read(n)`` reads the body."""
        route = "other"
        try:
            segments, _ = site_path(request.target)
            path = "/" + "/".join(segments)
            if path in ("/healthz", "/metrics"):
                route = path[1:]
                _allow(request, "GET", "HEAD")
                return route, self._health() if route == "healthz" else \
                    Answer(HTTPStatus.OK, self.metrics.text().encode(), "text/plain; version=0.0.4")
            if path == INCIDENTS or (path.startswith(HOOKS) and path[len(HOOKS):] in PARSERS):
                route = "incidents" if path == INCIDENTS else path[1:]
                _allow(request, "POST")
                self._authorised(request)
                body = self._body(request, read)
                return route, self._incident(request, body) if path == INCIDENTS else \
                    self._alert(path[len(HOOKS):], body)
            raise Refusal(HTTPStatus.NOT_FOUND, "the relay answers /hooks/<tool>, "
                          "/api/v2/incidents, /healthz and /metrics")
        except Refusal as refusal:
            return route, Answer.refused(refusal)

    def _health(self) -> Answer:
        return Answer.json(HTTPStatus.OK, {"status": "ok", "queued": self.queue.depth(),
                                           "oldest_seconds": round(self.queue.oldest_age(), 1)})

    def _authorised(self, request: Request) -> None:
        given = request.values("authorization")
        scheme, _, token = given[0].partition(" ") if len(given) == 1 else ("", "", "")
        if scheme.lower() != "bearer" or not hmac.compare_digest(_digest(token.strip()), self._token):
            raise Refusal(HTTPStatus.UNAUTHORIZED, "send the relay's token as "
                          "`Authorization: Bearer <token>`", {"WWW-Authenticate": "Bearer"})

    def _body(self, request: Request, read: Callable[[int], bytes]) -> bytes:
        if request.values("transfer-encoding"):
            raise Refusal(HTTPStatus.LENGTH_REQUIRED, "send the body with a Content-Length "
                          "header; chunked bodies are not read")
        lengths = request.values("content-length")
        if len(lengths) != 1 or not lengths[0].isdigit() or len(lengths[0]) > 12:
            raise Refusal(HTTPStatus.LENGTH_REQUIRED, "send one Content-Length header")
        size = int(lengths[0])
        if size > self.max_body:
            raise Refusal(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"a body may be "
                          f"{self.max_body // 1024} KiB at most (GitHub forwards less than 64 KB; "
                          "Alertmanager's max_alerts keeps its notifications small)")
        return read(size)

    def _alert(self, kind: str, body: bytes) -> Answer:
        try:
            sent = read_json(body)
            delivery = PARSERS[kind](sent)
        except PayloadError as exc:
            raise Refusal(HTTPStatus.UNPROCESSABLE_ENTITY,
                          f"this is not {with_article(TOOLS[kind])} payload: {exc}") from None
        if not delivery.alerts:
            notes = "; ".join(delivery.notes) or "no alerts"
            return Answer.json(HTTPStatus.OK, {"status": "ignored", "reason": notes})
        request_id = secrets.token_hex(8)
        payload = {"kind": kind, "payload": sent, "request_id": request_id,
                   "received": stamp(self.clock().replace(microsecond=0))}
        answer = self._queue("alert", payload, delivery.key, request_id, {})
        if not delivery.notes:
            return answer
        # Said back, so that the tool's operator learns of an alert left out (its own words
        # only: a note names a field, never what the request holds).
        return Answer.json(answer.status, {**json.loads(answer.body), "notes": list(delivery.notes)})

    def _incident(self, request: Request, body: bytes) -> Answer:
        keys = request.values("idempotency-key")
        if len(keys) > 1 or (keys and not REQUEST_ID.match(keys[0])):
            raise Refusal(HTTPStatus.BAD_REQUEST, "Idempotency-Key must be 1 to 64 letters, "
                          "digits, `.`, `_` and `-`")
        try:
            parsed = parse_request(body, self.config.api if self.config else None)
        except RequestError as exc:
            return Answer.json(HTTPStatus.UNPROCESSABLE_ENTITY, {"errors": [str(exc)]})
        request_id = keys[0] if keys else secrets.token_hex(8)
        received = self.clock().replace(microsecond=0)
        incident_id = request_name(parsed.title, received, request_id)
        payload = {"request": read_json(body), "request_id": request_id, "id": incident_id,
                   "received": stamp(received)}
        return self._queue("incident", payload, "", request_id,
                           preview_json(parsed, incident_id, received, request_id, self.config))

    def _queue(self, event: str, payload: dict[str, Any], key: str, request_id: str,
               shown: dict[str, Any]) -> Answer:
        dispatch = {"event_type": event, "client_payload": payload}
        data = json.dumps({"key": key, "dispatch": dispatch}, separators=(",", ":")).encode()
        if len(json.dumps(dispatch, separators=(",", ":")).encode()) > MAX_DISPATCH:
            raise Refusal(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "the request is too large for "
                          "GitHub's dispatch API (64 KB)")
        try:
            _, merged = self.queue.put(key, data)
        except Full:
            raise Refusal(HTTPStatus.SERVICE_UNAVAILABLE, "the relay's queue is full; try again "
                          "later", {"Retry-After": "30"}) from None
        if merged:
            self.metrics.count("statusgen_relay_merged_total")
        return Answer.json(HTTPStatus.ACCEPTED, shown or {
            "status": "queued", "request_id": request_id, "merged": merged})


def _allow(request: Request, *methods: str) -> None:
    if request.method not in methods:
        raise Refusal(HTTPStatus.METHOD_NOT_ALLOWED, f"use {' or '.join(methods)} here",
                      {"Allow": ", ".join(methods)})

