"""The subscriptions service as one more receiver of ``statusgen notify``: each public event
(as an email channel would write it, in the page's language) posted once to
``<subscriptions.url>/api/events`` with the bearer token of :data:`TOKEN_ENV`.

The send log keeps what the service has had under :data:`CHANNEL`, with a channel's rules: its
first run records what is due without posting it (unless ``since``), an event that fails waits
for the next run and later ones wait behind it.  The service keeps each event once by its id,
so a post repeated after a crash sends nothing twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from statusgen import model as m
from statusgen.net.client import Client, HttpError, Refused
from statusgen.notify.events import Event, due_events, for_channel
from statusgen.notify.log import SendLog
from statusgen.notify.mail import _html, _text
from statusgen.notify.outgoing import Scene

CHANNEL = "subscriptions"
"""Its name in the send log (a channel of ``notify:`` may not take it: ids are slugs
checked against each other, and this one is reserved by being written here)."""
TOKEN_ENV = "STATUSGEN_SUBSCRIBERS_TOKEN"


@dataclass(frozen=True)
class Posted:
    event: Event
    state: str
    """``sent``, ``recorded`` (first run), ``failed`` or ``waiting``."""
    detail: str = ""


def channel(config: m.Config) -> m.Channel | None:
    """The service as a channel: every public entry, no retrospective ones, no reminders
    (a reader subscribed to the page, not to a team's rota)."""
    declared = config.subscriptions
    if declared is None:
        return None
    return m.Channel(loc=declared.loc, id=CHANNEL, type=m.ChannelType.EMAIL, sender=declared.sender,
                     smtp_env=declared.smtp_env, reminder=0)


def body(event: Event, scene: Scene) -> dict[str, object]:
    """What the service mails: notify's own email, split into its parts, and the components
    the event affects (each with its group) so the service can choose the subscribers."""
    notice = scene.notice(event)
    config = scene.config
    named = set(event.entry.named)
    groups = {c.id for c in config.components if any(member.id in named for member in c.members)}
    return {"id": event.id, "name": event.name, "subject": notice.subject, "text": _text(notice),
            "html": _html(notice), "url": notice.url, "at": event.at.isoformat(),
            "components": sorted(named | groups)}


def post_events(repo: m.Repository, now: datetime, log: SendLog, scene: Scene,
                environ: Mapping[str, str], client: Client, *, since: datetime | None = None,
                dry_run: bool = False, clock: Callable[[], datetime] | None = None) -> list[Posted]:
    """Post every due public event the service has not had."""
    found = channel(repo.config)
    if found is None or repo.config.subscriptions is None:
        return []
    first = not log.knows(CHANNEL)
    log.add_channel(CHANNEL)
    token = environ.get(TOKEN_ENV, "").strip()
    url = repo.config.subscriptions.url + "api/events"
    out: list[Posted] = []
    failed = ""
    for event in for_channel(found, due_events(repo, now), repo.config, now):
        if log.has(CHANNEL, event.id):
            continue
        if first and (since is None or event.at < since):
            if not dry_run:
                log.record(CHANNEL, event.id, event.at, now, sent=False)
            out.append(Posted(event, "recorded", "already due at the first run"))
            continue
        if failed:
            out.append(Posted(event, "waiting", f"after {failed}"))
            continue
        if not token:
            failed = event.id
            out.append(Posted(event, "failed", f"the environment variable {TOKEN_ENV} is not set"))
            continue
        if dry_run:
            out.append(Posted(event, "due"))
            continue
        try:
            answer = client.request("POST", url, body=json.dumps(body(event, scene)).encode(),
                                    headers={"Authorization": f"Bearer {token}",
                                             "Content-Type": "application/json"},
                                    redirects=0, idempotent=True, limit=64 * 1024, cut=True)
            ok, detail = 200 <= answer.status < 300, f"HTTP {answer.status}"
        except (Refused, HttpError) as exc:
            ok, detail = False, str(exc)
        if ok:
            log.record(CHANNEL, event.id, event.at, clock() if clock else now, sent=True)
            log.save()
            out.append(Posted(event, "sent", detail))
        else:
            failed = event.id
            out.append(Posted(event, "failed", detail))
    return out
