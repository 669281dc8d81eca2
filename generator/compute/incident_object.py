"""The parts of incident.io's incident object statusgen derives rather than reads as written:
where the incident stands (``incident_status``), who opened it (``creator``, read from
``source`` in files that do not record it), its declared type, the follow-up ticket as an
``external_issue_reference`` and whether it has a debrief.

Computed from the incident a build shows: a public build's incidents carry no creator, call,
debrief, ticket or follow-ups, so nothing derived here for it is the team's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from statusgen import model as m

CATEGORIES = ("triage", "declined", "live", "learning", "closed")
"""incident.io's status categories statusgen has, in the order an incident goes through them
(``declined`` ends a triage instead of ``live``)."""

IMPORTED = "import"
"""The workflow that wrote an imported entry (its ``source`` names the import)."""


@dataclass(frozen=True)
class CreatorView:
    """Who or what opened the incident: ``name`` is ``None`` when nobody recorded it."""

    kind: m.CreatorKind
    id: str | None
    name: str | None


@dataclass(frozen=True)
class IssueReference:
    """The follow-up ticket as incident.io describes one."""

    provider: str
    issue_name: str
    permalink: str


@dataclass(frozen=True)
class IncidentObject:
    """What an entry's API document says of it beyond Statuspage's incident."""

    category: str
    """One of :data:`CATEGORIES`."""
    creator: CreatorView
    incident_type: m.IncidentType | None
    external_issue: IssueReference | None
    has_debrief: bool


def incident_object(incident: m.Incident, status: m.Status, config: m.Config) -> IncidentObject:
    """The derived fields of ``incident`` (as the build shows it) at ``status``."""
    return IncidentObject(
        category=category(incident, status),
        creator=creator(incident),
        incident_type=config.incident_fields.incident_type(incident.incident_type)
        if incident.incident_type else None,
        external_issue=issue_reference(incident.external_issue) if incident.external_issue else None,
        has_debrief=bool(incident.debrief or incident.postmortem_url),
    )


def category(incident: m.Incident, status: m.Status) -> str:
    """Where the incident stands: its stage when written, else live until it ends, then closed."""
    if incident.stage is not None:
        return str(incident.stage)
    return "closed" if status is m.TERMINAL[incident.kind] else "live"


def creator(incident: m.Incident) -> CreatorView:
    """``creator`` as written; else what ``source`` tells: a monitor's alert, a request of the
    create-incident API, an import; else a person nobody named."""
    source = incident.source
    written = incident.creator
    if written is not None:
        alert = written.kind is m.CreatorKind.ALERT
        return CreatorView(written.kind, (source or None) if alert else None, written.name)
    tool, _, _ = source.partition("/")
    if tool in m.MONITOR_KINDS:
        return CreatorView(m.CreatorKind.ALERT, source, tool)
    if tool == "api":
        return CreatorView(m.CreatorKind.API_KEY, None, "api")
    if source:
        return CreatorView(m.CreatorKind.WORKFLOW, source, f"{IMPORTED} {tool}")
    return CreatorView(m.CreatorKind.USER, None, None)


_PATTERNS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("github", re.compile(r"github\.com\Z"), r"/([^/]+/[^/]+)/(?:issues|pull)/([0-9]+)"),
    ("gitlab", re.compile(r"gitlab\."), r"/(.+?)/-/(?:issues|merge_requests)/([0-9]+)"),
    ("linear", re.compile(r"linear\.app\Z"), r"/[^/]+/issue/([A-Za-z0-9]+-[0-9]+)"),
    ("jira", re.compile(r""), r"/browse/([A-Z][A-Z0-9_]*-[0-9]+)"),
)


def issue_reference(url: str) -> IssueReference:
    """The provider and the ticket's name people say (``acme/api#12``, ``OPS-7``) from its
    link; an unknown tracker is named by its host and the link's last part."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    for provider, hosts, path in _PATTERNS:
        found = re.match(path, parts.path) if hosts.search(host) else None
        if found:
            return IssueReference(provider, "#".join(found.groups()), url)
    last = parts.path.rstrip("/").rpartition("/")[2]
    return IssueReference(host, last or host, url)
