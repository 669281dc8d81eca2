"""Themes: the Jinja templates and static files the HTML pages are made of.

A theme is a folder ``themes/NAME/``: templates at its top (``base.html``,
``index.html``, …) and files to copy under ``static/``.  Whatever a theme does
not have comes from ``themes/default/`` — the repository's own copy if it has
one, else the copy that ships with statusgen — so a theme may hold a single
file.  ``docs/themes.md`` describes the templates and what they receive.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2

from statusgen.render.compiled import COMPILED
from statusgen.source.schema import suggest

DEFAULT = "default"
STATIC = "static"
_INSTALLED = Path(__file__).resolve().parents[1] / "default_theme"  # inside a wheel
_CHECKOUT = Path(__file__).resolve().parents[2] / "themes" / DEFAULT  # this repository
BUILTIN = _INSTALLED if _INSTALLED.is_dir() else _CHECKOUT
"""The default theme that comes with statusgen (used when the repository has none)."""


class ThemeError(Exception):
    """The page's theme cannot be used; the build reports the message at ``path:line`` (a
    template of the theme) when it knows the place."""

    def __init__(self, message: str, path: str | None = None, line: int = 1) -> None:
        super().__init__(f"{path}:{line}: {message}" if path else message)
        self.message = message
        self.path = path
        self.line = line


class _Undefined(jinja2.StrictUndefined):
    """A missing variable or field, told in the theme's words: what is missing, what the page
    or the object has instead (never a Python class name)."""

    @property
    def _undefined_message(self) -> str:
        name = self._undefined_name
        owner = self._undefined_obj
        if owner is jinja2.utils.missing or name is None:
            return super()._undefined_message
        kind = type(owner)
        if dataclasses.is_dataclass(kind):
            known = [f.name for f in dataclasses.fields(kind)]
            noun = _NOUNS.get(kind.__name__, "this value")
            return (f"`{name}` is not a field of {noun}{suggest(str(name), known)}; it has: "
                    f"{', '.join(known)}")
        return f"`{name}` does not exist on this value"


_NOUNS = {
    "EntryLine": "an entry line", "EntryView": "an entry", "UpdateView": "an update",
    "ComponentRow": "a component row", "ComponentLevel": "an entry's component",
    "LevelView": "a level", "Time": "a time", "WindowView": "a window", "SiteView": "`site`",
    "Feed": "a feed", "Bar": "an uptime bar", "BarRun": "a run of an uptime bar",
    "MonthView": "a month", "YearLink": "a year link", "ChangeView": "a change",
    "GroupLink": "a group link",
}


@dataclass(frozen=True)
class Theme:
    """A loaded theme: the template environment and the merged static files."""

    name: str
    folders: tuple[Path, ...]
    """Where templates and static files are looked up, the theme's own first."""
    env: jinja2.Environment
    assets: Mapping[str, bytes]
    """Output path (``static/…``) → bytes, the theme's files winning over the default's."""

    @functools.cached_property
    def fingerprint(self) -> str:
        """A digest of every template and static file the theme can use."""
        digest = hashlib.sha256()
        for folder in self.folders:
            for file in sorted(folder.rglob("*")):
                if file.is_file():
                    digest.update(str(file.relative_to(folder)).encode() + b"\0" + file.read_bytes())
        return digest.hexdigest()

    @property
    def digest(self) -> str:
        """What a step's input holding the theme is known by (its files' digest)."""
        return self.fingerprint

    def version(self, output: str) -> str:
        """A short digest of an asset, to tell browsers when it changed."""
        return hashlib.sha256(self.assets[output]).hexdigest()[:10]

    def shown(self, filename: str) -> str:
        """A template's file as the user knows it: ``themes/calm/index.html``, or the default
        theme that ships with statusgen."""
        path = Path(filename)
        for folder in self.folders:
            if path.is_relative_to(folder):
                inside = path.relative_to(folder).as_posix()
                if folder == BUILTIN:
                    return f"statusgen's default theme: {inside}"
                return f"{folder.parent.name}/{folder.name}/{inside}"
        return filename

    def render(self, template: str, context: object) -> bytes:
        """``template`` with the fields of ``context`` (a dataclass of
        :mod:`statusgen.render.views`) as its variables; :class:`ThemeError` at the template's
        line when it is broken."""
        assert dataclasses.is_dataclass(context) and not isinstance(context, type)
        variables = {f.name: getattr(context, f.name) for f in dataclasses.fields(context)}
        try:
            return self.env.get_template(template).render(variables).encode("utf-8")
        except jinja2.TemplateSyntaxError as exc:
            where = self.shown(exc.filename) if exc.filename else f"themes/{self.name}/{template}"
            raise ThemeError(f"{exc.message} (theme `{self.name}`)", where, exc.lineno) from exc
        except jinja2.TemplateError as exc:
            path, line = self._place(exc, template)
            message = str(exc)
            if isinstance(exc, jinja2.UndefinedError) and message.endswith(" is undefined"):
                name = message.split("'")[1] if message.count("'") >= 2 else message
                given = [*variables, *self.env.globals]
                message = (f"`{name}` is undefined{suggest(name, given)}; {template} receives: "
                           f"{', '.join(variables)}")
            raise ThemeError(f"{message} (theme `{self.name}`, rendering {template})", path,
                             line) from exc

    def _place(self, exc: BaseException, template: str) -> tuple[str, int]:
        """The innermost line of a template in ``exc``'s traceback."""
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.endswith(".html") and frame.lineno is not None:
                return self.shown(frame.filename), frame.lineno
        return f"themes/{self.name}/{template}", 1


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


def signature(themes_dir: Path, name: str) -> tuple[tuple[str, int, int], ...]:
    """The names, sizes and times of every file a theme can use, without reading them: the
    dev server loads (and compiles) a theme again only when this changes."""
    found = []
    for folder in (themes_dir / name, themes_dir / DEFAULT, BUILTIN):
        for base, _dirs, files in os.walk(folder):
            for file in files:
                try:
                    info = os.lstat(os.path.join(base, file))
                except OSError:
                    continue
                found.append((os.path.join(base, file), info.st_size, info.st_mtime_ns))
    return tuple(sorted(found))


def theme_folders(themes_dir: Path, name: str) -> tuple[Path, ...]:
    """Where the theme ``name`` is looked up, its own folder first (:class:`ThemeError` if it
    does not exist): a theme's catalogues (``locales/``) are read from the same folders."""
    return _folders(themes_dir, name)


def load_theme(themes_dir: Path, name: str) -> Theme:
    """The theme ``name`` under ``themes_dir``; :class:`ThemeError` if it does not exist."""
    folders = _folders(themes_dir, name)
    # `{% extends "default/base.html" %}` reaches the default theme's own template, so a theme
    # that overrides base.html can still build on the default one.
    defaults = [f for f in folders if f.name == DEFAULT or f == BUILTIN]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([
            *(jinja2.FileSystemLoader(str(f)) for f in folders),
            jinja2.PrefixLoader({DEFAULT: jinja2.ChoiceLoader(
                [jinja2.FileSystemLoader(str(f)) for f in defaults])}),
        ]),
        autoescape=True,
        undefined=_Undefined,
        auto_reload=False,  # a theme is loaded for one build: no stat per template lookup
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=COMPILED,
    )
    return Theme(name=name, folders=folders, env=env, assets=_assets(folders))
