"""A deterministic synthetic status repository of N incidents and maintenances.

Five years of history before a fixed ``NOW``: 3 to 6 updates each, 1 to 3 of 20
components in five groups, some post-mortems, one in ten a maintenance.  The
last 90 days hold the same entries whatever N is (so the front page is the
same at 1,000 and 10,000), with a few incidents still open; only the older
history grows with N.
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

NOW = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)
YEARS = 5
RECENT_DAYS = 90
RECENT = 40
"""Entries in the last 90 days, whatever N is."""
OPEN = 2
"""Incidents still open at NOW (about 5% of the recent ones)."""

GROUPS = {
    "core": ("api", "web", "auth", "search"),
    "data": ("db", "cache", "queue", "storage"),
    "delivery": ("email", "sms", "webhooks", "push"),
    "regions": ("eu", "us", "ap", "sa"),
    "tools": ("dashboard", "billing", "reports", "exports"),
}
LEVELS = ("degraded_performance", "partial_outage", "major_outage")
IMPACTS = ("minor", "minor", "major", "major", "critical")
SUBJECTS = ("Elevated error rates", "Slow responses", "Failed logins", "Delayed delivery",
            "Intermittent timeouts", "Degraded search results", "Stuck background jobs",
            "Connection resets", "Missing data in reports", "Upload failures")
WORDS = ("cache", "node", "replica", "deploy", "rollback", "queue", "latency", "traffic",
         "certificate", "region", "load balancer", "database", "index", "capacity", "retry")


def components_yml() -> str:
    lines = ["page:", "  title: Bench Status", "  url: https://status.bench.example/",
             "  timezone: Europe/Berlin", "components:"]
    for group, members in GROUPS.items():
        lines += [f"  - id: {group}", f"    name: {group.title()}", "    components:"]
        lines += [f"      - {{id: {m}, name: {m.title()} service}}" for m in members]
    return "\n".join(lines) + "\n"


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
    return (" ".join(words)).capitalize() + "."


def _message(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(1, 3)))


def _postmortem(rng: random.Random) -> str:
    parts = ["## What happened", "", _message(rng), "", "## What we changed", ""]
    parts += [f"- {_sentence(rng)}" for _ in range(rng.randint(2, 5))]
    return "\n".join(parts) + "\n"


def incident(rng: random.Random, start: datetime, still_open: bool) -> str:
    leaves = [m for members in GROUPS.values() for m in members]
    chosen = rng.sample(leaves, rng.randint(1, 3))
    statuses = ["investigating", "identified", "monitoring", "resolved"]
    count = rng.randint(3, 6)
    flow = statuses[:3] if still_open else statuses
    while len(flow) < count:
        flow.insert(rng.randint(1, len(flow) - 1), rng.choice(("identified", "monitoring")))
    if still_open:
        flow = flow[:count]
    times, at = [], start
    for _ in flow:
        times.append(at)
        at += timedelta(minutes=rng.randint(5, 90))
    lines = ["---", f"title: {rng.choice(SUBJECTS)} for {chosen[0].title()}",
             f"impact: {rng.choice(IMPACTS)}", "components:"]
    lines += [f"  {c}: {rng.choice(LEVELS)}" for c in chosen]
    lines.append("updates:")
    for status, when in reversed(list(zip(flow, times, strict=True))):
        lines += [f"  - at: {when:%Y-%m-%dT%H:%M:%SZ}", f"    status: {status}",
                  f"    message: {_message(rng)}"]
        if status == "identified" and rng.random() < 0.5:
            lines.append(f"    components: {{{chosen[0]}: {rng.choice(LEVELS)}}}")
    lines.append("---")
    body = _postmortem(rng) if not still_open and rng.random() < 0.1 else ""
    return "\n".join(lines) + "\n" + body


def maintenance(rng: random.Random, start: datetime) -> str:
    leaves = [m for members in GROUPS.values() for m in members]
    component = rng.choice(leaves)
    end = start + timedelta(hours=rng.randint(1, 4))
    updates = [("scheduled", start - timedelta(days=rng.randint(2, 10)))]
    if end <= NOW:
        updates += [("in_progress", start), ("completed", end - timedelta(minutes=10))]
    lines = ["---", "kind: maintenance", f"title: Planned work on {component.title()}",
             f"window: {{start: {start:%Y-%m-%dT%H:%M:%SZ}, end: {end:%Y-%m-%dT%H:%M:%SZ}}}",
             f"components: [{component}]", "updates:"]
    for status, when in reversed(updates):
        lines += [f"  - at: {when:%Y-%m-%dT%H:%M:%SZ}", f"    status: {status}",
                  f"    message: {_message(rng)}"]
    lines.append("---")
    return "\n".join(lines) + "\n"


def entries(n: int, seed: int = 7) -> dict[str, str]:
    """``incidents/<id>.md`` → text, for ``n`` entries."""
    files: dict[str, str] = {}
    recent = random.Random(seed)  # the same last 90 days for every n
    for index in range(min(n, RECENT)):
        still_open = index < OPEN
        start = (NOW - timedelta(hours=recent.randint(6, 20)) if still_open else
                 NOW - timedelta(days=recent.uniform(1, RECENT_DAYS - 1)))
        kind_maintenance = not still_open and index % 10 == 9
        if kind_maintenance and index == 19:
            start = NOW + timedelta(days=3)  # one upcoming
        text = maintenance(recent, start) if kind_maintenance else incident(recent, start, still_open)
        files[f"incidents/{start:%Y-%m-%d}-r{index:05d}.md"] = text
    older = random.Random(seed + 1)
    span = timedelta(days=365 * YEARS - RECENT_DAYS).total_seconds()
    for index in range(n - RECENT):
        start = NOW - timedelta(days=RECENT_DAYS) - timedelta(seconds=older.uniform(0, span))
        start = start.replace(microsecond=0)
        text = maintenance(older, start) if index % 10 == 9 else incident(older, start, False)
        files[f"incidents/{start:%Y-%m-%d}-h{index:05d}.md"] = text
    return files


def write_repo(root: Path, n: int) -> Path:
    """Write a repository of ``n`` entries under ``root``."""
    (root / "incidents").mkdir(parents=True, exist_ok=True)
    (root / "components.yml").write_text(components_yml())
    for name, text in entries(n).items():
        (root / name).write_text(text)
    return root


if __name__ == "__main__":
    write_repo(Path(sys.argv[1]), int(sys.argv[2]))
