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

import asyncio
import hashlib
import hmac
import json
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from statusgen import model as m
from statusgen.authoring.text import stamp
from statusgen.diagnostics import with_article
from statusgen.ingest.alerts import PayloadError, read_json
from statusgen.ingest.api import REQUEST_ID, RequestError, parse_request, preview_json, request_name
from statusgen.ingest.payloads import PARSERS, TOOLS
from statusgen.relay.forward import log
from statusgen.relay.metrics import Metrics
from statusgen.relay.queue import DiskQueue, Full
from statusgen.serve.http import Refusal, site_path

JSON = "application/json"
PLAIN = "text/plain; charset=utf-8"
MAX_BODY = 60 * 1024
"""Bytes of a request body: GitHub takes dispatches of less than 64 KB."""
MAX_DISPATCH = 63 * 1024
"""Bytes of the dispatch forwarded, the request wrapped with its kind and id."""
BODY_TIMEOUT = 10.0
"""Seconds for the body once the headers are in."""
MAX_TARGET = 8 * 1024
"""Bytes of a request's path; a longer one gets 414."""
HOOKS = "/hooks/"
INCIDENTS = "/api/v2/incidents"
METHODS = ("GET", "HEAD", "POST")
LOGGED = "statusgen.failure_logged"
"""Set in a request's scope once its failure is on the log."""
FIXED_HEADERS = [(b"cache-control", b"no-store"), (b"x-content-type-options", b"nosniff"),
                 (b"connection", b"close")]
"""On every answer: nothing cached, no type guessed, one request a connection."""


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


FAILED = Answer(HTTPStatus.INTERNAL_SERVER_ERROR,
                b"500 Internal Server Error: the relay failed; its log says why\n", PLAIN)


def _digest(token: str) -> bytes:
    # Both sides hashed first: compare_digest then takes the same time whatever the length.
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).digest()


class RelayApp:
    """The relay's routes over a :class:`DiskQueue`, as an ASGI application (Starlette's router
    inside a wrapper that normalises the path first, and counts, logs and marks every answer)."""

    def __init__(self, queue: DiskQueue, metrics: Metrics, token: str, *, max_body: int = MAX_BODY,
                 body_timeout: float = BODY_TIMEOUT,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 config: m.Config | None = None) -> None:
        self.queue = queue
        self.config = config
        self.metrics = metrics
        self._token = _digest(token)
        self.max_body = max_body
        self.body_timeout = body_timeout
        self.clock = clock
        metrics.gauges["statusgen_relay_queue_depth"] = lambda: float(queue.depth())
        metrics.gauges["statusgen_relay_queue_oldest_seconds"] = queue.oldest_age
        self._router = Starlette(routes=[
            Route("/healthz", _endpoint(self._health), methods=["GET", "HEAD"]),
            Route("/metrics", _endpoint(self._metrics), methods=["GET", "HEAD"]),
            Route(INCIDENTS, _endpoint(self._incident), methods=["POST"]),
            *(Route(HOOKS + tool, _endpoint(self._alert), methods=["POST"]) for tool in PARSERS),
        ], exception_handlers={HTTPException: _http_refusal, Refusal: _refused, Exception: _failed})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return  # uvicorn runs the relay without lifespan events; nothing else is spoken
        method, route, started, inner = scope["method"], "other", False, scope

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started, status = True, message["status"]
                message = {**message, "headers": [*message.get("headers", []), *FIXED_HEADERS]}
                # Counted and logged before the client can read the answer and ask again.
                self.metrics.count("statusgen_relay_requests_total", route=route, code=str(status))
                # The method passed h11's token check; the route is one of the relay's names.
                log(f"{method} {route} {status}")
            await send(message)

        try:
            raw = scope.get("raw_path") or scope["path"].encode()
            if len(raw) > MAX_TARGET:
                raise Refusal(HTTPStatus.REQUEST_URI_TOO_LONG,
                              f"the request target is longer than {MAX_TARGET} bytes")
            segments, _ = site_path(raw.decode("latin-1"))
            path = "/" + "/".join(segments)
            route = _route(path)
            inner = {**scope, "path": path, "raw_path": path.encode()}
            await self._router(inner, receive, sending)
        except Refusal as refusal:
            await _respond(Answer.refused(refusal), scope, receive, sending)
        except Exception as exc:
            # One line instead of a traceback (unless _failed said it before answering); the
            # client gets a 500 if nothing was sent yet.
            if not inner.get(LOGGED):
                log(f"a request failed: {type(exc).__name__}")
            if not started:
                await _respond(FAILED, scope, receive, sending)

    async def _metrics(self, request: Request) -> Answer:
        return Answer(HTTPStatus.OK, self.metrics.text().encode(), "text/plain; version=0.0.4")

    async def _health(self, request: Request) -> Answer:
        return Answer.json(HTTPStatus.OK, {"status": "ok", "queued": self.queue.depth(),
                                           "oldest_seconds": round(self.queue.oldest_age(), 1)})

    def _authorised(self, request: Request) -> None:
        given = request.headers.getlist("authorization")
        scheme, _, token = given[0].partition(" ") if len(given) == 1 else ("", "", "")
        if scheme.lower() != "bearer" or not hmac.compare_digest(_digest(token.strip()), self._token):
            raise Refusal(HTTPStatus.UNAUTHORIZED, "send the relay's token as "
                          "`Authorization: Bearer <token>`", {"WWW-Authenticate": "Bearer"})

    async def _body(self, request: Request) -> bytes:
        """The body, once the token is checked: only with one ``Content-Length`` within the
        limit, and read whole within ``body_timeout`` seconds."""
        self._authorised(request)
        if request.headers.getlist("transfer-encoding"):
            raise Refusal(HTTPStatus.LENGTH_REQUIRED, "send the body with a Content-Length "
                          "header; chunked bodies are not read")
        lengths = request.headers.getlist("content-length")
        if len(lengths) != 1 or not lengths[0].isdigit() or len(lengths[0]) > 12:
            raise Refusal(HTTPStatus.LENGTH_REQUIRED, "send one Content-Length header")
        size = int(lengths[0])
        if size > self.max_body:
            raise Refusal(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"a body may be "
                          f"{self.max_body // 1024} KiB at most (GitHub forwards less than 64 KB; "
                          "Alertmanager's max_alerts keeps its notifications small)")
        body = bytearray()
        try:
            async with asyncio.timeout(self.body_timeout):
                async for chunk in request.stream():
                    body += chunk
        except TimeoutError:
            raise Refusal(HTTPStatus.REQUEST_TIMEOUT,
                          f"the body took more than {self.body_timeout:g} s") from None
        except ClientDisconnect:
            raise Refusal(HTTPStatus.BAD_REQUEST,
                          "the connection closed before the body ended") from None
        return bytes(body)

    async def _alert(self, request: Request) -> Answer:
        kind = request.scope["path"][len(HOOKS):]
        body = await self._body(request)
        # Parsing and the queue's fsync block: a worker thread, so other requests go on.
        return await run_in_threadpool(self._take_alert, kind, body)

    async def _incident(self, request: Request) -> Answer:
        body = await self._body(request)
        keys = request.headers.getlist("idempotency-key")
        if len(keys) > 1 or (keys and not REQUEST_ID.match(keys[0])):
            raise Refusal(HTTPStatus.BAD_REQUEST, "Idempotency-Key must be 1 to 64 letters, "
                          "digits, `.`, `_` and `-`")
        return await run_in_threadpool(self._take_incident, keys[0] if keys else None, body)

    def _take_alert(self, kind: str, body: bytes) -> Answer:
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

    def _take_incident(self, key: str | None, body: bytes) -> Answer:
        try:
            parsed = parse_request(body, self.config.api if self.config else None)
        except RequestError as exc:
            return Answer.json(HTTPStatus.UNPROCESSABLE_ENTITY, {"errors": [str(exc)]})
        request_id = key or secrets.token_hex(8)
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


def _route(path: str) -> str:
    """The name a request's path is counted and logged under: one of the relay's own."""
    if path in ("/healthz", "/metrics"):
        return path[1:]
    if path == INCIDENTS:
        return "incidents"
    return path[1:] if path.startswith(HOOKS) and path[len(HOOKS):] in PARSERS else "other"


def _endpoint(handler: Callable[[Request], Awaitable[Answer]]) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        return _response(await handler(request))
    return endpoint


def _response(answer: Answer) -> Response:
    return Response(answer.body, int(answer.status), dict(answer.headers), answer.content_type)


async def _respond(answer: Answer, scope: Scope, receive: Receive, send: Send) -> None:
    await _response(answer)(scope, receive, send)


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refusal)
    return _response(Answer.refused(exc))


async def _failed(request: Request, exc: Exception) -> Response:
    # Logged before the answer goes (a client that reads it finds the line there); Starlette
    # raises the exception again, and the wrapper does not log it twice.
    log(f"a request failed: {type(exc).__name__}")
    request.scope[LOGGED] = True
    return _response(FAILED)


async def _http_refusal(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (no such route, another method) in the relay's words."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == HTTPStatus.METHOD_NOT_ALLOWED:
        methods = sorted((exc.headers or {}).get("Allow", "").split(", "), key=METHODS.index)
        return _response(Answer.refused(Refusal(HTTPStatus.METHOD_NOT_ALLOWED,
                                                f"use {' or '.join(methods)} here",
                                                {"Allow": ", ".join(methods)})))
    return _response(Answer.refused(Refusal(HTTPStatus.NOT_FOUND, "the relay answers /hooks/<tool>, "
                                            "/api/v2/incidents, /healthz and /metrics")))
