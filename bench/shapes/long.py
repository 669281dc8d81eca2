"""long: post-mortems of about 20 KB, with tables and images, on a third of the incidents.

The entries of the ``today`` shape, so that only the bodies differ: one resolved
incident in three (recent or old) carries a post-mortem of 20 to 22 KiB with a
timeline, an impact table, a table of follow-ups and two or three PNG charts
that exist beside it in ``incidents/``.
"""

from __future__ import annotations

import random
from dataclasses import replace

from bench.entries import Entry, Files, components_yml, files_of
from bench.prose import long_postmortem, paragraph_pool
from bench.shapes import Shape, today
from bench.synthetic import SMALL

SHARE = 3
"""One resolved incident in this many gets a long post-mortem."""
TARGET = 20 * 1024
"""The least size of a long post-mortem, in bytes."""


def entries(n: int, seed: int = 7) -> tuple[list[Entry], dict[str, bytes]]:
    """The ``n`` entries and the images their post-mortems show."""
    rng = random.Random(seed + 2)
    pool = paragraph_pool(rng)
    images: dict[str, bytes] = {}
    out = []
    for entry in today.entries(n, seed):
        if entry.kind == "incident" and entry.resolved and rng.random() < 1 / SHARE:
            body, charts = long_postmortem(rng, entry.id, list(entry.levels), pool,
                                           TARGET + rng.randint(0, 2048))
            entry = replace(entry, body=body)
            images.update((f"incidents/{name}", data) for name, data in charts.items())
        out.append(entry)
    return out, images


def files(n: int, seed: int = 7) -> Files:
    """The repository."""
    found, images = entries(n, seed)
    return files_of(components_yml("Long Status", SMALL), found, dict(images))


SHAPE = Shape("long", "20 KB post-mortems with tables and PNG charts on a third of the incidents",
              files)
