"""The reliability reports as pages, JSON and CSV: ``reports/<period>/``, ``reports/<period>.json``
and ``.csv``, and ``reports/index.html`` (the latest month) with ``reports/index.json``.

The figures are :mod:`generator.compute.reports`'; everything here only writes them.  Each
report names the commit it was computed from (:class:`~generator.compute.reports.Revision`,
passed in by the build) and the rules, so that ``statusgen report --period P --at COMMIT``
prints the same figures.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from generator import __version__
from generator import model as m
from generator.caching import NO_CACHE, Cache
from generator.compute.metrics import whole_seconds
from generator.compute.reports import (
    ComponentFigures,
    IncidentFigures,
    Period,
    PeriodKind,
    Report,
    Revision,
    all_reports,
)
from generator.compute.snapshot import Snapshot
from generator.compute.uptime import WEIGHTS
from generator.render import labels, paths, wording
from generator.render.editions import Edition, editions
from generator.render.entries import entry_line, month_label, time_view
from generator.render.i18n import Language, translator
from generator.render.pages import page_frame
from generator.render.report_paths import report_data, reports_list, reports_page
from generator.render.theme import load_theme
from generator.render.timefmt import iso_utc
from generator.render.views import (
    CountView,
    PeriodLink,
    ReportContext,
    ReportIncident,
    ReportMaintenance,
    ReportRow,
    ReportView,
)

TEMPLATE = "report.html"
WORDS = wording.REPORT


def reports_of(snap: Snapshot, cache: Cache = NO_CACHE) -> tuple[Report, ...]:
    """Every report of the build, newest period first, months before quarters."""
    return all_reports(snap.entries, snap.config, snap.now, snap.tz, cache)


ENGLISH = translator("en")
"""The data files' words (a period's label in JSON) are the same in every edition."""


def period_label(period: Period, lang: Language = ENGLISH) -> str:
    """``March 2026``, ``Q1 2026``."""
    if period.kind is PeriodKind.MONTH:
        return month_label(period.year, period.first_month, lang)
    return WORDS["quarter_label"].format(quarter=(period.first_month + 2) // 3, year=period.year)


def _duration(seconds: float | None, empty: str, lang: Language) -> str:
    if seconds is None:
        return WORDS["none"]
    return lang.duration(timedelta(seconds=seconds)) if seconds > 0 else empty


def _sla_text(figures: ComponentFigures, in_progress: bool) -> str:
    met = figures.sla_met
    if met is None:
        return ""
    if in_progress:
        return WORDS["sla_on_track"] if met else WORDS["sla_behind"]
    return WORDS["sla_met"] if met else WORDS["sla_missed"]


def _row(figures: ComponentFigures, in_progress: bool, lang: Language) -> ReportRow:
    component = figures.component
    no_time = WORDS["no_time"]
    return ReportRow(
        id=component.id, name=component.name, path=paths.component_page(component.id),
        group=component.is_group, member=component.group is not None,
        uptime=lang.percent(figures.uptime.ratio),
        sla=f"{component.sla:g}%" if component.sla is not None else "",
        sla_met=figures.sla_met, sla_text=_sla_text(figures, in_progress),
        major=_duration(figures.major_seconds, no_time, lang),
        partial=_duration(figures.partial_seconds, no_time, lang),
        maintenance=_duration(figures.maintenance_seconds, no_time, lang),
        incidents=figures.incidents.count,
        mean=_duration(figures.incidents.mean_time_to_resolve, no_time, lang),
        median=_duration(figures.incidents.median_time_to_resolve, no_time, lang),
    )


def _severity_counts(figures: IncidentFigures, declared: m.IncidentFields) -> tuple[CountView, ...]:
    if not declared.severities:
        return ()
    names = {s.id: s.name for s in declared.severities}
    return tuple(CountView(names.get(sid, WORDS["no_severity"]), count)
                 for sid, count in figures.by_severity)


def method(r: Report, snap: Snapshot, revision: Revision | None) -> tuple[str, ...]:
    """The rules of ``r`` in sentences, naming the commit."""
    values = wording.METHOD_VALUES
    source = at = ""
    if revision is not None:
        short = revision.commit[:12]
        source = values["changed" if revision.changed else "source"].format(commit=short)
        at = values["at"].format(commit=short)
    fill = {
        "partial": f"{WEIGHTS[m.Level.PARTIAL_OUTAGE]:g}",
        "so_far": values["so_far"] if r.in_progress else "",
        "zone": snap.page.timezone,
        "scope": "" if snap.internal else values["public_scope"],
        "version": __version__, "source": source, "period": r.period.id, "at": at,
    }
    return tuple(sentence.format(**fill) for sentence in wording.METHOD)


def report_view(r: Report, snap: Snapshot, revision: Revision | None,
                lang: Language) -> ReportView:
    """What ``report.html`` shows of ``r``."""
    tz, now, declared = snap.tz, snap.now, snap.config.incident_fields
    last_day = r.period.next_first_day - timedelta(days=1)
    page = r.page
    return ReportView(
        id=r.period.id, kind=str(r.period.kind), label=period_label(r.period, lang),
        period_text=WORDS["period"].format(start=lang.long_date(r.start, tz),
                                           end=lang.short_date(last_day)),
        in_progress=r.in_progress, until=time_view(r.until, tz, lang),
        rows=tuple(_row(f, r.in_progress, lang) for f in r.components),
        count=page.count,
        resolved_text=WORDS["resolved_count"].format(resolved=page.resolved, count=page.count),
        mean=_duration(page.mean_time_to_resolve, WORDS["no_time"], lang),
        median=_duration(page.median_time_to_resolve, WORDS["no_time"], lang),
        by_impact=tuple(CountView(lang.gettext(labels.IMPACTS[impact]), count)
                        for impact, count in page.by_impact),
        by_severity=_severity_counts(page, declared),
        incidents=tuple(ReportIncident(
            entry_line(e, tz, now, lang, declared),
            _duration(seconds, WORDS["no_time"], lang) if seconds is not None else "")
            for e, seconds in zip(r.incidents, r.time_to_resolve, strict=True)),
        maintenance=tuple(ReportMaintenance(entry_line(t.entry, tz, now, lang, declared),
                                            _duration(t.seconds, WORDS["no_time"], lang))
                          for t in r.maintenance),
        json_path=report_data(r.period.id, "json"),
        csv_path=report_data(r.period.id, "csv"),
        method=method(r, snap, revision),
    )


# --------------------------------------------------------------------------
# JSON and CSV
# --------------------------------------------------------------------------


def _seconds(value: float | None) -> int | None:
    return None if value is None else whole_seconds(value)


def _figures_json(figures: IncidentFigures, declared: m.IncidentFields) -> dict[str, Any]:
    names = {s.id: s.name for s in declared.severities}
    return {
        "count": figures.count,
        "by_impact": {str(impact): count for impact, count in figures.by_impact},
        "by_severity": [{"id": sid or None, "name": names.get(sid, WORDS["no_severity"]),
                         "count": count} for sid, count in figures.by_severity],
        "resolved": figures.resolved,
        "mean_time_to_resolve_seconds": _seconds(figures.mean_time_to_resolve),
        "median_time_to_resolve_seconds": _seconds(figures.median_time_to_resolve),
    }


def report_document(r: Report, snap: Snapshot, revision: Revision | None) -> dict[str, Any]:
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
            "sentences": list(method(r, snap, revision)),
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
            "incidents": _figures_json(f.incidents, declared),
        } for f in r.components],
        "incidents": _figures_json(r.page, declared),
        "incident_list": [{
            "id": e.id, "reference": e.incident.reference or None, "name": e.incident.title,
            "impact": str(e.incident.impact), "severity": e.incident.severity or None,
            "started_at": ts(e.started_at), "resolved_at": ts(e.resolved_at),
            "time_to_resolve_seconds": _seconds(seconds),
            "components": list(e.named),
            "url": paths.absolute(snap.page.url, paths.incident_page(e.id)),
        } for e, seconds in zip(r.incidents, r.time_to_resolve, strict=True)],
        "maintenance": [{
            "id": t.entry.id, "name": t.entry.incident.title, "started_at": ts(t.entry.started_at),
            "completed_at": ts(t.entry.resolved_at), "seconds_in_period": whole_seconds(t.seconds),
            "components": list(t.entry.named),
        } for t in r.maintenance],
    }


def report_json(r: Report, snap: Snapshot, revision: Revision | None) -> bytes:
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


def report_csv(r: Report, snap: Snapshot) -> bytes:
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


def index_document(reports: Sequence[Report], snap: Snapshot) -> bytes:
    """``reports/index.json``: every period with a report and where its figures are."""
    doc = {"reports": [{
        "id": r.period.id, "kind": str(r.period.kind), "label": period_label(r.period),
        "in_progress": r.in_progress,
        "page": paths.absolute(snap.page.url, reports_page(r.period.id)),
        "json": paths.absolute(snap.page.url, report_data(r.period.id, "json")),
        "csv": paths.absolute(snap.page.url, report_data(r.period.id, "csv")),
    } for r in reports]}
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --------------------------------------------------------------------------
# The site's part
# --------------------------------------------------------------------------


def render_reports(snap: Snapshot, themes_dir: Path, revision: Revision | None = None,
                   cache: Cache = NO_CACHE, edition: Edition | None = None) -> dict[str, bytes]:
    """Every report's page, the index page (the latest month's report) in the language of
    ``edition`` (of ``snap.page``); in the default edition also each report's JSON and CSV
    and ``reports/index.json``.

    ``cache`` keeps each period's figures and files between the dev server's rebuilds: an
    edit recomputes the periods it touches and the one in progress, not the whole history.
    """
    edition = edition or editions(snap.page)[0]
    found = reports_of(snap, cache)
    theme = load_theme(themes_dir, snap.page.theme)
    base, lang = page_frame(snap, theme, edition)

    def link(r: Report) -> PeriodLink:
        return PeriodLink(r.period.id, period_label(r.period, lang), reports_page(r.period.id),
                          r.in_progress)

    months = tuple(link(r) for r in found if r.period.kind is PeriodKind.MONTH)
    quarters = tuple(link(r) for r in found if r.period.kind is PeriodKind.QUARTER)
    store = cache.scope("report files", (snap.config, snap.internal, theme.fingerprint, revision,
                                         edition))

    def files(r: Report, is_index: bool) -> dict[str, bytes]:
        page = reports_page(None if is_index else r.period.id)
        html = theme.render(TEMPLATE, ReportContext(
            **vars(base(page, nav="history", clocked=r.in_progress)), is_index=is_index,
            report=report_view(r, snap, revision, lang), months=months, quarters=quarters,
            words=WORDS))
        if is_index:
            return {page: html}
        return {page: html, report_data(r.period.id, "json"): report_json(r, snap, revision),
                report_data(r.period.id, "csv"): report_csv(r, snap)}

    out: dict[str, bytes] = {}
    latest = next(r for r in found if r.period.kind is PeriodKind.MONTH)
    for r, is_index in [*((r, False) for r in found), (latest, True)]:
        # A page links every period, so the list of periods is part of what it reads.
        out.update(store.cached((r.inputs, is_index, months, quarters),
                                lambda r=r, is_index=is_index: files(r, is_index)))  # type: ignore[misc]
    if edition.default:
        out[reports_list()] = index_document(found, snap)
    return out
