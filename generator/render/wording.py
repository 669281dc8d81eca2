"""The words of incident metadata and duration metrics that Python code (not a template) puts
on a page, as message ids of the catalogue: each is shown as ``lang.gettext(…)`` in the page's
language (:mod:`statusgen.render.labels` holds the levels, statuses and impacts).

The names of roles and named timestamps are the team's ids (``impact_started``); the ones
the example and the docs use, which incident tools share, have words in every language here,
and any other is shown as its id in words (``customer_call`` → ``Customer call``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from statusgen.render.i18n import N_, Language

METRICS: Mapping[str, str] = MappingProxyType({
    "time_to_acknowledge": N_("Acknowledged after"),
    "time_to_identify": N_("Identified after"),
    "time_to_mitigate": N_("Mitigated after"),
    "time_to_resolve": N_("Resolved in"),
})
"""How a page labels each duration metric (``Resolved in`` ``2 h 18 min``)."""

DURATION = N_("Duration")
FROM_FIRST_REPORT_TO_RESOLUTION = N_("from the first report to resolution")
FROM_FIRST_REPORT = N_("from the first report")
FROM_IMPACT_START = N_("from the start of impact")
"""Where an incident's durations count from: its first report, or the recorded start of
impact when that was earlier (the metrics' start; see :mod:`statusgen.compute.metrics`)."""

POSTMORTEM = N_("Post-mortem")
POSTMORTEM_LINK = N_("Read the post-mortem")
EXTERNAL_ISSUE = N_("Follow-up ticket")
ACKNOWLEDGED_BY = N_("by %(person)s")

BELLS: Mapping[str, str] = MappingProxyType({
    "sent": N_("Notified"),
    "quiet": N_("Not notified: notifications off"),
    "unsent": N_("Not notified"),
    "pending": N_("Not notified yet"),
    "unknown": N_("Notification not on record"),
})
"""The bell of an update in an internal build's history, by state
(:class:`~statusgen.compute.notified.Bell`)."""
"""The labels of an incident's facts that are not a declared name."""


def timestamp_names(lang: Language) -> dict[str, str]:
    """The well-known named timestamps in ``lang``'s words, by id."""
    return {
        "impact_started": lang.pgettext("timestamp", "Impact started"),
        "detected": lang.pgettext("timestamp", "Detected"),
        "mitigated": lang.pgettext("timestamp", "Mitigated"),
    }


def role_names(lang: Language) -> dict[str, str]:
    """The well-known roles in ``lang``'s words, by id."""
    return {
        "lead": lang.pgettext("role", "Lead"),
        "communications": lang.pgettext("role", "Communications"),
    }

# The words ``statusgen report`` prints (generator/commands/report.py), marked here, where the
# catalogue is extracted from; ``report.html`` says the same with the same messages.
REPORT_TITLE = N_("Reliability report: %(period)s")
IN_PROGRESS = N_("In progress: the figures cover the period up to %(time)s.")
COLUMNS = (N_("Component"), N_("Uptime"), N_("Target"), N_("Major outage"), N_("Partial outage"),
           N_("Maintenance"), N_("Incidents"), N_("Mean time to resolve"),
           N_("Median time to resolve"))
INCIDENTS = N_("Incidents")
TIMES_TO_RESOLVE = N_("Mean time to resolve: %(mean)s. Median time to resolve: %(median)s.")
BY_IMPACT = N_("By impact")
BY_SEVERITY = N_("By severity")
RESOLVED_IN = N_("Resolved in %(duration)s")
NOT_RESOLVED = N_("Not resolved yet")
MAINTENANCE = N_("Maintenance")
MAINTENANCE_NOTE = N_("Time under maintenance is not counted against the uptime.")
IN_PERIOD = N_("%(duration)s in this period")
METHOD_HEADING = N_("How these figures are computed")
RECOMPUTE = N_("Anyone can recompute every figure from the repository: %(command)s.")
