"""What render may read of compute: the computed views (the snapshot, its entries, uptime,
history, metrics and reports, a page diff) and the constants their words name.

Only data classes and constants are here, never a function: everything a page shows is
computed before any template runs (:func:`statusgen.compute.snapshot.snapshot`), once for
every language, and render only formats it (``tests/test_house.py`` holds it to that).
"""

from statusgen.compute.history import Month, Year
from statusgen.compute.incident_object import CATEGORIES, CreatorView, IncidentObject, IssueReference
from statusgen.compute.metrics import DURATION_METRICS, INTERNAL_METRICS, LevelTime, Metrics
from statusgen.compute.notified import Bell
from statusgen.compute.pagediff import (
    Banner,
    Change,
    ComponentChange,
    Detail,
    DetailKind,
    EntryChange,
    PageDiff,
    UpdateLine,
    Window,
)
from statusgen.compute.recurring import Series
from statusgen.compute.reports import (
    ComponentFigures,
    IncidentFigures,
    Inputs,
    MaintenanceTime,
    Period,
    PeriodKind,
    Planned,
    Report,
    Revision,
)
from statusgen.compute.snapshot import EntryFigures, Snapshot
from statusgen.compute.status import Entry, Span
from statusgen.compute.uptime import WEIGHTS, Day, Uptime

__all__ = [
    "CATEGORIES",
    "DURATION_METRICS",
    "INTERNAL_METRICS",
    "WEIGHTS",
    "Banner",
    "Bell",
    "Change",
    "ComponentChange",
    "ComponentFigures",
    "CreatorView",
    "Day",
    "Detail",
    "DetailKind",
    "Entry",
    "EntryChange",
    "EntryFigures",
    "IncidentFigures",
    "IncidentObject",
    "Inputs",
    "IssueReference",
    "LevelTime",
    "MaintenanceTime",
    "Metrics",
    "Month",
    "PageDiff",
    "Period",
    "PeriodKind",
    "Planned",
    "Report",
    "Revision",
    "Series",
    "Snapshot",
    "Span",
    "UpdateLine",
    "Uptime",
    "Window",
    "Year",
]
