"""Render: the whole site as bytes per output path, from a snapshot."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from generator.caching import NO_CACHE, Cache, Mapper, serial_map
from generator.compute.reports import Revision
from generator.compute.snapshot import Snapshot
from generator.render import api, badges, calendar, feeds, meta, pages, reports


class OutputClash(Exception):
    """Two parts of the build would write the same output path."""

    def __init__(self, paths: list[str]) -> None:
        super().__init__(", ".join(paths))
        self.paths = paths


def render_site(snap: Snapshot, themes_dir: Path, attachments: Mapping[str, bytes],
                cache: Cache = NO_CACHE, mapper: Mapper = serial_map,
                revision: Revision | None = None) -> dict[str, bytes]:
    """Every output: pages and theme assets, feeds, the JSON API, badges, calendar, the
    reliability reports, site files.

    ``attachments`` are the files incident bodies link to, keyed by output path; ``mapper``
    may render entry pages on several processes, and ``cache`` keep outputs between the dev
    server's rebuilds (the output depends on neither); the reports name ``revision``, the
    commit the files come from, when there is one.
    """
    files: dict[str, bytes] = {}
    for part in (
        pages.render_pages(snap, themes_dir, cache, mapper),
        feeds.render_feeds(snap, cache),
        api.render_api(snap, cache),
        badges.render_badges(snap),
        calendar.render_calendar(snap),
        reports.render_reports(snap, themes_dir, revision, cache),
        attachments,
    ):
        clash = files.keys() & part.keys()
        if clash:
            raise OutputClash(sorted(clash))
        files.update(part)
    files.update(meta.render_meta(snap, frozenset(files), cache))
    return files
