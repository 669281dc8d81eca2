"""The internal updates that carry an alert's own text, and how they are recognised again.

An alert's labels and annotations often name hosts, so they only ever go into **internal**
updates (removed before anything public is computed).  Each such update starts with a fixed
line naming the tool, a short hash of the alert group and its state:

    **Monitor** · alertmanager group `3f2a9c1b0d4e` · **firing**

That line is what ``ingest`` reads back to know which alert groups an incident holds and
whether each still fires; the alert's text follows in a fenced block, where Markdown makes no
links, so nothing an alert says can fail the link rules or reach a page as a link.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC

from statusgen import model as m
from statusgen.authoring.text import stamp
from statusgen.ingest.alerts import Alert, Delivery

MAX_VALUE = 500
"""Characters of one label or annotation value shown; the rest is cut."""
MAX_BLOCK = 6000
"""Characters of alert text in one update; further alerts are counted, not shown."""

_HEADER = re.compile(r"\A\*\*Monitor\*\* · ([a-z-]+) group `([0-9a-f]{12})` · \*\*(firing|resolved)\*\*")


@dataclass(frozen=True)
class Record:
    """What one internal update of ``ingest`` says: the group it is about and its state."""

    kind: str
    ref: str
    firing: bool
    update: m.Update


def read_record(update: m.Update) -> Record | None:
    """The record ``update`` is, or ``None`` for an update a person wrote."""
    if not update.internal:
        return None
    found = _HEADER.match(update.message)
    if found is None:
        return None
    return Record(found.group(1), found.group(2), found.group(3) == "firing", update)


def same_state(one: str, other: str) -> bool:
    """Whether two records say the same about their alerts: the same header and the same alert
    text (the sentence between them may differ)."""
    def state(message: str) -> tuple[str, str]:
        start = message.find("\n```")
        return message.partition("\n")[0], message[start:] if start != -1 else ""
    return state(one) == state(other)


def header(delivery: Delivery, firing: bool) -> str:
    """The first line of a record."""
    state = "firing" if firing else "resolved"
    return f"**Monitor** · {delivery.kind} group `{delivery.ref}` · **{state}**"


# Characters an update's Markdown may not hold (controls) or that YAML reads as line breaks;
# lone surrogates (JSON can escape them) cannot be written as UTF-8 at all.
_UNWRITABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def clean(value: str, limit: int = MAX_VALUE) -> str:
    """``value`` safe to write into a message: controls escaped (``\\x1b``), cut at ``limit``."""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n"))
    value = _UNWRITABLE.sub(lambda found: f"\\x{ord(found.group()):02x}" if ord(found.group()) < 0x100
                            else "\ufffd", value)
    return value if len(value) <= limit else value[:limit] + " …(cut)"


def _alert_lines(alert: Alert) -> list[str]:
    labels = ", ".join(f"{clean(k, 100)}={clean(v)}" for k, v in alert.labels)
    lines = [f"[{'firing' if alert.firing else 'resolved'}] {labels or '(no labels)'}"]
    if alert.started is not None:
        lines.append(f"    started: {stamp(alert.started.astimezone(UTC).replace(microsecond=0))}")
    for name, value in alert.details:
        shown = clean(value).replace("\n", "\n        ")
        lines.append(f"    {clean(name, 100)}: {shown}")
    return lines


def alert_block(delivery: Delivery) -> str:
    """The alerts' text as a fenced block, within :data:`MAX_BLOCK` characters."""
    lines: list[str] = []
    size = 0
    for index, alert in enumerate(delivery.alerts):
        more = _alert_lines(alert)
        cost = sum(len(line) + 1 for line in more)
        if lines and size + cost > MAX_BLOCK:
            lines.append(f"… {len(delivery.alerts) - index} more alerts not shown")
            break
        lines.extend(more)
        size += cost
    body = "\n".join(lines)
    # A fence longer than any run of backticks inside, so no alert text can close it.
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{body}\n{fence}"


def record_text(delivery: Delivery, firing: bool, sentence: str) -> str:
    """A whole record: the header, one sentence of what happened, notes, and the alerts."""
    total, burning = len(delivery.alerts), len(delivery.firing)
    counted = f"{burning} of {total} alerts firing." if firing else \
        f"{total} alert{'s' if total != 1 else ''} resolved."
    notes = "".join(f" Note: {clean(note)}." for note in delivery.notes)
    return f"{header(delivery, firing)}\n\n{counted} {sentence}{notes}\n\n{alert_block(delivery)}\n"
