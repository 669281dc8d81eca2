"""Status repositories with notification channels, written as a team would write them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from statusgen import model as m
from statusgen.diagnostics import Severity
from statusgen.pipeline import checked
from statusgen.source.load import load
from statusgen.source.tree import DiskSource
from tests import helpers
from tests.helpers import NOW

CHANNELS = """\
notify:
  - id: chat
    type: slack
    url_env: SLACK_URL
  - id: discord
    type: discord
    url_env: DISCORD_URL
  - id: teams
    type: teams
    url_env: TEAMS_URL
  - id: partners
    type: webhook
    url_env: HOOK_URL
    secret_env: HOOK_SECRET
    components: [api]
  - id: customers
    type: email
    smtp_env: SMTP_URL
    from: Test Status <status@test.example>
    to_env: SUBSCRIBERS
"""

# The tests' usual components, with times shown in Berlin (messages name the zone).
COMPONENTS = helpers.COMPONENTS.replace("  url: https://status.test.example/\n",
                                        "  url: https://status.test.example/\n"
                                        "  timezone: Europe/Berlin\n")


def components(channels: str = CHANNELS) -> str:
    """``components.yml`` with ``channels`` (a ``notify:`` section)."""
    return COMPONENTS + channels


def repository(root: Path, now: datetime = NOW) -> m.Repository:
    """The repository under ``root``, which must validate at ``now``."""
    result = checked(DiskSource(root), now)
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    assert not errors, errors
    assert result.loaded.repository is not None
    return result.loaded.repository


def loaded(root: Path) -> m.Repository:
    """The repository under ``root`` as read, whatever the rules say of it: the messages must
    be safe even for what validation would refuse."""
    found = load(DiskSource(root)).repository
    assert found is not None
    return found


def incident(title: str, updates: list[dict[str, str]], *, impact: str | None = "major",
             components: str = "{api: partial_outage}", extra: str = "") -> str:
    """An incident file; each update a mapping of its keys (``at``, ``status``, ``message`` …),
    newest first."""
    lines = ["---", f"title: {title}"] + ([f"impact: {impact}"] if impact else [])
    if components:
        lines.append(f"components: {components}")
    if extra:
        lines.append(extra)
    lines.append("updates:")
    for update in updates:
        first = True
        for key, value in update.items():
            lines.append(f"  {'- ' if first else '  '}{key}: {value}")
            first = False
    return "\n".join([*lines, "---", ""])


def maintenance(title: str, start: str, end: str, updates: list[dict[str, str]], *,
                components: str = "[db]", extra: str = "") -> str:
    """A maintenance file."""
    window = f"kind: maintenance\nwindow: {{start: {start}, end: {end}}}"
    return incident(title, updates, impact=None, components=components,
                    extra=window + (f"\n{extra}" if extra else ""))
