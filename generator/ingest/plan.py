"""What an alert does to the repository, decided before anything is written.

A firing alert group opens an incident with its rule's title and message, or, when an open
incident already holds the group or was opened by the same rule, adds an internal update to it
(grouping).  An acknowledged group (from a tool that has the notion) acknowledges the
incident holding it.  A resolved group resolves its incident with the rule's
``resolve_message``, unless other groups of the incident still fire, or a person has
acknowledged it or posted an update since it opened, in which case an internal update says
the monitor recovered and the resolution is left to them.  The same delivery twice changes
nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from statusgen import model as m
from statusgen.authoring.text import stamp
from statusgen.ingest.alerts import Acknowledged, Alert, Delivery
from statusgen.ingest.ledger import Tracked, holding, tracked
from statusgen.ingest.record import record_text, same_state


class Action(StrEnum):
    """What the plan writes."""

    OPEN = "opened"
    UPDATE = "updated"
    ACKNOWLEDGE = "acknowledged"
    RESOLVE = "resolved"
    NOTHING = "nothing"


@dataclass(frozen=True)
class Plan:
    """The decision for one delivery, and why, in words for the person reading the log."""

    action: Action
    reason: str
    rule: m.MonitorRule | None = None
    target: m.Incident | None = None
    """The incident to update or resolve."""
    record: str = ""
    """The internal update to add (with the alert's text)."""
    source: str = ""
    """The ``source`` of a new incident."""
    acknowledged: Acknowledged | None = None
    """Who acknowledged the incident, and when, for :attr:`Action.ACKNOWLEDGE`."""


def matches(rule: m.MonitorRule, delivery: Delivery, alert: Alert) -> bool:
    """Whether ``rule`` reads this tool and every label it names has its value."""
    if rule.sources and delivery.kind not in rule.sources:
        return False
    return all(alert.label(name) == value for name, value in rule.match)


def rule_for(rules: tuple[m.MonitorRule, ...], delivery: Delivery) -> m.MonitorRule | None:
    """The first rule, in file order, matching a firing alert (any alert if none fires)."""
    candidates = delivery.firing or delivery.alerts
    return next((r for r in rules if any(matches(r, delivery, a) for a in candidates)), None)


def _span(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 120:
        return f"{seconds} s"
    return f"{seconds // 60} min" if seconds < 7200 else f"{seconds // 3600} h"


def decide(repo: m.Repository, delivery: Delivery, now: datetime) -> Plan:
    """The plan for ``delivery`` against the repository as it is at ``now``."""
    if not delivery.alerts:
        notes = "; ".join(delivery.notes) or "no alerts"
        return Plan(Action.NOTHING, f"the payload holds no alert ({notes})")
    entries = tracked(repo.incidents)
    open_entries = [t for t in entries if t.open]
    rules = repo.config.monitors
    rule = rule_for(rules, delivery)
    held_by = holding(open_entries, delivery.ref)
    if delivery.acknowledged is not None:
        return _acknowledge(held_by[-1] if held_by else None, delivery.acknowledged)
    if held_by:
        entry = held_by[-1]
        own = rule or next((r for r in rules if r.title == entry.incident.title), None)
        return _follow(entry, delivery, own, "holds these alerts")
    if not delivery.firing:
        return Plan(Action.NOTHING, "the alerts are resolved and no open incident holds them")
    if rule is None:
        return Plan(Action.NOTHING, "no rule of `monitors:` in components.yml matches these "
                    "alerts")
    same_rule = [t for t in open_entries if t.incident.title == rule.title]
    if same_rule:
        return _follow(same_rule[-1], delivery, rule, "was opened by a rule with the same title")
    return _open(entries, {i.source for i in repo.incidents}, delivery, rule, now)


def _acknowledge(entry: Tracked | None, given: Acknowledged) -> Plan:
    """A tool says someone acknowledged the alerts: the incident holding them is acknowledged
    (once; a monitor's later recovery then leaves its resolution to that person)."""
    if entry is None:
        return Plan(Action.NOTHING, "the alerts are acknowledged, but no open incident holds them")
    incident = entry.incident
    if incident.acknowledged is not None:
        return Plan(Action.NOTHING, f"{incident.path} is already acknowledged (at "
                    f"{stamp(incident.acknowledged.at)})")
    who = f" by {given.by}" if given.by else ""
    return Plan(Action.ACKNOWLEDGE, f"the alerts of {incident.path} were acknowledged{who}: "
                "it is acknowledged, and a monitor's recovery no longer resolves it",
                target=incident, acknowledged=given)


def _follow(entry: Tracked, delivery: Delivery, rule: m.MonitorRule | None, why: str) -> Plan:
    """An open incident and a delivery about it: record, resolve, or nothing new."""
    path = entry.incident.path
    if delivery.firing:
        text = record_text(delivery, True, "The incident stays open.")
        action = Action.UPDATE
    else:
        others = entry.firing_besides(delivery.ref)
        if others:
            text = record_text(delivery, False, f"{len(others)} other alert group"
                               f"{'s' if len(others) > 1 else ''} of this incident still "
                               f"fire{'' if len(others) > 1 else 's'}, so it stays open.")
            action = Action.UPDATE
        elif entry.incident.acknowledged is not None:
            ack = entry.incident.acknowledged
            who = ack.by or "someone"
            text = record_text(delivery, False, f"The monitor has recovered. {who} acknowledged "
                               f"this incident at {stamp(ack.at)}, so resolving it is left to "
                               "them.")
            action = Action.UPDATE
            why = f"is acknowledged (by {who}), so it is not resolved automatically"
        elif entry.owned:
            text = record_text(delivery, False, "The monitor has recovered. A person has posted "
                               "an update since this incident opened, so resolving it is left "
                               "to them.")
            action = Action.UPDATE
        else:
            text = record_text(delivery, False, "The monitor has recovered; statusgen resolves "
                               "the incident.")
            action = Action.RESOLVE
    latest = entry.latest(delivery.ref)
    if latest is not None and same_state(latest.update.message, text):
        return Plan(Action.NOTHING, f"{path} already records this state of the alerts (a "
                    "repeated delivery)")
    said = {Action.UPDATE: f"{path} is open and {why}: an internal update records them",
            Action.RESOLVE: f"every alert of {path} is resolved: it is resolved"}[action]
    return Plan(action, said, rule, entry.incident, text)


def _open(entries: list[Tracked], used: set[str], delivery: Delivery, rule: m.MonitorRule,
          now: datetime) -> Plan:
    """A new incident for ``rule``, unless the alerts are younger than ``after`` or are a late
    copy of alerts whose incident is already resolved."""
    firing = [a for a in delivery.firing if matches(rule, delivery, a)] or list(delivery.firing)
    starts = [a.started for a in firing if a.started is not None]
    started = min(starts) if starts else None
    note = ""
    if rule.after and started is not None and now - started < timedelta(seconds=rule.after):
        fired = max(0.0, (now - started).total_seconds())
        return Plan(Action.NOTHING, f"held: the alert has fired for {_span(fired)} of the "
                    f"{_span(rule.after)} its rule asks (`after`); a later delivery opens the "
                    "incident if it still fires")
    if rule.after and started is None:
        note = f" ({delivery.kind} sends no start time, so `after` cannot apply)"
    ended = holding([t for t in entries if not t.open], delivery.ref)
    if ended and started is not None:
        last = ended[-1]
        terminal = last.incident.terminal
        if terminal is not None and all(s is not None and s <= terminal.at for s in starts):
            return Plan(Action.NOTHING, f"these alerts started before {last.incident.path} was "
                        "resolved: a late copy of the same alerts")
    source, number = delivery.key, 1
    while source in used:
        number += 1
        source = f"{delivery.key}#{number}"
    text = record_text(delivery, True, "statusgen opened this incident.")
    return Plan(Action.OPEN, f"the alerts match the rule “{rule.title}”: a new incident{note}",
                rule, None, text, source)
