"""The fan-out: each event posted to ``api/events`` mailed (or posted) to every confirmed
subscriber of the components it affects, once.

One thread per instance works through the events not yet done, oldest first.  It leases an
event before fanning it out (another instance takes it over only when the lease runs out),
streams its recipients from the database a page at a time (memory stays flat), and commits a
ledger row for each subscriber the moment the mail server accepted the mail.  Killed anywhere,
the next start sends to exactly those without a row: at most the one mail in flight (accepted
by the server, the row not yet committed) goes again, with the same ``Message-ID``.

A subscriber whose mail the server refuses for good, or whose webhook leads to a private
address, gets a row too (tried, not to be tried again); a mail server that is down stops the
event, which is tried again later.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from statusgen.net.public import post_public
from statusgen.net.safety import Refused
from statusgen.render.i18n import Language
from statusgen.subscriptions.mail import Links, Mailer, MailError, event_mail
from statusgen.subscriptions.store import Store, Subscriber
from statusgen.subscriptions.tokens import Purpose, make

log = logging.getLogger("statusgen.subscriptions")
LEASE = timedelta(minutes=2)
RENEW_EVERY = 200
"""Recipients between two renewals of the lease."""
RETRY = 30.0
"""Seconds before an event the mail server did not take is tried again."""


@dataclass
class Settings:
    """What the fan-out and the web handlers share."""

    store: Store
    key: bytes
    lang: Language
    page: str
    """The page's title."""
    base: str
    """The service's public URL, ending in ``/``."""
    sender: str
    components: dict[str, tuple[str, ...]]
    """Each component and group a subscriber may choose, with the groups it is in."""
    names: dict[str, str]
    mailer: Callable[[], Mailer]
    clock: Callable[[], datetime]
    owner: str
    """This instance, in the leases it takes."""

    def link(self, purpose: Purpose, subscriber: int) -> str:
        return f"{self.base}{purpose}/{make(self.key, purpose, subscriber, self.clock())}"


def wants(subscriber: Subscriber, affected: set[str]) -> bool:
    """Whether the subscriber chose a component the event affects (an event naming none
    is page-wide, a subscriber choosing none follows everything)."""
    return not subscriber.components or not affected or not affected.isdisjoint(subscriber.components)


class Fanout:
    """The fan-out thread of one instance."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="fanout", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def poke(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=30)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.run_once()
            except Exception:  # a database or mail server gone: try again later, keep serving
                log.exception("fan-out failed; trying again in %.0f s", RETRY)
            self._wake.wait(RETRY)

    def run_once(self) -> int:
        """Fan out every event not done; how many messages went out."""
        s = self.settings
        total = 0
        for event_id, body in s.store.pending_events():
            if self._stop.is_set():
                break
            if s.store.lease(event_id, s.owner, s.clock(), LEASE):
                total += self.event(event_id, body)
        return total

    def event(self, event_id: str, body: dict[str, Any]) -> int:
        s = self.settings
        affected = set(body.get("components") or ())
        mailer = s.mailer()
        sent = 0
        try:
            for subscriber in s.store.recipients(event_id):
                if self._stop.is_set():
                    return sent
                if not wants(subscriber, affected):
                    continue
                if sent and sent % RENEW_EVERY == 0 and \
                        not s.store.lease(event_id, s.owner, s.clock(), LEASE):
                    return sent  # another instance took the event over
                try:
                    self._deliver(mailer, event_id, body, subscriber)
                except MailError as exc:
                    if exc.retry:
                        log.warning("event %s: the mail server did not take the mail to "
                                    "subscriber %d (%s); trying again later", event_id, subscriber.id, exc)
                        return sent
                    log.warning("event %s: subscriber %d not reached: %s", event_id, subscriber.id, exc)
                except Refused as exc:
                    log.warning("event %s: webhook of subscriber %d not sent: %s", event_id,
                                subscriber.id, exc)
                s.store.record(event_id, subscriber.id, s.clock())
                sent += 1
        finally:
            mailer.close()
        s.store.finish(event_id, s.clock())
        log.info("event %s: sent to %d subscribers", event_id, sent)
        return sent

    def _deliver(self, mailer: Mailer, event_id: str, body: dict[str, Any], subscriber: Subscriber) -> None:
        s = self.settings
        links = Links(s.link(Purpose.UNSUBSCRIBE, subscriber.id), s.link(Purpose.MANAGE, subscriber.id))
        if subscriber.kind == "email":
            mailer.send(subscriber.address, event_mail(s.lang, body, subscriber.id, s.sender,
                                                       subscriber.address, links, s.clock()))
            return
        payload = {k: body.get(k) for k in ("id", "name", "subject", "text", "url", "components")}
        payload["unsubscribe"] = links.unsubscribe
        status, _ = post_public(subscriber.address, json.dumps(payload).encode(),
                                {"Content-Type": "application/json",
                                 "X-Statusgen-Event": str(body.get("name", ""))})
        if not 200 <= status < 300:
            raise Refused(f"HTTP {status}")
