"""``statusgen new | update | resolve | maintenance``: write incidents from the command line.

Each command builds the new text with :mod:`statusgen.authoring`, validates the
whole repository with that text in place of the file, and only then writes it,
atomically (a temporary file beside it, then a rename).  A file that would not
pass validation is never written: its diagnostics are printed instead.

Exit codes: 0 written; 1 refused (the result would not validate, the incident
is already resolved, the file cannot be edited, the editor was cancelled);
2 a usage error (a bad or unknown argument value).  The written file's path,
relative to ``--root``, is the only thing printed on stdout; ``new --from-json`` prints
the created incident as JSON instead, in the create-incident API's shape
(:mod:`statusgen.ingest.api`).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from statusgen import model as m
from statusgen.authoring.references import next_reference, references
from statusgen.authoring.templates import TEMPLATES_DIR, fill, from_template, read_template
from statusgen.authoring.text import (
    AuthoringError,
    Metadata,
    NewUpdate,
    add_update_text,
    editor_template,
    incident_name,
    message_from_editor,
    metadata_keys,
    new_incident_text,
    new_maintenance_text,
    parse_component,
    resolve_id,
    set_keys_text,
    stamp,
)
from statusgen.check.lifecycle import SKEW
from statusgen.commands.ingest import read_input
from statusgen.commands.options import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, common_options
from statusgen.diagnostics import Diagnostic, format_text, with_article
from statusgen.ingest.alerts import MAX_PAYLOAD
from statusgen.ingest.api import (
    INCIDENT_ID,
    REQUEST_ID,
    RequestError,
    incident_json,
    parse_request,
)
from statusgen.output.atomic import Changed, create_file, replace_file
from statusgen.pipeline import Refused as EditRefused
from statusgen.pipeline import validated_edit
from statusgen.source.load import load, read_config
from statusgen.source.parse import CONFIG_FILE, INCIDENTS_DIR, parse_incident
from statusgen.source.schema import suggest
from statusgen.source.timestamps import TimestampError, read_timestamp
from statusgen.source.tree import DiskSource

Command = Callable[[argparse.Namespace, datetime], int]


class UsageError(AuthoringError):
    """A bad argument value: exit 2."""


class Refused(AuthoringError):
    """The command cannot go ahead: exit 1, with the diagnostics to print."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics = list(diagnostics)


# --------------------------------------------------------------------------
# The parsers
# --------------------------------------------------------------------------


def _update_options(parser: argparse.ArgumentParser, *, message_help: str) -> None:
    parser.add_argument("--message", metavar="TEXT", help=message_help)
    parser.add_argument("--at", metavar="TIMESTAMP",
                        help="when the update was posted, ISO 8601 with a zone (default: now)")


def _next_update(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--next-update", default="", metavar="WHEN",
                        help="when the next update will come: a duration after this one (30m, "
                        "2h) or a timestamp; the page shows it, validate warns when it passes")


def _no_notify(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-notify", dest="notify", action="store_false",
                        help="publish the update but send it to no notification channel "
                        "(writes `notify: false`)")


AUTO = "auto"


def _occurrence_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--occurrence", metavar="DATE", type=_date,
                        help="a recurring maintenance: the date (in the page's zone) of the "
                        "occurrence the update is about; `resolve` before it starts cancels it")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{value}` is not a date like 2026-04-14") from None


def _metadata_options(parser: argparse.ArgumentParser, *, reference: bool = False,
                      severity: bool = True, timestamps: bool = True) -> None:
    """The options of what an incident records besides its timeline (``incident_fields``)."""
    if reference:
        parser.add_argument("--reference", metavar="REF", help="what people call it, such as "
                            f"INC-42; `{AUTO}` (the default when components.yml declares "
                            "references of its kind) takes the next free number")
    if severity:
        parser.add_argument("--severity", metavar="ID", help="a severity components.yml declares")
    parser.add_argument("--role", action="append", default=[], metavar="ROLE=PERSON",
                        help="who holds a declared role (internal, never published); repeatable")
    if timestamps:
        parser.add_argument("--timestamp", action="append", default=[], metavar="NAME=TIMESTAMP",
                            help="a declared named moment, ISO 8601 with a zone (such as "
                            "detected=2026-11-22T06:50:00Z); repeatable")
    parser.add_argument("--field", action="append", default=[], metavar="ID=VALUE",
                        help="a declared custom field's value; repeat the field for each value "
                        "of a multi-select field")


def register(commands: Any) -> None:
    """Add ``new``, ``update``, ``resolve`` and ``maintenance`` to the ``statusgen`` parser."""
    editor = ("the update's Markdown; without it, $EDITOR (default vi) opens when stdin and "
              "stdout are a terminal")
    new = commands.add_parser(
        "new",
        description="Write incidents/<date>-<slug of title>.md with its first update, after "
        "validating it with the rest of the repository; prints the file's path. With "
        "--from-json, the incident comes from a create-incident request and the created "
        "incident is printed as JSON (docs/monitors.md).")
    common_options(new)
    new.add_argument("title", nargs="?", help="the incident's headline")
    new.add_argument("--impact", choices=[i.value for i in m.Impact],
                     help="how bad it is for users (required without --from-json)")
    new.add_argument("--component", action="append", default=[], metavar="ID=LEVEL",
                     help="an affected component and its level (degraded_performance, "
                     "partial_outage or major_outage); repeat for several")
    new.add_argument("--status", help="the first update's status (default: investigating)")
    _update_options(new, message_help=editor)
    _next_update(new)
    new.add_argument("--internal", action="store_true",
                     help="the whole incident is internal (visibility: internal)")
    _no_notify(new)
    new.add_argument("--triage", action="store_true",
                     help="not yet accepted: write `stage: triage`, which keeps the incident "
                     "internal and unannounced until the key is removed")
    new.add_argument("--by", metavar="NAME", help="who opens the incident, recorded as its "
                     "`creator` (internal; default: git's user.name); with --from-json, the name "
                     "of the API key the request came with (default: api)")
    new.add_argument("--template", metavar="NAME", help="start from templates/NAME.md: its "
                     "front matter, and its body as the first update's message (unless "
                     "--message); the title, impact and components come from it")
    new.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                     help="with --template: the value of the placeholder {NAME}; repeat for "
                     "each")
    new.add_argument("--from-json", metavar="FILE", help="read a create-incident request (JSON: "
                     "service_id, title, status minor|major, description, resolution_stage, "
                     "components) from "
                     "FILE, or - for standard input, instead of the other options; prints the "
                     "created incident as JSON")
    new.add_argument("--request-id", metavar="ID", help="with --from-json: the request's id; "
                     "a request with an id already used creates nothing and prints the incident "
                     "it created")
    new.add_argument("--id", metavar="ID", help="with --from-json: the incident's id (its file "
                     "name without .md), as the relay decided it when it took the request; "
                     "default: <date>-<slug of title>")
    _metadata_options(new, reference=True)
    new.set_defaults(run=cmd_new)

    update = commands.add_parser(
        "update",
        description="Add an update at the top of an incident's `updates`, editing the file in "
        "place: every other line stays exactly as it was.")
    common_options(update)
    update.add_argument("id", help="the incident: its file name with or without .md, a path "
                        "to it, or a unique prefix")
    update.add_argument("--status", help="the update's status (default: the current one)")
    update.add_argument("--component", action="append", default=[], metavar="ID=LEVEL",
                        help="a component's level from this update on (operational, "
                        "degraded_performance, partial_outage, major_outage); repeatable")
    _update_options(update, message_help=editor)
    _next_update(update)
    update.add_argument("--internal", action="store_true",
                        help="this update is internal: shown only in the team's build")
    _no_notify(update)
    _occurrence_option(update)
    _metadata_options(update)
    update.set_defaults(run=cmd_update)

    resolve = commands.add_parser(
        "resolve",
        description="Add the `resolved` update (`completed` for maintenance) at the top of "
        "the entry's `updates`, editing the file in place.")
    common_options(resolve)
    resolve.add_argument("id", help="the incident: its file name with or without .md, a path "
                         "to it, or a unique prefix")
    _update_options(resolve, message_help=editor)
    resolve.add_argument("--internal", action="store_true",
                         help="this update is internal (only allowed for internal entries)")
    _no_notify(resolve)
    _occurrence_option(resolve)
    _metadata_options(resolve)
    resolve.set_defaults(run=cmd_resolve)

    maintenance = commands.add_parser(
        "maintenance",
        description="Write incidents/<window start date>-<slug of title>.md, a `kind: "
        "maintenance` entry with a `scheduled` update; prints the file's path. A window that "
        "has already ended is refused unless --retrospective records it as done.")
    common_options(maintenance)
    maintenance.add_argument("title", help="the maintenance's headline")
    maintenance.add_argument("--start", required=True, metavar="TIMESTAMP",
                             help="when the window begins, ISO 8601 with a zone")
    maintenance.add_argument("--end", required=True, metavar="TIMESTAMP",
                             help="when the window ends, ISO 8601 with a zone")
    maintenance.add_argument("--component", action="append", default=[], metavar="ID",
                             help="a component under maintenance; repeat for several")
    _update_options(maintenance, message_help=editor)
    maintenance.add_argument("--internal", action="store_true",
                             help="the whole maintenance is internal (visibility: internal)")
    maintenance.add_argument("--retrospective", action="store_true",
                             help="record a maintenance whose window has already ended: `mode: "
                             "retrospective` with one `completed` update at the window's end, "
                             "never announced (`notify: false`)")
    maintenance.add_argument("--repeat", metavar="RULE", default="",
                             help="repeat the window by an RFC 5545 RRULE read in the page's zone, "
                             "such as 'FREQ=WEEKLY;BYDAY=TU' (the window is the first occurrence; "
                             "see docs/format.md, Recurring maintenance)")
    _metadata_options(maintenance, reference=True, severity=False, timestamps=False)
    maintenance.set_defaults(run=cmd_maintenance)


# --------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------


def _timestamp(option: str, value: str) -> datetime:
    try:
        return read_timestamp(value)
    except TimestampError as exc:
        raise UsageError(f"{option} {exc}") from exc


def _at(args: argparse.Namespace, now: datetime) -> datetime:
    if args.at is None:
        return now
    at = _timestamp("--at", args.at)
    if at - now > SKEW:
        raise UsageError(f"--at {args.at}: that is in the future (now is {stamp(now)}); check "
                         "the date and the zone")
    return at


def _status(given: str, kind: m.Kind) -> m.Status:
    allowed = [s.value for s in m.STATUSES[kind]]
    if given not in allowed:
        raise UsageError(f"--status {given!r} is not {'an' if kind is m.Kind.INCIDENT else 'a'} "
                         f"{kind} status{suggest(given, allowed)}; use one of {', '.join(allowed)}")
    return m.Status(given)


def _component_id(cid: str, config: m.Config) -> str:
    ids = [c.id for c in config.walk()]
    if cid not in ids:
        raise UsageError(f"unknown component `{cid}`{suggest(cid, ids)}; components.yml has: "
                         f"{', '.join(ids)}")
    return cid


def _component_syntax(text: str, *, level_required: bool) -> tuple[str, str | None]:
    try:
        return parse_component(text, level_required=level_required)
    except AuthoringError as exc:
        raise UsageError(str(exc)) from exc


def _levels(given: Sequence[str], config: m.Config,
            allowed: Sequence[m.Level]) -> tuple[tuple[str, m.Level], ...]:
    names = [a.value for a in allowed]
    out: dict[str, m.Level] = {}
    for text in given:
        cid, level = _component_syntax(text, level_required=True)
        _component_id(cid, config)
        if level not in names:
            raise UsageError(f"--component {text!r}: `{level}` is not a level here"
                             f"{suggest(level or '', names)}; use one of {', '.join(names)}")
        if cid in out:
            raise UsageError(f"--component: `{cid}` is given twice; give each component once")
        out[cid] = m.Level(level)
    return tuple(out.items())


def _pairs(option: str, given: Sequence[str], example: str) -> list[tuple[str, str]]:
    found = []
    for text in given:
        name, sep, value = text.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UsageError(f"{option} {text!r}: write it as name=value, such as {example}")
        found.append((name.strip(), value.strip()))
    return found


def _declared(option: str, name: str, known: Sequence[str], what: str) -> str:
    if name not in known:
        listed = f"; components.yml declares: {', '.join(known)}" if known else \
            f"; components.yml declares none (incident_fields.{what})"
        raise UsageError(f"{option}: `{name}` is not declared{suggest(name, list(known))}{listed}")
    return name


def _metadata(args: argparse.Namespace, config: m.Config) -> Metadata:
    """What ``--severity``, ``--role``, ``--timestamp`` and ``--field`` give, each name checked
    against ``incident_fields`` (values are checked by validating the file)."""
    declared = config.incident_fields
    severity = getattr(args, "severity", None) or ""
    if severity:
        _declared("--severity", severity, [d.id for d in declared.severities], "severities")
    roles = [(_declared("--role", role, [r.id for r in declared.roles], "roles"), person)
             for role, person in _pairs("--role", args.role, "lead=Dana")]
    times = [(_declared("--timestamp", name, [t.id for t in declared.timestamps], "timestamps"),
              _timestamp(f"--timestamp {name}=", value))
             for name, value in _pairs("--timestamp", getattr(args, "timestamp", []),
                                       "detected=2026-11-22T06:50:00Z")]
    values: dict[str, list[str]] = {}
    for fid, value in _pairs("--field", args.field, "team=payments"):
        _declared("--field", fid, [f.id for f in declared.custom], "custom")
        values.setdefault(fid, []).append(value)
    for fid, given in values.items():
        field = declared.field(fid)
        if len(given) > 1 and field is not None and field.type is not m.FieldType.MULTI_SELECT:
            raise UsageError(f"--field {fid}: {with_article(field.type)} field takes one "
                             "value; give it once")
    for option, pairs in (("--role", roles), ("--timestamp", times)):
        names = [name for name, _ in pairs]
        twice = next((n for n in names if names.count(n) > 1), None)
        if twice is not None:
            raise UsageError(f"{option}: `{twice}` is given twice; give each once")
    return Metadata(severity=severity, roles=tuple(roles), timestamps=tuple(times),
                    fields=tuple((fid, tuple(v)) for fid, v in values.items()))


def _reference(args: argparse.Namespace, config: m.Config, kind: m.Kind) -> str:
    """``--reference``: as given, or the next free number for ``auto`` and by default when
    references are declared for ``kind`` (maintenance only with a ``maintenance_prefix``)."""
    form = config.incident_fields.reference
    prefix = form.prefix_for(kind) if form is not None else ""
    given = args.reference
    if given is None and not prefix:
        return ""
    if given is not None and given != AUTO:
        return str(given)
    if form is None:
        raise UsageError("--reference auto: components.yml declares no references; add "
                         "`reference: {prefix: INC-}` under incident_fields")
    if not prefix:
        raise UsageError("--reference auto: components.yml declares no maintenance references; "
                         "add `maintenance_prefix: MNT-` to `reference` under incident_fields")
    return _next_reference(args.root, form, kind)


def _next_reference(root: Path, form: m.ReferenceForm, kind: m.Kind = m.Kind.INCIDENT) -> str:
    loaded = load(DiskSource(root))
    return next_reference(form, references(loaded.repository.incidents if loaded.repository else ()),
                          kind)


def _git_user(root: Path) -> str:
    """The name git records as the author of commits in ``root``; ``""`` when it has none."""
    try:
        done = subprocess.run(["git", "-C", str(root), "config", "user.name"], check=False,
                              capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError, ValueError):
        return ""
    name = done.stdout.strip() if done.returncode == 0 else ""
    # Only a name that reads back as one line of text; otherwise nobody is recorded.
    return name if name.isprintable() else ""


def _interactive() -> bool:
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _run_editor(template: str) -> str:
    editor = os.environ.get("EDITOR") or "vi"
    handle, name = tempfile.mkstemp(prefix="statusgen-message-", suffix=".md")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(template)
        try:
            done = subprocess.run([*shlex.split(editor), name], check=False)
        except (OSError, ValueError) as exc:
            raise Refused(f"cannot run the editor `{editor}` ({exc}); set EDITOR or pass "
                          "--message") from exc
        if done.returncode != 0:
            raise Refused(f"the editor `{editor}` exited with status {done.returncode}; "
                          "nothing was written")
        try:
            edited = Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise Refused(f"cannot read what the editor saved: {exc}") from exc
    finally:
        Path(name).unlink(missing_ok=True)
    return message_from_editor(edited)


def _message(args: argparse.Namespace, what: str) -> str:
    if args.message is not None:
        if not args.message.strip():
            raise UsageError("--message is empty; tell readers what is happening")
        return str(args.message)
    if not _interactive():
        raise UsageError("no --message given, and there is no terminal to open an editor on; "
                         "pass --message TEXT")
    message = _run_editor(editor_template(what))
    if not message.strip():
        raise Refused("the message is empty; nothing was written")
    return message


# --------------------------------------------------------------------------
# Reading, validating, writing
# --------------------------------------------------------------------------


def _config(root: Path) -> m.Config:
    config, problems = read_config(DiskSource(root))
    if config is None:
        raise Refused(f"{CONFIG_FILE} cannot be read; fix it first", problems)
    return config


def _ids(root: Path) -> list[str]:
    folder = root / INCIDENTS_DIR
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.iterdir() if p.suffix == ".md" and p.is_file())


def _verify(rel: str, data: bytes, update: NewUpdate) -> None:
    """The written text reads back as exactly the update asked for (a guard on our own code)."""
    incident, _ = parse_incident(rel, data)
    if incident is None:
        return  # validation reports why
    first = incident.updates[0]
    if (first.at, first.status, first.message, first.internal, first.notify) != \
            (update.at, update.status, update.message, update.internal, update.notify):
        raise Refused(f"statusgen could not write this update faithfully to {rel}; nothing was "
                      "written. Please report this as a bug")


def _commit(args: argparse.Namespace, now: datetime, rel: str, data: bytes, update: NewUpdate,
            original: bytes | None) -> int:
    """Validate ``data`` as ``rel``, then write it; prints the path, or why it was refused."""
    _write(args, now, rel, data, update, original)
    print(rel)
    return EXIT_OK


def _write(args: argparse.Namespace, now: datetime, rel: str, data: bytes, update: NewUpdate,
           original: bytes | None) -> None:
    """Validate ``data`` as ``rel``, then write it; :class:`Refused` when it would not pass."""
    _verify(rel, data, update)
    mine = validated_edit(args.root, {rel: data}, now, args.strict)
    path = args.root / rel
    try:
        if original is None:
            create_file(path, data)
        else:
            replace_file(path, data, expected=original, keep_mode=True)
    except Changed as exc:
        raise Refused(f"{exc}; nothing was written, run the command again") from exc
    except OSError as exc:
        raise Refused(f"cannot write {rel}: {exc}") from exc
    if mine:
        sys.stderr.write(format_text(mine))


def _guarded(command: Command) -> Command:
    """Turn the commands' errors into a message on stderr and an exit code."""
    def run(args: argparse.Namespace, now: datetime) -> int:
        try:
            return command(args, now)
        except UsageError as exc:
            print(f"statusgen {args.command}: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except (Refused, EditRefused) as exc:
            sys.stderr.write(format_text(exc.diagnostics))
            print(f"statusgen {args.command}: {exc}", file=sys.stderr)
            return EXIT_PROBLEMS
        except AuthoringError as exc:
            print(f"statusgen {args.command}: {exc}", file=sys.stderr)
            return EXIT_PROBLEMS
    run.__doc__ = command.__doc__
    return run


# --------------------------------------------------------------------------
# The commands
# --------------------------------------------------------------------------


def _new_file(args: argparse.Namespace, now: datetime, text: str, title: str, date_at: datetime,
              update: NewUpdate, fallback: str) -> int:
    name = incident_name(title, date_at, _ids(args.root), fallback=fallback)
    rel = f"{INCIDENTS_DIR}/{name}.md"
    return _commit(args, now, rel, text.encode("utf-8"), update, None)


def _new(args: argparse.Namespace, now: datetime) -> int:
    """``statusgen new``."""
    if args.from_json is not None:
        return _new_from_json(args, now)
    if args.request_id is not None or args.id is not None:
        raise UsageError("--request-id and --id go with --from-json")
    if args.template is not None:
        return _new_from_template(args, now)
    if args.var:
        raise UsageError("--var goes with --template")
    if args.title is None or args.impact is None:
        raise UsageError("give the incident's title and --impact (or --from-json FILE)")
    config = _config(args.root)
    components = _levels(args.component, config, m.INCIDENT_LEVELS)
    status = _status(args.status or m.Status.INVESTIGATING.value, m.Kind.INCIDENT)
    at = _at(args, now)
    metadata = replace(_metadata(args, config), reference=_reference(args, config, m.Kind.INCIDENT))
    message = _message(args, f"the first update of “{args.title}”")
    update = NewUpdate(at=at, status=status, message=message, notify=args.notify,
                       next_update=args.next_update)
    person = args.by or _git_user(args.root)
    text = new_incident_text(args.title, m.Impact(args.impact), components, update,
                             internal=args.internal, metadata=metadata,
                             creator=(m.CreatorKind.USER, person) if person else None,
                             stage=m.Stage.TRIAGE if args.triage else None)
    return _new_file(args, now, text, args.title, at, update, "incident")


def _new_from_template(args: argparse.Namespace, now: datetime) -> int:
    """``statusgen new --template NAME``."""
    if args.title is not None or args.impact is not None or args.component:
        raise UsageError("with --template, the title, impact and components come from the "
                         "template: write them there, with placeholders such as {component} "
                         "that --var fills")
    values = dict(_pairs("--var", args.var, "component=API"))
    filled = fill(read_template(args.root, args.template), values, args.template)
    config = _config(args.root)
    at = _at(args, now)
    update = NewUpdate(at=at, status=_status(args.status or m.Status.INVESTIGATING.value,
                                             m.Kind.INCIDENT),
                       message=args.message or "", notify=args.notify,
                       next_update=args.next_update)
    if args.message is not None and not args.message.strip():
        raise UsageError("--message is empty; tell readers what is happening")
    text, title, message = from_template(filled, update, args.template)
    keys = metadata_keys(replace(_metadata(args, config),
                                 reference=_reference(args, config, m.Kind.INCIDENT)))
    if args.internal:
        keys["visibility"] = ["visibility: internal"]
    if keys:
        text = set_keys_text(text, keys, f"{TEMPLATES_DIR}/{args.template}.md")
    return _new_file(args, now, text, title, at, replace(update, message=message), "incident")


def _new_from_json(args: argparse.Namespace, now: datetime) -> int:
    """``statusgen new --from-json``: a create-incident request; prints the incident as JSON."""
    given = [name for name, value in (("TITLE", args.title), ("--impact", args.impact),
                                      ("--component", args.component), ("--status", args.status),
                                      ("--message", args.message), ("--internal", args.internal),
                                      ("--triage", args.triage))
             if value]
    if given:
        raise UsageError(f"--from-json takes the incident from the JSON; leave out {', '.join(given)}")
    if args.request_id is not None and not REQUEST_ID.match(args.request_id):
        raise UsageError("--request-id: use 1 to 64 letters, digits, `.`, `_` and `-`")
    if args.id is not None and not INCIDENT_ID.match(args.id):
        raise UsageError("--id: use 1 to 120 lower-case letters, digits and `-`")
    config = _config(args.root)
    try:
        request = parse_request(read_input(args.from_json, MAX_PAYLOAD), config.api)
    except OSError as exc:
        raise UsageError(f"--from-json {args.from_json}: {exc.strerror or exc}") from exc
    except RequestError as exc:
        raise Refused(f"the request cannot create an incident: {exc}; nothing was written") from exc
    loaded = load(DiskSource(args.root))
    incidents = loaded.repository.incidents if loaded.repository else ()
    source = f"api/{args.request_id}" if args.request_id else ""
    done = next((i for i in incidents if source and i.source == source), None)
    if done is not None:
        print(f"statusgen new: request {args.request_id} already created {done.path}; "
              "nothing was written", file=sys.stderr)
        print(json.dumps(incident_json(done, config, request.service_id), indent=2,
                         ensure_ascii=False))
        return EXIT_OK
    at = _at(args, now)
    update = NewUpdate(at=at, status=request.stage, message=request.message)
    metadata = Metadata(reference=_reference(args, config, m.Kind.INCIDENT))
    text = new_incident_text(request.title, request.impact, request.components, update,
                             metadata=metadata, source=source,
                             creator=(m.CreatorKind.API_KEY, args.by or "api"))
    name = args.id or incident_name(request.title, at, _ids(args.root))
    rel = f"{INCIDENTS_DIR}/{name}.md"
    if args.id is not None and (args.root / rel).exists():
        raise Refused(f"--id {args.id}: {rel} already exists and holds another incident; "
                      "nothing was written")
    data = text.encode("utf-8")
    _write(args, now, rel, data, update, None)
    incident, _ = parse_incident(rel, data)
    assert incident is not None  # it was validated before it was written
    print(json.dumps(incident_json(incident, config, request.service_id), indent=2,
                     ensure_ascii=False))
    return EXIT_OK


def _maintenance(args: argparse.Namespace, now: datetime) -> int:
    """``statusgen maintenance``."""
    config = _config(args.root)
    ids: list[str] = []
    for given in args.component:
        cid, _ = _component_syntax(given, level_required=False)
        if cid in ids:
            raise UsageError(f"--component: `{cid}` is given twice; give each component once")
        ids.append(_component_id(cid, config))
    start = _timestamp("--start", args.start)
    end = _timestamp("--end", args.end)
    if end <= start:
        raise UsageError(f"--end {args.end} is not after --start {args.start}")
    if args.repeat and args.retrospective:
        raise UsageError("--repeat goes without --retrospective: a recurring maintenance is "
                         "announced, and its occurrences recorded by updates naming them")
    update = _first_maintenance_update(args, now, end)
    metadata = replace(_metadata(args, config),
                       reference=_reference(args, config, m.Kind.MAINTENANCE))
    message = _message(args, f"the {'record' if args.retrospective else 'announcement'} of "
                       f"“{args.title}”")
    update = replace(update, message=message)
    text = new_maintenance_text(args.title, start, end, ids, update, internal=args.internal,
                                retrospective=args.retrospective, metadata=metadata,
                                repeat=args.repeat)
    return _new_file(args, now, text, args.title, start, update, "maintenance")


def _first_maintenance_update(args: argparse.Namespace, now: datetime, end: datetime) -> NewUpdate:
    """The ``scheduled`` update of a window still to come, or with ``--retrospective`` the
    ``completed`` one of a window that has ended (its message still to be given)."""
    if not args.retrospective:
        if end <= now:
            raise UsageError(f"--end {args.end}: the window has already ended (now is "
                             f"{stamp(now)}), so announcing it would tell readers of work that "
                             "is over; check the dates and the zone, or add --retrospective to "
                             "record a maintenance that already happened")
        return NewUpdate(at=_at(args, now), status=m.Status.SCHEDULED, message="")
    if end > now:
        raise UsageError(f"--retrospective: the window ends at {stamp(end)}, after now "
                         f"({stamp(now)}); leave out --retrospective to schedule it")
    if args.at is not None:
        raise UsageError("--at goes without --retrospective: a retrospective maintenance's "
                         "one update is its `completed`, at the window's end")
    # Never announced: a channel asking for retrospective entries would otherwise send it.
    return NewUpdate(at=end, status=m.Status.COMPLETED, message="", notify=False)


def _existing(args: argparse.Namespace) -> tuple[str, bytes, m.Incident]:
    """The open incident ``args.id`` names: its path, its bytes, and what it says now."""
    rel, raw, incident = read_existing(args)
    if args.occurrence is not None and not incident.repeat:
        raise UsageError(f"--occurrence: {rel} is not a recurring maintenance (it has no `repeat`)")
    if incident.repeat and args.occurrence is None and args.command != "update":
        raise UsageError(f"{rel} is a recurring maintenance: name the occurrence with "
                         "--occurrence DATE; to end the series, give its `repeat` an UNTIL")
    if incident.terminal is not None and not incident.repeat:  # a series' occurrences end apart
        raise Refused(f"{rel} is already {incident.terminal.status} (at "
                      f"{stamp(incident.terminal.at)}); an ended {incident.kind} takes no more "
                      "updates. Open a new one with `statusgen new` if it happened again")
    return rel, raw, incident


def read_existing(args: argparse.Namespace) -> tuple[str, bytes, m.Incident]:
    """The incident ``args.id`` names, ended or not: its path, its bytes, what it says now."""
    try:
        name = resolve_id(args.id, _ids(args.root))
    except AuthoringError as exc:
        raise UsageError(str(exc)) from exc
    rel = f"{INCIDENTS_DIR}/{name}.md"
    try:
        raw = (args.root / rel).read_bytes()
    except OSError as exc:
        raise Refused(f"cannot read {rel}: {exc.strerror}") from exc
    incident, problems = parse_incident(rel, raw)
    if incident is None:
        raise Refused(f"{rel} cannot be read; fix it first", problems)
    return rel, raw, incident


def _changed_keys(args: argparse.Namespace, incident: m.Incident) -> dict[str, list[str]]:
    """The front matter keys ``--severity``, ``--role``, ``--timestamp`` and ``--field`` set on
    ``incident``, merged with what it records (only the keys given are rewritten)."""
    given = _metadata(args, _config(args.root))
    if given == Metadata():
        return {}
    if given.severity and incident.kind is m.Kind.MAINTENANCE:
        raise UsageError("--severity: maintenance has no severity")
    keys = metadata_keys(given.merged_over(incident))
    return {name: lines for name, lines in keys.items() if name in metadata_keys(given)}


def _add(args: argparse.Namespace, now: datetime, rel: str, raw: bytes, incident: m.Incident,
         update: NewUpdate, keys: dict[str, list[str]]) -> int:
    newest = incident.updates[0]
    if update.at < newest.at:
        raise UsageError(f"the update's time {stamp(update.at)} is before the newest update "
                         f"({stamp(newest.at)}, {newest.status}); updates are newest first, "
                         "give a later --at")
    try:
        text = add_update_text(set_keys_text(raw.decode("utf-8"), keys, rel), update, rel)
    except UnicodeDecodeError as exc:  # parse_incident accepted it, so this cannot happen
        raise Refused(f"{rel} is not UTF-8") from exc
    return _commit(args, now, rel, text.encode("utf-8"), update, raw)


def _update(args: argparse.Namespace, now: datetime) -> int:
    """``statusgen update``."""
    rel, raw, incident = _existing(args)
    current = next((u.status for u in incident.updates if u.occurrence == args.occurrence),
                   m.Status.SCHEDULED)
    status = _status(args.status, incident.kind) if args.status else current
    components = None
    if args.component:
        if incident.kind is m.Kind.MAINTENANCE:
            raise UsageError("maintenance updates cannot set component levels; the "
                             "maintenance's components are under maintenance for its window")
        config = _config(args.root)
        components = _levels(args.component, config, (m.Level.OPERATIONAL, *m.INCIDENT_LEVELS))
    at = _at(args, now)
    keys = _changed_keys(args, incident)
    message = _message(args, f"the {status} update of {rel}")
    update = NewUpdate(at=at, status=status, message=message, internal=args.internal,
                       components=components, notify=args.notify, next_update=args.next_update,
                       occurrence=args.occurrence)
    return _add(args, now, rel, raw, incident, update, keys)


def _resolve(args: argparse.Namespace, now: datetime) -> int:
    """``statusgen resolve``."""
    rel, raw, incident = _existing(args)
    status = m.TERMINAL[incident.kind]
    at = _at(args, now)
    keys = _changed_keys(args, incident)
    message = _message(args, f"the {status} update of {rel}")
    update = NewUpdate(at=at, status=status, message=message, internal=args.internal,
                       notify=args.notify, occurrence=args.occurrence)
    return _add(args, now, rel, raw, incident, update, keys)


cmd_new = _guarded(_new)
cmd_update = _guarded(_update)
cmd_resolve = _guarded(_resolve)
cmd_maintenance = _guarded(_maintenance)
