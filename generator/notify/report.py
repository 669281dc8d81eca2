"""What a run did, for a terminal, a job summary or a program; and the pull request's preview
of the messages a merge would send.

Nothing here shows a secret: only channel ids, event names, titles and the messages'
public words.  In Markdown the authors' words are made inert as ``statusgen diff`` makes
them (no links, markup, HTML or mentions), and a message's text sits in a code block.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from statusgen import model as m
from statusgen.notify.events import Event
from statusgen.notify.outgoing import Scene
from statusgen.notify.run import Report, State, channel_events
from statusgen.render.diff import md
from statusgen.render.i18n import Language

WORDS = {State.SENT: "sent", State.FAILED: "failed", State.WAITING: "waiting",
         State.RECORDED: "recorded without sending", State.DUE: "would send"}


def _summary(report: Report) -> str:
    counts = [f"{report.count(s)} {WORDS[s]}" for s in State if report.count(s)]
    return ", ".join(counts) if counts else "nothing to send"


def render_text(report: Report) -> str:
    """One line per message, and a summary."""
    lines = [f"{o.state:<9} {o.channel.id}  {o.name}  {o.key}  {' '.join(o.title.split())}"
             + (f"  ({o.detail})" if o.detail else "") for o in report.outcomes]
    for channel in report.first_run:
        lines.append(f"first run of channel {channel}: what was already due is recorded, not sent")
    lines.append(f"notify: {_summary(report)}")
    return "\n".join(lines) + "\n"


def render_markdown(report: Report) -> str:
    """A table for a job summary."""
    lines = ["## Notifications", ""]
    if report.outcomes:
        lines += ["| Channel | Event | Entry | Result |", "| --- | --- | --- | --- |"]
        lines += [f"| {md(o.channel.id)} ({o.channel.type}) | `{o.name}` | {md(o.title)} | "
                  f"{WORDS[o.state]}{' — ' + md(o.detail) if o.detail else ''} |"
                  for o in report.outcomes]
        lines.append("")
    for channel in report.first_run:
        lines += [f"First run of channel {md(channel)}: what was already due is recorded, not sent.", ""]
    lines += [f"**Summary:** {_summary(report)}.", ""]
    return "\n".join(lines)


def render_json(report: Report) -> str:
    """A list of ``{channel, type, event, key, title, result, detail}``."""
    return json.dumps([{"channel": o.channel.id, "type": str(o.channel.type), "event": o.name,
                        "key": o.key, "title": o.title, "result": str(o.state), "detail": o.detail}
                       for o in report.outcomes], indent=2, ensure_ascii=False) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}


# --------------------------------------------------------------------------
# The preview of a pull request
# --------------------------------------------------------------------------


@dataclass
class Preview:
    """The messages the working tree would send that the base would not have."""

    messages: list[tuple[m.Channel, Event, str]] = field(default_factory=list)
    """Channel, event and the message's text."""
    notes: list[str] = field(default_factory=list)


def preview(base: m.Repository | None, head: m.Repository, now: datetime,
            lang: Language | None = None) -> Preview:
    """What merging ``head`` over ``base`` would send at ``now``, in ``lang``: the events due
    in ``head`` that are not due in ``base``, per channel.  A channel new in ``head`` sends
    nothing on its first run."""
    out = Preview()
    if not head.config.notify:
        return out
    if base is None:
        out.notes.append("The base could not be read, so the messages a merge sends cannot be "
                         "told apart from those already sent.")
        return out
    before = channel_events(base, now)
    after = channel_events(head, now)
    scene = Scene(head, now, lang)
    for channel in head.config.notify:
        if channel.id not in before:
            out.notes.append(f"Channel {channel.id} is new: its first run records what is "
                             "already due and sends nothing.")
            continue
        known = {e.id for e in before[channel.id]}
        for event in after[channel.id]:
            if event.id not in known:
                out.messages.append((channel, event, scene.notice(event).plain()))
    return out


def _fence(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def preview_markdown(found: Preview) -> str:
    """The preview as a section of ``statusgen diff``'s Markdown."""
    if not found.messages and not found.notes:
        return ""
    lines = ["", "### Notifications a merge would send", ""]
    if not found.messages:
        lines += ["None.", ""]
    for channel, event, text in found.messages:
        fence = _fence(text)
        internal = " · **internal**" if event.internal else ""
        lines.append(f"- **{md(channel.id)}** ({channel.type}) · `{event.name}` · "
                     f"{md(event.incident.title)}{internal}")
        lines += ["", f"  {fence}text", *(f"  {line}" for line in text.split("\n")), f"  {fence}", ""]
    lines += [f"- {md(note)}" for note in found.notes]
    return "\n".join(lines) + "\n"


def preview_text(found: Preview) -> str:
    """The preview for a terminal."""
    if not found.messages and not found.notes:
        return ""
    lines = ["Notifications a merge would send:"]
    if not found.messages:
        lines.append("  none")
    for channel, event, text in found.messages:
        lines.append(f"  {channel.id} ({channel.type}) {event.name}"
                     f"{' (internal)' if event.internal else ''}:")
        lines += [f"    {line}" for line in text.split("\n")]
    lines += [f"  {note}" for note in found.notes]
    return "\n".join(lines) + "\n"


PREVIEWS = {"markdown": preview_markdown, "text": preview_text}
