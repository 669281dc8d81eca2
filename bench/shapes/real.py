"""real: the Jenkins project's infrastructure status history, tiled back in time to N entries.

``bench/data/jenkins-status.json`` holds 115 real issues of status.jenkins.io (a
cState site), January 2024 to June 2026.  They are converted with
:mod:`bench.cstate` and moved forward by whole weeks so the newest ends a day or
more before NOW; each further copy ("tile") is moved back by the whole number of
weeks the data spans, so tiles never overlap, and its ids carry the tile's number.
statusgen shows no time before 1970 (rule ``timestamp-range``): the tiles that would fall
before it start again from the newest, a week and an hour further back for each round
(about 22 tiles fit, some 2,500 entries, so at 10,000 the history is four times as dense
as Jenkins' own, with the same entries). Below 115 entries the newest issues are taken.
"""

from __future__ import annotations

import functools
import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.cstate import Issue, parse_issue, slug, to_entry
from bench.entries import NOW, Entry, Files, Group, components_yml, files_of
from bench.shapes import Shape

DATA = Path(__file__).resolve().parents[1] / "data" / "jenkins-status.json"
WEEK = timedelta(days=7)
FLOOR = datetime(1970, 1, 2, tzinfo=UTC)
"""No entry starts before this: the first day statusgen shows, in every zone."""
ROUND = WEEK + timedelta(hours=1)
"""How much further back each round of tiles goes: weekdays stay, and no entry of one round
starts at the same moment as its copy in another."""


@functools.cache
def issues() -> tuple[Issue, ...]:
    """Every issue of the data file, newest first."""
    found = json.loads(DATA.read_text(encoding="utf-8"))["issues"]
    parsed = [parse_issue(name.removesuffix(".md"), text) for name, text in found.items()]
    return tuple(sorted(parsed, key=lambda i: (i.start, i.name), reverse=True))


def _weeks(span: timedelta) -> int:
    return math.floor(span / WEEK)


def entries(n: int, seed: int = 7) -> list[Entry]:
    """``n`` entries: the data, then copies of it further and further back (``seed`` is unused)."""
    data = issues()
    newest = max(i.end or i.start for i in data) + timedelta(hours=1)  # a maintenance's end
    oldest = min(i.start for i in data)
    period = WEEK * (_weeks(newest - oldest) + 1)
    forward = WEEK * _weeks(NOW - timedelta(days=1) - newest)
    # A whole period of room is left below the oldest tile for the rounds' small shifts.
    fit = max((oldest + forward - FLOOR) // period, 1)
    out: list[Entry] = []
    taken: set[str] = set()
    for index in range(n):
        tile, k = divmod(index, len(data))
        issue = data[k]
        round_, place = divmod(tile, fit)
        shift = forward - place * period - round_ * ROUND
        name = slug(issue.name[11:] if issue.name[:4].isdigit() else issue.name)
        entry_id = f"{issue.start + shift:%Y-%m-%d}-t{tile:03d}-{name}"
        if entry_id in taken:
            entry_id = f"{entry_id}-{k}"
        taken.add(entry_id)
        out.append(to_entry(issue, entry_id, shift))
    return out


def groups() -> list[Group]:
    """One component per name the data affects (names that give the same id are one)."""
    names: dict[str, str] = {}
    for issue in issues():
        for name in issue.affected:
            names.setdefault(slug(name), name)
    return [Group(cid, names[cid]) for cid in sorted(names)]


def files(n: int, seed: int = 7) -> Files:
    """The repository."""
    return files_of(components_yml("Jenkins Infrastructure Status (bench copy)", groups(), "UTC"),
                    entries(n, seed))


SHAPE = Shape("real", "status.jenkins.io's real history (115 issues, 2024-2026) tiled back in time",
              files)
