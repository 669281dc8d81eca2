"""One site in several languages: ``page.languages: [en, de]`` builds ``/`` in English and
``/de/`` in German, each page linking to itself in the others.

An :class:`Edition` is one language's copy of the pages, feeds and badges; the JSON API,
the calendar and the site files are built once, in the default language.  Each edition is
rendered from the snapshot with ``page.language`` set to its language and ``page.url`` to
its own address, so feeds and links need no other change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from statusgen import model as m
from statusgen.compute.views import Snapshot
from statusgen.render import paths
from statusgen.render.views import Alternate


@dataclass(frozen=True)
class Edition:
    """The pages, feeds and badges in one language."""

    language: str
    """Its tag: ``de``."""
    prefix: str
    """Where it lives in the site: ``""`` for the default language, else ``de/``."""
    languages: tuple[str, ...]
    """Every language of the site, the default first."""
    root_url: str
    """``page.url`` as written: the default edition's address."""

    @property
    def default(self) -> bool:
        return not self.prefix


def editions(page: m.Page) -> tuple[Edition, ...]:
    """The site's editions, the default language's first."""
    tags = page.editions
    return tuple(Edition(tag, "" if i == 0 else f"{tag}/", tags, page.url)
                 for i, tag in enumerate(tags))


def localized(snap: Snapshot, edition: Edition) -> Snapshot:
    """``snap`` as the edition shows it: its language, its address."""
    page = snap.page
    if page.language == edition.language and not edition.prefix:
        return snap
    page = replace(page, language=edition.language, url=edition.root_url + edition.prefix)
    return replace(snap, config=replace(snap.config, page=page))


def alternates(edition: Edition, page: str, names: dict[str, str]) -> tuple[Alternate, ...]:
    """The page at output path ``page`` of ``edition`` in every language of the site (none
    when it has one); ``names`` are the languages' own names."""
    if len(edition.languages) < 2:
        return ()
    here = edition.prefix + page
    found = []
    for i, tag in enumerate(edition.languages):
        there = ("" if i == 0 else f"{tag}/") + page
        found.append(Alternate(language=tag, name=names.get(tag, tag),
                               href=paths.absolute(edition.root_url, there),
                               path=paths.relative(here, there), current=tag == edition.language))
    return tuple(found)
