"""Reliability reports: per month and per quarter, the figures anyone can recompute from the
repository at a commit.

For each period, every component and group gets its uptime — the uptime bars' own weighting
(:mod:`statusgen.compute.uptime`: a major outage minute counts fully, a partial outage minute
0.3, each moment once, days cut in the page's zone; a group is the mean of its members) —
the time it spent in major and partial outage and, apart, under maintenance, and the
incidents that touched it by impact and severity with the mean and median time to resolve
(:mod:`statusgen.compute.metrics`).

Which incidents a period counts: those of the build (a public build's reports never see an
internal entry) that are not drills, whose first update falls in the period.  A period is
reported when it has ended or is in progress at ``now``; only periods in which something
started, changed or ended have a report, and the current month and quarter always, so the
number of reports grows with the history, not with the calendar.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum

from statusgen import model as m
from statusgen.compute.metrics import incident_metrics
from statusgen.compute.status import END_OF_TIME, Entry, Span, moves
from statusgen.compute.uptime import (
    WEIGHTS,
    Uptime,
    Window,
    component_uptime,
    day_bounds,
    group_uptime,
    window,
)
from statusgen.steps import Later, Runner, direct, later


@dataclass(frozen=True)
class Revision:
    """The commit a build's files come from, which its reports name (the build passes it in:
    nothing here asks git)."""

    commit: str
    changed: bool = False
    """The working tree's ``components.yml`` or ``incidents/`` differ from the commit."""


NO_SEVERITY = ""
"""The key of incidents without a severity in :attr:`IncidentFigures.by_severity`."""


class PeriodKind(StrEnum):
    """How long a report's period is."""

    MONTH = "month"
    QUARTER = "quarter"


_PERIOD = re.compile(r"(\d{4})-(?:(\d{2})|Q([1-4]))\Z")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month (``2026-03``) or quarter (``2026-Q3``) in the page's zone."""

    year: int
    first_month: int
    kind: PeriodKind

    @classmethod
    def parse(cls, text: str) -> Period | None:
        """``2026-03`` or ``2026-Q3``; ``None`` for anything else."""
        found = _PERIOD.match(text.strip())
        if found is None:
            return None
        year = int(found.group(1))
        if found.group(2) is not None:
            month = int(found.group(2))
            return cls(year, month, PeriodKind.MONTH) if 1 <= month <= 12 and year >= 1 else None
        return cls(year, 3 * int(found.group(3)) - 2, PeriodKind.QUARTER) if year >= 1 else None

    @classmethod
    def containing(cls, day: date, kind: PeriodKind) -> Period:
        """The month or quarter holding ``day``."""
        if kind is PeriodKind.MONTH:
            return cls(day.year, day.month, kind)
        return cls(day.year, day.month - (day.month - 1) % 3, kind)

    @property
    def id(self) -> str:
        """``2026-03``, ``2026-Q1``: its name in paths and on the command line."""
        if self.kind is PeriodKind.MONTH:
            return f"{self.year:04d}-{self.first_month:02d}"
        return f"{self.year:04d}-Q{(self.first_month + 2) // 3}"

    @property
    def months(self) -> int:
        return 1 if self.kind is PeriodKind.MONTH else 3

    @property
    def first_day(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def next_first_day(self) -> date:
        """The day after the period, where the next one starts."""
        month = self.first_month - 1 + self.months
        return date(self.year + month // 12, month % 12 + 1, 1)

    def bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """Local midnight of the first day to local midnight after the last, in UTC."""
        return day_bounds(self.first_day, tz)[0], day_bounds(self.next_first_day, tz)[0]


@dataclass(frozen=True)
class IncidentFigures:
    """How many incidents, how bad, and how long they took to resolve."""

    count: int
    by_impact: tuple[tuple[m.Impact, int], ...]
    """Every impact, none to critical, with its count (zeros included)."""
    by_severity: tuple[tuple[str, int], ...]
    """Every declared severity by rank, then :data:`NO_SEVERITY`, with its count."""
    resolved: int
    """How many of them are resolved (the others count, but have no time to resolve)."""
    mean_time_to_resolve: float | None
    """Seconds; ``None`` when none is resolved."""
    median_time_to_resolve: float | None
    acknowledged: int = 0
    """How many were acknowledged: only an internal build's incidents say who took them."""
    mean_time_to_acknowledge: float | None = None
    """Seconds; ``None`` when none was acknowledged."""
    median_time_to_acknowledge: float | None = None


@dataclass(frozen=True)
class ComponentFigures:
    """One component's or group's period."""

    component: m.Component
    uptime: Uptime
    """Over the period's days up to ``now`` (its days are the bars' days)."""
    major_seconds: float
    partial_seconds: float
    maintenance_seconds: float
    """Under maintenance: not counted against the uptime."""
    incidents: IncidentFigures

    @property
    def downtime_seconds(self) -> float:
        """Major outage seconds plus partial outage seconds weighted as the bars weigh them."""
        return self.major_seconds + WEIGHTS[m.Level.PARTIAL_OUTAGE] * self.partial_seconds

    @property
    def sla_met(self) -> bool | None:
        """Whether the uptime reached the component's ``sla``; ``None`` without one."""
        sla = self.component.sla
        # Compared in percent with a margin far below the floored 0.01 % the page shows, so a
        # ratio that is the target up to float rounding meets it.
        return None if sla is None else self.uptime.ratio * 100 + 1e-9 >= sla


@dataclass(frozen=True)
class MaintenanceTime:
    """A maintenance that ran during the period, and for how long within it."""

    entry: Entry
    seconds: float


@dataclass(frozen=True)
class Inputs:
    """Everything one period's figures read besides the components."""

    period: Period
    started: tuple[Entry, ...]
    """The incidents whose first update falls in the period, oldest first."""
    running: tuple[Entry, ...]
    """Every entry with a level during the period, in the build's order."""
    until: datetime

    def in_progress(self, tz: tzinfo) -> bool:
        """Whether the period has not ended (its figures run up to ``now``)."""
        return self.until < self.period.bounds(tz)[1]


@dataclass(frozen=True)
class Report:
    """One period's figures."""

    inputs: Inputs
    """What they were computed from."""
    period: Period
    start: datetime
    end: datetime
    """When the period ends (exclusive)."""
    until: datetime
    """The figures cover the period up to here: its end, or ``now`` while it is in progress."""
    components: tuple[ComponentFigures, ...]
    """Every component and group, in display order."""
    page: IncidentFigures
    """Every incident the period counts."""
    incidents: tuple[Entry, ...]
    """The incidents the period counts, oldest first."""
    time_to_resolve: tuple[float | None, ...]
    """Each counted incident's time to resolve in seconds, in the order of ``incidents``."""
    maintenance: tuple[MaintenanceTime, ...]
    """Maintenance that ran during the period, oldest first."""
    time_to_acknowledge: tuple[float | None, ...] = ()
    """Each counted incident's time to acknowledge in seconds, in the order of ``incidents``
    (an internal build's; a public one's incidents are never acknowledged)."""

    @property
    def in_progress(self) -> bool:
        return self.until < self.end


def counted(entries: Iterable[Entry]) -> tuple[Entry, ...]:
    """The entries figures count: every one the build shows but drills and declined ones."""
    return tuple(e for e in entries if e.incident.counted)


Month = tuple[int, int]


@dataclass(frozen=True)
class _Touched:
    """The months (in the page's zone) one entry touches up to ``now``."""

    started: Month | None
    """Where an incident's first update falls."""
    running: tuple[Month, ...]
    """Every month in which it held a component at some level."""
    events: tuple[Month, ...]
    """The months in which it started, changed a level or ended."""


def _months(first: date, last: date) -> Iterator[Month]:
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


@dataclass(frozen=True)
class TouchedInput:
    """An entry, the page's zone, and the clock while the entry can still change with it."""

    entry: Entry
    tz: tzinfo
    clock: datetime | None


_END_OF_TIME = datetime.max.replace(tzinfo=UTC)


def touched_step(item: TouchedInput) -> _Touched:
    """The step of the months one entry touches: with no clock, every moment of the entry
    is past."""
    return _touched(item.entry, item.tz, item.clock or END_OF_TIME)


def _touched(e: Entry, tz: tzinfo, now: datetime) -> _Touched:
    def month(at: datetime) -> Month:
        local = at.astimezone(tz)
        return local.year, local.month

    running: dict[Month, None] = {}
    for span in e.spans:
        if span.start < now:
            last = now if span.end is None else min(span.end, now)
            running.update(dict.fromkeys(_months(span.start.astimezone(tz).date(),
                                                 last.astimezone(tz).date())))
    moments = [e.started_at, *(t for s in e.spans for t in (s.start, s.end) if t is not None)]
    if e.resolved_at is not None:
        moments.append(e.resolved_at)
    started = e.incident.kind is m.Kind.INCIDENT and e.started_at <= now
    return _Touched(month(e.started_at) if started else None, tuple(running),
                    tuple(dict.fromkeys(month(t) for t in moments if t <= now)))


class _Index:
    """The counted entries by the months they touch in ``tz``, so that each period reads only
    its own: the size of all the reports together grows with the history, not with the
    history times the number of periods."""

    def __init__(self, entries: Iterable[Entry], tz: tzinfo, now: datetime,
                 run: Runner = direct) -> None:
        self.now = now
        self.started: dict[Month, list[Entry]] = {}
        self.running: dict[Month, dict[str, Entry]] = {}
        self.events: set[Month] = set()
        # The build's own order (newest start first), so that each day lists its entries as the
        # uptime bars' days do.
        self.order: dict[str, int] = {}
        shown = counted(entries)
        found = run(touched_step, [TouchedInput(e, tz, now if moves(e, now) else None)
                                   for e in shown])
        for e, touched in zip(shown, found, strict=True):
            self.order[e.id] = len(self.order)
            if touched.started is not None:
                self.started.setdefault(touched.started, []).append(e)
            for month in touched.running:
                self.running.setdefault(month, {})[e.id] = e
            self.events.update(touched.events)

    def periods(self, tz: tzinfo) -> tuple[Period, ...]:
        """The periods with a report, newest first, months before quarters."""
        local = self.now.astimezone(tz)
        months = {*self.events, (local.year, local.month)}
        found = {Period.containing(date(year, month, 1), kind)
                 for year, month in months for kind in PeriodKind}
        return tuple(sorted(found, key=lambda p: (p.first_day, p.kind is PeriodKind.MONTH),
                            reverse=True))

    def of(self, period: Period) -> tuple[tuple[Entry, ...], tuple[Entry, ...]]:
        """The incidents whose first update falls in ``period``, oldest first, and every entry
        with a level during it."""
        months = list(_months(period.first_day, period.next_first_day - timedelta(days=1)))
        started = sorted((e for month in months for e in self.started.get(month, ())),
                         key=lambda e: (e.started_at, e.id))
        running = {e.id: e for month in months for e in self.running.get(month, {}).values()}
        return tuple(started), tuple(sorted(running.values(), key=lambda e: self.order[e.id]))


def periods(entries: Iterable[Entry], tz: tzinfo, now: datetime) -> tuple[Period, ...]:
    """The periods with a report, newest first, months before quarters: every month and
    quarter in which an entry started, changed a level or ended up to ``now``, and the
    current ones."""
    return _Index(entries, tz, now).periods(tz)


def planned(entries: Sequence[Entry], now: datetime, tz: tzinfo,
            run: Runner = direct) -> tuple[Inputs, ...]:
    """What the report of every period :func:`periods` names reads, in its order: cheap to
    make for the whole history, so that only the figures nobody kept are computed
    (:func:`figures`)."""
    index = _Index(entries, tz, now, run)
    return tuple(_inputs(index, period, tz) for period in index.periods(tz))


@dataclass(frozen=True)
class ReportInput:
    """What one period's figures are computed from."""

    inputs: Inputs
    config: m.Config
    tz: tzinfo


def report_step(item: ReportInput) -> Report:
    """The step that computes one period's figures."""
    return _report(item.inputs, item.config, item.tz)


def figures(inputs: Inputs, config: m.Config, tz: tzinfo, run: Runner = direct) -> Report:
    """One period's figures from what it reads."""
    return run(report_step, [ReportInput(inputs, config, tz)])[0]


@dataclass(frozen=True)
class Planned:
    """A period's report as a build plans it: what it reads, and its figures, made only when
    read (a report page kept from the last build never reads them)."""

    inputs: Inputs
    figures: Later[Report]

    @property
    def period(self) -> Period:
        return self.inputs.period


def all_reports(entries: Sequence[Entry], config: m.Config, now: datetime, tz: tzinfo,
                run: Runner = direct) -> tuple[Planned, ...]:
    """The report of every period :func:`periods` names, in its order."""
    plans = planned(entries, now, tz, run)
    made = later(run, report_step, [ReportInput(i, config, tz) for i in plans])
    return tuple(Planned(i, f) for i, f in zip(plans, made, strict=True))


def reports(wanted: Sequence[Period], entries: Sequence[Entry], config: m.Config, now: datetime,
            tz: tzinfo, run: Runner = direct) -> tuple[Report, ...]:
    """The figures of each of ``wanted`` from the entries of a build, at ``now``.

    ``run`` runs the steps (:mod:`statusgen.steps`).
    """
    index = _Index(entries, tz, now, run)
    return tuple(run(report_step, [ReportInput(_inputs(index, period, tz), config, tz)
                                   for period in wanted]))


def _inputs(index: _Index, period: Period, tz: tzinfo) -> Inputs:
    started, running = index.of(period)
    start, end = period.bounds(tz)
    return Inputs(period, started, running, max(min(end, index.now), start))


def report(period: Period, entries: Sequence[Entry], config: m.Config, now: datetime,
           tz: tzinfo) -> Report:
    """The figures of ``period`` from the entries of a build, at ``now``."""
    return reports([period], entries, config, now, tz)[0]


def _report(inputs: Inputs, config: m.Config, tz: tzinfo) -> Report:
    period, incidents, running, until = inputs.period, inputs.started, inputs.running, inputs.until
    start, end = period.bounds(tz)
    metrics = {e.id: found for e in incidents
               if (found := incident_metrics(e, config, until)) is not None}
    resolve = {key: found.time_to_resolve for key, found in metrics.items()}
    acknowledge = {key: found.time_to_acknowledge for key, found in metrics.items()}
    spans: dict[str, list[Span]] = {c.id: [] for c in config.leaves()}
    for e in running:
        for span in e.spans:
            spans.setdefault(span.component, []).append(span)
    days = (until.astimezone(tz).date() - period.first_day).days + 1
    # Most components have nothing in most periods: their figures are all the same.
    over = window(days, tz, until)
    quiet = _leaf([], days, tz, until, start, period, over)
    leaves = {leaf.id: _leaf(spans[leaf.id], days, tz, until, start, period, over, leaf.start_date)
              if spans[leaf.id] or leaf.start_date else quiet for leaf in config.leaves()}
    figures: list[ComponentFigures] = []
    # Most components have no incident in most periods either: one set of zeros for them all.
    untouched = _incident_figures([], resolve, config, acknowledge)
    for component in config.walk():
        members = [leaves[c.id] for c in component.members] if component.is_group else \
            [leaves[component.id]]
        named = set(config.expand(component.id))
        touched = [e for e in incidents if not named.isdisjoint(e.named)]
        if component.retired and not touched:
            continue  # gone: in a period's figures only while its entries are
        figures.append(_figures(component, members, untouched if not touched else
                                _incident_figures(touched, resolve, config, acknowledge)))
    return Report(
        inputs=inputs, period=period, start=start, end=end, until=until, components=tuple(figures),
        page=_incident_figures(incidents, resolve, config, acknowledge), incidents=incidents,
        time_to_resolve=tuple(resolve[e.id] for e in incidents),
        maintenance=_maintenance(running, start, until),
        time_to_acknowledge=tuple(acknowledge[e.id] for e in incidents),
    )


@dataclass(frozen=True)
class _Leaf:
    uptime: Uptime
    maintenance_seconds: float


def _leaf(spans: list[Span], days: int, tz: tzinfo, until: datetime, start: datetime,
          period: Period, over: Window, since: date | None = None) -> _Leaf:
    # The bars' own computation over the period's days. At a period's end, `until` is local
    # midnight of the next period's first day, which comes out as one more day of no time:
    # it weighs nothing, and is left out.
    uptime = component_uptime(spans, days, tz, until, over, since)
    kept = tuple(d for d in uptime.days if d.date < period.next_first_day)
    maintenance = _union_seconds([s for s in spans if s.level is m.Level.UNDER_MAINTENANCE],
                                 start, until)
    return _Leaf(Uptime(kept, uptime.ratio), maintenance)


def _figures(component: m.Component, members: list[_Leaf],
             incidents: IncidentFigures) -> ComponentFigures:
    uptime = members[0].uptime if not component.is_group else \
        group_uptime([leaf.uptime for leaf in members])
    # A group's outage time is its worst member's, as the bars' group days are.
    return ComponentFigures(
        component=component,
        uptime=uptime,
        major_seconds=sum(d.major_seconds for d in uptime.days),
        partial_seconds=sum(d.partial_seconds for d in uptime.days),
        maintenance_seconds=max(leaf.maintenance_seconds for leaf in members),
        incidents=incidents,
    )


def _union_seconds(spans: Sequence[Span], start: datetime, until: datetime) -> float:
    """How long at least one of ``spans`` covers, between ``start`` and ``until``."""
    clipped = sorted((max(s.start, start), until if s.end is None else min(s.end, until))
                     for s in spans)
    total = timedelta(0)
    reach = start
    for begin, finish in clipped:
        begin = max(begin, reach)
        if finish > begin:
            total += finish - begin
            reach = finish
    return total.total_seconds()


def _maintenance(entries: Sequence[Entry], start: datetime, until: datetime) -> tuple[MaintenanceTime, ...]:
    found = []
    for e in entries:
        if e.incident.kind is m.Kind.MAINTENANCE and e.spans:
            seconds = _union_seconds(e.spans, start, until)
            if seconds > 0:
                found.append(MaintenanceTime(e, seconds))
    return tuple(sorted(found, key=lambda t: (t.entry.started_at, t.entry.id)))


def _incident_figures(incidents: Sequence[Entry], time_to_resolve: Mapping[str, float | None],
                      config: m.Config,
                      time_to_acknowledge: Mapping[str, float | None]) -> IncidentFigures:
    resolve = [t for e in incidents if (t := time_to_resolve[e.id]) is not None]
    acknowledge = [t for e in incidents if (t := time_to_acknowledge[e.id]) is not None]
    declared = sorted(config.incident_fields.severities, key=lambda s: s.rank)
    severity_ids = [s.id for s in declared]
    return IncidentFigures(
        count=len(incidents),
        by_impact=tuple((impact, sum(e.incident.impact is impact for e in incidents))
                        for impact in m.Impact),
        by_severity=tuple((sid, sum(_severity(e, severity_ids) == sid for e in incidents))
                          for sid in [*severity_ids, NO_SEVERITY]),
        resolved=len(resolve),
        mean_time_to_resolve=statistics.fmean(resolve) if resolve else None,
        median_time_to_resolve=float(statistics.median(resolve)) if resolve else None,
        acknowledged=len(acknowledge),
        mean_time_to_acknowledge=statistics.fmean(acknowledge) if acknowledge else None,
        median_time_to_acknowledge=float(statistics.median(acknowledge)) if acknowledge else None,
    )


def _severity(e: Entry, declared: list[str]) -> str:
    return e.incident.severity if e.incident.severity in declared else NO_SEVERITY
