"""The typed, immutable model of a status repository.

Everything later steps read comes from here; every object keeps where it was
written so a rule can point at it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cached_property
from typing import TypeVar

from statusgen.diagnostics import Location
from statusgen.languages import same_language
from statusgen.prose import Prose


class Kind(StrEnum):
    """What an entry is: an unplanned incident or a scheduled maintenance."""

    INCIDENT = "incident"
    MAINTENANCE = "maintenance"


class Impact(StrEnum):
    """How bad an incident is for users, as Statuspage names it."""

    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _IMPACT_RANKS[self]


_IMPACT_RANKS = {impact: rank for rank, impact in enumerate(Impact)}


class Level(StrEnum):
    """A component's status, from best to worst."""

    OPERATIONAL = "operational"
    UNDER_MAINTENANCE = "under_maintenance"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"

    @property
    def rank(self) -> int:
        return _LEVEL_RANKS[self]


_LEVEL_RANKS = {level: rank for rank, level in enumerate(Level)}
INCIDENT_LEVELS = (Level.DEGRADED_PERFORMANCE, Level.PARTIAL_OUTAGE, Level.MAJOR_OUTAGE)


class Status(StrEnum):
    """The status an update announces; the first four belong to incidents, the rest to maintenance."""

    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    VERIFYING = "verifying"
    COMPLETED = "completed"


STATUSES: dict[Kind, tuple[Status, ...]] = {
    Kind.INCIDENT: (Status.INVESTIGATING, Status.IDENTIFIED, Status.MONITORING, Status.RESOLVED),
    Kind.MAINTENANCE: (Status.SCHEDULED, Status.IN_PROGRESS, Status.VERIFYING, Status.COMPLETED),
}
TERMINAL: dict[Kind, Status] = {Kind.INCIDENT: Status.RESOLVED, Kind.MAINTENANCE: Status.COMPLETED}
INITIAL: dict[Kind, Status] = {Kind.INCIDENT: Status.INVESTIGATING, Kind.MAINTENANCE: Status.SCHEDULED}


class Visibility(StrEnum):
    """Who may see an entry: everyone, or only the team's internal build."""

    PUBLIC = "public"
    INTERNAL = "internal"


class Mode(StrEnum):
    """``standard``; ``test`` for a drill that is never published; ``retrospective`` for after the fact."""

    STANDARD = "standard"
    TEST = "test"
    RETROSPECTIVE = "retrospective"


class Stage(StrEnum):
    """Where an incident is besides its timeline: ``triage`` (not yet accepted: internal only)
    or ``declined``; after ``resolved``, ``learning`` (the follow-ups are worked on) and then
    ``closed``."""

    TRIAGE = "triage"
    DECLINED = "declined"
    LEARNING = "learning"
    CLOSED = "closed"

    @property
    def unaccepted(self) -> bool:
        """Not (or not yet) an incident the public may hear of."""
        return self in (Stage.TRIAGE, Stage.DECLINED)


class CreatorKind(StrEnum):
    """Who or what opened an incident, as incident.io names it."""

    USER = "user"
    ALERT = "alert"
    API_KEY = "api_key"
    WORKFLOW = "workflow"


class FollowUpStatus(StrEnum):
    """Where a follow-up stands, as incident.io names it."""

    OUTSTANDING = "outstanding"
    COMPLETED = "completed"
    NOT_DOING = "not_doing"


@dataclass(frozen=True, kw_only=True)
class Located:
    """Base of model objects: where the object starts and where each of its keys is."""

    loc: Location
    keys: tuple[tuple[str, Location], ...] = field(default=(), repr=False, compare=False)

    def loc_of(self, key: str) -> Location:
        """The location of ``key``'s value, or of the object when the key was not written."""
        for name, loc in self.keys:
            if name == key:
                return loc
        return self.loc

    def has(self, key: str) -> bool:
        """Whether the author wrote ``key``."""
        return any(name == key for name, _ in self.keys)


@dataclass(frozen=True, kw_only=True)
class Page(Located):
    """The ``page:`` section of ``components.yml``."""

    title: str
    url: str
    description: str = ""
    timezone: str = "UTC"
    keep_resolved_days: int = 7
    uptime_days: int = 90
    theme: str = "default"
    language: str = "en"
    languages: tuple[str, ...] = ()
    """Every language the site is built in, ``language`` first; empty: ``language`` alone."""
    cname: bool = True
    """Write ``CNAME`` for GitHub Pages when ``url`` is on a custom domain."""

    @property
    def editions(self) -> tuple[str, ...]:
        """The languages the pages, feeds and badges are built in, the default one first."""
        return self.languages or (self.language,)


class UpstreamKind(StrEnum):
    """The status page formats an upstream component is read from."""

    STATUSPAGE = "statuspage"
    """Atlassian Statuspage's public API v2: ``api/v2/summary.json``."""
    INSTATUS = "instatus"
    """Instatus's public API: ``summary.json`` and ``v2/components.json``."""


@dataclass(frozen=True, kw_only=True)
class Upstream(Located):
    """``upstream:`` of a component: whose status page, and which of its components."""

    kind: UpstreamKind
    url: str
    """The status page's address, ending in ``/``."""
    component: str = ""
    """The name of the provider's component; empty: the provider's whole page."""
    name: str = ""
    """The provider's name as the page labels it; empty: the name its page gives."""

    @property
    def key(self) -> str:
        """What the last known status is kept under: the same page and component."""
        return f"{self.kind}|{self.url}|{self.component}"


@dataclass(frozen=True)
class UpstreamReading:
    """What a build knows of an upstream component: read now, or the last time it could be."""

    level: Level
    provider: str
    """The provider's name, for "Status from GitHub"."""
    read_at: datetime
    """When this status was read."""
    stale: bool = False
    """This build could not read it: ``level`` is the last known, as of ``read_at``."""


@dataclass(frozen=True, kw_only=True)
class Component(Located):
    """A component, or a group when it has ``members``."""

    id: str
    name: str
    description: str = ""
    members: tuple[Component, ...] = ()
    group: str | None = None
    """The id of the group this component belongs to, if any."""
    sla: float | None = None
    """The uptime target in percent (``99.9``) the reports measure against, if any."""
    retired: bool = False
    """Gone from the service: left off the front page, its own page and its entries kept."""
    upstream: Upstream | None = None
    """A third party's status page its level is read from at build time."""
    only_show_if_degraded: bool = False
    """Left off the front page while operational (Statuspage's name)."""
    start_date: date | None = None
    """The day it went into service, in the page's zone: no uptime is counted before it."""

    @property
    def is_group(self) -> bool:
        return bool(self.members)


class ChannelType(StrEnum):
    """Where a notification channel delivers: a chat's incoming webhook, any webhook, or email."""

    SLACK = "slack"
    DISCORD = "discord"
    TEAMS = "teams"
    WEBHOOK = "webhook"
    EMAIL = "email"


@dataclass(frozen=True, kw_only=True)
class Channel(Located):
    """One entry of ``notify:``: where public updates are sent, and which of them; with
    ``internal``, the team's own channel, which also hears internal entries and updates.

    The addresses and passwords are never here: only the names of the environment
    variables (repository secrets) that hold them.
    """

    id: str
    type: ChannelType
    url_env: str = ""
    secret_env: str = ""
    smtp_env: str = ""
    sender: str = ""
    """``from``: the address email is sent from."""
    to_env: str = ""
    components: tuple[ComponentRef, ...] = ()
    """Only entries touching these (a group means its members); empty: every entry."""
    events: tuple[Kind, ...] = (Kind.INCIDENT, Kind.MAINTENANCE)
    retrospective: bool = False
    """Also send ``mode: retrospective`` entries."""
    reminder: int = 60
    """Minutes before a maintenance starts to remind; 0 for none."""
    internal: bool = False
    """The team's own channel: also sent internal entries and internal updates."""


MONITOR_KINDS = ("alertmanager", "grafana", "gatus", "uptime-kuma", "pagerduty", "generic")
"""The monitoring tools ``statusgen ingest`` reads alerts from, as they appear in ``source`` keys."""

DEFAULT_RESOLVE_MESSAGE = "This incident has been resolved."


@dataclass(frozen=True, kw_only=True)
class MonitorRule(Located):
    """One entry of ``monitors:`` in ``components.yml``: which alerts open an incident, and the
    words readers see for it (never the alert's own text)."""

    match: tuple[tuple[str, str], ...]
    """Labels (or a tool's fields) that must all have these values."""
    title: str
    message: str
    component: str = ""
    """The component the incident puts at ``level``; ``""`` for a page-wide incident."""
    level: Level = Level.PARTIAL_OUTAGE
    impact: Impact = Impact.MINOR
    resolve_message: str = DEFAULT_RESOLVE_MESSAGE
    after: int = 0
    """Seconds an alert must have fired before it opens an incident (a flap guard)."""
    sources: tuple[str, ...] = ()
    """The tools (``from``) whose alerts the rule reads; empty for every tool."""


@dataclass(frozen=True, kw_only=True)
class ApiService(Located):
    """One entry of ``api.services``: the create-incident API's ``service_id`` and the
    component it stands for."""

    id: int
    component: str


@dataclass(frozen=True, kw_only=True)
class ApiSettings(Located):
    """``api:`` of ``components.yml``: how create-incident requests name this page's parts."""

    services: tuple[ApiService, ...] = ()

    def service(self, service_id: int) -> ApiService | None:
        """The service with this id."""
        return next((s for s in self.services if s.id == service_id), None)


@dataclass(frozen=True, kw_only=True)
class Subscriptions(Located):
    """``subscriptions:`` of ``components.yml``: the service readers subscribe through
    (``statusgen subscribers serve``).  As for channels, the mail server is only named by
    the environment variable holding it."""

    url: str
    """The service's public address, ending in ``/``."""
    sender: str
    """``from``: the address its mail is sent from."""
    smtp_env: str


class FieldType(StrEnum):
    """What a custom field of an incident holds."""

    TEXT = "text"
    NUMBER = "number"
    LINK = "link"
    SINGLE_SELECT = "single_select"
    MULTI_SELECT = "multi_select"

    @property
    def selects(self) -> bool:
        """Whether the values are chosen from declared options."""
        return self in (FieldType.SINGLE_SELECT, FieldType.MULTI_SELECT)


@dataclass(frozen=True, kw_only=True)
class Declared(Located):
    """A name declared in ``incident_fields`` (a role, a named timestamp), where it is written."""

    id: str


@dataclass(frozen=True, kw_only=True)
class Role(Declared):
    """A declared role (``lead``): what it is for, and whether every incident needs someone in
    it."""

    description: str = ""
    required: bool = False


@dataclass(frozen=True, kw_only=True)
class IncidentType(Declared):
    """A declared incident type (``security``): its name and, for the team, when to choose it."""

    name: str
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class Option(Located):
    """One value a select field may take; ``sort_key`` (when given) orders the options."""

    value: str
    sort_key: int | None = None


@dataclass(frozen=True, kw_only=True)
class ReferenceForm(Located):
    """How references are written: ``prefix`` and a number (``INC-123``); maintenance carries
    one only when ``maintenance_prefix`` is declared (``MNT-7``)."""

    prefix: str
    maintenance_prefix: str = ""

    def prefix_for(self, kind: Kind) -> str:
        """The prefix references of ``kind`` take; empty when that kind takes none."""
        return self.maintenance_prefix if kind is Kind.MAINTENANCE else self.prefix

    def pattern(self, kind: Kind = Kind.INCIDENT) -> re.Pattern[str]:
        """What a reference of this form for an entry of ``kind`` looks like: its prefix, then
        a number without leading 0 (the number is group 1)."""
        return re.compile(re.escape(self.prefix_for(kind)) + r"([1-9][0-9]{0,8})\Z")


@dataclass(frozen=True, kw_only=True)
class SeverityLevel(Located):
    """A declared severity: ``rank`` 1 is the most severe."""

    id: str
    name: str
    rank: int
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class CustomField(Located):
    """A field the team defines for its incidents; shown publicly only when ``public``."""

    id: str
    type: FieldType
    name: str = ""
    description: str = ""
    options: tuple[Option, ...] = ()
    """In the order they are shown: by ``sort_key``, then as written."""
    public: bool = False

    @property
    def values(self) -> tuple[str, ...]:
        """The values the field may take, in the order they are shown."""
        return tuple(o.value for o in self.options)

    @property
    def label(self) -> str:
        """The name readers see: ``name``, else the id in words (``customers_affected`` →
        ``Customers affected``)."""
        return self.name or self.id.replace("_", " ").replace("-", " ").capitalize()


@dataclass(frozen=True, kw_only=True)
class IncidentFields(Located):
    """``incident_fields`` of ``components.yml``: what incidents may record besides their
    timeline."""

    reference: ReferenceForm | None = None
    severities: tuple[SeverityLevel, ...] = ()
    roles: tuple[Role, ...] = ()
    timestamps: tuple[Declared, ...] = ()
    """In the order they happen (``impact_started`` before ``detected``)."""
    custom: tuple[CustomField, ...] = ()
    types: tuple[IncidentType, ...] = ()

    def incident_type(self, type_id: str) -> IncidentType | None:
        """The declared incident type with this id."""
        return next((t for t in self.types if t.id == type_id), None)

    def severity(self, severity_id: str) -> SeverityLevel | None:
        """The declared severity with this id."""
        return next((s for s in self.severities if s.id == severity_id), None)

    def field(self, field_id: str) -> CustomField | None:
        """The declared custom field with this id."""
        return next((f for f in self.custom if f.id == field_id), None)

    @property
    def public_fields(self) -> frozenset[str]:
        """The ids of the custom fields the public may see."""
        return frozenset(f.id for f in self.custom if f.public)


@dataclass(frozen=True, kw_only=True)
class Audience(Located):
    """One entry of ``audiences:``: a page of its own for some readers (a key customer),
    showing only its components and the entries that touch them or name it."""

    id: str
    name: str
    components: tuple[ComponentRef, ...]
    """Component or group ids; a group stands for all its members."""
    url: str = ""
    """Where its site is served, in place of ``page.url``; ``""`` keeps ``page.url``."""


NO_INCIDENT_FIELDS = IncidentFields(loc=Location("components.yml"))
"""What a ``components.yml`` without ``incident_fields`` declares: nothing."""


@dataclass(frozen=True, kw_only=True)
class Config(Located):
    """``components.yml``: the page and its components in display order."""

    page: Page
    components: tuple[Component, ...] = ()
    incident_fields: IncidentFields = NO_INCIDENT_FIELDS
    notify: tuple[Channel, ...] = ()
    """Where public updates are sent (``statusgen notify``)."""
    digest: str = field(default="", init=False, compare=False)
    """What a step's input holding the configuration is known by (:func:`stamped`); ``""``
    for a copy."""
    monitors: tuple[MonitorRule, ...] = ()
    """The rules that turn monitors' alerts into incidents (``statusgen ingest``)."""
    api: ApiSettings | None = None
    """How create-incident requests (``new --from-json``, the relay) name components."""
    subscriptions: Subscriptions | None = None
    """The self-service subscriptions service, when the page has one."""
    audiences: tuple[Audience, ...] = ()
    """Pages of their own for some readers (``statusgen build --audience ID``)."""

    def walk(self) -> Iterator[Component]:
        """Every component and group, groups before their members, in display order."""
        for component in self.components:
            yield component
            yield from component.members

    @cached_property
    def by_id(self) -> dict[str, Component]:
        """Every component and group by id (looked up for every reference of every entry)."""
        return {c.id: c for c in self.walk()}

    @cached_property
    def order(self) -> dict[str, int]:
        """Each id's position in display order."""
        return {c.id: index for index, c in enumerate(self.walk())}

    def get(self, component_id: str) -> Component | None:
        """The component or group with this id."""
        return self.by_id.get(component_id)

    def leaves(self) -> Iterator[Component]:
        """Every component that is not a group, in display order."""
        return (c for c in self.walk() if not c.is_group)

    def expand(self, component_id: str) -> tuple[str, ...]:
        """The leaf ids a reference means: a group stands for all its members."""
        component = self.get(component_id)
        if component is None:
            return ()
        if component.is_group:
            return tuple(m.id for m in component.members)
        return (component.id,)


@dataclass(frozen=True, kw_only=True)
class ComponentRef(Located):
    """A component named by an incident or update, with the level it is at."""

    id: str
    level: Level | None
    """``None`` when only the id was written (a maintenance's list form)."""


@dataclass(frozen=True, kw_only=True)
class Update(Located):
    """One entry in an incident's timeline."""

    at: datetime
    status: Status
    message: str
    """The message; written as translations, the first one written."""
    translations: tuple[tuple[str, str], ...] = ()
    """``message: {en: …, de: …}``: each language and its Markdown, as written; empty for
    a message written as one text."""
    internal: bool = False
    components: tuple[ComponentRef, ...] | None = None
    """Levels from this update on; ``None`` keeps the previous ones."""
    notify: bool = True
    """``False`` keeps the update out of every notification channel (it is still published)."""
    next_update: datetime | None = None
    """When the team promised the next update (``next_update: 30m`` after ``at``, or a time)."""
    occurrence: date | None = None
    """In a recurring maintenance: the date of the one occurrence this update is about;
    ``None`` for an update about the whole series."""
    links: tuple[tuple[str, Location], ...] = field(default=(), compare=False)
    """Links and images in the message and its translations (derived), each where written."""
    prose: Prose | None = field(default=None, compare=False)
    """The message, read when the file was (derived from it)."""
    translated: tuple[Prose, ...] = field(default=(), compare=False)
    """Each of ``translations``, read, in their order."""

    def message_in(self, language: str, default: str) -> tuple[str, str | None]:
        """The message for readers of ``language``: its translation, else the ``default``
        language's, else the first written; with the language of the text when it is not
        ``language`` (``None`` when it is), for the page to mark the fallback."""
        index, written = self._chosen(language, default)
        return (self.message if index < 0 else self.translations[index][1]), written

    def prose_in(self, language: str, default: str) -> tuple[str, Prose | None, str | None]:
        """:meth:`message_in`, with its reading when the file's reading was kept."""
        index, written = self._chosen(language, default)
        if index < 0:
            return self.message, self.prose, written
        kept = self.translated[index] if index < len(self.translated) else None
        return self.translations[index][1], kept, written

    def _chosen(self, language: str, default: str) -> tuple[int, str | None]:
        """Which translation (``-1``: the single message) and the fallback's language."""
        if not self.translations:
            return -1, None if same_language(language, default) else default
        for wanted in (language, default):
            for index, (written, _) in enumerate(self.translations):
                if same_language(written, wanted):
                    return index, None if same_language(language, written) else written
        return 0, None if same_language(language, self.translations[0][0]) else \
            self.translations[0][0]


@dataclass(frozen=True, kw_only=True)
class Assigned(Located):
    """A person in one of an incident's roles (``lead: Dana``): internal only."""

    role: str
    person: str


@dataclass(frozen=True, kw_only=True)
class NamedTime(Located):
    """One of an incident's named timestamps (``detected: …``)."""

    name: str
    at: datetime


@dataclass(frozen=True, kw_only=True)
class FieldEntry(Located):
    """One custom field's value on an incident as written, checked against its declaration."""

    id: str
    value: str = ""
    """One value: text, a number or an address, as written."""
    items: tuple[str, ...] | None = None
    """The values of a list (``[eu, us]``); ``None`` when one value was written."""

    @property
    def values(self) -> tuple[str, ...]:
        """Every value written, one or several."""
        return self.items if self.items is not None else (self.value,)


@dataclass(frozen=True, kw_only=True)
class Creator(Located):
    """Who or what opened an incident (``creator: {user: Dana}``): internal only."""

    kind: CreatorKind
    name: str


@dataclass(frozen=True, kw_only=True)
class FollowUp(Located):
    """Work the incident leaves to do (``follow_ups``): internal only."""

    title: str
    owner: str = ""
    status: FollowUpStatus = FollowUpStatus.OUTSTANDING
    link: str = ""


@dataclass(frozen=True, kw_only=True)
class Acknowledgement(Located):
    """Who took ownership of an incident and when (``acknowledged: {at: …, by: …}``):
    internal only, as Better Stack's lifecycle has it (started → acknowledged → resolved)."""

    at: datetime
    by: str = ""
    """The person; ``""`` when not named."""


@dataclass(frozen=True, kw_only=True)
class Window(Located):
    """When a maintenance is planned to run."""

    start: datetime
    end: datetime


S = TypeVar("S")


def stamped(value: S, digest: str) -> S:
    """``value`` (an incident or the configuration) known by ``digest``: the digest of the file
    it was read from, or of that and what a redaction kept.  Only the reader stamps: a copy
    made with :func:`dataclasses.replace` has no digest, so it is never taken for its file
    (:mod:`statusgen.incremental.stable` then reads it field by field)."""
    object.__setattr__(value, "digest", digest)
    return value


@dataclass(frozen=True, kw_only=True)
class Incident(Located):
    """One file in ``incidents/``: an incident or a maintenance."""

    id: str
    path: str
    kind: Kind = Kind.INCIDENT
    title: str
    impact: Impact = Impact.NONE
    components: tuple[ComponentRef, ...] = ()
    visibility: Visibility = Visibility.PUBLIC
    mode: Mode = Mode.STANDARD
    window: Window | None = None
    updates: tuple[Update, ...]
    """Newest first, as written."""
    source: str = ""
    """The importer's or monitor's key for the entry, ``""`` for one a person wrote."""
    reference: str = ""
    """What people call it out loud: ``INC-123``."""
    severity: str = ""
    """The id of a declared severity."""
    roles: tuple[Assigned, ...] = ()
    """Who held each role; never published."""
    timestamps: tuple[NamedTime, ...] = ()
    fields: tuple[FieldEntry, ...] = ()
    """Custom fields; only the declared public ones are published."""
    postmortem_url: str = ""
    external_issue: str = ""
    """The follow-up ticket; never published."""
    incident_type: str = ""
    """The id of a declared incident type."""
    stage: Stage | None = None
    """``None``: live until resolved, then closed."""
    creator: Creator | None = None
    """``None`` in files written before it was recorded (read from ``source``)."""
    call_url: str = ""
    """The incident call; never published."""
    debrief: str = ""
    """The debrief's document; never published."""
    follow_ups: tuple[FollowUp, ...] = ()
    """Never published."""
    acknowledged: Acknowledgement | None = None
    """Who took ownership and when; never published."""
    body: str = ""
    """The Markdown after the front matter."""
    body_line: int = 1
    links: tuple[tuple[str, Location], ...] = field(default=(), compare=False)
    """Links and images in the body (derived from it), each where it is written."""
    body_prose: Prose | None = field(default=None, compare=False)
    """The body, read, its headings one level down (under the page's title)."""
    digest: str = field(default="", init=False, compare=False)
    """What a step's input holding the incident is known by (:func:`stamped`); ``""`` for
    a copy."""
    repeat: str = ""
    """A maintenance's recurrence, an RFC 5545 RRULE as written (``FREQ=WEEKLY;BYDAY=TU``);
    ``""`` for one that runs once."""
    exceptions: tuple[date, ...] = ()
    """``except``: the dates of occurrences that do not take place."""
    occurrence: date | None = None
    """Set on one occurrence of a recurring maintenance (computed, never written): its
    date in the page's zone; ``id`` is then the occurrence's, ``path`` the series' file."""
    audiences: tuple[Declared, ...] = ()
    """The audiences alone who see it (``audiences: [acme-corp]``): then never public."""

    @property
    def published(self) -> bool:
        """Whether the public site may show this entry at all: an entry for some audiences
        only is shown in their builds alone."""
        return self.visibility is Visibility.PUBLIC and self.mode is not Mode.TEST and \
            (self.stage is None or not self.stage.unaccepted) and not self.audiences

    @property
    def counted(self) -> bool:
        """Whether it moves statuses, uptime, the banner and the reports' figures: neither a
        drill nor declined (not an incident after all)."""
        return self.mode is not Mode.TEST and self.stage is not Stage.DECLINED

    def visible_updates(self, internal: bool) -> tuple[Update, ...]:
        """The updates a reader sees: all of them in an internal build, else the public ones."""
        return self.updates if internal else tuple(u for u in self.updates if not u.internal)

    def all_links(self) -> Iterator[tuple[str, Location]]:
        """Every link of the body and of the updates this object holds (a redacted entry
        holds only the updates its build shows)."""
        yield from self.links
        for update in self.updates:
            yield from update.links

    def named_time(self, name: str) -> datetime | None:
        """The named timestamp ``name`` (``detected``), if the incident records it."""
        return next((t.at for t in self.timestamps if t.name == name), None)

    @property
    def terminal(self) -> Update | None:
        """The ``resolved`` or ``completed`` update, if the entry has ended."""
        newest = self.updates[0] if self.updates else None
        return newest if newest is not None and newest.status is TERMINAL[self.kind] else None


@dataclass(frozen=True, kw_only=True)
class Repository:
    """What the loader read: the config and every incident that could be read."""

    config: Config
    incidents: tuple[Incident, ...]
    files: int
    """How many files were read, for the summary line."""
