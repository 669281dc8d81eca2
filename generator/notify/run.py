"""One run of ``statusgen notify``: the events due, the messages not yet in the send log,
sent in order, each logged the moment it is delivered.

Exactly once, per channel and message:

* a message whose key is in the log is never sent again;
* a message is logged (the log rewritten atomically) right after its receiver accepted it,
  before the next is sent, so a run that stops anywhere loses at most the record of the one
  message in flight: the next run sends it again, with the same delivery id;
* a message that fails after its retries is not logged, so the next run sends it, and the
  channel's later messages wait for it (a channel never hears "resolved" before
  "identified");
* an internal channel (``internal: true``) also gets internal entries and updates, under
  the same keys as public ones, so an update made public later is not sent to it again;
* a channel's first run (no log, or a channel the log has not seen) records what is
  already due without sending it, unless ``since`` says from when to send.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from statusgen import model as m
from statusgen.notify.deliver import Sender
from statusgen.notify.events import Event, due_events, for_channel
from statusgen.notify.formats import deliveries, keys, name_of
from statusgen.notify.log import SendLog
from statusgen.notify.outgoing import Delivery, Scene
from statusgen.notify.subscribers import CHANNEL
from statusgen.render.i18n import Language


class State(StrEnum):
    """What became of one message."""

    SENT = "sent"
    FAILED = "failed"
    WAITING = "waiting"
    """Not tried: an earlier message of the same channel failed."""
    RECORDED = "recorded"
    """Already due at the channel's first run: logged without sending."""
    DUE = "due"
    """``--dry-run``: would be sent."""


@dataclass(frozen=True)
class Outcome:
    """One line of the report."""

    channel: m.Channel
    key: str
    name: str
    title: str
    state: State
    detail: str = ""


@dataclass
class Report:
    """Everything one run did, in the order it did it."""

    outcomes: list[Outcome] = field(default_factory=list)
    first_run: list[str] = field(default_factory=list)
    """Channels whose first run this was."""

    @property
    def failed(self) -> bool:
        return any(o.state in (State.FAILED, State.WAITING) for o in self.outcomes)

    def count(self, state: State) -> int:
        return sum(o.state is state for o in self.outcomes)


def pending(repo: m.Repository, now: datetime, log: SendLog, scene: Scene,
            since: datetime | None, report: Report) -> list[Delivery]:
    """The messages to send now, oldest event first; records what a first run skips."""
    events = _views(repo, now)
    config = repo.config
    out: list[tuple[datetime, int, Delivery]] = []
    for position, channel in enumerate(config.notify):
        first = not log.knows(channel.id)
        if first:
            report.first_run.append(channel.id)
        log.add_channel(channel.id)
        for event in for_channel(channel, events[channel.internal], config, now):
            wanted = [k for k in keys(channel, event) if not log.has(channel.id, k)]
            if not wanted:
                continue
            if first and (since is None or event.at < since):
                for key in wanted:
                    log.record(channel.id, key, event.at, now, sent=False)
                    report.outcomes.append(Outcome(channel, key, name_of(key, event),
                                                   scene.notice(event).title, State.RECORDED,
                                                   "already due at this channel's first run"))
                continue
            out.extend((event.at, position, d) for d in deliveries(channel, event, scene)
                       if d.key in wanted)
    out.sort(key=lambda item: (item[0], item[1], item[2].key))
    return [d for _, _, d in out]


def notify(repo: m.Repository, now: datetime, log: SendLog, sender: Sender, *,
           since: datetime | None = None, dry_run: bool = False,
           clock: Callable[[], datetime] | None = None, lang: Language | None = None) -> Report:
    """Send every message due at ``now`` that ``log`` has not had; ``dry_run`` sends nothing
    and leaves the log as it was, but reports a channel that cannot send (a secret not set)
    as failed, as the real run would.  ``clock`` gives the time a message is logged at; ``lang``
    the words (``page.language`` with its theme's overrides; statusgen's own by default)."""
    report = Report()
    scene = Scene(repo, now, lang)
    todo = pending(repo, now, log, scene, since, report)
    if not dry_run:
        log.save()  # the channels seen, and what their first run recorded
    stopped: dict[str, str] = {}
    for delivery in todo:
        channel = delivery.channel.id
        if channel in stopped:
            report.outcomes.append(_outcome(delivery, State.WAITING, f"after {stopped[channel]}"))
            continue
        # Decided before anything is sent, in a dry run as in a real one: a channel whose
        # secrets are missing or unusable fails the same way in both.
        unusable = sender.problem(delivery.channel)
        if unusable is not None:
            report.outcomes.append(_outcome(delivery, State.FAILED, unusable))
            stopped[channel] = f"{delivery.name} {delivery.key} failed"
            continue
        if dry_run:
            report.outcomes.append(_outcome(delivery, State.DUE))
            continue
        result = sender.send(delivery)
        if result.ok:
            log.record(channel, delivery.key, delivery.event.at, clock() if clock else now, sent=True)
            log.save()
            report.outcomes.append(_outcome(delivery, State.SENT, result.detail))
        else:
            tries = f" ({result.attempts} attempt{'s' if result.attempts != 1 else ''})" \
                if result.attempts else ""
            report.outcomes.append(_outcome(delivery, State.FAILED, result.detail + tries))
            stopped[channel] = f"{delivery.name} {delivery.key} failed"
    if not dry_run:
        # The subscriptions service's entries stay: it is posted to after the channels.
        kept = [c.id for c in repo.config.notify] + ([CHANNEL] if repo.config.subscriptions else [])
        log.prune(now, kept)
        log.save()
    return report


def _outcome(delivery: Delivery, state: State, detail: str = "") -> Outcome:
    # The notice's title: an internal message says so in the report as in the channel.
    return Outcome(delivery.channel, delivery.key, delivery.name, delivery.notice.title,
                   state, detail)


def channel_events(repo: m.Repository, now: datetime) -> dict[str, list[Event]]:
    """Each channel's events due at ``now``, whatever the log says (the pull request's preview)."""
    events = _views(repo, now)
    return {c.id: for_channel(c, events[c.internal], repo.config, now) for c in repo.config.notify}


def _views(repo: m.Repository, now: datetime) -> dict[bool, tuple[Event, ...]]:
    """The events due for public channels (``False``) and for the team's own (``True``);
    the team's are worked out only when a channel is ``internal``."""
    public = due_events(repo, now)
    team = due_events(repo, now, internal=True) if any(c.internal for c in repo.config.notify) \
        else ()
    return {False: public, True: team}
