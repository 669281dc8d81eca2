"""One message on its way to one channel, and what all the messages of a run share."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from statusgen import __version__
from statusgen import model as m
from statusgen.compute.snapshot import Snapshot, snapshot
from statusgen.compute.status import redact
from statusgen.notify.events import Event
from statusgen.notify.notice import Notice, notice
from statusgen.render.i18n import Language, translator

USER_AGENT = f"statusgen/{__version__} (+notify)"
DELIVERY_HEADER = "X-Statusgen-Delivery"
EVENT_HEADER = "X-Statusgen-Event"
SIGNATURE_HEADER = "X-Statusgen-Signature"
COMPONENT_EVENT = "component.updated"
"""The name of a webhook's message about one component."""


def component_keys(event: Event) -> list[str]:
    """The send log's key of each webhook message about a component the event changed, in
    the order of ``event.changes``: ``<event id>/component/<id>``.

    One event can change a component twice (an incident written already resolved takes it
    down, then up again): the later change adds its new level, ``…/component/<id>/operational``,
    so each message has a key and a delivery id of its own, and a receiver that drops
    duplicates by id keeps both.  The first key is what it always was, so a send log
    written by an older version still knows the messages it holds.
    """
    found: list[str] = []
    for change in event.changes:
        base = key = f"{event.id}/component/{change.component}"
        count = 1
        while key in found:
            count += 1
            key = f"{base}/{change.new}" if count == 2 else f"{base}/{change.new}-{count}"
        found.append(key)
    return found


@dataclass(frozen=True)
class Delivery:
    """One message for one channel: its bytes, and the ids that make it exactly-once."""

    channel: m.Channel
    key: str
    """The send log's key within the channel: the event id, or for a webhook's component
    message ``<event id>/component/<id>`` (:func:`component_keys`)."""
    name: str
    """``incident.updated``, ``maintenance.reminder``, ``component.updated`` …"""
    notice: Notice
    body: bytes
    """The HTTP request's body, or the email message (without recipients)."""
    id: str
    """The same for every attempt and every run: a webhook's ``X-Statusgen-Delivery``, an
    email's ``Message-ID``, so a receiver can drop a duplicate."""
    content_type: str = "application/json; charset=utf-8"

    @property
    def event(self) -> Event:
        return self.notice.event

    def headers(self) -> dict[str, str]:
        """The HTTP headers of the request (webhook types)."""
        return {"Content-Type": self.content_type, "User-Agent": USER_AGENT,
                DELIVERY_HEADER: self.id, EVENT_HEADER: self.name}


def delivery_id(page: m.Page, channel: m.Channel, key: str) -> str:
    """A UUID of the page, the channel and the key: stable across attempts and runs, and
    as unique as the keys, which tell apart every message of a channel."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{page.url}\n{channel.id}\n{key}"))


def dump(doc: Any) -> bytes:
    """Compact UTF-8 JSON."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Scene:
    """What the messages of one run share: the repository, ``now``, the page's language, the
    entries the public page shows, and the public page at ``now`` (computed once, if a
    message needs it)."""

    def __init__(self, repo: m.Repository, now: datetime, lang: Language | None = None) -> None:
        self.repo = repo
        self.now = now
        self._lang = lang
        self._notices: dict[str, Notice] = {}

    @property
    def config(self) -> m.Config:
        return self.repo.config

    @cached_property
    def lang(self) -> Language:
        """``page.language``, with the theme's overrides when the caller gave them: the words
        of every message."""
        return self._lang or translator(self.config.page.language)

    @cached_property
    def shown(self) -> frozenset[str]:
        return frozenset(i.id for i in redact(self.repo.incidents, internal=False))

    @cached_property
    def snapshot(self) -> Snapshot:
        return snapshot(self.repo, self.now, internal=False, reports=False)

    def notice(self, event: Event) -> Notice:
        """The words of ``event``, worked out once for every channel."""
        # The team's view of an event may differ from the public one under the same id.
        key = f"{event.id}\n{event.team}"
        if key not in self._notices:
            self._notices[key] = notice(event, self.config, self.shown, self.lang)
        return self._notices[key]
