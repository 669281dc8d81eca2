"""Languages: every word from a gettext catalogue, every date, time and number through CLDR.

A :class:`Language` is what a page, a feed, a badge or a notification needs to speak to its
readers: ``gettext``/``ngettext``/``pgettext`` over statusgen's catalogue of the language
(``generator/locales/<tag>.mo``, compiled from the ``.po`` beside it),
with a theme's additions and overrides (``themes/<name>/locales/<tag>.po``) in front; and
the dates, times, zone names and numbers of the language's CLDR locale, through Babel.

Nothing here reads the machine's locale: Babel is always given the locale, so the same
repository gives the same bytes on any machine.  Formatting is cached per language, zone
and value (a site repeats the same days and clock times many times over).

Messages follow Python's ``%`` formatting: ``_("%(num)s h", num=3)``; a literal ``%`` is
written ``%%`` in a message.  Numbers passed as values are written in the language's digits.
"""

from __future__ import annotations

import gettext as gettext_module
import hashlib
import io
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import (
    format_interval,
    format_skeleton,
    get_datetime_format,
    get_timezone_gmt,
    get_timezone_name,
)
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal, parse_pattern
from markupsafe import Markup

from statusgen import languages
from statusgen import model as m
from statusgen.render.theme import ThemeError, theme_folders

DOMAIN = "statusgen"
LOCALES = Path(__file__).resolve().parents[1] / "locales"
"""The shipped catalogues: ``de.po`` and the ``de.mo`` compiled from it, one pair per language
(flat: the gettext folder layout is not needed, as statusgen opens the files itself)."""
OVERRIDES = "locales"
"""A theme's folder of additions and overrides: ``themes/<name>/locales/<tag>.po``."""

CLDR: dict[str, str] = {"en": "en_GB", "zh-Hans": "zh_Hans_CN"}
"""The CLDR locale of a shipped language whose conventions are not its tag's own: ``en`` keeps
the day-month-year, 24-hour dates statusgen always wrote (``en-US`` gives the US ones)."""

DIGITS: dict[str, str] = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}
"""The digits of the numbering systems CLDR makes the default of a locale statusgen can be set
to (``ar-EG``, ``ar-SA``, ``fa``…): Babel chooses the symbols but writes ASCII digits."""

_LATIN = "0123456789"
_OFFSET = re.compile(r"[+-]\d{4}\Z")


def folder(tag: str) -> str:
    """The catalogue file name of a shipped language, without suffix: ``pt-BR`` → ``pt_BR``."""
    return tag.replace("-", "_")


def cldr_locale(tag: str) -> Locale:
    """The CLDR locale of a language as the page writes it (validated by the schema)."""
    shipped = languages.shipped_language(tag) or "en"
    if shipped.lower() != tag.lower():
        try:
            return Locale.parse(tag, sep="-")
        except (ValueError, UnknownLocaleError):
            pass  # a region CLDR does not know: the language's own conventions
    return Locale.parse(CLDR.get(shipped, folder(shipped)))


def _shipped_translations(tag: str) -> gettext_module.NullTranslations:
    mo = LOCALES / f"{folder(tag)}.mo"
    if tag == "en" or not mo.is_file():
        return gettext_module.NullTranslations()  # English is the source language
    with mo.open("rb") as handle:
        return gettext_module.GNUTranslations(handle)


class Language:
    """The words and conventions of one language (see the module's docstring)."""

    def __init__(self, tag: str, translations: gettext_module.NullTranslations,
                 digest: str = "") -> None:
        self.tag = tag
        """As the page writes it: ``de``, ``de-AT``, ``pt-BR``."""
        self.digest = f"{tag}\0{digest}"
        """What a step's input holding the language is known by: its tag and the digest of a
        theme's catalogues (statusgen's own are part of its code)."""
        self.shipped = languages.shipped_language(tag) or "en"
        """The shipped language whose words it takes."""
        self.name = languages.LANGUAGES.get(self.shipped, tag)
        """The language's own name for itself: ``Deutsch``."""
        self.locale = cldr_locale(tag)
        self.direction = "rtl" if self.locale.character_order == "right-to-left" else "ltr"
        """``ltr`` or ``rtl``, for ``<html dir>``."""
        self._translations = translations
        digits = DIGITS.get(self.locale.default_numbering_system)
        self._digits = str.maketrans(_LATIN, digits) if digits else None
        self._glue = str(get_datetime_format("medium", locale=self.locale))
        pattern = parse_pattern(self.locale.percent_formats[None].pattern)
        pattern.frac_prec = (2, 2)
        self._percent = pattern
        # Babel takes the numbering system's decimal sign but leaves the pattern's `%` as is.
        system = self.locale.default_numbering_system
        self._percent_sign = str(self.locale.number_symbols[system].get("percentSign", "%"))
        self._cache: dict[tuple[Any, ...], str] = {}

    # -- words ------------------------------------------------------------------------------

    def gettext(self, message: str) -> str:
        """``message`` in this language (the English source when it has no translation)."""
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form of ``singular``/``plural`` this language uses for ``n``."""
        return self._translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        """``message`` in this language, where the same English words mean another thing
        elsewhere (``context`` tells which)."""
        return self._translations.pgettext(context, message)

    def _(self, message: str, **values: object) -> str:
        """``message`` translated, its ``%(name)s`` placeholders filled with ``values``."""
        return self.gettext(message) % self.values(values)

    def n_(self, singular: str, plural: str, n: int, **values: object) -> str:
        """The plural form for ``n``, its placeholders filled (``%(num)s`` is ``n``)."""
        return self.ngettext(singular, plural, n) % self.values({"num": n, **values})

    def p_(self, context: str, message: str, **values: object) -> str:
        """``message`` in ``context`` translated, its placeholders filled."""
        return self.pgettext(context, message) % self.values(values)

    def values(self, values: dict[str, object]) -> dict[str, object]:
        """Placeholder values as the language writes them: whole numbers in its digits."""
        if not any(type(v) is int for v in values.values()):
            return values
        return {k: self.number(v) if type(v) is int else v for k, v in values.items()}

    def template_globals(self) -> dict[str, Callable[..., Markup | str]]:
        """``_``, ``gettext``, ``ngettext`` and ``pgettext`` for templates: the translation is
        escaped, then the (escaped) values are put in, so a catalogue never adds markup; and
        ``number(n)``, a whole number in the language's digits."""
        escaped: dict[str, Markup] = {}
        plain: dict[str, Markup] = {}

        def fill(text: str, values: dict[str, object]) -> Markup:
            if not values:  # a message without placeholders: made once (`%%` still means `%`)
                done = plain.get(text)
                if done is None:
                    done = plain[text] = Markup(Markup.escape(text) % ())
                return done
            safe = escaped.get(text)
            if safe is None:
                safe = escaped[text] = Markup.escape(text)
            return safe % self.values(values)

        def gettext(message: str, **values: object) -> Markup:
            return fill(self.gettext(message), values)

        def ngettext(singular: str, plural: str, n: int, **values: object) -> Markup:
            return fill(self.ngettext(singular, plural, n), {"num": n, **values})

        def pgettext(context: str, message: str, **values: object) -> Markup:
            return fill(self.pgettext(context, message), values)

        return {"_": gettext, "gettext": gettext, "ngettext": ngettext, "pgettext": pgettext,
                "number": self.number}

    # -- numbers ----------------------------------------------------------------------------

    def _local_digits(self, text: str) -> str:
        return text.translate(self._digits) if self._digits else text

    def number(self, value: int) -> str:
        """A whole number with the language's grouping and digits: ``1.234`` in German."""
        key = ("n", value)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._local_digits(
                format_decimal(value, locale=self.locale, numbering_system="default"))
        return found

    def percent(self, ratio: float) -> str:
        """``99,87 %``: two decimals, floored so a bad day never shows as 100 %."""
        floored = int(ratio * 10000) / 10000
        key = ("%", floored)
        found = self._cache.get(key)
        if found is None:
            text = self._percent.apply(floored, self.locale, numbering_system="default")
            found = self._cache[key] = self._local_digits(text.replace("%", self._percent_sign))
        return found

    def join(self, items: list[str]) -> str:
        """``A, B and C`` as the language lists things (``A、B、C`` in Japanese)."""
        return format_list(items, locale=self.locale) if items else ""

    # -- dates and times --------------------------------------------------------------------

    def _skeleton(self, skeleton: str, value: date | datetime) -> str:
        key = (skeleton, value)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._local_digits(
                format_skeleton(skeleton, value, locale=self.locale))
        return found

    def zone(self, local: datetime) -> str:
        """The zone of ``local`` (an aware time) as readers know it: ``MEZ``, ``CET``, else
        the locale's GMT form (``UTC+01:00`` in French)."""
        key = ("z", local.tzinfo, local.utcoffset(), local.tzname())
        found = self._cache.get(key)
        if found is None:
            name = get_timezone_name(local, "short", locale=self.locale)
            if _OFFSET.match(name):
                name = get_timezone_gmt(local, "long", locale=self.locale)
            found = self._cache[key] = self._local_digits(name)
        return found

    def clock(self, at: datetime, tz: tzinfo) -> str:
        """``07:10 MEZ``: the time of day in ``tz``, with the zone."""
        local = at.astimezone(tz)
        # Keyed by the clock time alone: a site has at most 1,440 of them, and many moments.
        plain = datetime(2000, 1, 1, local.hour, local.minute)
        return f"{self._skeleton('Hm', plain)} {self.zone(local)}"

    def moment(self, at: datetime, tz: tzinfo) -> str:
        """``22. Nov. 2026, 07:10 MEZ``; ``2026年11月22日 7:10 JST``."""
        local = at.astimezone(tz)
        return self._glue.replace("{1}", self.short_date(local.date())).replace(
            "{0}", self.clock(at, tz))

    def long_date(self, at: datetime, tz: tzinfo) -> str:
        """``22. November 2026`` in ``tz``."""
        return self._skeleton("yMMMMd", at.astimezone(tz).date())

    def short_date(self, day: date) -> str:
        """``22. Nov. 2026``."""
        return self._skeleton("yMMMd", day)

    def month(self, year: int, month: int) -> str:
        """``November 2026``, as a heading (the standalone month name)."""
        return self._skeleton("yMMMM", date(year, month, 1))

    def date_range(self, first: date, last: date) -> str:
        """``3.\u20139. Nov. 2026``: two days as the language writes a span of them."""
        if first == last:
            return self.short_date(first)
        key = ("range", first, last)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._local_digits(
                format_interval(first, last, "yMMMd", locale=self.locale))
        return found

    def duration(self, span: timedelta) -> str:
        """``2 h 18 min``, ``3 days 4 h``, ``45 min``, ``less than a minute``, in words of the
        catalogue: how long and how briefly to write it is each language's choice."""
        minutes = int(span.total_seconds() // 60)
        if minutes < 1:
            return self._("less than a minute")
        days, rest = divmod(minutes, 24 * 60)
        hours, minutes = divmod(rest, 60)
        parts = []
        if days:
            parts.append(self.n_("%(num)s day", "%(num)s days", days))
        if hours:
            parts.append(self._("%(num)s h", num=hours))
        if minutes and not days:
            parts.append(self._("%(num)s min", num=minutes))
        text = parts[0]
        for part in parts[1:]:
            text = self.p_("duration", "%(first)s %(second)s", first=text, second=part)
        return text


def _read_override(path: Path, shown: str, locale: Locale) -> gettext_module.GNUTranslations:
    """A theme's ``.po`` file as translations, each checked against the source's placeholders:
    a missing or mistyped one would break every page at build time instead of here."""
    try:
        catalog = read_po(io.BytesIO(path.read_bytes()), locale=locale, abort_invalid=True)
    except (PoFileError, ValueError, UnicodeDecodeError) as exc:
        raise ThemeError(f"cannot read this catalogue: {exc}", shown) from exc
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = tuple(message.id) if isinstance(message.id, tuple | list) else (message.id,)
        strings = tuple(message.string) if isinstance(message.string, tuple | list) \
            else (message.string,)
        wanted = placeholders(ids[-1])
        for text in strings:
            if text and placeholders(text) != wanted and not (len(ids) > 1 and
                                                               placeholders(text) <= wanted):
                line = message.lineno or 1
                raise ThemeError(f"the translation of `{ids[0]}` has the placeholders "
                                 f"{sorted(placeholders(text))}, the message "
                                 f"{sorted(wanted)}: keep the message's", shown, line)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext_module.GNUTranslations(buffer)


_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")


def placeholders(text: str) -> set[str]:
    """The names of ``%(name)s`` placeholders in a message."""
    return {name for name in _PLACEHOLDER.findall(text) if name}


def override_files(folders: Iterable[Path], tag: str) -> tuple[tuple[Path, str], ...]:
    """A theme's catalogues for ``tag``, the theme's own first: ``themes/<name>/locales/de.po``
    (and ``de-AT.po`` before it for ``de-AT``), with the path as the user knows it."""
    names = [f"{tag}.po"]
    shipped = languages.shipped_language(tag)
    if shipped and shipped.lower() != tag.lower():
        names.append(f"{shipped}.po")
    found = []
    for theme in folders:
        for name in names:
            path = theme / OVERRIDES / name
            if path.is_file():
                found.append((path, f"themes/{theme.name}/{OVERRIDES}/{name}"))
    return tuple(found)


def translator(tag: str, folders: Iterable[Path] = ()) -> Language:
    """The language ``tag`` (``page.language``), with the catalogues of the theme folders
    ``folders`` in front of statusgen's own.  Notifications and other callers take the words
    they send from here: ``translator(page.language).gettext("Resolved")``.
    """
    files = override_files(folders, tag)
    digest = hashlib.sha256(b"".join(str(p).encode() + b"\0" + p.read_bytes() for p, _ in files))
    return _translator(tag, files, digest.hexdigest())


def page_translator(themes_dir: Path, page: m.Page) -> Language:
    """``page.language`` with the catalogues of the page's theme in front, as its pages speak:
    what notifications say, so a word a team overrides is overridden everywhere."""
    try:
        folders = theme_folders(themes_dir, page.theme)
    except ThemeError:  # the build names a missing theme; a message still has statusgen's words
        folders = ()
    return translator(page.language, folders)


@lru_cache(maxsize=64)
def _translator(tag: str, files: tuple[tuple[Path, str], ...], _digest: str) -> Language:
    locale = cldr_locale(tag)
    chain = _shipped_translations(languages.shipped_language(tag) or "en")
    for path, shown in reversed(files):
        override = _read_override(path, shown, locale)
        override.add_fallback(chain)
        chain = override
    return Language(tag, chain, _digest)


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is written; it is translated where shown."""
    return message
