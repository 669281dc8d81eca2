"""The words readers see for levels, statuses and impacts (status is never colour alone)."""

from __future__ import annotations

from generator import model as m

LEVELS: dict[m.Level, str] = {
    m.Level.OPERATIONAL: "Operational",
    m.Level.UNDER_MAINTENANCE: "Under maintenance",
    m.Level.DEGRADED_PERFORMANCE: "Degraded performance",
    m.Level.PARTIAL_OUTAGE: "Partial outage",
    m.Level.MAJOR_OUTAGE: "Major outage",
}

STATUSES: dict[m.Status, str] = {
    m.Status.INVESTIGATING: "Investigating",
    m.Status.IDENTIFIED: "Identified",
    m.Status.MONITORING: "Monitoring",
    m.Status.RESOLVED: "Resolved",
    m.Status.SCHEDULED: "Scheduled",
    m.Status.IN_PROGRESS: "In progress",
    m.Status.VERIFYING: "Verifying",
    m.Status.COMPLETED: "Completed",
}

IMPACTS: dict[m.Impact, str] = {
    m.Impact.NONE: "No impact",
    m.Impact.MINOR: "Minor",
    m.Impact.MAJOR: "Major",
    m.Impact.CRITICAL: "Critical",
}
