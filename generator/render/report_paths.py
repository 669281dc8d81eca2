"""Where the reliability reports live in the site (beside :mod:`statusgen.render.paths`)."""

from __future__ import annotations

from statusgen.render.paths import INDEX

REPORTS = "reports"


def reports_page(period: str | None = None) -> str:
    """The reports' index, or one period's report (``2026-03``, ``2026-Q1``)."""
    return f"{REPORTS}/{INDEX}" if period is None else f"{REPORTS}/{period}/{INDEX}"


def report_data(period: str, extension: str) -> str:
    """A period's figures as data: ``reports/2026-03.json``, ``reports/2026-03.csv``."""
    return f"{REPORTS}/{period}.{extension}"


def reports_list() -> str:
    """Every period with a report, as JSON: ``reports/index.json``."""
    return f"{REPORTS}/index.json"
