"""What the templates receive: plain, immutable views with every word, time and link made.

Templates only lay these out; labels, times in the page's zone, durations and Markdown
are decided before any template runs, so every theme says the same thing.  Links are
output paths (``incidents/<id>/index.html``); templates turn them into links with
``url()``.  Each field's docstring is its documentation: ``docs/themes.md``'s context
tables are generated from this module (``make docs``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from statusgen.render.report_paths import reports_page


@dataclass(frozen=True)
class Time:
    """A moment, as a reader sees it and as ``<time datetime>`` says it."""

    iso: str
    """ISO 8601 with the offset: ``2026-11-22T07:45:00+01:00``."""
    text: str
    """``22 Nov 2026, 07:45 CET`` in the page's zone."""
    date: str
    """``22 November 2026`` in the page's zone."""


@dataclass(frozen=True)
class LevelView:
    """A component level: ``value`` for styling and the icon, ``label`` for the words."""

    value: str
    """``operational``, ``under_maintenance``, ``degraded_performance``, ``partial_outage`` or
    ``major_outage``."""
    label: str
    """``Partial outage``."""


@dataclass(frozen=True)
class ComponentLevel:
    """A component an entry touches, with its level."""

    id: str
    """The component's id."""
    name: str
    """The component's name."""
    path: str
    """Its page."""
    level: LevelView | None
    """Now for an open entry, the worst it reached for an ended one, none for an upcoming one."""


@dataclass(frozen=True)
class ChangeView:
    """What one update did to one component: ``Public API: Partial outage → Degraded``."""

    name: str
    """The component's name."""
    old: LevelView
    """Its level before the update."""
    new: LevelView
    """Its level from the update on."""


@dataclass(frozen=True)
class UpdateView:
    """One update of an entry's timeline."""

    status: str
    """``investigating`` … ``resolved``, ``scheduled`` … ``completed``."""
    status_label: str
    """``Identified``."""
    at: Time
    """When it was posted."""
    html: Markup
    """The message, Markdown rendered, links made safe and relative to the page."""
    language: str | None
    """The language the message is written in when it is not the page's (no translation
    into it was written): for ``lang`` on its element."""
    internal: bool
    """Shown in the team's internal build only (and marked there)."""
    changes: tuple[ChangeView, ...]
    """The component levels this update changed."""
    bell: str = ""
    """Internal builds with a send log: ``sent``, ``quiet`` (``notify: false``, a drill),
    ``unsent``, ``pending`` or ``unknown`` (older than the log remembers); empty otherwise."""
    bell_label: str = ""
    """The bell in words: ``Notified``, ``Not notified yet`` …"""


@dataclass(frozen=True)
class AcknowledgedView:
    """Who took ownership of an incident and when: internal builds only."""

    at: Time
    """When."""
    by: str
    """``by Dana Ruiz`` in the page's language; empty when no one is named."""


@dataclass(frozen=True)
class WindowView:
    """A maintenance window."""

    start: Time
    """When it begins."""
    end: Time
    """When it is planned to end."""
    end_text: str
    """The end as the page writes it: without the date when it ends the day it starts."""


@dataclass(frozen=True)
class SeverityView:
    """An incident's severity, as ``incident_fields.severities`` declares it."""

    id: str
    """``sev1``: for styling."""
    name: str
    """``Critical``."""
    rank: int
    """1 is the most severe."""


@dataclass(frozen=True)
class FactView:
    """One fact an incident records besides its timeline: a named timestamp, a custom field, a
    role, a link."""

    label: str
    """``Detected``, ``Region``, ``Lead``."""
    text: str
    """The value in words (a link's text); empty when ``time`` says it."""
    href: str | None
    """An http(s) address when the fact is a link, checked safe; none otherwise."""
    time: Time | None
    """The moment, when the fact is one."""
    internal: bool
    """Only the team may see it (a role, a private field, the follow-up ticket): it is in the
    internal build only, and marked there."""


@dataclass(frozen=True)
class MetricView:
    """A duration of an incident: ``Resolved in`` ``2 h 20 min``, ``from the start of impact``."""

    id: str
    """``duration``, ``time_to_identify``, ``time_to_mitigate`` or ``time_to_resolve``."""
    label: str
    """``Resolved in``."""
    definition: str
    """Where it counts from: ``from the first report to resolution``, ``from the start of
    impact``: two durations of one incident may start at different moments."""
    text: str
    """``2 h 18 min``."""
    seconds: int
    """The same in whole seconds."""


@dataclass(frozen=True)
class LevelDuration:
    """How long a component spent at one level."""

    level: LevelView
    """The level."""
    text: str
    """``1 h 5 min``."""


@dataclass(frozen=True)
class ImpactView:
    """How long one component spent at each level because of an incident."""

    name: str
    """The component's name."""
    path: str
    """Its page."""
    levels: tuple[LevelDuration, ...]
    """Each level it reached, worst first."""


@dataclass(frozen=True)
class EntryLine:
    """An incident or maintenance as a line of a list (history, component pages, recently
    resolved): everything but its timeline."""

    id: str
    """The entry's id, its file name without ``.md``."""
    path: str
    """Its page."""
    title: str
    """The headline."""
    kind: str
    """``incident`` or ``maintenance``."""
    maintenance: bool
    """A maintenance, not an incident."""
    impact: str
    """``none``, ``minor``, ``major`` or ``critical``; ``maintenance`` for a maintenance, as
    Statuspage lists it (one of five colours on the pages)."""
    impact_label: str
    """``Major``; ``No impact`` and ``Maintenance`` are whole tags."""
    status: str
    """The newest update's status; for maintenance, the phase the window gives."""
    status_label: str
    """``Monitoring``."""
    active: bool
    """An unresolved incident, or a maintenance in progress."""
    upcoming: bool
    """A maintenance that has not started yet."""
    internal: bool
    """Visible to the team only (shown in internal builds, and marked)."""
    test: bool
    """A drill: shown in internal builds only, and marked."""
    retrospective: bool
    """Written after the fact."""
    started: Time
    """When it started."""
    resolved: Time | None
    """When it was resolved or completed, if it was."""
    duration: str
    """``2 h 18 min`` from its start (an incident's first report) to its end; for an open
    entry, how long it had run at ``as_of``; empty for an upcoming one and a maintenance
    completed without ever starting."""
    as_of: Time | None
    """For an open entry, when ``duration`` was measured (the build): a static page says so
    rather than a "for 5 min" that is wrong minutes later; none otherwise."""
    window: WindowView | None
    """A maintenance's window."""
    reference: str
    """What people call it (``INC-42``); empty when it has none, and for maintenance unless
    ``incident_fields.reference`` declares a ``maintenance_prefix``."""
    severity: SeverityView | None
    """Its declared severity, if it has one."""
    next_update: Time | None
    """While it has not ended: when its newest update promised the next one, if it did."""


@dataclass(frozen=True)
class EntryView(EntryLine):
    """An incident or maintenance with its whole visible timeline (the front page's cards and
    the entry's own page)."""

    components: tuple[ComponentLevel, ...]
    """The components it touches, in the page's order."""
    updates: tuple[UpdateView, ...]
    """The visible timeline, newest first."""
    body: Markup
    """The write-up (a post-mortem) as HTML, headings below the page's own ``<h1>``; empty on
    the front page's cards."""
    facts: tuple[FactView, ...]
    """What it records besides its timeline: named timestamps, custom fields, the post-mortem
    link; in the internal build also roles, private fields and the follow-up ticket."""
    metrics: tuple[MetricView, ...]
    """Its durations so far, each with where it counts from (incidents only): how long it
    lasted from the first report when a start of impact is recorded apart from it, then the
    metrics computed from the updates."""
    time_at_levels: tuple[ImpactView, ...]
    """How long each component spent at each level, a component at a time, in the page's order
    (incidents only)."""
    acknowledged: AcknowledgedView | None = None
    """Who took ownership and when, between started and resolved (internal builds only)."""


@dataclass(frozen=True)
class SiteView:
    """What every page says about the site."""

    title: str
    """``page.title``."""
    description: str
    """``page.description``."""
    language: str
    """``page.language``, for ``<html lang>``."""
    direction: str
    """``ltr`` or ``rtl`` (Arabic, Hebrew), for ``<html dir>``."""
    url: str
    """``page.url``, ending with ``/``."""
    timezone: str
    """The IANA zone times are shown in."""
    internal: bool
    """The team's internal build: every page is marked."""
    indicator: str
    """``none``, ``minor``, ``major``, ``critical`` or ``maintenance``."""
    indicator_text: str
    """``Partial System Outage``."""
    updated: Time | None
    """When the site was built: set on the pages that change with the clock (the front page
    and component pages), ``None`` elsewhere so that their bytes stay put between builds."""


@dataclass(frozen=True)
class Feed:
    """A feed a page offers."""

    title: str
    """For ``<link rel=alternate title>``: ``Acme Status: Atom feed``."""
    label: str
    """For a link in the text: ``Atom``."""
    type: str
    """Its media type."""
    path: str
    """Its output path."""


@dataclass(frozen=True)
class Alternate:
    """The page in one of the site's languages (``page.languages``)."""

    language: str
    """Its tag, for ``hreflang`` and ``lang``: ``de``."""
    name: str
    """The language's own name: ``Deutsch``."""
    href: str
    """Its absolute address, for ``<link rel=alternate hreflang>``."""
    path: str
    """The link from this page to it, for a language switch that works from disk too."""
    current: bool
    """It is this page."""


@dataclass(frozen=True)
class BarRun:
    """Consecutive days of an uptime bar drawn alike: ``x`` and ``width`` in SVG units."""

    x: int
    """Where the run starts."""
    width: int
    """How wide it is."""
    days: int
    """How many days it covers."""
    level: str
    """The level its days reached (for the colour); ``no-data`` before the component's
    ``start_date``."""
    label: str
    """The tooltip: dates, level, uptime and the titles of what happened."""


@dataclass(frozen=True)
class Bar:
    """A component's uptime bar: one tick per day, quiet days drawn together."""

    days: int
    """How many days it covers (``page.uptime_days``)."""
    width: int
    """Its width in SVG units."""
    height: int
    """Its height in SVG units."""
    runs: tuple[BarRun, ...]
    """The runs of days, oldest first."""
    percent: str
    """``99.87%``: the weighted uptime over the whole bar, never rounded up."""
    label: str
    """A summary for screen readers: the percentage, the newest five runs of days that saw an
    entry, and how many more there were."""


@dataclass(frozen=True)
class GroupLink:
    """The group a component belongs to."""

    name: str
    """The group's name."""
    path: str
    """The group's page."""


@dataclass(frozen=True)
class ComponentRow:
    """A component or group with its level now and its uptime bar."""

    id: str
    """Its id."""
    name: str
    """Its name."""
    description: str
    """Its description."""
    path: str
    """Its page."""
    level: LevelView
    """Its level now (a group's is its worst member's)."""
    bar: Bar
    """Its uptime bar."""
    members: tuple[ComponentRow, ...]
    """A group's components."""
    group: GroupLink | None
    """The group a member belongs to."""
    open: bool
    """A group with a member not operational: shown unfolded."""
    upstream: str = ""
    """For an upstream component: whose status it shows (``Status from GitHub``), and when it
    could not be read, since when the status is the last known; else empty."""


@dataclass(frozen=True)
class YearLink:
    """A year of the history."""

    year: int
    """The year."""
    path: str
    """Its page."""
    count: int
    """How many entries it holds."""


@dataclass(frozen=True)
class MonthView:
    """A month of a history page."""

    id: str
    """``2026-11``: the heading's anchor."""
    label: str
    """``November 2026``."""
    entries: tuple[EntryLine, ...]
    """Its entries, newest start first."""


# --------------------------------------------------------------------------
# What each template receives
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """A component a reader may subscribe to."""

    id: str
    """Its id: what the form sends as ``components``, as the service reads it."""
    name: str
    """Its name, the box's label."""


@dataclass(frozen=True)
class SubscribeForm:
    """The "Get updates" form, when the page declares ``subscriptions:``: it posts to the
    service without any script."""

    action: str
    """The service's ``/subscribe``."""
    component: Choice | None
    """On a component's page, that component, chosen beforehand."""
    choices: tuple[Choice, ...]
    """On the front page, every current component, none chosen (none means all)."""


@dataclass(frozen=True)
class PageContext:
    """What every template receives."""

    site: SiteView
    """The site: its title, language, banner, and on clocked pages when it was built."""
    page: str
    """The output path of the page being rendered."""
    url: Callable[[str], str]
    """``url(path)``: the link from this page to an output path."""
    asset: Callable[[str], str]
    """``asset(name)``: the link to a static file of the theme, with its version."""
    nav: str | None
    """The navigation item of this page: ``status``, ``history``, ``search`` or none."""
    feeds: tuple[Feed, ...]
    """The feeds this page offers."""
    history_path: str
    """The history's index page."""
    search_path: str
    """The search page."""
    inline_css: Markup | None
    """The theme's CSS, for the one page served at any address (``404.html``)."""
    alternates: tuple[Alternate, ...]
    """The page in every language of the site, this one included, the default language's
    (served at ``/``) first; empty when the site has one language."""
    subscribe: SubscribeForm | None
    """The "Get updates" form, or none when the page has no subscriptions service."""


@dataclass(frozen=True)
class IndexContext(PageContext):
    """``index.html``: the front page."""

    active: tuple[EntryView, ...]
    """Unresolved incidents (the first few): page-wide ones first, then newest first."""
    more_active: int
    """How many more incidents are unresolved than ``active`` shows."""
    unresolved_path: str
    """The page listing every unresolved incident."""
    maintenance: tuple[EntryView, ...]
    """Maintenance in progress, then upcoming, soonest first (the first few)."""
    maintenance_now: bool
    """Some maintenance is in progress."""
    maintenance_later: bool
    """Some maintenance is upcoming."""
    components: tuple[ComponentRow, ...]
    """Every top-level component and group, in order."""
    recent: tuple[EntryLine, ...]
    """Entries that ended within ``keep_days`` (the newest few)."""
    more_recent: bool
    """More ended within ``keep_days`` than ``recent`` shows."""
    keep_days: int
    """``page.keep_resolved_days``."""


@dataclass(frozen=True)
class IncidentContext(PageContext):
    """``incident.html``: one incident or maintenance."""

    entry: EntryView
    """The entry, with its timeline and write-up."""


@dataclass(frozen=True)
class HistoryContext(PageContext):
    """``history.html``: the history's index, or one year of it."""

    is_index: bool
    """The index page (it shows the latest year)."""
    year: int | None
    """The year shown; none when nothing was ever reported."""
    years: tuple[YearLink, ...]
    """Every year with entries, newest first."""
    months: tuple[MonthView, ...]
    """The months of the year shown, newest first."""
    reports_path: str = reports_page()
    """The reliability reports' index."""


@dataclass(frozen=True)
class ComponentContext(PageContext):
    """``component.html``: one component or group."""

    component: ComponentRow
    """The component, its level and its uptime bar."""
    entries: tuple[EntryLine, ...]
    """The newest entries that touched it."""
    more: bool
    """More touched it than ``entries`` shows (the history has them all)."""


@dataclass(frozen=True)
class UnresolvedContext(PageContext):
    """``unresolved.html``: every unresolved incident."""

    entries: tuple[EntryLine, ...]
    """Unresolved incidents, page-wide ones first, then newest first."""


@dataclass(frozen=True)
class SearchContext(PageContext):
    """``search.html``: a search box over the whole history."""

    bundle: str
    """The link from this page to the search index's folder (the same folder for every
    language); the page's script loads Pagefind's interface from it, and says search is not
    available when it is missing."""


@dataclass(frozen=True)
class PeriodLink:
    """A month or quarter with a report."""

    id: str
    """``2026-03``, ``2026-Q1``."""
    label: str
    """``March 2026``, ``Q1 2026``."""
    path: str
    """Its page."""
    in_progress: bool
    """The period has not ended."""


@dataclass(frozen=True)
class CountView:
    """How many incidents had one impact or severity."""

    label: str
    """``Major``, ``Critical``, ``No severity``."""
    count: int
    """How many."""


@dataclass(frozen=True)
class ReportRow:
    """One component's or group's figures for a period."""

    id: str
    """Its id."""
    name: str
    """Its name."""
    path: str
    """Its page."""
    group: bool
    """A group: its figures are its components'."""
    member: bool
    """A component of a group (listed under it)."""
    uptime: str
    """``99.87%``, floored as the uptime bars show it."""
    sla: str
    """Its target, ``99.9%``; empty without one."""
    sla_met: bool | None
    """Whether the uptime reached the target (so far, while the period runs); none without one."""
    sla_text: str
    """``Met``, ``Missed``, ``On track``, ``Below target so far``; empty without a target."""
    major: str
    """Time in major outage, ``1 h 5 min``, or ``none``."""
    partial: str
    """Time in partial outage."""
    maintenance: str
    """Time under maintenance (not counted against the uptime)."""
    incidents: int
    """How many of the period's incidents touched it."""
    mean: str
    """Their mean time to resolve, or a dash."""
    median: str
    """Their median time to resolve, or a dash."""


@dataclass(frozen=True)
class ReportIncident:
    """An incident a period counts."""

    line: EntryLine
    """The incident as in any list."""
    time_to_resolve: str
    """``2 h 18 min``; empty while it is open."""


@dataclass(frozen=True)
class ReportMaintenance:
    """A maintenance that ran during a period."""

    line: EntryLine
    """The maintenance as in any list."""
    duration: str
    """How long it ran within the period."""


@dataclass(frozen=True)
class ReportView:
    """One period's reliability report."""

    id: str
    """``2026-03``, ``2026-Q1``."""
    kind: str
    """``month`` or ``quarter``."""
    label: str
    """``March 2026``, ``Q1 2026``."""
    period_text: str
    """``From 1 March 2026 to 31 March 2026.``"""
    in_progress: bool
    """The period has not ended: the figures are up to ``until``."""
    until: Time
    """Where the figures end: the period's end, or when the site was built."""
    rows: tuple[ReportRow, ...]
    """Every component and group, in the page's order."""
    count: int
    """How many incidents the period counts."""
    resolved_text: str
    """``3 of 4 resolved.``"""
    mean: str
    """The mean time to resolve over every incident, or a dash."""
    median: str
    """The median time to resolve over every incident, or a dash."""
    acknowledged_text: str
    """Internal builds: how many were acknowledged, and the mean and median time to
    acknowledge; empty in the public one."""
    by_impact: tuple[CountView, ...]
    """Incidents by impact, none to critical."""
    by_severity: tuple[CountView, ...]
    """Incidents by declared severity, most severe first, then those without one; empty when
    no severity is declared."""
    incidents: tuple[ReportIncident, ...]
    """The incidents counted, oldest first."""
    maintenance: tuple[ReportMaintenance, ...]
    """The maintenance that ran during the period, oldest first."""
    json_path: str
    """The same figures as JSON: one file for every language, at the site's root."""
    csv_path: str
    """The components' figures as CSV: one file for every language, at the site's root."""
    method: tuple[str, ...]
    """How the figures are computed, sentence by sentence, naming the commit."""
    command: str
    """The command that prints the same figures: ``statusgen report --period 2026-03 --at
    0123456789ab`` (a command: not in any language)."""


@dataclass(frozen=True)
class ReportContext(PageContext):
    """``report.html``: one period's reliability report, or the reports' index (the latest
    month's report)."""

    is_index: bool
    """The index page (it shows the latest month)."""
    report: ReportView
    """The report shown."""
    months: tuple[PeriodLink, ...]
    """The months with a report in the year of the report shown, newest first."""
    quarters: tuple[PeriodLink, ...]
    """The quarters with a report in that year, newest first."""
    years: tuple[PeriodLink, ...]
    """Every year with a report, newest first, each linking its latest month (on every page,
    so a long history is two steps from any report)."""


CONTEXTS: dict[str, type[PageContext]] = {
    "index.html": IndexContext,
    "incident.html": IncidentContext,
    "history.html": HistoryContext,
    "component.html": ComponentContext,
    "unresolved.html": UnresolvedContext,
    "search.html": SearchContext,
    "report.html": ReportContext,
    "404.html": PageContext,
    "embed.html": PageContext,
}
"""Each page template and what it receives."""
