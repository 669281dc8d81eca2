"""Random text for synthetic entries: short messages, short and long post-mortems.

Long post-mortems are put together from a pool of paragraphs made once per
repository, so 10,000 entries take seconds; the tables, numbers and images in
each are its own, so no two bodies are the same.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from bench.png import chart

SUBJECTS = ("Elevated error rates", "Slow responses", "Failed logins", "Delayed delivery",
            "Intermittent timeouts", "Degraded search results", "Stuck background jobs",
            "Connection resets", "Missing data in reports", "Upload failures")
WORDS = ("cache", "node", "replica", "deploy", "rollback", "queue", "latency", "traffic",
         "certificate", "region", "load balancer", "database", "index", "capacity", "retry")
_TERMS = ("`max_connections`", "`retry_budget`", "`pool_size`", "`GET /v2/orders`",
          "`worker-7`", "**p99 latency**", "**error budget**", "*read-only mode*",
          "[the runbook](https://runbooks.bench.example/db-failover)",
          "[upstream issue 4711](https://github.com/example/proxy/issues/4711)")
_VERBS = ("saturated", "restarted", "drained", "rolled back", "paged the on-call engineer about",
          "throttled", "replayed", "rebuilt", "failed over", "reconfigured")


def sentence(rng: random.Random) -> str:
    """Eight to sixteen of :data:`WORDS`, capitalised."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
    return (" ".join(words)).capitalize() + "."


def message(rng: random.Random) -> str:
    """One to three sentences."""
    return " ".join(sentence(rng) for _ in range(rng.randint(1, 3)))


def postmortem(rng: random.Random) -> str:
    """A short post-mortem: what happened and what changed."""
    parts = ["## What happened", "", message(rng), "", "## What we changed", ""]
    parts += [f"- {sentence(rng)}" for _ in range(rng.randint(2, 5))]
    return "\n".join(parts) + "\n"


def _rich_sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 14))]
    words.insert(rng.randint(0, len(words)), rng.choice(_VERBS))
    if rng.random() < 0.5:
        words.insert(rng.randint(0, len(words)), rng.choice(_TERMS))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def paragraph_pool(rng: random.Random, size: int = 240) -> list[str]:
    """Paragraphs of four to nine sentences with inline code, emphasis and links."""
    return [" ".join(_rich_sentence(rng) for _ in range(rng.randint(4, 9))) for _ in range(size)]


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], right: int = 0) -> str:
    """A Markdown table; the last ``right`` columns aligned right."""
    align = ["---"] * (len(header) - right) + ["---:"] * right
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def long_postmortem(rng: random.Random, entry_id: str, components: Sequence[str],
                    pool: Sequence[str], target: int) -> tuple[str, dict[str, bytes]]:
    """A post-mortem of at least ``target`` bytes, and the PNG charts it shows (name → bytes).

    Three tables (timeline, impact, follow-ups) and two or three images.
    """
    images = {f"{entry_id}-{what}.png": chart([rng.randint(1, 16) for _ in range(48)])
              for what in ("latency", "errors", "traffic")[: rng.randint(2, 3)]}
    names = list(images)
    minute = rng.randint(0, 600)
    timeline = []
    for _ in range(rng.randint(12, 25)):
        minute += rng.randint(1, 20)
        timeline.append((f"{minute // 60 % 24:02d}:{minute % 60:02d}", _rich_sentence(rng)))
    impact = [(f"`{c}`", rng.choice(("degraded", "partial outage", "major outage")),
               str(rng.randint(3, 240)), f"{rng.randint(10, 900_000):,}")
              for c in components]
    actions = [(_rich_sentence(rng), rng.choice(("storage team", "platform team", "on-call", "SRE")),
                f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                rng.choice(("done", "in progress", "planned"))) for _ in range(rng.randint(4, 9))]
    parts = [
        "## Summary", "", rng.choice(pool), "",
        "## Timeline", "", _table(("Time (UTC)", "What happened"), timeline), "",
        "## Impact", "", _table(("Component", "Level", "Minutes", "Failed requests"), impact, 2), "",
        f"![Latency while it lasted]({names[0]})", "",
        "## Root cause", "", rng.choice(pool), "", f"![Errors by minute]({names[1]})", "",
        "## What we changed", "", *(f"- {_rich_sentence(rng)}" for _ in range(rng.randint(5, 10))), "",
        "## Follow-up actions", "", _table(("Action", "Owner", "Due", "Status"), actions), "",
        "## Analysis", "",
    ]
    if len(names) > 2:
        parts[-2:-2] = [f"![Traffic]({names[2]})", ""]
    size = sum(len(p) + 1 for p in parts)
    while size < target:
        paragraph = rng.choice(pool)
        parts += [paragraph, ""]
        size += len(paragraph) + 2
    return "\n".join(parts), images
