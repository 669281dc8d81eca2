"""What every monitoring tool's alert becomes: a :class:`Delivery` of :class:`Alert` objects.

The parsers in :mod:`statusgen.ingest.payloads` read each tool's JSON into these; everything
after them (matching, deciding, writing) sees only this shape.  Every value here came from a
request anyone who holds the relay's token can send, so each is bounded and typed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from statusgen.source.timestamps import EXAMPLE, in_range, parse_timestamp, range_problem

MAX_PAYLOAD = 1024 * 1024
"""Bytes of JSON ``statusgen ingest`` reads; a tool's payload is far smaller."""
MAX_ALERTS = 500
"""Alerts read from one delivery; Alertmanager's ``max_alerts`` caps what it sends."""
MAX_KEY = 200
"""Characters of an alert group's key kept as written in ``source``; longer keys are hashed."""


class PayloadError(ValueError):
    """The payload is not what the tool sends: the message says what is wrong, in our words."""


@dataclass(frozen=True)
class Alert:
    """One alert: firing or resolved, its labels (matched by rules) and its text (never public)."""

    firing: bool
    labels: tuple[tuple[str, str], ...]
    """What rules match: the alert's labels, or the fields a tool sends instead."""
    details: tuple[tuple[str, str], ...] = ()
    """Annotations, descriptions and links: shown only in internal updates."""
    started: datetime | None = None

    def label(self, name: str) -> str | None:
        """The value of label ``name``, or ``None``."""
        return next((value for key, value in self.labels if key == name), None)


@dataclass(frozen=True)
class Acknowledged:
    """A tool's word that a person took the alerts in hand (PagerDuty's ``incident.acknowledged``)."""

    by: str = ""
    """Who, as the tool names them; ``""`` when it does not say."""
    at: datetime | None = None


@dataclass(frozen=True)
class Delivery:
    """One request from a tool: an alert group (Alertmanager's notion) and its alerts."""

    kind: str
    """The tool: one of ``model.MONITOR_KINDS``."""
    group: str
    """The tool's key for the group of alerts; one incident per group."""
    alerts: tuple[Alert, ...]
    notes: tuple[str, ...] = field(default=())
    """Facts about the delivery worth keeping (alerts the tool left out, alerts refused)."""
    acknowledged: Acknowledged | None = None
    """Set when the delivery says someone acknowledged the alerts."""

    @property
    def key(self) -> str:
        """The ``source`` key of the incident the group opens: ``alertmanager/<group key>``."""
        group = self.group
        if len(group) > MAX_KEY or not group.isprintable() or not group.isascii():
            group = "sha256:" + hashlib.sha256(group.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return f"{self.kind}/{group}"

    @property
    def ref(self) -> str:
        """A short fixed-width name of the group, written in internal updates to follow it."""
        return hashlib.sha256(self.key.encode("utf-8")).hexdigest()[:12]

    @property
    def firing(self) -> tuple[Alert, ...]:
        """The alerts still firing."""
        return tuple(a for a in self.alerts if a.firing)


def read_json(data: bytes) -> Any:
    """``data`` parsed as JSON: :class:`PayloadError` for anything else, however malformed."""
    if len(data) > MAX_PAYLOAD:
        raise PayloadError(f"it is larger than {MAX_PAYLOAD // 1024} KiB")
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise PayloadError("it is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise PayloadError(f"it is not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise PayloadError("it is nested too deeply") from None


def describe(value: Any) -> str:
    """What a JSON value is, for messages (never the value itself)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def mapping(value: Any, where: str) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else :class:`PayloadError`."""
    if not isinstance(value, dict):
        raise PayloadError(f"`{where}` must be an object, not {describe(value)}")
    return value


def text(value: Any, where: str, *, optional: bool = False) -> str:
    """``value`` if it is a string (``""`` for a missing optional one), else :class:`PayloadError`."""
    if value is None and optional:
        return ""
    if not isinstance(value, str):
        raise PayloadError(f"`{where}` must be text, not {describe(value)}")
    return value


def string_map(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    """A JSON object of strings (labels, annotations), sorted by name; ``()`` for null."""
    if value is None:
        return ()
    found = mapping(value, where)
    for item in found.values():
        if not isinstance(item, str):
            # The name is not repeated: messages never echo what a request holds.
            raise PayloadError(f"`{where}` must map names to text; a value is {describe(item)}")
    return tuple(sorted(found.items()))


def timestamp(value: Any, where: str) -> datetime | None:
    """An RFC 3339 time (a time without a zone is UTC); ``None`` for Go's zero time or nothing.

    The range is the one every file's time keeps (:mod:`statusgen.source.timestamps`), so an
    alert's start can always be compared with ``now`` and written into an update."""
    raw = text(value, where, optional=True).strip()
    if not raw or raw.startswith("0001-01-01"):
        return None
    parsed = parse_timestamp(raw)
    if parsed is None:
        raise PayloadError(f"`{where}` is not a time such as {EXAMPLE}")
    parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed
    if not in_range(parsed):
        raise PayloadError(range_problem(where))
    return parsed
