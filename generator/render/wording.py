"""The words of incident metadata, duration metrics and reliability reports, in one place so a
translation replaces them all (:mod:`generator.render.labels` holds the levels, statuses
and impacts).

Templates receive them as ``words`` and never spell them out; sentences with a place for a
value use ``str.format`` fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

METRICS: Mapping[str, str] = MappingProxyType({
    "time_to_identify": "Identified after",
    "time_to_mitigate": "Mitigated after",
    "time_to_resolve": "Resolved in",
})
"""How a page says each duration metric (``Resolved in`` 2 h 18 min)."""

METRIC_NAMES: Mapping[str, str] = MappingProxyType({
    "time_to_identify": "Time to identify",
    "time_to_mitigate": "Time to mitigate",
    "time_to_resolve": "Time to resolve",
})
"""Each duration metric's name, as the JSON API gives it."""

FACTS: Mapping[str, str] = MappingProxyType({
    "reference": "Reference",
    "severity": "Severity",
    "postmortem": "Post-mortem",
    "postmortem_link": "Read the post-mortem",
    "external_issue": "Follow-up ticket",
})
"""The labels of an incident's facts that are not a declared name."""

INCIDENT: Mapping[str, str] = MappingProxyType({
    "details": "Details",
    "durations": "How long it took",
    "durations_note": "Computed from the updates and the recorded times.",
    "impact": "Time at each level",
    "internal": "Internal",
    "internal_note": "Only the team's internal build shows the facts marked Internal.",
})
"""Headings and notes of an incident page's metadata."""

REPORT: Mapping[str, str] = MappingProxyType({
    "title": "Reliability report",
    "index_title": "Reliability reports",
    "index_note": "Showing {label}, the latest month; every month and quarter with a report is linked "
                  "above. A period in which nothing started, changed or ended has no report of its "
                  "own.",
    "quarter_label": "Q{quarter} {year}",
    "updated": "Last updated",
    "months": "Months",
    "quarters": "Quarters",
    "in_progress": "In progress: the figures cover the period up to {until}.",
    "period": "From {start} to {end}.",
    "downloads": "The figures as data:",
    "json": "JSON",
    "csv": "CSV for spreadsheets",
    "uptime_heading": "Uptime by component",
    "component": "Component",
    "uptime": "Uptime",
    "sla": "Target",
    "sla_met": "Met",
    "sla_missed": "Missed",
    "sla_on_track": "On track",
    "sla_behind": "Below target so far",
    "major": "Major outage",
    "partial": "Partial outage",
    "maintenance": "Maintenance",
    "incidents": "Incidents",
    "mean": "Mean time to resolve",
    "median": "Median time to resolve",
    "none": "—",
    "no_time": "none",
    "incidents_heading": "Incidents",
    "by_impact": "By impact",
    "by_severity": "By severity",
    "no_severity": "No severity",
    "resolved_count": "{resolved} of {count} resolved.",
    "no_incidents": "No incidents in this period.",
    "resolved_in": METRICS["time_to_resolve"],
    "not_resolved": "Not resolved yet",
    "maintenance_heading": "Maintenance",
    "maintenance_note": "Time under maintenance is not counted against the uptime.",
    "no_maintenance": "No maintenance in this period.",
    "method_heading": "How these figures are computed",
    "history_link": "Reliability reports",
    "history_note": "Monthly and quarterly uptime and incident figures:",
})
"""The words of the report pages and of their link from the history."""

METHOD: tuple[str, ...] = (
    # The minus, times and division signs as escapes: in an editor they look like - x /.
    "Uptime is 1 \u2212 (seconds in major outage + {partial} \u00d7 seconds in partial outage) "
    "\u00f7 seconds of the period{so_far}, for each component: degraded performance and "
    "maintenance count as up, and where entries overlap each moment counts once, at its worst "
    "level. These are the uptime bars' own figures.",
    "Days are cut at midnight in {zone}. A group's uptime is the mean of its components'; its "
    "outage time is its worst component's each day.",
    "An incident counts in the period its first update falls in; drills are never counted{scope}.",
    "Time to resolve runs from the recorded impact start (else the first update) to the resolved "
    "update; incidents still open count, but have no time to resolve.",
    "Computed by statusgen {version}{source}. Anyone can recompute every figure from the "
    "repository: statusgen report --period {period}{at}.",
)
"""The rules a report states, as sentences with places for its values."""

METHOD_VALUES: Mapping[str, str] = MappingProxyType({
    "so_far": " so far",
    "public_scope": " and the public page leaves out what only the team sees",
    "source": " from commit {commit}",
    "changed": " from commit {commit} with uncommitted changes",
    "at": " --at {commit}",
})
"""The parts of :data:`METHOD` that depend on the report."""
