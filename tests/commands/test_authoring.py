"""Writing incidents: the pure text functions and `statusgen new | update | resolve | maintenance`."""

from __future__ import annotations

import difflib
import os
import pty
import select
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from statusgen import model as m
from statusgen.authoring.text import (
    AuthoringError,
    NewUpdate,
    add_update_text,
    block_scalar,
    double_quoted,
    incident_name,
    inline_scalar,
    message_from_editor,
    new_incident_text,
    new_maintenance_text,
    parse_component,
    resolve_id,
    slugify,
    split_lines,
)
from statusgen.commands.cli import main
from statusgen.notify.events import due_events
from statusgen.source.load import load
from statusgen.source.parse import parse_incident
from statusgen.source.schema import invisible
from statusgen.source.tree import DiskSource
from tests.helpers import INCIDENT, MAINTENANCE, NOW, REPO_ROOT, tree, validate

StatusRepo = Callable[[Mapping[str, str | bytes]], Path]
NOW_ARG = "2026-11-22T09:00:00Z"


def update(message: str = "Things are better.", **changes: object) -> NewUpdate:
    fields: dict[str, object] = {"at": NOW, "status": m.Status.IDENTIFIED, "message": message}
    fields.update(changes)
    return NewUpdate(**fields)  # type: ignore[arg-type]


def parsed(text: str, path: str = "incidents/x.md") -> m.Incident:
    incident, problems = parse_incident(path, text.encode("utf-8"))
    assert incident is not None, problems
    return incident


def run(root: Path, *argv: str, now: str = NOW_ARG) -> int:
    return main([*argv, "--root", str(root), "--now", now])



# --------------------------------------------------------------------------
# Names and ids
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("title", "slug"), [
    ("Elevated API response times", "elevated-api-response-times"),
    ("  Café: 50% — of *all* requests!  ", "cafe-50-of-all-requests"),
    ("Déjà vu / ÜBER", "deja-vu-uber"),
    ("障害", "incident"),
    ("---", "incident"),
])
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_slugify_cuts_long_titles_at_a_hyphen() -> None:
    title = "The primary database cluster in the European region is refusing every write"
    slug = slugify(title)
    assert len(slug) <= 60
    assert title.lower().replace(" ", "-").startswith(slug)
    assert not slug.endswith("-")
    assert slugify("x" * 100) == "x" * 60


def test_incident_name_is_dated_in_utc_and_unique() -> None:
    late = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    berlin = datetime.fromisoformat("2026-11-23T00:30:00+01:00")  # still the 22nd in UTC
    assert incident_name("API down", late, []) == "2026-11-22-api-down"
    assert incident_name("API down", berlin, []) == "2026-11-22-api-down"
    taken = ["2026-11-22-api-down", "2026-11-22-API-DOWN-2"]
    assert incident_name("API down", late, taken) == "2026-11-22-api-down-3"


def test_resolve_id() -> None:
    ids = ["2026-11-03-database-outage", "2026-11-22-api-latency", "2026-11-22-api-errors"]
    assert resolve_id("2026-11-22-api-latency", ids) == "2026-11-22-api-latency"
    assert resolve_id("2026-11-22-api-latency.md", ids) == "2026-11-22-api-latency"
    assert resolve_id("incidents/2026-11-22-api-latency.md", ids) == "2026-11-22-api-latency"
    assert resolve_id("./incidents/2026-11-03", ids) == "2026-11-03-database-outage"
    with pytest.raises(AuthoringError) as ambiguous:
        resolve_id("2026-11-22-api", ids)
    assert "2026-11-22-api-latency" in str(ambiguous.value)
    assert "2026-11-22-api-errors" in str(ambiguous.value)
    with pytest.raises(AuthoringError, match="did you mean `2026-11-03-database-outage`"):
        resolve_id("database-outgae", ids)
    with pytest.raises(AuthoringError, match="no incident `nothing-like-it`"):
        resolve_id("nothing-like-it", ids)
    assert resolve_id("api-lat", ids) == "2026-11-22-api-latency"  # after the date
    with pytest.raises(AuthoringError, match="matches 2 incidents"):
        resolve_id("api", ids)


def test_parse_component() -> None:
    assert parse_component("api=partial_outage", level_required=True) == ("api", "partial_outage")
    assert parse_component("db", level_required=False) == ("db", None)
    for bad in ("api", "=partial_outage", "api=", "api:partial_outage"):
        with pytest.raises(AuthoringError, match="id=level"):
            parse_component(bad, level_required=True)
    with pytest.raises(AuthoringError, match="ids only"):
        parse_component("db=under_maintenance", level_required=False)


# --------------------------------------------------------------------------
# YAML values that read back exactly
# --------------------------------------------------------------------------

TRICKY = [
    "plain words",
    "a: colon and space",
    "ends with colon:",
    "# not a comment",
    "text # and a comment",
    "- leading dash",
    '"quoted" and \'single\'',
    "true",
    "no",
    "123",
    "1e3",
    "2026-11-22",
    "null",
    "~",
    "  leading and trailing  ",
    "tab\there",
    "backslash \\ and \\n",
    "unicode: Ünïcödé ✓ 障害 🙂",
    "line\u2028separator and \x85 next line",
    "bom \ufeff inside",
    "control \x07 \x1b characters",
    "@at `backtick` %percent &anchor *alias !tag |pipe >fold",
    "{flow: map}",
    "[flow, list]",
    "carriage\rreturn",
]

MULTILINE = [
    "first line\nsecond line",
    "first line\nsecond line\n",
    "ends with blank lines\n\n\n",
    "  indented first line\nthen not",
    "\n\nleading blank lines\nx",
    "a: b\n# c\n- d\n---\n...\n  e",
    "trailing spaces   \nand a line of spaces\n     \nend",
    "crlf\r\ninside",
    "tab\tindented\n\tsecond",
]


@pytest.mark.parametrize("text", TRICKY + MULTILINE)
def test_block_scalar_reads_back(text: str) -> None:
    lines = block_scalar("message", text)
    assert yaml.safe_load("\n".join(lines) + "\n") == {"message": text}


@pytest.mark.parametrize("text", TRICKY)
def test_inline_scalar_reads_back(text: str) -> None:
    value = inline_scalar(text)
    assert "\n" not in value
    assert yaml.safe_load(f"k: {value}\n") == {"k": text}


def test_multi_line_messages_are_literal_blocks() -> None:
    assert block_scalar("message", "one\ntwo") == ["message: |-", "  one", "  two"]
    assert block_scalar("message", "one\ntwo\n") == ["message: |", "  one", "  two"]
    assert block_scalar("message", "one line") == ["message: one line"]
    assert double_quoted('say "hi"\n') == '"say \\"hi\\"\\n"'


def refused(text: str, *, one_line: bool) -> bool:
    """Whether the format refuses ``text`` (control characters; line breaks in one-line text)."""
    if one_line:
        return invisible(text.strip()) is not None or any(c in text.strip() for c in "\n\r\x85\u2028\u2029")
    return invisible(text, markdown=True) is not None


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1))
def test_any_message_round_trips_through_a_new_file(text: str) -> None:
    written = new_incident_text("T", m.Impact.MINOR, [], update(text))
    incident, problems = parse_incident("incidents/x.md", written.encode("utf-8"))
    if refused(text, one_line=False):
        # What the format refuses is refused at its place, never read as another value.
        assert incident is None and {d.code for d in problems} == {"text"}
    else:
        assert incident is not None, problems
        assert incident.updates[0].message == text


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1), st.text(min_size=1))
def test_any_added_update_round_trips(title: str, text: str) -> None:
    assume(not refused(title, one_line=True))
    original = new_incident_text(title, m.Impact.MINOR, [], update("first",
                                 at=NOW - timedelta(hours=1), status=m.Status.INVESTIGATING))
    added = add_update_text(original, update(text))
    incident, problems = parse_incident("incidents/x.md", added.encode("utf-8"))
    if refused(text, one_line=False):
        assert incident is None and {d.code for d in problems} == {"text"}
        return
    assert incident is not None, problems
    assert incident.title == title.strip()
    assert [u.message for u in incident.updates] == [text, "first"]


# --------------------------------------------------------------------------
# New files
# --------------------------------------------------------------------------


def test_new_incident_text() -> None:
    text = new_incident_text(
        "API errors: 5xx", m.Impact.MAJOR,
        [("api", m.Level.PARTIAL_OUTAGE), ("db", m.Level.DEGRADED_PERFORMANCE)],
        update("We are investigating.", status=m.Status.INVESTIGATING), internal=True)
    assert text == (
        "---\n"
        'title: "API errors: 5xx"\n'
        "impact: major\n"
        "components:\n"
        "  api: partial_outage\n"
        "  db: degraded_performance\n"
        "visibility: internal\n"
        "updates:\n"
        "  - at: 2026-11-22T09:00:00Z\n"
        "    status: investigating\n"
        "    message: We are investigating.\n"
        "---\n"
    )
    incident = parsed(text)
    assert incident.visibility is m.Visibility.INTERNAL
    assert [(r.id, r.level) for r in incident.components] == [
        ("api", m.Level.PARTIAL_OUTAGE), ("db", m.Level.DEGRADED_PERFORMANCE)]


def test_new_maintenance_text() -> None:
    start = datetime(2026, 12, 1, 2, tzinfo=UTC)
    text = new_maintenance_text("Upgrade", start, start + timedelta(hours=2), ["db", "queue"],
                                update("Read-only.", status=m.Status.SCHEDULED))
    incident = parsed(text)
    assert incident.kind is m.Kind.MAINTENANCE
    assert incident.window is not None and incident.window.start == start
    assert [r.id for r in incident.components] == ["db", "queue"]
    assert incident.updates[0].status is m.Status.SCHEDULED


# --------------------------------------------------------------------------
# Adding an update in place
# --------------------------------------------------------------------------

HAND_WRITTEN = (
    "\ufeff---\r\n"
    "# An incident, written by hand.\r\n"
    "title: 'Elevated errors: the \"API\"'   # quoted on purpose\r\n"
    "impact: major\r\n"
    "components: {api: partial_outage}\r\n"
    "updates:    # newest first\r\n"
    "\r\n"
    "    -   status: identified\r\n"
    "        at: \"2026-11-22T08:30:00Z\"\r\n"
    "        message: >\r\n"
    "          Folded text\r\n"
    "          over lines.\r\n"
    "        components:\r\n"
    "            api: major_outage\r\n"
    "    # the first one\r\n"
    "    -   status: investigating\r\n"
    "        at: 2026-11-22T08:00:00Z\r\n"
    "        message: Looking.\r\n"
    "---\r\n"
    "\r\n"
    "## Notes\r\n"
    "\r\n"
    "A body with `code`, a list:\r\n"
    "- one\r\n"
    "- two"  # no final line end
)


def only_insertions(before: str, after: str) -> list[str]:
    """The lines ``after`` adds to ``before``; fails unless they are one contiguous insertion."""
    a, b = split_lines(before), split_lines(after)
    opcodes = [op for op in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
               if op[0] != "equal"]
    assert len(opcodes) == 1, opcodes
    tag, i1, i2, j1, j2 = opcodes[0]
    assert tag == "insert"
    assert i1 == i2
    assert a[i1 - 1].startswith("updates:")
    return b[j1:j2]


def test_add_update_keeps_every_byte_of_a_hand_written_file() -> None:
    new = update("Fixed: \"all\" # of it\n\nsecond paragraph", at=NOW,
                 status=m.Status.MONITORING, internal=True,
                 components=(("api", m.Level.OPERATIONAL),))
    after = add_update_text(HAND_WRITTEN, new)
    added = only_insertions(HAND_WRITTEN, after)
    assert after.startswith("\ufeff---\r\n")
    assert after.endswith("- two")
    assert all(line.endswith("\r\n") and not line.endswith("\r\r\n") for line in added)
    # Dashed, indented and ordered like the first update; block components like it.
    assert "".join(added) == (
        "    -   status: monitoring\r\n"
        "        at: 2026-11-22T09:00:00Z\r\n"
        "        message: |-\r\n"
        '          Fixed: "all" # of it\r\n'
        "\r\n"
        "          second paragraph\r\n"
        "        components:\r\n"
        "            api: operational\r\n"
        "        internal: true\r\n"
    )
    incident = parsed(after)
    first = incident.updates[0]
    assert (first.status, first.at, first.message, first.internal) == (
        m.Status.MONITORING, NOW, new.message, True)
    assert [(r.id, r.level) for r in first.components or ()] == [("api", m.Level.OPERATIONAL)]
    assert [u.message for u in incident.updates[1:]] == ["Folded text over lines.\n", "Looking."]
    assert incident.body.startswith("## Notes")


def test_add_update_to_the_example_files() -> None:
    for path in sorted((REPO_ROOT / "incidents").glob("*.md")):
        original = path.read_bytes().decode("utf-8")
        after = add_update_text(original, update("Another one.\nOn two lines."), str(path))
        only_insertions(original, after)
        assert parsed(after).updates[0].message == "Another one.\nOn two lines."


def test_add_update_indentless_and_dash_on_its_own_line() -> None:
    indentless = "---\ntitle: T\nimpact: minor\nupdates:\n- at: 2026-11-22T08:00:00Z\n" \
                 "  status: investigating\n  message: m\n---\n"
    after = add_update_text(indentless, update("n"))
    assert only_insertions(indentless, after) == [
        "- at: 2026-11-22T09:00:00Z\n", "  status: identified\n", "  message: n\n"]
    lonely = "---\ntitle: T\nimpact: minor\nupdates:\n  -\n    at: 2026-11-22T08:00:00Z\n" \
             "    status: investigating\n    message: m\n---\n"
    after = add_update_text(lonely, update("n"))
    assert only_insertions(lonely, after)[0] == "  - at: 2026-11-22T09:00:00Z\n"
    assert parsed(after).updates[0].message == "n"


def test_add_update_mirrors_flow_components_and_key_order() -> None:
    original = REPO_ROOT.joinpath("incidents", "2026-11-22-api-latency.md").read_text("utf-8")
    after = add_update_text(original, update("x", internal=True,
                                             components=(("api", m.Level.OPERATIONAL),)))
    assert only_insertions(original, after) == [
        "  - at: 2026-11-22T09:00:00Z\n", "    status: identified\n", "    internal: true\n",
        "    message: x\n", "    components: {api: operational}\n"]


def test_flow_style_updates_are_refused() -> None:
    flow = "---\ntitle: T\nimpact: minor\nupdates: [{at: 2026-11-22T08:00:00Z, " \
           "status: investigating, message: m}]\n---\n"
    with pytest.raises(AuthoringError, match="flow style"):
        add_update_text(flow, update())


def test_message_from_editor() -> None:
    edited = "\nFirst line.\n\nSecond: with # hash\n# a comment\n\n"
    assert message_from_editor(edited) == "First line.\n\nSecond: with # hash"
    assert message_from_editor("# only comments\n\n") == ""


# --------------------------------------------------------------------------
# The commands
# --------------------------------------------------------------------------


def test_new_writes_a_valid_file(status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({})
    code = run(root, "new", "API errors: \"5xx\"", "--impact", "major",
               "--component", "api=partial_outage", "--component", "db=degraded_performance",
               "--message", "We are investigating:\n- errors\n- # timeouts")
    out = capsys.readouterr()
    assert code == 0, out.err
    assert out.out == "incidents/2026-11-22-api-errors-5xx.md\n"
    assert validate(root) == []
    incident = parsed((root / out.out.strip()).read_text("utf-8"))
    assert incident.title == 'API errors: "5xx"'
    assert incident.updates[0].message == "We are investigating:\n- errors\n- # timeouts"
    assert incident.updates[0].at == NOW
    assert incident.visibility is m.Visibility.PUBLIC
    mode = (root / out.out.strip()).stat().st_mode
    assert stat.S_IMODE(mode) == 0o666 & ~_umask()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def test_new_names_are_unique(status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({})
    names = []
    for title in ("Queue delays", "Queue delays", "Queue: delays!"):
        assert run(root, "new", title, "--impact", "minor", "--component",
                   "queue=degraded_performance", "--message", "Slow.", "--internal") == 0
        names.append(capsys.readouterr().out.strip())
    assert names == ["incidents/2026-11-22-queue-delays.md", "incidents/2026-11-22-queue-delays-2.md",
                     "incidents/2026-11-22-queue-delays-3.md"]
    # Valid; the later two are flagged as duplicates of the first, which is the point.
    assert {(d.severity, d.code) for d in validate(root)} == {("warning", "duplicate-open")}
    assert all(parsed((root / n).read_text()).visibility is m.Visibility.INTERNAL for n in names)


def test_new_with_at_dates_the_file(status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({})
    assert run(root, "new", "Late night", "--impact", "minor", "--message", "x",
               "--at", "2026-11-22T00:30:00+01:00") == 0
    name = capsys.readouterr().out.strip()
    assert name == "incidents/2026-11-21-late-night.md"
    assert "at: 2026-11-22T00:30:00+01:00\n" in (root / name).read_text()


def test_maintenance(status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({})
    code = run(root, "maintenance", "Database upgrade", "--start", "2026-12-01T02:00:00Z",
               "--end", "2026-12-01T04:00:00Z", "--component", "db", "--component", "queue",
               "--message", "Read-only for two hours.")
    name = capsys.readouterr().out.strip()
    assert code == 0
    assert name == "incidents/2026-12-01-database-upgrade.md"
    assert validate(root) == []
    incident = parsed((root / name).read_text())
    assert incident.kind is m.Kind.MAINTENANCE
    assert incident.updates[0].status is m.Status.SCHEDULED
    # Resolving a maintenance completes it.
    assert run(root, "resolve", "2026-12-01", "--message", "Done.", "--at",
               "2026-11-22T09:01:00Z") == 0
    assert parsed((root / name).read_text()).updates[0].status is m.Status.COMPLETED
    assert validate(root) == []


def test_maintenance_that_repeats(status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({})
    window = ("--start", "2026-12-01T02:00:00Z", "--end", "2026-12-01T03:00:00Z")
    assert run(root, "maintenance", "Patching", *window, "--component", "db", "--repeat",
               "FREQ=WEEKLY;BYDAY=TU", "--message", "Every Tuesday.") == 0
    name = capsys.readouterr().out.strip()
    assert parsed((root / name).read_text()).repeat == "FREQ=WEEKLY;BYDAY=TU"
    assert validate(root) == []
    # A rule that does not read is refused, located in the text it would have written.
    assert run(root, "maintenance", "Other", *window, "--repeat", "FREQ=WEEKLY;BYDAY=XX",
               "--message", "No.") == 1
    assert "invalid 'BYDAY': XX [repeat]" in capsys.readouterr().err
    assert sorted(p.name for p in (root / "incidents").iterdir()) == [Path(name).name]
    # Each occurrence takes its own updates; resolving one before it starts cancels it.
    assert run(root, "update", "patching", "--occurrence", "2026-12-01", "--status",
               "in_progress", "--message", "Started.", "--at", "2026-11-22T09:00:00Z") == 0
    assert run(root, "resolve", "patching", "--occurrence", "2026-12-08", "--message",
               "Not this week.", "--at", "2026-11-22T09:01:00Z") == 0
    assert run(root, "resolve", "patching", "--occurrence", "2026-12-01", "--message",
               "Done.", "--at", "2026-11-22T09:02:00Z") == 0
    written = parsed((root / name).read_text())
    assert [(u.status, u.occurrence and u.occurrence.isoformat()) for u in written.updates] == [
        (m.Status.COMPLETED, "2026-12-01"), (m.Status.COMPLETED, "2026-12-08"),
        (m.Status.IN_PROGRESS, "2026-12-01"), (m.Status.SCHEDULED, None)]
    assert validate(root) == []
    capsys.readouterr()
    assert run(root, "resolve", "patching", "--message", "All of it?") == 2
    assert "name the occurrence with --occurrence DATE" in capsys.readouterr().err


def test_maintenance_after_the_fact(status_repo: StatusRepo,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({})
    code = run(root, "maintenance", "Storage refresh", "--start", "2026-11-17T02:00:00+01:00",
               "--end", "2026-11-17T04:00:00+01:00", "--component", "db", "--retrospective",
               "--message", "Replaced the storage nodes; nobody noticed.")
    name = capsys.readouterr().out.strip()
    assert (code, name) == (0, "incidents/2026-11-17-storage-refresh.md")
    assert validate(root) == []
    incident = parsed((root / name).read_text())
    assert incident.mode is m.Mode.RETROSPECTIVE
    # Over when it ended, and announced to no channel, whatever the channel asks for.
    [done] = incident.updates
    assert (done.status, done.at, done.notify) == (
        m.Status.COMPLETED, datetime(2026, 11, 17, 3, tzinfo=UTC), False)
    loaded = load(DiskSource(root)).repository
    assert loaded is not None and due_events(loaded, NOW) == ()


def test_update_then_resolve(status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({"incidents/2026-11-22-api-errors.md": INCIDENT})
    before = (root / "incidents/2026-11-22-api-errors.md").read_text()
    assert run(root, "update", "2026-11-22-api", "--status", "identified", "--message",
               "Found it.", "--component", "api=major_outage", "--at", "2026-11-22T08:30:00Z") == 0
    assert capsys.readouterr().out == "incidents/2026-11-22-api-errors.md\n"
    assert run(root, "resolve", "incidents/2026-11-22-api-errors.md", "--message", "Fixed.") == 0
    after = (root / "incidents/2026-11-22-api-errors.md").read_text()
    assert validate(root) == []
    incident = parsed(after)
    assert [(u.status, u.message) for u in incident.updates] == [
        (m.Status.RESOLVED, "Fixed."), (m.Status.IDENTIFIED, "Found it."),
        (m.Status.INVESTIGATING, "We are looking into it.")]
    assert incident.body == before.split("---\n", 2)[2].strip()
    # Without --status an update keeps the current one.
    root2 = status_repo({"incidents/2026-11-22-api-errors.md": INCIDENT})
    assert run(root2, "update", "2026-11-22-api-errors.md", "--message", "Still looking.",
               "--internal") == 0
    first = parsed((root2 / "incidents/2026-11-22-api-errors.md").read_text()).updates[0]
    assert (first.status, first.internal) == (m.Status.INVESTIGATING, True)


def test_update_keeps_the_bytes_and_mode(status_repo: StatusRepo,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({"incidents/2026-11-22-hand.md": HAND_WRITTEN.encode("utf-8")})
    path = root / "incidents/2026-11-22-hand.md"
    path.chmod(0o640)
    assert run(root, "update", "2026-11-22-hand", "--status", "monitoring", "--message",
               "Better.") == 0, capsys.readouterr().err
    after = path.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf---\r\n")
    added = only_insertions(HAND_WRITTEN, after.decode("utf-8"))
    assert added[0] == "    -   status: monitoring\r\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == ["2026-11-22-hand.md"]


@pytest.mark.parametrize(("argv", "code", "says"), [
    (["new", "T", "--impact", "minor", "--message", "x", "--component", "apx=partial_outage"],
     2, "unknown component `apx` (did you mean `api`?); components.yml has: api, platform, db, queue"),
    (["new", "T", "--impact", "minor", "--message", "x", "--component", "api"], 2, "id=level"),
    (["new", "T", "--impact", "minor", "--message", "x", "--component", "api=operational"],
     2, "not a level here"),
    (["new", "T", "--impact", "minor", "--message", "x", "--status", "investigatin"],
     2, "did you mean `investigating`?"),
    (["new", "T", "--impact", "minor", "--message", "x", "--at", "2026-11-22T09:06:00Z"],
     2, "in the future"),
    (["new", "T", "--impact", "minor", "--message", "x", "--at", "2026-11-22T08:00:00"],
     2, "has no time zone"),
    (["new", "T", "--impact", "minor", "--message", "x", "--at", "0001-01-01T00:30:00+01:00"],
     2, "outside the times statusgen can show"),
    (["maintenance", "M", "--start", "2026-12-01T02:00:00Z", "--end", "9999-12-31T23:59:59-01:00",
      "--component", "db", "--message", "x"], 2, "outside the times statusgen can show"),
    (["new", "T", "--impact", "minor", "--message", "  "], 2, "--message is empty"),
    (["new", "T", "--impact", "minor", "--message", "See [it](gone.md)."], 1, "[link]"),
    (["update", "2026-11-2", "--message", "x"], 2, "matches 3 incidents"),
    (["update", "api-erors", "--message", "x"], 2, "did you mean `2026-11-22-api-errors`?"),
    (["update", "2026-11-22-api-errors", "--message", "x", "--status", "completed"],
     2, "use one of investigating, identified, monitoring, resolved"),
    (["update", "2026-11-22-api-errors", "--message", "x", "--component", "api=major_outag"],
     2, "did you mean `major_outage`?"),
    (["update", "2026-11-22-api-errors", "--message", "x", "--at", "2026-11-22T07:00:00Z"],
     2, "is before the newest update"),
    (["update", "2026-11-20-upgrade", "--message", "x", "--component", "db=major_outage"],
     2, "maintenance updates cannot set component levels"),
    (["update", "2026-11-20-upgrade", "--message", "x", "--status", "resolved"],
     2, "is not a maintenance status"),
    (["resolve", "2026-11-21-done", "--message", "x"], 1, "is already resolved"),
    (["resolve", "2026-11-22-api-errors", "--message", "x", "--internal"],
     1, "[internal-terminal]"),
    (["maintenance", "M", "--start", "2026-12-01T02:00:00Z", "--end", "2026-12-01T01:00:00Z",
      "--component", "db", "--message", "x"], 2, "is not after --start"),
    (["maintenance", "M", "--start", "2026-12-01T02:00:00Z", "--end", "2026-12-01T04:00:00Z",
      "--component", "db=under_maintenance", "--message", "x"], 2, "ids only"),
    (["maintenance", "M", "--start", "2026-12-01T02:00:00Z", "--end", "2026-12-01T04:00:00Z",
      "--component", "dbs", "--message", "x"], 2, "unknown component `dbs`"),
    (["maintenance", "M", "--start", "2026-11-17T02:00:00Z", "--end", "2026-11-17T04:00:00Z",
      "--component", "db", "--message", "x"], 2, "--end 2026-11-17T04:00:00Z: the window has "
     "already ended (now is 2026-11-22T09:00:00Z), so announcing it would tell readers of work "
     "that is over; check the dates and the zone, or add --retrospective"),
    (["maintenance", "M", "--start", "2026-12-01T02:00:00Z", "--end", "2026-12-01T04:00:00Z",
      "--message", "x", "--retrospective"], 2, "--retrospective: the window ends at "
     "2026-12-01T04:00:00Z, after now (2026-11-22T09:00:00Z); leave out --retrospective"),
    (["maintenance", "M", "--start", "2026-11-17T02:00:00Z", "--end", "2026-11-17T04:00:00Z",
      "--message", "x", "--retrospective", "--at", "2026-11-18T00:00:00Z"], 2,
     "--at goes without --retrospective"),
])
def test_bad_requests_write_nothing(status_repo: StatusRepo, capsys: pytest.CaptureFixture[str],
                                    argv: list[str], code: int, says: str) -> None:
    done = INCIDENT.replace("  - at: 2026-11-22T08:00:00Z",
                            "  - at: 2026-11-21T09:00:00Z\n    status: resolved\n"
                            "    message: Over.\n  - at: 2026-11-21T08:00:00Z")
    root = status_repo({"incidents/2026-11-22-api-errors.md": INCIDENT,
                        "incidents/2026-11-21-done.md": done,
                        "incidents/2026-11-20-upgrade.md": MAINTENANCE})
    before = tree(root)
    assert run(root, *argv) == code
    out = capsys.readouterr()
    assert says in out.err
    assert out.out == ""
    assert "Traceback" not in out.err
    assert tree(root) == before


def test_refusal_prints_the_diagnostics_of_the_file(status_repo: StatusRepo,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({})
    assert run(root, "new", "T", "--impact", "minor", "--message", "See [it](gone.md).") == 1
    err = capsys.readouterr().err
    assert "incidents/2026-11-22-t.md:7:14: error: `gone.md` links to `gone.md`, which is not in" in err
    assert "[link]" in err
    assert "refusing to write incidents/2026-11-22-t.md" in err
    assert list((root / "incidents").iterdir()) == []


@pytest.mark.parametrize("status", ["identified", "monitoring", "resolved"])
def test_new_opens_an_incident_at_any_stage(status_repo: StatusRepo, capsys: pytest.CaptureFixture[str],
                                            status: str) -> None:
    root = status_repo({})
    assert run(root, "new", "Outage", "--impact", "major", "--component", "api=major_outage",
               "--status", status, "--message", "It happened.") == 0
    path = capsys.readouterr().out.strip()
    assert path == "incidents/2026-11-22-outage.md"
    parsed, problems = parse_incident(path, (root / path).read_bytes())
    assert parsed is not None and problems == []
    assert parsed.updates[0].status == status
    assert (parsed.terminal is not None) == (status == "resolved")
    assert validate(root) == []


def test_commands_pasted_together_land_in_the_same_second(status_repo: StatusRepo,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({})
    assert run(root, "new", "Outage", "--impact", "major", "--message", "Down.") == 0
    assert run(root, "update", "2026-11-22-outage", "--status", "identified", "--message", "Found.") == 0
    assert run(root, "resolve", "2026-11-22-outage", "--message", "Fixed.") == 0
    capsys.readouterr()
    parsed, _ = parse_incident("incidents/2026-11-22-outage.md",
                               (root / "incidents/2026-11-22-outage.md").read_bytes())
    assert parsed is not None
    assert [u.status for u in parsed.updates] == ["resolved", "identified", "investigating"]
    assert len({u.at for u in parsed.updates}) == 1
    assert validate(root) == []


def test_other_files_problems_do_not_block(status_repo: StatusRepo,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    broken = INCIDENT.replace("status: investigating", "status: bogus")
    root = status_repo({"incidents/2026-11-22-broken.md": broken})
    assert run(root, "new", "Other", "--impact", "minor", "--message", "x") == 0
    assert capsys.readouterr().out == "incidents/2026-11-22-other.md\n"
    assert run(root, "update", "broken", "--message", "x") == 1
    err = capsys.readouterr().err
    assert "incidents/2026-11-22-broken.md:8:13: error:" in err
    assert "fix it first" in err


def test_flow_updates_file_is_refused_by_update(status_repo: StatusRepo,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    flow = "---\ntitle: T\nimpact: minor\nupdates: [{at: 2026-11-22T08:00:00Z, " \
           "status: investigating, message: m}]\n---\n"
    root = status_repo({"incidents/2026-11-22-flow.md": flow})
    before = tree(root)
    assert run(root, "update", "flow", "--message", "x") == 1
    assert "flow style" in capsys.readouterr().err
    assert tree(root) == before


def test_warnings_of_the_file_are_shown_but_do_not_block(
        status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({"incidents/2026-11-21-api-errors.md": INCIDENT})
    assert run(root, "new", "API errors", "--impact", "minor", "--component",
               "api=partial_outage", "--message", "Again.") == 0
    out = capsys.readouterr()
    assert out.out == "incidents/2026-11-22-api-errors.md\n"
    assert "warning:" in out.err and "[duplicate-open]" in out.err
    # --strict makes the warning an error: refused.
    assert run(root, "new", "API errors", "--impact", "minor", "--component",
               "api=partial_outage", "--message", "Again.", "--strict") == 1
    assert not (root / "incidents/2026-11-22-api-errors-2.md").exists()


# --------------------------------------------------------------------------
# The editor
# --------------------------------------------------------------------------


def test_no_message_and_no_terminal_is_an_error(status_repo: StatusRepo) -> None:
    root = status_repo({})
    done = subprocess.run(
        [sys.executable, "-m", "statusgen", "new", "T", "--impact", "minor", "--root", str(root),
         "--now", NOW_ARG],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60, cwd=REPO_ROOT)
    assert done.returncode == 2
    assert "no --message given, and there is no terminal" in done.stderr
    assert "Traceback" not in done.stderr
    assert list((root / "incidents").iterdir()) == []


def _run_on_a_terminal(argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run statusgen with stdin and stdout on a pseudo-terminal; (exit code, terminal, stderr)."""
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "statusgen", *argv], stdin=slave,
                                stdout=slave, stderr=subprocess.PIPE, env=env, cwd=REPO_ROOT)
    finally:
        os.close(slave)
    output = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the terminal's other side is closed
                break
            if not chunk:
                break
            output += chunk
        elif proc.poll() is not None:
            break
    os.close(master)
    try:
        code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    assert proc.stderr is not None
    err = proc.stderr.read().decode()
    proc.stderr.close()
    return code, output.decode(errors="replace"), err


def _editor(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake editor.py"
    script.write_text(
        "import sys\n"
        "path = sys.argv[1]\n"
        "with open(path, encoding='utf-8') as f:\n"
        "    template = f.read()\n"
        "assert template.lstrip().startswith('#'), template\n"
        f"with open(path, 'w', encoding='utf-8') as f:\n"
        f"    f.write({body!r} + template)\n", encoding="utf-8")
    return f"{sys.executable} '{script}'"


def test_editor_on_a_terminal(status_repo: StatusRepo, tmp_path: Path) -> None:
    root = status_repo({})
    env = {**os.environ, "EDITOR": _editor(tmp_path, "Written in the editor.\n\nSecond: line\n")}
    code, terminal, err = _run_on_a_terminal(
        ["new", "From the editor", "--impact", "minor", "--root", str(root), "--now", NOW_ARG], env)
    assert code == 0, err
    assert "incidents/2026-11-22-from-the-editor.md" in terminal
    written = parsed((root / "incidents/2026-11-22-from-the-editor.md").read_text())
    assert written.updates[0].message == "Written in the editor.\n\nSecond: line"


def test_editor_left_empty_cancels(status_repo: StatusRepo, tmp_path: Path) -> None:
    root = status_repo({})
    env = {**os.environ, "EDITOR": _editor(tmp_path, "")}
    code, _, err = _run_on_a_terminal(
        ["new", "Nothing", "--impact", "minor", "--root", str(root), "--now", NOW_ARG], env)
    assert code == 1
    assert "the message is empty; nothing was written" in err
    assert list((root / "incidents").iterdir()) == []


def test_editor_failing_writes_nothing(status_repo: StatusRepo) -> None:
    root = status_repo({})
    env = {**os.environ, "EDITOR": "false"}
    code, _, err = _run_on_a_terminal(
        ["new", "Nothing", "--impact", "minor", "--root", str(root), "--now", NOW_ARG], env)
    assert code == 1
    assert "exited with status 1" in err
    assert list((root / "incidents").iterdir()) == []
