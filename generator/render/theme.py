"""Themes: the Jinja templates and static files the HTML pages are made of.

A theme is a folder ``themes/NAME/``: templates at its top (``base.html``,
``index.html``, …) and files to copy under ``static/``.  Whatever a theme does
not have comes from ``themes/default/`` — the repository's own copy if it has
one, else the copy that ships with statusgen — so a theme may hold a single
file.  ``docs/themes.md`` describes the templates and what they receive.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2

DEFAULT = "default"
STATIC = "static"
_INSTALLED = Path(__file__).resolve().parents[1] / "default_theme"  # inside a wheel
_CHECKOUT = Path(__file__).resolve().parents[2] / "themes" / DEFAULT  # this repository
BUILTIN = _INSTALLED if _INSTALLED.is_dir() else _CHECKOUT
"""The default theme that comes with statusgen (used when the repository has none)."""


class ThemeError(Exception):
    """The page's theme cannot be used; the build reports the message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Theme:
    """A loaded theme: the template environment and the merged static files."""

    name: str
    folders: tuple[Path, ...]
    """Where templates and static files are looked up, the theme's own first."""
    env: jinja2.Environment
    assets: Mapping[str, bytes]
    """Output path (``static/…``) → bytes, the theme's files winning over the default's."""

    @property
    def fingerprint(self) -> str:
        """A digest of every template and static file the theme can use."""
        digest = hashlib.sha256()
        for folder in self.folders:
            for file in sorted(folder.rglob("*")):
                if file.is_file():
                    digest.update(str(file.relative_to(folder)).encode() + b"\0" + file.read_bytes())
        return digest.hexdigest()

    def version(self, output: str) -> str:
        """A short digest of an asset, to tell browsers when it changed."""
        return hashlib.sha256(self.assets[output]).hexdigest()[:10]


def _refuse_links(folder: Path, shown: str) -> None:
    """A theme is read from the repository only: a link in it could publish any file of the
    machine that builds the site (a CI runner's secrets) as a "static" asset."""
    if folder.is_symlink():
        raise ThemeError(f"{shown} is a symbolic link; statusgen never follows links in a "
                         "theme: put the folder itself there")
    for base, dirs, files in os.walk(folder):
        for name in sorted([*dirs, *files]):
            path = Path(base, name)
            if path.is_symlink():
                where = f"{shown}/{path.relative_to(folder).as_posix()}"
                raise ThemeError(f"{where} is a symbolic link; statusgen never follows links in "
                                 "a theme: put the file itself there")


def _folders(themes_dir: Path, name: str) -> tuple[Path, ...]:
    if not name or name in (".", "..") or "/" in name or "\\" in name:
        raise ThemeError(f"theme `{name}` is not a folder name under themes/")
    if themes_dir.is_symlink():
        raise ThemeError("themes/ is a symbolic link; statusgen never follows links in a theme: "
                         "make it a real folder")
    own = themes_dir / name
    if not own.is_dir() and name != DEFAULT:
        available = sorted(p.name for p in themes_dir.iterdir() if p.is_dir()) \
            if themes_dir.is_dir() else []
        known = f" (themes/ holds: {', '.join(available)})" if available else ""
        raise ThemeError(f"theme `{name}` not found: there is no folder themes/{name}/{known}")
    for folder, shown in ((own, f"themes/{name}"), (themes_dir / DEFAULT, f"themes/{DEFAULT}")):
        if folder.exists() or folder.is_symlink():
            _refuse_links(folder, shown)
    candidates = [own, themes_dir / DEFAULT, BUILTIN]
    folders: list[Path] = []
    for folder in candidates:
        if folder.is_dir() and all(folder.resolve() != f.resolve() for f in folders):
            folders.append(folder)
    if not any((f / "base.html").is_file() for f in folders):
        raise ThemeError("the default theme is missing: no base.html in themes/default/ "
                         f"nor in statusgen's own {BUILTIN}")
    return tuple(folders)


def _assets(folders: tuple[Path, ...]) -> dict[str, bytes]:
    merged: dict[str, bytes] = {}
    for folder in reversed(folders):  # the default first, so the theme's own files win
        static = folder / STATIC
        if not static.is_dir():
            continue
        for file in sorted(static.rglob("*")):
            relative = file.relative_to(static)
            if file.is_file() and not any(part.startswith(".") for part in relative.parts):
                merged[f"{STATIC}/{relative.as_posix()}"] = file.read_bytes()
    return dict(sorted(merged.items()))


def load_theme(themes_dir: Path, name: str) -> Theme:
    """The theme ``name`` under ``themes_dir``; :class:`ThemeError` if it does not exist."""
    folders = _folders(themes_dir, name)
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(f)) for f in folders]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return Theme(name=name, folders=folders, env=env, assets=_assets(folders))
