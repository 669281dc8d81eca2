"""Entries as the templates show them: the views of :mod:`statusgen.render.views`, made from a
snapshot's entries with every word, time and link decided."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import fields
from datetime import date, datetime, timedelta, tzinfo

from markupsafe import Markup

from statusgen import model as m
from statusgen.compute.views import DURATION_METRICS, INTERNAL_METRICS, Bell, Entry, EntryFigures, Metrics
from statusgen.render import labels, markdown, paths, timefmt, wording
from statusgen.render.i18n import Language
from statusgen.render.markdown import fill_html, linker, message
from statusgen.render.timefmt import whole_seconds
from statusgen.render.views import (
    AcknowledgedView,
    ChangeView,
    ComponentLevel,
    EntryLine,
    EntryView,
    FactView,
    ImpactView,
    LevelDuration,
    LevelView,
    MetricView,
    SeverityView,
    Time,
    UpdateView,
    WindowView,
)
from statusgen.source.links import Kind, classify, safe_final
from statusgen.source.schema import web_link_problem


def time_view(at: datetime, tz: tzinfo, lang: Language) -> Time:
    """``at`` as the page shows it in ``tz``, in ``lang``."""
    return Time(timefmt.iso(at), lang.moment(at, tz), lang.long_date(at, tz))


def short_date(day: date, lang: Language) -> str:
    """``3 Nov 2026``."""
    return lang.short_date(day)


def month_label(year: int, month: int, lang: Language) -> str:
    """``November 2026``."""
    return lang.month(year, month)


def percent(ratio: float, lang: Language) -> str:
    """``99.96%``, floored so a bad day never shows as ``100.00%``."""
    return lang.percent(ratio)


def level_view(level: m.Level, lang: Language) -> LevelView:
    return LevelView(str(level), lang.gettext(labels.LEVELS[level]))


def _window(incident: m.Incident, tz: tzinfo, lang: Language) -> WindowView | None:
    if incident.window is None:
        return None
    start = time_view(incident.window.start, tz, lang)
    end = time_view(incident.window.end, tz, lang)
    local_start = incident.window.start.astimezone(tz)
    local_end = incident.window.end.astimezone(tz)
    same_day = local_start.date() == local_end.date() and local_start.tzname() == local_end.tzname()
    end_text = lang.clock(incident.window.end, tz) if same_day else end.text
    return WindowView(start, end, end_text)


def _clock(e: Entry, now: datetime | None) -> datetime:
    """The clock, which only a running entry's line reads (a page of an ended one is rendered
    without it, and kept while the clock moves)."""
    if now is None:
        raise ValueError(f"{e.id} runs: its line reads the clock")
    return now


def _duration(e: Entry, now: datetime | None, lang: Language) -> str:
    if e.resolved_at is not None:
        return lang.duration(e.resolved_at - e.started_at)
    if e.active:
        return lang.duration(max(_clock(e, now) - e.started_at, timedelta(0)))
    return ""  # upcoming, or a maintenance completed without ever starting


def severity_view(incident: m.Incident, fields: m.IncidentFields) -> SeverityView | None:
    """The incident's declared severity, if it has one."""
    found = fields.severity(incident.severity) if incident.severity else None
    return SeverityView(found.id, found.name, found.rank) if found is not None else None


def shown_reference(incident: m.Incident, fields: m.IncidentFields) -> str:
    """``incident``'s reference when ``fields`` declares references for its kind: a
    maintenance numbered like the incidents would read as one."""
    form = fields.reference
    return incident.reference if form is not None and form.prefix_for(incident.kind) else ""


MAINTENANCE_IMPACT = "maintenance"
"""A maintenance's impact on the pages: Statuspage's fifth impact, with its own colour."""


def entry_line(e: Entry, tz: tzinfo, now: datetime | None, lang: Language,
               fields: m.IncidentFields = m.NO_INCIDENT_FIELDS, *, timed: bool = True) -> EntryLine:
    """The line of ``e`` in a list, at ``now``, times in ``tz``, words in ``lang``, its
    severity named as ``fields`` declares it; ``timed=False`` leaves out how long it lasted
    or has run (a report's line says how long it took to resolve instead), so that the line
    of a running entry reads no clock."""
    incident = e.incident
    maintenance = incident.kind is m.Kind.MAINTENANCE
    return EntryLine(
        id=e.id,
        path=paths.incident_page(e.id),
        title=incident.title,
        kind=str(incident.kind),
        maintenance=maintenance,
        impact=MAINTENANCE_IMPACT if maintenance else str(incident.impact),
        impact_label=lang.gettext(wording.MAINTENANCE if maintenance else labels.IMPACTS[incident.impact]),
        status=str(e.status),
        status_label=lang.gettext(labels.STATUSES[e.status]),
        active=e.active,
        upcoming=e.upcoming,
        internal=incident.visibility is m.Visibility.INTERNAL or (
            incident.stage is not None and incident.stage.unaccepted),
        test=incident.mode is m.Mode.TEST,
        retrospective=incident.mode is m.Mode.RETROSPECTIVE,
        started=time_view(e.started_at, tz, lang),
        resolved=time_view(e.resolved_at, tz, lang) if e.resolved_at is not None else None,
        duration=_duration(e, now, lang) if timed else "",
        as_of=time_view(_clock(e, now), tz, lang) if e.active and timed else None,
        window=_window(incident, tz, lang),
        reference=shown_reference(incident, fields),
        severity=severity_view(incident, fields),
        next_update=time_view(e.next_update, tz, lang) if e.next_update is not None else None,
    )


def _components(e: Entry, figures: EntryFigures, config: m.Config,
                lang: Language) -> tuple[ComponentLevel, ...]:
    order = config.order

    def name(component_id: str) -> str:
        component = config.get(component_id)
        return component.name if component is not None else component_id

    # Named too: a component the entry names but left operational is shown at operational.
    affected = tuple(sorted(dict.fromkeys((*e.affected(), *e.named)),
                            key=lambda c: (order.get(c, len(order)), c)))
    if e.upcoming or not affected:
        ids = affected or tuple(dict.fromkeys(
            leaf for ref in e.incident.components for leaf in config.expand(ref.id)))
        return tuple(ComponentLevel(c, name(c), paths.component_page(c), None) for c in ids)
    levels = figures.levels
    return tuple(ComponentLevel(c, name(c), paths.component_page(c),
                                level_view(levels.get(c, m.Level.OPERATIONAL), lang))
                 for c in affected)


def entry_view(e: Entry, figures: EntryFigures, config: m.Config, now: datetime | None, page: str,
               shown: Container[str], lang: Language, *, body: bool = False,
               bells: tuple[Bell, ...] = ()) -> EntryView:
    """The card of ``e`` (with its ``figures`` at ``now``) on the page at output path ``page``
    (Markdown links are made relative to it, and links to entries not in ``shown`` dropped),
    in ``lang``; ``body`` renders the write-up too.  A message without a translation into
    ``lang`` shows the default language's, marked with its language.  ``bells`` says of each
    update whether it was notified (an internal build's; none: not shown)."""
    tz = timefmt.zone(config.page.timezone)
    incident = e.incident
    rewrite = linker(lambda to: paths.relative(page, to), shown)
    names = {c.id: c.name for c in config.walk()}
    default = config.page.editions[0]
    messages = [message(u, lang.tag, default) for u in incident.updates]
    rung = bells or ("",) * len(incident.updates)
    updates = tuple(UpdateView(
        status=str(u.status),
        status_label=lang.gettext(labels.STATUSES[u.status]),
        at=time_view(u.at, tz, lang),
        html=Markup(fill_html(text, rewrite)),
        language=written,
        internal=u.internal,
        changes=tuple(ChangeView(names.get(c.component, c.component), level_view(c.old, lang),
                                 level_view(c.new, lang)) for c in changes),
        bell=str(bell),
        bell_label=lang.gettext(wording.BELLS[bell]) if bell else "",
    ) for u, changes, (text, written), bell in zip(incident.updates, e.changes, messages, rung,
                                                   strict=True))
    written = Markup(fill_html(markdown.body(incident), rewrite)) \
        if body and incident.body.strip() else Markup("")
    line = entry_line(e, tz, now, lang, config.incident_fields)
    metrics = figures.metrics
    return EntryView(**{f.name: getattr(line, f.name) for f in fields(EntryLine)},
                     components=_components(e, figures, config, lang), updates=updates, body=written,
                     facts=facts(incident, config.incident_fields, tz, lang),
                     metrics=metric_views(metrics, e, lang),
                     time_at_levels=_time_at_levels(metrics, config, lang),
                     acknowledged=_acknowledged(incident, tz, lang))


def _acknowledged(incident: m.Incident, tz: tzinfo, lang: Language) -> AcknowledgedView | None:
    """The acknowledgement, which only an internal build's (unredacted) incident holds."""
    ack = incident.acknowledged
    if ack is None:
        return None
    by = lang.gettext(wording.ACKNOWLEDGED_BY) % {"person": ack.by} if ack.by else ""
    return AcknowledgedView(time_view(ack.at, tz, lang), by)


def words(name: str) -> str:
    """A declared name in words: ``impact_started`` → ``Impact started``."""
    return name.replace("_", " ").replace("-", " ").capitalize()


def name_words(name: str, known: dict[str, str]) -> str:
    """A role's or named timestamp's name as readers see it: its words in ``known`` (the
    language's words for the well-known names), else its id in words."""
    return known.get(name) or words(name)


def safe_link(url: str) -> str | None:
    """``url`` when a page may link to it (checked again here, as the last word)."""
    return url if url and web_link_problem(url) is None and safe_final(url) else None


def facts(incident: m.Incident, declared: m.IncidentFields, tz: tzinfo,
          lang: Language) -> tuple[FactView, ...]:
    """What ``incident`` (redacted for the build) records besides its timeline, in the order
    ``declared`` lists it: named timestamps, custom fields, roles, then its links."""
    found: list[FactView] = []
    names = wording.timestamp_names(lang)
    for name in declared.timestamps:
        at = incident.named_time(name.id)
        if at is not None:
            found.append(FactView(name_words(name.id, names), "", None, time_view(at, tz, lang),
                                  False))
    written = {f.id: f for f in incident.fields}
    for field in declared.custom:
        entry = written.get(field.id)
        if entry is None:
            continue
        text = lang.join(list(entry.values))
        href = safe_link(entry.value) if field.type is m.FieldType.LINK else None
        found.append(FactView(field.label, text, href, None, not field.public))
    roles = {r.role: r.person for r in incident.roles}
    role_names = wording.role_names(lang)
    for role in declared.roles:
        if role.id in roles:
            found.append(FactView(name_words(role.id, role_names), roles[role.id], None, None,
                                  True))
    postmortem = safe_link(incident.postmortem_url)
    if postmortem is not None:
        found.append(FactView(lang.gettext(wording.POSTMORTEM),
                              lang.gettext(wording.POSTMORTEM_LINK), postmortem, None, False))
    ticket = safe_link(incident.external_issue)
    if ticket is not None:
        found.append(FactView(lang.gettext(wording.EXTERNAL_ISSUE), ticket, ticket, None, True))
    return tuple(found)


def metric_views(metrics: Metrics | None, e: Entry, lang: Language) -> tuple[MetricView, ...]:
    """The durations an incident has reached, each saying where it counts from; none for
    maintenance.  The metrics count from the start of impact when one is recorded apart from
    ``e``'s first report: then, if ``e`` is resolved, how long it lasted from its first report comes first, so
    the page's two durations are each named for what they measure."""
    if metrics is None:
        return ()
    from_impact = metrics.started_at != e.started_at
    out = []
    if from_impact and e.resolved_at is not None:
        seconds = (e.resolved_at - e.started_at).total_seconds()
        out.append(MetricView("duration", lang.gettext(wording.DURATION),
                              lang.gettext(wording.FROM_FIRST_REPORT_TO_RESOLUTION),
                              lang.duration(timedelta(seconds=seconds)), whole_seconds(seconds)))
    definition = lang.gettext(wording.FROM_IMPACT_START if from_impact else wording.FROM_FIRST_REPORT)
    for metric in (*INTERNAL_METRICS, *DURATION_METRICS):
        seconds = getattr(metrics, metric)
        if seconds is not None:
            out.append(MetricView(metric, lang.gettext(wording.METRICS[metric]), definition,
                                  lang.duration(timedelta(seconds=seconds)),
                                  whole_seconds(seconds)))
    return tuple(out)


def _time_at_levels(metrics: Metrics | None, config: m.Config,
                    lang: Language) -> tuple[ImpactView, ...]:
    if metrics is None:
        return ()
    names = {c.id: c.name for c in config.walk()}
    grouped: dict[str, list[LevelDuration]] = {}
    for t in metrics.impact:  # already a component at a time, worst level first
        grouped.setdefault(t.component, []).append(
            LevelDuration(level_view(t.level, lang), lang.duration(timedelta(seconds=t.seconds))))
    return tuple(ImpactView(names.get(c, c), paths.component_page(c), tuple(levels))
                 for c, levels in grouped.items())


def linked_entries(e: Entry) -> tuple[str, ...]:
    """The ids of the entries ``e``'s shown text links to (its page drops links to hidden ones)."""
    return tuple(sorted({link.target for url, _ in e.incident.all_links()
                         if (link := classify(url)).kind is Kind.ENTRY}))


def shown_links(e: Entry, shown: Container[str]) -> tuple[tuple[str, bool], ...]:
    """Each entry ``e`` links to and whether it is shown: a page or feed drops the links to
    hidden ones, so this belongs in the key of anything that renders ``e``'s text."""
    return tuple((target, target in shown) for target in linked_entries(e))
