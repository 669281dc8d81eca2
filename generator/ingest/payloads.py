"""Each tool's webhook JSON, read into a :class:`~statusgen.ingest.alerts.Delivery`.

- ``alertmanager``: Prometheus Alertmanager's webhook, version 4: a group of alerts with its
  ``groupKey``.
- ``grafana``: Grafana Alerting's webhook, the same shape (its own version ``1``) with links to
  dashboards; the changing ``values`` are left out, so a repeated notification is recognised.
- ``gatus``: the JSON body of docs/monitors.md for Gatus's custom alerting provider:
  ``status`` (``TRIGGERED``/``RESOLVED``), ``name``, ``group``, ``url``, ``description``.
- ``uptime-kuma``: Uptime Kuma's webhook notification (``heartbeat``, ``monitor``, ``msg``);
  a test notification, or a monitor that is pending or in maintenance, holds no alert.
- ``pagerduty``: PagerDuty's V3 webhook: one event about one PagerDuty incident (the group);
  ``incident.acknowledged`` acknowledges it, ``incident.resolved`` resolves its alert, and
  every other incident event says whether it still fires (``data.status``).
- ``generic``: ``key``, ``status`` (``firing``/``acknowledged``/``resolved``), and optionally
  ``title``, ``message``, ``component``, ``level``, ``started_at`` and ``acknowledged_by``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from statusgen.ingest.alerts import (
    MAX_ALERTS,
    Acknowledged,
    Alert,
    Delivery,
    PayloadError,
    describe,
    mapping,
    read_json,
    string_map,
    text,
    timestamp,
)

Parser = Callable[[Any], Delivery]

_LINKS = {
    "alertmanager": (("generatorURL", "source"),),
    "grafana": (("generatorURL", "source"), ("silenceURL", "silence"), ("dashboardURL", "dashboard"),
                ("panelURL", "panel"), ("imageURL", "image")),
}


def _status(value: Any, where: str, firing: tuple[str, ...], resolved: tuple[str, ...]) -> bool:
    word = text(value, where).strip().lower()
    if word in firing:
        return True
    if word in resolved:
        return False
    raise PayloadError(f"`{where}` must be {' or '.join((*firing, *resolved))}")


def _alert_group(kind: str, version: str) -> Parser:
    """Alertmanager's webhook body, which Grafana's follows."""
    def parse(body: Any) -> Delivery:
        obj = mapping(body, "the payload")
        if obj.get("version") != version:
            raise PayloadError(f"`version` must be \"{version}\", as {TOOLS[kind]} sends it")
        group = text(obj.get("groupKey"), "groupKey")
        raw = obj.get("alerts")
        if not isinstance(raw, list):
            raise PayloadError(f"`alerts` must be a list, not {describe(raw)}")
        notes = []
        left_out = obj.get("truncatedAlerts", 0)
        if isinstance(left_out, int) and not isinstance(left_out, bool) and left_out > 0:
            notes.append(f"{TOOLS[kind]} left out {left_out} more alerts (its max_alerts "
                         "setting)")
        if len(raw) > MAX_ALERTS:
            notes.append(f"{len(raw) - MAX_ALERTS} more alerts were not read")
        alerts = []
        refused = []
        # One malformed alert is left out alone: the others of the group still say what is
        # down, and dropping them all would hide an outage behind one tool's bad field.
        for index, item in enumerate(raw[:MAX_ALERTS]):
            try:
                alerts.append(_one_alert(kind, item, f"alerts[{index}]"))
            except PayloadError as exc:
                refused.append(exc)
        if refused and not alerts:
            raise refused[0]
        notes.extend(f"an alert was left out: {exc}" for exc in refused)
        return Delivery(kind, group, tuple(alerts), tuple(notes))
    return parse


def _one_alert(kind: str, value: Any, where: str) -> Alert:
    obj = mapping(value, where)
    details = list(string_map(obj.get("annotations"), f"{where}.annotations"))
    for name, shown in _LINKS[kind]:
        link = text(obj.get(name), f"{where}.{name}", optional=True)
        if link:
            details.append((shown, link))
    return Alert(firing=_status(obj.get("status"), f"{where}.status", ("firing",), ("resolved",)),
                 labels=string_map(obj.get("labels"), f"{where}.labels"),
                 details=tuple(details),
                 started=timestamp(obj.get("startsAt"), f"{where}.startsAt"))


def _labels(obj: Mapping[str, Any], names: Mapping[str, str],
            prefix: str = "") -> tuple[tuple[str, str], ...]:
    """The non-empty text (or whole number) fields ``names`` (field → label name), as labels."""
    found = []
    for field, label in names.items():
        value = obj.get(field)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        value = text(value, prefix + field, optional=True)
        if value:
            found.append((label, value))
    return tuple(found)


def _gatus(body: Any) -> Delivery:
    obj = mapping(body, "the payload")
    name = text(obj.get("name"), "name").strip()
    if not name:
        raise PayloadError("`name` is empty: fill it with Gatus's [ENDPOINT_NAME]")
    group = text(obj.get("group"), "group", optional=True).strip()
    firing = _status(obj.get("status"), "status", ("triggered", "firing"), ("resolved",))
    description = text(obj.get("description"), "description", optional=True)
    alert = Alert(firing=firing, labels=_labels(obj, {"name": "name", "group": "group", "url": "url"}),
                  details=(("description", description),) if description else ())
    return Delivery("gatus", f"{group}/{name}" if group else name, (alert,))


_KUMA_DOWN, _KUMA_UP = 0, 1


def _uptime_kuma(body: Any) -> Delivery:
    obj = mapping(body, "the payload")
    heartbeat, monitor = obj.get("heartbeat"), obj.get("monitor")
    if heartbeat is None or monitor is None:
        return Delivery("uptime-kuma", "", (), ("a test notification: it names no monitor",))
    beat, where = mapping(heartbeat, "heartbeat"), mapping(monitor, "monitor")
    number = where.get("id")
    if not isinstance(number, int) or isinstance(number, bool):
        raise PayloadError(f"`monitor.id` must be a number, not {describe(number)}")
    status = beat.get("status")
    if status not in (_KUMA_DOWN, _KUMA_UP) or isinstance(status, bool):
        if isinstance(status, int) and not isinstance(status, bool):
            # 2 is pending (retrying), 3 maintenance: neither is an outage yet.
            return Delivery("uptime-kuma", str(number), (), ("the monitor is pending or in "
                                                             "maintenance",))
        raise PayloadError(f"`heartbeat.status` must be a number, not {describe(status)}")
    message = text(beat.get("msg"), "heartbeat.msg", optional=True)
    alert = Alert(firing=status == _KUMA_DOWN,
                  labels=_labels(where, {"name": "monitor", "id": "monitor_id", "type": "type",
                                         "url": "url", "hostname": "hostname",
                                         "pathName": "path"}, "monitor."),
                  details=(("message", message),) if message else (),
                  started=timestamp(beat.get("time"), "heartbeat.time"))
    return Delivery("uptime-kuma", str(number), (alert,))


def _pagerduty(body: Any) -> Delivery:
    event = mapping(mapping(body, "the payload").get("event"), "event")
    kind = text(event.get("event_type"), "event.event_type").strip()
    if text(event.get("resource_type"), "event.resource_type", optional=True) != "incident":
        return Delivery("pagerduty", "", (), (f"a {kind or 'nameless'} event is not about an "
                                              "incident",))
    data = mapping(event.get("data"), "event.data")
    group = text(data.get("id"), "event.data.id").strip()
    if not group:
        raise PayloadError("`event.data.id` is empty: PagerDuty names every incident")
    if text(data.get("type"), "event.data.type", optional=True) != "incident":
        return Delivery("pagerduty", group, (), (f"a {kind} event changes no incident's state",))
    status = text(data.get("status"), "event.data.status").strip()
    if status not in ("triggered", "acknowledged", "resolved"):
        raise PayloadError("`event.data.status` must be triggered, acknowledged or resolved")
    labels = list(_labels(data, {"title": "title", "urgency": "urgency"}, "event.data."))
    for name in ("service", "priority"):
        found = data.get(name)
        if found is not None:
            labels.extend(_labels(mapping(found, f"event.data.{name}"), {"summary": name},
                                  f"event.data.{name}."))
    link = text(data.get("html_url"), "event.data.html_url", optional=True)
    alert = Alert(firing=status != "resolved", labels=tuple(sorted(labels)),
                  details=(("incident", link),) if link else (),
                  started=timestamp(data.get("created_at"), "event.data.created_at"))
    acknowledged = None
    if kind == "incident.acknowledged":
        agent = event.get("agent")
        by = text(mapping(agent, "event.agent").get("summary"), "event.agent.summary",
                  optional=True) if agent is not None else ""
        acknowledged = Acknowledged(by.strip(), timestamp(event.get("occurred_at"),
                                                          "event.occurred_at"))
    return Delivery("pagerduty", group, (alert,), acknowledged=acknowledged)


def _generic(body: Any) -> Delivery:
    obj = mapping(body, "the payload")
    known = {"key", "status", "title", "message", "component", "level", "started_at",
             "acknowledged_by"}
    unknown = sorted(set(obj) - known)
    if unknown:
        # The field's name is not repeated: messages never echo what a request holds.
        raise PayloadError(f"the payload has {len(unknown)} field(s) the generic format does not "
                           f"have; its fields are {', '.join(sorted(known))}")
    key = text(obj.get("key"), "key").strip()
    if not key:
        raise PayloadError("`key` is empty: give each alert a stable key, such as api-errors")
    details = tuple((name, value) for name in ("title", "message")
                    if (value := text(obj.get(name), name, optional=True)))
    alert = Alert(firing=_status(obj.get("status"), "status", ("firing", "acknowledged"),
                                 ("resolved",)),
                  labels=_labels(obj, {"key": "key", "title": "title", "component": "component",
                                       "level": "level"}),
                  details=details, started=timestamp(obj.get("started_at"), "started_at"))
    by = text(obj.get("acknowledged_by"), "acknowledged_by", optional=True).strip()
    acknowledged = Acknowledged(by) if str(obj.get("status")).strip().lower() == "acknowledged" \
        else None
    return Delivery("generic", key, (alert,), acknowledged=acknowledged)


TOOLS = {"alertmanager": "Alertmanager", "grafana": "Grafana", "gatus": "Gatus",
         "uptime-kuma": "Uptime Kuma", "pagerduty": "PagerDuty", "generic": "generic"}
"""Each tool's name as its makers write it, for messages."""

PARSERS: dict[str, Parser] = {
    "alertmanager": _alert_group("alertmanager", "4"),
    "grafana": _alert_group("grafana", "1"),
    "gatus": _gatus,
    "uptime-kuma": _uptime_kuma,
    "pagerduty": _pagerduty,
    "generic": _generic,
}
"""Every tool's parser, by the name ``statusgen ingest`` takes (``model.MONITOR_KINDS``)."""


def parse(kind: str, data: bytes) -> Delivery:
    """The delivery ``data`` holds, in ``kind``'s shape; :class:`PayloadError` when it is not."""
    return PARSERS[kind](read_json(data))
