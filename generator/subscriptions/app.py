"""The service's HTTP side, on Starlette (served by uvicorn):

* ``POST /subscribe`` (form or JSON: ``email`` or ``webhook``, optional repeated
  ``components``): always the same answer, whether or not the address is known; the
  confirmation mail (or webhook challenge) goes out after the answer, at most
  :data:`CONFIRMATIONS_PER_DAY` a day per address;
* ``GET /confirm/<token>``, ``GET|POST /manage/<token>``, ``GET|POST /unsubscribe/<token>``
  (the POST is RFC 8058's one-click);
* ``POST /api/events`` (``Authorization: Bearer``): an event from ``statusgen notify``,
  kept once per id and fanned out;
* ``GET /healthz``: the events still being fanned out.

Bodies are bounded, sign-ups rate-limited per client and per address (``429`` with
``Retry-After``).  Pages speak the status page's language; links carry tokens, so every
answer says ``Referrer-Policy: no-referrer`` and ``Cache-Control: no-store``.  Addresses are
never logged: the log names subscribers by their number.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import html
import json
import logging
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from statusgen.net.public import post_public
from statusgen.net.safety import Refused, origin
from statusgen.subscriptions.fanout import Fanout, Settings
from statusgen.subscriptions.limits import Window
from statusgen.subscriptions.mail import MailError, confirmation, valid_address
from statusgen.subscriptions.tokens import Purpose, read

log = logging.getLogger("statusgen.subscriptions")
SIGNUP_LIMIT = 16 * 1024
EVENT_LIMIT = 2 * 1024 * 1024
CONFIRMATIONS_PER_DAY = 3
HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
           "X-Content-Type-Options": "nosniff",
           "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                      "form-action 'self'; frame-ancestors 'none'"}


class TooLarge(Exception):
    pass


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "0")
    if not declared.isdigit() or int(declared) > limit:
        raise TooLarge
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > limit:
            raise TooLarge
    return bytes(data)


def _fields(request: Request, data: bytes) -> dict[str, list[str]] | None:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if kind == "application/json":
            doc = json.loads(data)
            if not isinstance(doc, dict):
                return None
            out: dict[str, list[str]] = {}
            for key, value in doc.items():
                values = value if isinstance(value, list) else [value]
                if not all(isinstance(v, str) for v in values):
                    return None
                out[key] = values
            return out
        return parse_qs(data.decode("utf-8"), max_num_fields=100)
    except (ValueError, UnicodeDecodeError):
        return None


class App:
    """The routes, over one instance's settings and fan-out."""

    def __init__(self, settings: Settings, fanout: Fanout, token: str) -> None:
        self.s = settings
        self.fanout = fanout
        self.token = token
        self.per_client = Window(20, 600)
        self.per_address = Window(5, 3600)

    def starlette(self) -> Starlette:
        return Starlette(routes=[
            Route("/subscribe", self.subscribe, methods=["POST"]),
            Route("/confirm/{token}", self.confirm, methods=["GET"]),
            Route("/manage/{token}", self.manage, methods=["GET", "POST"]),
            Route("/unsubscribe/{token}", self.unsubscribe, methods=["GET", "POST"]),
            Route("/api/events", self.events, methods=["POST"]),
            Route("/healthz", self.healthz, methods=["GET"]),
        ], lifespan=self.lifespan)

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        self.fanout.start()
        yield
        await run_in_threadpool(self.fanout.stop)

    # -- answers ------------------------------------------------------------------------------

    def page(self, title: str, text: str, status: int = 200, extra: str = "",
             headers: dict[str, str] | None = None, background: BackgroundTask | None = None) -> Response:
        e, lang = html.escape, self.s.lang
        body = (f"<!DOCTYPE html>\n<html lang=\"{e(lang.tag)}\" dir=\"{lang.direction}\"><head>"
                "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, "
                f"initial-scale=1\"><title>{e(title)} · {e(self.s.page)}</title></head>\n"
                "<body style=\"font-family: sans-serif; max-width: 40em; margin: 2em auto; "
                f"padding: 0 1em;\">\n<main><h1>{e(title)}</h1>\n<p>{e(text)}</p>\n{extra}</main>\n"
                "</body></html>\n")
        return Response(body, status, {**HEADERS, **(headers or {})}, "text/html; charset=utf-8",
                        background)

    def refused(self, request: Request, status: int, retry: int = 0) -> Response:
        lang = self.s.lang
        headers = {"Retry-After": str(retry)} if retry else {}
        words = {413: lang.gettext("The request is too large."),
                 429: lang.gettext("Too many requests; try again later."),
                 400: lang.gettext("The request cannot be read.")}[status]
        if "json" in request.headers.get("content-type", ""):
            return JSONResponse({"error": words}, status, {**HEADERS, **headers})
        return self.page(words, "", status, headers=headers)

    def invalid_link(self) -> Response:
        lang = self.s.lang
        return self.page(lang.gettext("This link is no longer valid"),
                         lang.gettext("It has expired or has been used already."), 400)

    # -- routes -------------------------------------------------------------------------------

    async def subscribe(self, request: Request) -> Response:
        client = request.client.host if request.client else "unknown"
        wait = self.per_client.hit(client)
        if wait:
            return self.refused(request, 429, wait)
        try:
            fields = _fields(request, await _body(request, SIGNUP_LIMIT))
        except TooLarge:
            return self.refused(request, 413)
        email = (fields or {}).get("email", [""])[0].strip()
        hook = (fields or {}).get("webhook", [""])[0].strip()
        chosen = [c for c in (fields or {}).get("components", []) if c in self.s.components]
        if fields is None or bool(email) == bool(hook) or (email and not valid_address(email)) or \
                (hook and not _webhook_url(hook)):
            return self.refused(request, 400)
        address = email.lower() if email else hook
        wait = self.per_address.hit(hashlib.sha256(address.encode()).hexdigest())
        if wait:
            return self.refused(request, 429, wait)
        lang = self.s.lang
        task = BackgroundTask(run_in_threadpool, self._signup, "email" if email else "webhook",
                              address, chosen)
        if "json" in request.headers.get("content-type", ""):
            return JSONResponse({"status": "pending"}, 202, HEADERS, background=task)
        return self.page(lang.gettext("Check your inbox"),
                         lang.gettext("If the address can receive mail, a link to confirm the "
                                      "subscription is on its way."), 202, background=task)

    def _signup(self, kind: str, address: str, chosen: list[str]) -> None:
        """After the answer: add the subscriber as pending and send the confirmation, within
        the day's bound; nothing for one confirmed already."""
        s, now = self.s, self.s.clock()
        found = s.store.subscribe(kind, address, chosen, now)
        if found.state != "pending" or s.store.confirmations_today(address, now) >= CONFIRMATIONS_PER_DAY:
            return
        s.store.count_confirmation(address, now)
        link = s.link(Purpose.CONFIRM, found.id)
        try:
            if kind == "email":
                mailer = s.mailer()
                try:
                    mailer.send(address, confirmation(s.lang, s.page, s.sender, address, link, now))
                finally:
                    mailer.close()
            else:
                body = json.dumps({"type": "subscription.challenge", "page": s.page,
                                   "confirm": link}).encode()
                post_public(address, body, {"Content-Type": "application/json"})
            log.info("sign-up: confirmation sent to subscriber %d", found.id)
        except (MailError, Refused) as exc:
            log.warning("sign-up: confirmation to subscriber %d not sent: %s", found.id, exc)

    def _claim(self, token: str, purpose: Purpose, spend: bool) -> int | None:
        s = self.s
        now = s.clock()
        claim = read(s.key, token, purpose, now)
        if claim is None or (spend and not s.store.spend(claim.nonce, claim.expires, now)):
            return None
        return claim.subscriber

    async def confirm(self, request: Request) -> Response:
        def work() -> bool:
            subscriber = self._claim(request.path_params["token"], Purpose.CONFIRM, spend=True)
            if subscriber is None or self.s.store.by_id(subscriber) is None:
                return False
            self.s.store.confirm(subscriber, self.s.clock())
            log.info("subscriber %d confirmed", subscriber)
            return True

        if not await run_in_threadpool(work):
            return self.invalid_link()
        lang = self.s.lang
        return self.page(lang.gettext("Subscription confirmed"),
                         lang._("You will receive the public updates of %(page)s.", page=self.s.page))

    async def manage(self, request: Request) -> Response:
        token = request.path_params["token"]
        try:
            data = await _body(request, SIGNUP_LIMIT) if request.method == "POST" else b""
        except TooLarge:
            return self.refused(request, 413)

        def work() -> Response:
            s, lang = self.s, self.s.lang
            subscriber = self._claim(token, Purpose.MANAGE, spend=request.method == "POST")
            found = s.store.by_id(subscriber) if subscriber is not None else None
            if found is None:
                return self.invalid_link()
            title = lang.gettext("Choose components")
            text = lang.gettext("Leave every box empty to receive the updates of every component.")
            if request.method == "POST":
                chosen = [c for c in parse_qs(data.decode("utf-8", "replace")).get("components", [])
                          if c in s.components]
                s.store.set_components(found.id, chosen)
                found = s.store.by_id(found.id)
                assert found is not None
                text = lang.gettext("Saved.") + " " + text
            return self.page(title, text, extra=self._manage_form(found.id, found.components))

        return await run_in_threadpool(work)

    def _manage_form(self, subscriber: int, chosen: tuple[str, ...]) -> str:
        e, s, lang = html.escape, self.s, self.s.lang
        boxes = "".join(
            f"<p><label><input type=\"checkbox\" name=\"components\" value=\"{e(c)}\""
            f"{' checked' if c in chosen else ''}> {e(s.names.get(c, c))}</label></p>\n"
            for c in s.components)
        leave = s.link(Purpose.UNSUBSCRIBE, subscriber)
        return (f"<form method=\"post\" action=\"{e(s.link(Purpose.MANAGE, subscriber))}\">\n{boxes}"
                f"<p><button type=\"submit\">{e(lang.gettext('Save'))}</button></p></form>\n"
                f"<form method=\"post\" action=\"{e(leave)}\"><input type=\"hidden\" "
                "name=\"List-Unsubscribe\" value=\"One-Click\"><p><button type=\"submit\">"
                f"{e(lang.gettext('Unsubscribe'))}</button></p></form>\n")

    async def unsubscribe(self, request: Request) -> Response:
        token = request.path_params["token"]
        lang = self.s.lang
        if request.method == "GET":
            # A mail scanner that opens the visible link must not unsubscribe the reader.
            if read(self.s.key, token, Purpose.UNSUBSCRIBE, self.s.clock()) is None:
                return self.invalid_link()
            form = (f"<form method=\"post\"><input type=\"hidden\" name=\"List-Unsubscribe\" "
                    f"value=\"One-Click\"><p><button type=\"submit\">"
                    f"{html.escape(lang.gettext('Unsubscribe'))}</button></p></form>\n")
            return self.page(lang.gettext("Unsubscribe"), lang._(
                "Stop receiving the updates of %(page)s.", page=self.s.page), extra=form)
        try:
            await _body(request, SIGNUP_LIMIT)
        except TooLarge:
            return self.refused(request, 413)

        def work() -> bool:
            claim = read(self.s.key, token, Purpose.UNSUBSCRIBE, self.s.clock())
            if claim is None:
                return False
            if self.s.store.by_id(claim.subscriber) is not None:
                self.s.store.delete(claim.subscriber)
                log.info("subscriber %d unsubscribed", claim.subscriber)
            return True  # a second click finds them gone: the same answer

        if not await run_in_threadpool(work):
            return self.invalid_link()
        return self.page(lang.gettext("Unsubscribed"), lang._(
            "You will receive no more updates from %(page)s.", page=self.s.page))

    async def events(self, request: Request) -> Response:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {self.token}".encode()):
            return JSONResponse({"error": "a valid bearer token is required"}, 401, HEADERS)
        try:
            doc = json.loads(await _body(request, EVENT_LIMIT))
        except TooLarge:
            return JSONResponse({"error": "the event is too large"}, 413, HEADERS)
        except ValueError:
            doc = None
        if not _event(doc):
            return JSONResponse({"error": "an event has id, name, subject, text, html (text) and "
                                 "components (a list of ids)"}, 400, HEADERS)
        new = await run_in_threadpool(self.s.store.add_event, doc["id"], doc, self.s.clock())
        if new:
            self.fanout.poke()
        return JSONResponse({"event": doc["id"], "new": new}, 202 if new else 200, HEADERS)

    async def healthz(self, request: Request) -> Response:
        """Whether the database answers, and how many events are still being fanned out."""
        pending = await run_in_threadpool(lambda: len(self.s.store.pending_events()))
        return JSONResponse({"ok": True, "pending": pending}, 200, HEADERS)


def _event(doc: Any) -> bool:
    return isinstance(doc, dict) and all(isinstance(doc.get(k), str) and doc[k] for k in
                                         ("id", "name", "subject", "text", "html")) \
        and len(doc["id"]) <= 300 and isinstance(doc.get("components"), list) \
        and all(isinstance(c, str) for c in doc["components"])


def _webhook_url(value: str) -> bool:
    try:
        scheme, host, _ = origin(value)
    except Refused:
        return False
    return scheme in ("http", "https") and bool(host) and len(value) <= 2000 and \
        not any(c.isspace() or not c.isprintable() for c in value)

