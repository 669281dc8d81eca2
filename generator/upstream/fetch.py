"""Reading every upstream component's status: each document fetched once, in parallel, through
the one HTTP client; what cannot be read keeps its last known status, dated.

The last status read of each upstream is kept in ``.statusgen-cache/upstream.json`` (safe to
delete: the next build reads them again).  A build never fails because of an upstream: what
cannot be read is a warning at the component's ``upstream`` key.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from statusgen import model as m
from statusgen import rules
from statusgen.diagnostics import Diagnostic
from statusgen.net.client import Client, HttpError, NoAnswer, TooLarge
from statusgen.net.policy import Policy
from statusgen.net.safety import Refused, origin, shown
from statusgen.output.atomic import replace_file
from statusgen.source.timestamps import parse_timestamp
from statusgen.upstream.documents import Document, Unreadable, instatus_level, page_name, statuspage_level

CACHE_DIR = ".statusgen-cache"
KEPT_FILE = "upstream.json"
MAX_BODY = 4 << 20
"""The most a status document may weigh: Statuspage's largest summaries are a few hundred KiB."""
TIMEOUT = 10.0
"""Seconds a try may wait for an upstream (a try takes at most about twice this)."""
WORKERS = 8
"""Documents fetched at once."""

Readings = dict[str, m.UpstreamReading]


class Unreachable(Unreadable):
    """No answer came from the provider's host: its other documents are not asked for."""


@dataclass(frozen=True)
class Read:
    """What the build knows of the upstream components: by component id, and the warnings."""

    readings: Readings
    warnings: tuple[Diagnostic, ...]


def documents(upstream: m.Upstream) -> tuple[str, ...]:
    """The addresses a reading needs, all fetched before any is parsed."""
    if upstream.kind is m.UpstreamKind.STATUSPAGE:
        return (upstream.url + "api/v2/summary.json",)
    return (upstream.url + "summary.json",
            *((upstream.url + "v2/components.json",) if upstream.component else ()))


def get_json(client: Client, url: str) -> Any:
    """The JSON document at ``url``; :class:`Unreadable` saying why not."""
    try:
        answer = client.request("GET", url, limit=MAX_BODY, headers={"Accept": "application/json"})
    except TooLarge:
        raise Unreadable(f"{shown(url)} sent more than {MAX_BODY >> 20} MiB") from None
    except NoAnswer as exc:
        raise Unreachable(f"{shown(url)}: {exc}") from None
    except (Refused, HttpError) as exc:
        raise Unreadable(f"{shown(url)}: {exc}") from None
    if not 200 <= answer.status < 300:
        raise Unreadable(f"{shown(url)} answered HTTP {answer.status} {answer.reason}".rstrip())
    try:
        return json.loads(answer.body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        kind = answer.headers.get("content-type", "").split(";")[0].strip() or "not JSON"
        raise Unreadable(f"{shown(url)} did not send JSON but {kind}") from None


def reading(upstream: m.Upstream, fetched: Mapping[str, Any], now: datetime) -> m.UpstreamReading:
    """The reading of ``upstream`` from its fetched documents (an :class:`Unreadable` among
    them is raised)."""
    found = [fetched[url] for url in documents(upstream)]
    for document in found:
        if isinstance(document, Unreadable):
            raise document
    if upstream.kind is m.UpstreamKind.STATUSPAGE:
        level = statuspage_level(found[0], upstream.component)
    else:
        level = instatus_level(found[0], found[1] if len(found) > 1 else None, upstream.component)
    provider = upstream.name or page_name(found[0].data) or upstream.url.split("/")[2]
    return m.UpstreamReading(level=level, provider=provider, read_at=now)


def read_upstreams(root: Path, config: m.Config, now: datetime, client: Client | None = None,
                   ) -> Read:
    """Every upstream component's reading at ``now``; the kept file updated."""
    wanted = {c.id: c.upstream for c in config.leaves() if c.upstream is not None}
    if not wanted:
        return Read({}, ())
    client = client or Client(timeout=TIMEOUT, policy=Policy(tries=2, max_wait=TIMEOUT),
                              user_agent="statusgen-upstream")
    urls = sorted({url for u in wanted.values() for url in documents(u)})
    down: dict[tuple[str, str, int], Unreachable] = {}
    # One host's documents are asked in order, one after the other, and hosts side by side:
    # which document of a host that is down is asked first (and named) never depends on timing.
    by_host: dict[str, list[str]] = {}
    for url in urls:
        by_host.setdefault(_host_key(url), []).append(url)
    fetched: dict[str, Any] = {}
    for group, found in zip(by_host.values(), _each(
            list(by_host), lambda key: [_caught(client, url, down) for url in by_host[key]]),
            strict=True):
        fetched.update(zip(group, found, strict=True))
    kept_path = root / CACHE_DIR / KEPT_FILE
    kept = load_kept(kept_path)
    readings: Readings = {}
    warnings: list[Diagnostic] = []
    for cid, upstream in wanted.items():
        try:
            readings[cid] = kept[upstream.key] = reading(upstream, fetched, now)
        except Unreadable as exc:
            last = kept.get(upstream.key)
            if last is not None:
                readings[cid] = m.UpstreamReading(last.level, upstream.name or last.provider,
                                                  last.read_at, stale=True)
            since = f"; the page shows its last known status, read {last.read_at.isoformat()}" \
                if last is not None else "; the page shows it operational, as it was never read"
            warnings.append(rules.UPSTREAM_UNREAD.at(
                upstream.loc,
                f"the status of `{cid}` could not be read: {exc}{since}"))
    # Only what the file still names is kept: an upstream removed is forgotten.
    keys = {u.key for u in wanted.values()}
    save_kept(kept_path, {key: r for key, r in kept.items() if key in keys})
    return Read(readings, tuple(warnings))


def _host_key(url: str) -> str:
    try:
        return repr(origin(url))
    except Refused:
        return url


def _caught(client: Client, url: str, down: dict[tuple[str, str, int], Unreachable]) -> Any:
    """The document, or why not; a host that gave no answer once is not asked again in this
    build, so that a provider that is down costs its time-out once, not once per document."""
    try:
        host = origin(url)
    except Refused as exc:
        return Unreadable(f"{shown(url)}: {exc}")
    if host in down:
        return down[host]
    try:
        return Document.of(get_json(client, url))
    except Unreachable as exc:
        down[host] = exc
        return exc
    except Unreadable as exc:
        return exc


def _each(urls: list[str], fetch: Callable[[str], Any]) -> list[Any]:
    if len(urls) == 1:
        return [fetch(urls[0])]
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(urls))) as pool:
        return list(pool.map(fetch, urls))


def load_kept(path: Path) -> dict[str, m.UpstreamReading]:
    """The last status read of each upstream; empty when the file is missing or unreadable."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    kept = data.get("readings") if isinstance(data, dict) else None
    found: dict[str, m.UpstreamReading] = {}
    for key, value in (kept.items() if isinstance(kept, dict) else ()):
        try:
            at = parse_timestamp(value["read_at"])
            if at is not None and at.tzinfo is not None:
                found[key] = m.UpstreamReading(m.Level(value["level"]), str(value["provider"]), at)
        except (AttributeError, KeyError, TypeError, ValueError):
            continue  # one damaged reading is read again at the next build
    return found


def save_kept(path: Path, kept: Mapping[str, m.UpstreamReading]) -> None:
    """Write the kept readings; a cache that cannot be written only costs the next build."""
    data = {"readings": {key: {"level": r.level.value, "provider": r.provider,
                               "read_at": r.read_at.isoformat()} for key, r in sorted(kept.items())}}
    try:
        path.parent.mkdir(exist_ok=True)
        replace_file(path, json.dumps(data, indent=1, sort_keys=True).encode())
    except OSError:
        pass
