"""A reliability report as ``statusgen report`` prints it: the page's figures in columns and
its words in the page's language, made from the same view as the report's page."""

from __future__ import annotations

from statusgen.compute.views import Report, Revision, Snapshot
from statusgen.diagnostics import printable
from statusgen.render import wording
from statusgen.render.i18n import Language, translator
from statusgen.render.reports import NO_FIGURE, method, report_view


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in rows]


def report_text(figures: Report, snap: Snapshot, revision: Revision | None,
                lang: Language | None = None) -> str:
    """The report as the terminal shows it: the page's figures, in columns, and its words, in
    the page's language (``lang``: with its theme's overrides)."""
    lang = lang or translator(snap.page.language)
    _, w = lang._, wording
    view = report_view(figures, snap, revision, lang)
    lines = [f"{snap.page.title}: {_(w.REPORT_TITLE, period=view.label)} ({view.id})",
             view.period_text]
    if view.in_progress:
        lines.append(_(w.IN_PROGRESS, time=view.until.text))
    lines.append("")
    rows = [[("  " if row.member else "") + row.name, row.uptime,
             f"{row.sla} {row.sla_text}" if row.sla else NO_FIGURE, row.major, row.partial,
             row.maintenance, lang.number(row.incidents), row.mean, row.median]
            for row in view.rows]
    lines += _table([[_(column) for column in w.COLUMNS], *rows])
    lines += ["", _(w.INCIDENTS)]
    if view.count:
        lines.append(f"{view.resolved_text} {_(w.TIMES_TO_RESOLVE, mean=view.mean, median=view.median)}")
    for heading, counts in ((w.BY_IMPACT, view.by_impact), (w.BY_SEVERITY, view.by_severity)):
        if counts:
            lines += ["", _(heading), *_table([["", c.label, lang.number(c.count)] for c in counts])]
    if view.incidents:
        lines.append("")
    for item in view.incidents:
        line = item.line
        said = _(w.RESOLVED_IN, duration=item.time_to_resolve) if item.time_to_resolve \
            else _(w.NOT_RESOLVED)
        lines.append(f"  {line.started.text}  {line.reference or line.id}  {line.title}  ({said})")
    if view.maintenance:
        lines += ["", _(w.MAINTENANCE), _(w.MAINTENANCE_NOTE)]
        lines += [f"  {t.line.started.text}  {t.line.title}  ({_(w.IN_PERIOD, duration=t.duration)})"
                  for t in view.maintenance]
    lines += ["", _(w.METHOD_HEADING),
              *(f"- {sentence}" for sentence in method(figures, snap, revision, lang))]
    return "".join(printable(line) + "\n" for line in lines)
