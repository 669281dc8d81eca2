"""The words readers see for levels, statuses and impacts (status is never colour alone).

In English, as the catalogue's source: a page shows ``lang.gettext(LEVELS[level])``."""

from __future__ import annotations

from statusgen import model as m
from statusgen.render.i18n import N_

LEVELS: dict[m.Level, str] = {
    m.Level.OPERATIONAL: N_("Operational"),
    m.Level.UNDER_MAINTENANCE: N_("Under maintenance"),
    m.Level.DEGRADED_PERFORMANCE: N_("Degraded performance"),
    m.Level.PARTIAL_OUTAGE: N_("Partial outage"),
    m.Level.MAJOR_OUTAGE: N_("Major outage"),
}

STATUSES: dict[m.Status, str] = {
    m.Status.INVESTIGATING: N_("Investigating"),
    m.Status.IDENTIFIED: N_("Identified"),
    m.Status.MONITORING: N_("Monitoring"),
    m.Status.RESOLVED: N_("Resolved"),
    m.Status.SCHEDULED: N_("Scheduled"),
    m.Status.IN_PROGRESS: N_("In progress"),
    m.Status.VERIFYING: N_("Verifying"),
    m.Status.COMPLETED: N_("Completed"),
}

IMPACTS: dict[m.Impact, str] = {
    m.Impact.NONE: N_("No impact"),
    m.Impact.MINOR: N_("Minor"),
    m.Impact.MAJOR: N_("Major"),
    m.Impact.CRITICAL: N_("Critical"),
}

INDICATORS: dict[str, str] = {
    "none": N_("All Systems Operational"),
    "minor": N_("Minor Service Outage"),
    "major": N_("Partial System Outage"),
    "critical": N_("Major System Outage"),
    "maintenance": N_("Service Under Maintenance"),
}
"""The banner's words for each page indicator; the JSON API keeps Statuspage's English."""
