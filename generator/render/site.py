"""Render: the whole site as bytes per output path, from a snapshot."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from statusgen.compute.views import Revision, Snapshot
from statusgen.render import api, badges, calendar, embed, feeds, meta, pages, reports
from statusgen.render.editions import editions, localized
from statusgen.render.i18n import translator
from statusgen.render.theme import theme_folders
from statusgen.steps import Runner, direct


class OutputClash(Exception):
    """Two parts of the build would write the same output path."""

    def __init__(self, paths: list[str]) -> None:
        super().__init__(", ".join(paths))
        self.paths = paths


def render_site(snap: Snapshot, themes_dir: Path, attachments: Mapping[str, bytes],
                run: Runner = direct, revision: Revision | None = None) -> dict[str, bytes]:
    """Every output: pages and theme assets, feeds, the JSON API, badges, calendar, the
    reliability reports, site files; pages, reports, feeds and badges in each of
    ``page.languages`` (:mod:`statusgen.render.editions`).

    ``attachments`` are the files incident bodies link to, keyed by output path; ``run``
    runs the steps (:mod:`statusgen.steps`: on several processes, or kept from an earlier
    build; the output does not depend on it); the reports name ``revision``, the commit the
    files come from, when there is one.
    """
    files: dict[str, bytes] = {}
    folders = theme_folders(themes_dir, snap.page.theme)
    parts: list[Mapping[str, bytes]] = []
    # Pages, feeds and badges in every language of the site, the default at the top; each
    # other language under its prefix, with its own copy of the theme's files and attachments
    # so every relative link of a page works the same in every language.
    for edition in editions(snap.page):
        here = localized(snap, edition)
        lang = translator(edition.language, folders)
        made = {**pages.render_pages(here, themes_dir, run, edition),
                **reports.render_reports(here, themes_dir, revision, run, edition),
                **feeds.render_feeds(here, run, lang), **badges.render_badges(here, lang),
                **embed.render_embed(here, themes_dir, edition, run)}
        if not edition.default:
            made = {edition.prefix + path: data for path, data in {**made, **attachments}.items()}
        parts.append(made)
    lang = translator(snap.page.language, folders)
    parts += [api.render_api(snap, run), calendar.render_calendar(snap, lang), attachments]
    for part in parts:
        clash = files.keys() & part.keys()
        if clash:
            raise OutputClash(sorted(clash))
        files.update(part)
    files.update(meta.render_meta(snap, frozenset(files), run))
    return files
