"""The reliability reports as pages, JSON and CSV: ``reports/<period>/``, ``reports/<period>.json``
and ``.csv``, and ``reports/index.html`` (the latest month) with ``reports/index.json``.

The pages are made in every edition's language; the JSON and CSV are language-neutral data,
made once at the site's root, and every edition's pages link to that one copy.

The figures are :mod:`statusgen.compute.reports`'; everything here only writes them.  Each
report names the commit it was computed from (:class:`~statusgen.compute.reports.Revision`,
passed in by the build) and the rules, so that ``statusgen report --period P --at COMMIT``
prints the same figures.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel.dates import format_skeleton
from babel.numbers import format_decimal, format_percent

from statusgen import __version__
from statusgen import model as m
from statusgen.compute.views import (
    WEIGHTS,
    ComponentFigures,
    IncidentFigures,
    Inputs,
    Period,
    PeriodKind,
    Planned,
    Report,
    Revision,
    Snapshot,
)
from statusgen.render import labels, paths, wording
from statusgen.render.around import Around, Site
from statusgen.render.editions import Edition, editions
from statusgen.render.entries import entry_line, month_label, shown_reference, time_view
from statusgen.render.i18n import N_, Language, translator
from statusgen.render.pages import Frame, clocked, page_frame, theme_of
from statusgen.render.report_paths import report_data, reports_list, reports_page
from statusgen.render.timefmt import iso_utc, whole_seconds
from statusgen.render.views import (
    CountView,
    PeriodLink,
    ReportContext,
    ReportIncident,
    ReportMaintenance,
    ReportRow,
    ReportView,
    SiteView,
)
from statusgen.steps import Later, Runner, direct

TEMPLATE = "report.html"
NO_SEVERITY = N_("No severity")
NO_FIGURE = "\u2014"
"""A figure there is none of (no incident resolved, no target): an em dash, in every language."""


ENGLISH = translator("en")
"""The words of the data files (a period's label, the rules in JSON): they are data, not prose
of a page, so they are English whatever the page's language."""


# --------------------------------------------------------------------------
# Numbers and periods as the language writes them
# --------------------------------------------------------------------------


def _digits(text: str, lang: Language) -> str:
    """``text`` with ASCII digits in the language's own (Babel writes ASCII digits for
    numbering systems such as ``arab``; :meth:`Language.number` does not)."""
    return text.translate(str.maketrans("0123456789", "".join(lang.number(d) for d in range(10))))


def decimal_text(value: float, lang: Language) -> str:
    """``0.3`` as the language writes it: ``0,3`` in German."""
    return _digits(format_decimal(Decimal(f"{value:g}"), locale=lang.locale,
                                  numbering_system="default"), lang)


def target_text(percent: float, lang: Language) -> str:
    """An uptime target, ``99.9`` percent, as the language writes it: ``99.9%``, ``99,9 %``;
    with as many decimals as it was given (the uptime itself always has two)."""
    text = format_percent(Decimal(f"{percent:g}") / 100, locale=lang.locale,
                          decimal_quantization=False, numbering_system="default")
    # Babel takes the numbering system's decimal sign but leaves the pattern's `%` as is.
    system = lang.locale.default_numbering_system
    return _digits(text.replace("%", str(lang.locale.number_symbols[system].get("percentSign", "%"))),
                   lang)


def period_label(period: Period, lang: Language = ENGLISH) -> str:
    """``March 2026``, ``Q1 2026`` (``T1 2026`` in French, ``2026年第1季度`` in Chinese)."""
    if period.kind is PeriodKind.MONTH:
        return month_label(period.year, period.first_month, lang)
    return _digits(format_skeleton("yQQQ", date(period.year, period.first_month, 1),
                                   locale=lang.locale), lang)


def _duration(seconds: float | None, lang: Language) -> str:
    if seconds is None:
        return NO_FIGURE
    if seconds <= 0:
        return lang.pgettext("duration", "none")
    return lang.duration(timedelta(seconds=seconds))


def _sla_text(figures: ComponentFigures, in_progress: bool, lang: Language) -> str:
    met = figures.sla_met
    if met is None:
        return ""
    if in_progress:
        return lang.gettext("On track") if met else lang.gettext("Below target so far")
    return lang.gettext("Met") if met else lang.gettext("Missed")


def _row(figures: ComponentFigures, in_progress: bool, lang: Language) -> ReportRow:
    component = figures.component
    return ReportRow(
        id=component.id, name=component.name, path=paths.component_page(component.id),
        group=component.is_group, member=component.group is not None,
        uptime=lang.percent(figures.uptime.ratio),
        sla=target_text(component.sla, lang) if component.sla is not None else "",
        sla_met=figures.sla_met, sla_text=_sla_text(figures, in_progress, lang),
        major=_duration(figures.major_seconds, lang),
        partial=_duration(figures.partial_seconds, lang),
        maintenance=_duration(figures.maintenance_seconds, lang),
        incidents=figures.incidents.count,
        mean=_duration(figures.incidents.mean_time_to_resolve, lang),
        median=_duration(figures.incidents.median_time_to_resolve, lang),
    )


def _severity_counts(figures: IncidentFigures, declared: m.IncidentFields,
                     lang: Language) -> tuple[CountView, ...]:
    if not declared.severities:
        return ()
    names = {s.id: s.name for s in declared.severities}  # the team's words: not translated
    return tuple(CountView(names.get(sid, lang.gettext(NO_SEVERITY)), count)
                 for sid, count in figures.by_severity)


def command(r: Report, revision: Revision | None) -> str:
    """The command that prints the figures of ``r`` again: ``statusgen report --period 2026-03
    --at 0123456789ab``."""
    at = f" --at {revision.commit[:12]}" if revision is not None else ""
    return f"statusgen report --period {r.period.id}{at}"


def method(r: Report, snap: Around, revision: Revision | None,
           lang: Language = ENGLISH) -> tuple[str, ...]:
    """The rules of ``r`` in sentences of ``lang``, naming the commit, and the command that
    recomputes them."""
    return (*rules(r, snap, revision, lang),
            lang._(wording.RECOMPUTE, command=command(r, revision)))


def rules(r: Report, snap: Around, revision: Revision | None, lang: Language) -> tuple[str, ...]:
    """How the figures of ``r`` are computed and from what, in sentences of ``lang``."""
    _ = lang._
    elapsed = (_("seconds of the period so far") if r.in_progress
               else _("seconds of the period"))
    scope = (_("An incident counts in the period its first update falls in; drills are never "
               "counted.") if snap.internal else
             _("An incident counts in the period its first update falls in; drills are never "
               "counted, and the public page leaves out what only the team sees."))
    if revision is None:
        source = _("Computed by statusgen %(version)s.", version=__version__)
    else:
        short = revision.commit[:12]
        source = (_("Computed by statusgen %(version)s from commit %(commit)s with uncommitted "
                    "changes.", version=__version__, commit=short) if revision.changed else
                  _("Computed by statusgen %(version)s from commit %(commit)s.",
                    version=__version__, commit=short))
    return (
        # The minus, times and division signs as escapes: in an editor they look like - x /.
        _("Uptime is 1 \u2212 (seconds in major outage + %(weight)s \u00d7 seconds in partial "
          "outage) \u00f7 %(elapsed)s, for each component: degraded performance and maintenance "
          "count as up, and where entries overlap each moment counts once, at its worst level. "
          "These are the uptime bars' own figures.",
          weight=decimal_text(WEIGHTS[m.Level.PARTIAL_OUTAGE], lang), elapsed=elapsed),
        _("Days are cut at midnight in %(zone)s. A group's uptime is the mean of its "
          "components'; its outage time is its worst component's each day.",
          zone=snap.page.timezone),
        scope,
        _("Time to resolve runs from the recorded impact start (else the first update) to the "
          "resolved update; incidents still open count, but have no time to resolve."),
        source,
    )


def report_view(r: Report, snap: Around, revision: Revision | None,
                lang: Language, data_root: str = "") -> ReportView:
    """What ``report.html`` shows of ``r``; ``data_root`` leads from the edition's root up to
    the site's, where the one copy of the JSON and CSV is (:func:`render_reports`)."""
    tz, declared = snap.tz, snap.config.incident_fields
    # The last day's noon: a moment of that day in the page's zone, whatever the offset.
    last_day = datetime.combine(r.period.next_first_day - timedelta(days=1), time(12), tzinfo=tz)
    page = r.page
    return ReportView(
        id=r.period.id, kind=str(r.period.kind), label=period_label(r.period, lang),
        period_text=lang._("From %(start)s to %(end)s.", start=lang.long_date(r.start, tz),
                           end=lang.long_date(last_day, tz)),
        in_progress=r.in_progress, until=time_view(r.until, tz, lang),
        rows=tuple(_row(f, r.in_progress, lang) for f in r.components),
        count=page.count,
        resolved_text=lang.n_("%(resolved)s of %(num)s resolved.", "%(resolved)s of %(num)s resolved.",
                              page.count, resolved=page.resolved),
        mean=_duration(page.mean_time_to_resolve, lang),
        median=_duration(page.median_time_to_resolve, lang),
        acknowledged_text=lang._(
            "Acknowledged: %(num)s. Mean time to acknowledge: %(mean)s. Median time to "
            "acknowledge: %(median)s.", num=page.acknowledged,
            mean=_duration(page.mean_time_to_acknowledge, lang),
            median=_duration(page.median_time_to_acknowledge, lang)) if snap.internal else "",
        by_impact=tuple(CountView(lang.gettext(labels.IMPACTS[impact]), count)
                        for impact, count in page.by_impact),
        by_severity=_severity_counts(page, declared, lang),
        incidents=tuple(ReportIncident(
            entry_line(e, tz, None, lang, declared, timed=False),
            _duration(seconds, lang) if seconds is not None else "")
            for e, seconds in zip(r.incidents, r.time_to_resolve, strict=True)),
        maintenance=tuple(ReportMaintenance(entry_line(t.entry, tz, None, lang, declared, timed=False),
                                            _duration(t.seconds, lang))
                          for t in r.maintenance),
        json_path=data_root + report_data(r.period.id, "json"),
        csv_path=data_root + report_data(r.period.id, "csv"),
        method=rules(r, snap, revision, lang),
        command=command(r, revision),
    )


# --------------------------------------------------------------------------
# JSON and CSV
# --------------------------------------------------------------------------


def _seconds(value: float | None) -> int | None:
    return None if value is None else whole_seconds(value)


def _figures_json(figures: IncidentFigures, declared: m.IncidentFields,
                  internal: bool) -> dict[str, Any]:
    names = {s.id: s.name for s in declared.severities}
    acknowledged = {
        "acknowledged": figures.acknowledged,
        "mean_time_to_acknowledge_seconds": _seconds(figures.mean_time_to_acknowledge),
        "median_time_to_acknowledge_seconds": _seconds(figures.median_time_to_acknowledge),
    } if internal else {}
    return {
        "count": figures.count,
        "by_impact": {str(impact): count for impact, count in figures.by_impact},
        "by_severity": [{"id": sid or None, "name": names.get(sid, NO_SEVERITY),
                         "count": count} for sid, count in figures.by_severity],
        "resolved": figures.resolved,
        "mean_time_to_resolve_seconds": _seconds(figures.mean_time_to_resolve),
        "median_time_to_resolve_seconds": _seconds(figures.median_time_to_resolve),
        **acknowledged,
    }


def report_document(r: Report, snap: Around, revision: Revision | None) -> dict[str, Any]:
    """The figures of ``r`` as the JSON document ``reports/<period>.json`` holds."""
    def ts(at: datetime | None) -> str | None:
        return None if at is None else iso_utc(at, snap.tz)

    declared = snap.config.incident_fields
    elapsed = (r.until - r.start).total_seconds()
    return {
        "period": {"id": r.period.id, "kind": str(r.period.kind), "label": period_label(r.period),
                   "start": ts(r.start), "end": ts(r.end), "until": ts(r.until),
                   "in_progress": r.in_progress},
        "page": {"name": snap.page.title, "url": snap.page.url, "time_zone": snap.page.timezone},
        "source": {"commit": revision.commit if revision else None,
                   "uncommitted_changes": revision.changed if revision else None,
                   "statusgen": __version__, "build": "internal" if snap.internal else "public"},
        "method": {
            "uptime": "1 - (major_outage_seconds + partial_weight * partial_outage_seconds) / "
                      "elapsed_seconds; a group: the mean of its components' uptime",
            "weights": {str(level): WEIGHTS.get(level, 0.0) for level in m.Level},
            "days_cut_in": snap.page.timezone,
            "overlaps": "each moment counts once, at its worst level",
            "incidents": "those whose first update falls in the period; drills never count",
            "time_to_resolve": "from impact_started (else the first update) to the resolved update",
            "sentences": list(method(r, snap, revision, ENGLISH)),
        },
        "components": [{
            "id": f.component.id, "name": f.component.name, "group": f.component.group,
            "is_group": f.component.is_group,
            "uptime_percent": f.uptime.percent, "uptime_ratio": f.uptime.ratio,
            "elapsed_seconds": whole_seconds(elapsed),
            "major_outage_seconds": whole_seconds(f.major_seconds),
            "partial_outage_seconds": whole_seconds(f.partial_seconds),
            "maintenance_seconds": whole_seconds(f.maintenance_seconds),
            "sla_percent": f.component.sla, "sla_met": f.sla_met,
            "incidents": _figures_json(f.incidents, declared, snap.internal),
        } for f in r.components],
        "incidents": _figures_json(r.page, declared, snap.internal),
        "incident_list": [{
            "id": e.id, "reference": shown_reference(e.incident, declared) or None,
            "name": e.incident.title,
            "impact": str(e.incident.impact), "severity": e.incident.severity or None,
            "started_at": ts(e.started_at), "resolved_at": ts(e.resolved_at),
            "time_to_resolve_seconds": _seconds(seconds),
            **({"time_to_acknowledge_seconds": _seconds(acknowledged)} if snap.internal else {}),
            "components": list(e.named),
            "url": paths.absolute(snap.page.url, paths.incident_page(e.id)),
        } for e, seconds, acknowledged in zip(r.incidents, r.time_to_resolve,
                                              r.time_to_acknowledge or (None,) * len(r.incidents),
                                              strict=True)],
        "maintenance": [{
            "id": t.entry.id, "name": t.entry.incident.title, "started_at": ts(t.entry.started_at),
            "completed_at": ts(t.entry.resolved_at), "seconds_in_period": whole_seconds(t.seconds),
            "components": list(t.entry.named),
        } for t in r.maintenance],
    }


def report_json(r: Report, snap: Around, revision: Revision | None) -> bytes:
    """``reports/<period>.json``: indented, for people reading it as well as programs."""
    return (json.dumps(report_document(r, snap, revision), ensure_ascii=False, indent=2) + "\n"
            ).encode("utf-8")


def _blank(value: int | None) -> int | str:
    return "" if value is None else value


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Text a spreadsheet shows as text: a leading ``=``, ``+``, ``-`` or ``@`` would start a
    formula (CSV injection), so such a cell starts with ``'``."""
    return "'" + text if text.startswith(_FORMULA) else text


def csv_columns(declared: m.IncidentFields) -> list[str]:
    """The header of a report's CSV: fixed columns, then one per declared severity."""
    severities = [f"incidents_{s.id}" for s in sorted(declared.severities, key=lambda s: s.rank)]
    return ["period", "component_id", "component", "group", "uptime_percent", "sla_percent",
            "sla_met", "elapsed_seconds", "major_outage_seconds", "partial_outage_seconds",
            "maintenance_seconds", "incidents", *(f"incidents_{i}" for i in m.Impact),
            *severities, *(["incidents_no_severity"] if severities else []), "resolved",
            "mean_time_to_resolve_seconds", "median_time_to_resolve_seconds"]


def report_csv(r: Report, snap: Around) -> bytes:
    """``reports/<period>.csv``: one row per component and group, and a last row (``page``)
    for every incident of the period; UTF-8 with a byte order mark, so spreadsheets read the
    names right."""
    declared = snap.config.incident_fields
    elapsed = whole_seconds((r.until - r.start).total_seconds())
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_columns(declared))

    def counts(figures: IncidentFigures) -> list[object]:
        severities = [count for _, count in figures.by_severity] if declared.severities else []
        return [figures.count, *(count for _, count in figures.by_impact), *severities,
                figures.resolved, _blank(_seconds(figures.mean_time_to_resolve)),
                _blank(_seconds(figures.median_time_to_resolve))]

    for f in r.components:
        component = f.component
        writer.writerow([r.period.id, component.id, _cell(component.name), component.group or "",
                         f.uptime.percent, "" if component.sla is None else f"{component.sla:g}",
                         "" if f.sla_met is None else str(f.sla_met).lower(), elapsed,
                         whole_seconds(f.major_seconds), whole_seconds(f.partial_seconds),
                         whole_seconds(f.maintenance_seconds), *counts(f.incidents)])
    writer.writerow([r.period.id, "page", _cell(snap.page.title), "", "", "", "", elapsed, "", "",
                     "", *counts(r.page)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def index_document(plans: Sequence[Inputs], snap: Snapshot) -> bytes:
    """``reports/index.json``: every period with a report and where its figures are."""
    doc = {"reports": [{
        "id": r.period.id, "kind": str(r.period.kind), "label": period_label(r.period),
        "in_progress": r.in_progress(snap.tz),
        "page": paths.absolute(snap.page.url, reports_page(r.period.id)),
        "json": paths.absolute(snap.page.url, report_data(r.period.id, "json")),
        "csv": paths.absolute(snap.page.url, report_data(r.period.id, "csv")),
    } for r in plans]}
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --------------------------------------------------------------------------
# The site's part
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportPage:
    """What one report's files read: the page's frame (and its header with the clock while
    the period runs), the site (without the clock: a report's lines read none), the figures,
    the commit, and the periods its page links."""

    frame: Frame
    header: SiteView | None
    site: Site
    report: Later[Report]
    """Made only if the page is (a page kept from the last build reads nothing)."""
    revision: Revision | None
    is_index: bool
    months: tuple[PeriodLink, ...]
    quarters: tuple[PeriodLink, ...]
    years: tuple[PeriodLink, ...]


def report_files(item: ReportPage) -> dict[str, bytes]:
    """The step that writes one report's page, and in the default edition its JSON and CSV."""
    r, frame, edition = item.report.value, item.frame, item.frame.edition
    # The pages of edition ``de/`` are relative to ``de/``: one folder more up to the data.
    data_root = "../" * edition.prefix.count("/")
    page = reports_page(None if item.is_index else r.period.id)
    html = frame.render(TEMPLATE, ReportContext(
        **vars(frame.base(page, nav="history", site=item.header)), is_index=item.is_index,
        report=report_view(r, item.site, item.revision, frame.lang, data_root),
        months=item.months, quarters=item.quarters, years=item.years))
    if item.is_index or not edition.default:
        return {page: html}
    return {page: html, report_data(r.period.id, "json"): report_json(r, item.site, item.revision),
            report_data(r.period.id, "csv"): report_csv(r, item.site)}


def render_reports(snap: Snapshot, themes_dir: Path, revision: Revision | None = None,
                   run: Runner = direct, edition: Edition | None = None) -> dict[str, bytes]:
    """Every report's page, the index page (the latest month's report) in the language of
    ``edition`` (of ``snap.page``); in the default edition also each report's JSON and CSV
    and ``reports/index.json``, which hold no words of a language: the other editions' pages
    link to those.

    The figures are the snapshot's ``reports`` (:class:`~statusgen.compute.snapshot.Snapshot`),
    computed once for every edition; ``run`` runs each period's step, which a period whose
    figures, links and frame did not change need not run again.
    """
    edition = edition or editions(snap.page)[0]
    assert snap.reports, "a snapshot made with reports=False is for what shows no page"
    theme = theme_of(themes_dir, snap.page.theme, run)
    frame = page_frame(snap, theme, edition)
    lang = frame.lang
    header = clocked(frame, snap)

    tz = snap.tz

    def link(r: Planned) -> PeriodLink:
        period = r.period
        return PeriodLink(period.id, period_label(period, lang), reports_page(period.id),
                          r.inputs.in_progress(tz))

    links = {r.period: link(r) for r in snap.reports}
    by_year: dict[int, list[Planned]] = {}
    for r in snap.reports:
        by_year.setdefault(r.period.year, []).append(r)
    # A year's link leads to its latest month, whose page lists the year's other periods.
    years = tuple(PeriodLink(str(year), str(year), reports_page(next(
        r for r in found if r.period.kind is PeriodKind.MONTH).period.id), False)
        for year, found in by_year.items())

    def nav(year: int, kind: PeriodKind) -> tuple[PeriodLink, ...]:
        return tuple(links[r.period] for r in by_year[year] if r.period.kind is kind)

    latest = next(r for r in snap.reports if r.period.kind is PeriodKind.MONTH)
    inputs = []
    for r, is_index in [*((r, False) for r in snap.reports), (latest, True)]:
        year = r.period.year
        # A report's lines say how long each entry took to resolve, not how long it has run:
        # only the period's own header shows the clock, while the period runs.
        inputs.append(ReportPage(frame, header if r.inputs.in_progress(tz) else None,
                                 Site(snap.config, snap.internal),
                                 r.figures, revision, is_index, nav(year, PeriodKind.MONTH),
                                 nav(year, PeriodKind.QUARTER), years))
    out: dict[str, bytes] = {}
    for files in run(report_files, inputs):
        out.update(files)
    if edition.default:
        out[reports_list()] = index_document(tuple(r.inputs for r in snap.reports), snap)
    return out
