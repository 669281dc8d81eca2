"""``new``, ``update``, ``resolve`` and ``maintenance`` with ``--reference``, ``--severity``,
``--role``, ``--timestamp`` and ``--field``: files that validate, names checked against the
declaration, and only the keys given rewritten."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

import pytest

from statusgen import model as m
from statusgen.authoring.text import Metadata, metadata_keys, set_keys_text, split_lines
from statusgen.commands.cli import main
from statusgen.source.parse import parse_incident
from tests.check.test_metadata import DECLARED, MAINTENANCE_PREFIX
from tests.helpers import INCIDENT, NOW, dedent, validate

StatusRepo = Callable[[Mapping[str, str | bytes]], Path]
NOW_ARG = "2026-11-22T09:00:00Z"


def run(root: Path, *argv: str) -> int:
    return main([*argv, "--root", str(root), "--now", NOW_ARG])


def parsed(path: Path) -> m.Incident:
    incident, problems = parse_incident(f"incidents/{path.name}", path.read_bytes())
    assert incident is not None, problems
    return incident


def written(capsys: pytest.CaptureFixture[str], root: Path) -> Path:
    out = capsys.readouterr()
    assert out.out.startswith("incidents/"), out.err
    return root / out.out.strip()


def test_new_records_everything_it_is_given(status_repo: StatusRepo,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({"components.yml": DECLARED})
    code = run(root, "new", "Checkout fails", "--impact", "major", "--component", "api=partial_outage",
               "--message", "Payments fail.", "--severity", "sev1", "--role", "lead=Dana Ruiz",
               "--role", "communications=Sam", "--timestamp", "detected=2026-11-22T08:55:00+01:00",
               "--field", "team=payments", "--field", "region=eu", "--field", "region=us",
               "--field", "customers_affected=120", "--field", "summary=Cards: declined, [mostly]")
    assert code == 0
    incident = parsed(written(capsys, root))
    assert validate(root) == []
    assert (incident.reference, incident.severity) == ("INC-1", "sev1")
    assert [(r.role, r.person) for r in incident.roles] == [("lead", "Dana Ruiz"), ("communications", "Sam")]
    assert [(t.name, t.at) for t in incident.timestamps] == [("detected", datetime(2026, 11, 22, 7, 55,
                                                                                    tzinfo=UTC))]
    assert {f.id: f.values for f in incident.fields} == {
        "team": ("payments",), "region": ("eu", "us"), "customers_affected": ("120",),
        "summary": ("Cards: declined, [mostly]",)}


def test_new_takes_the_next_free_reference(status_repo: StatusRepo,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    other = INCIDENT.replace("updates:", "reference: INC-41\nupdates:", 1)
    root = status_repo({"components.yml": DECLARED, "incidents/old.md": other.replace("API errors", "Old")})
    assert run(root, "new", "Slow API", "--impact", "minor", "--message", "Slow.") == 0
    assert parsed(written(capsys, root)).reference == "INC-42"
    assert run(root, "new", "Slower API", "--impact", "minor", "--message", "Slower.",
               "--reference", "auto") == 0
    assert parsed(written(capsys, root)).reference == "INC-43"
    assert run(root, "new", "Given", "--impact", "minor", "--message", "M.", "--reference", "INC-7") == 0
    assert parsed(written(capsys, root)).reference == "INC-7"
    assert validate(root) == []


def test_without_declared_references_none_is_written(status_repo: StatusRepo,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({})
    assert run(root, "new", "API errors", "--impact", "minor", "--message", "M.") == 0
    assert "reference" not in written(capsys, root).read_text()
    assert run(root, "new", "API errors", "--impact", "minor", "--message", "M.", "--reference", "auto") == 2
    assert "components.yml declares no references" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "said"), [
    (("--severity", "sev3"), "--severity: `sev3` is not declared (did you mean `sev2`?); components.yml "
                             "declares: sev1, sev2"),
    (("--role", "leed=Dana"), "--role: `leed` is not declared (did you mean `lead`?)"),
    (("--role", "lead"), "--role 'lead': write it as name=value, such as lead=Dana"),
    (("--role", "lead=A", "--role", "lead=B"), "--role: `lead` is given twice"),
    (("--field", "regoin=eu"), "--field: `regoin` is not declared (did you mean `region`?)"),
    (("--field", "team=payments", "--field", "team=platform"), "a single_select field takes one value"),
    (("--timestamp", "detected=yesterday"), "`yesterday` is not an ISO 8601 timestamp"),
    (("--timestamp", "spotted=2026-11-22T08:00:00Z"), "`spotted` is not declared"),
])
def test_names_are_checked_before_anything_is_asked(status_repo: StatusRepo,
                                                    capsys: pytest.CaptureFixture[str],
                                                    args: tuple[str, ...], said: str) -> None:
    root = status_repo({"components.yml": DECLARED})
    assert run(root, "new", "API errors", "--impact", "minor", "--message", "M.", *args) == 2
    assert said in capsys.readouterr().err
    assert list((root / "incidents").iterdir()) == []


def test_a_value_the_declaration_refuses_is_never_written(status_repo: StatusRepo,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({"components.yml": DECLARED})
    assert run(root, "new", "API errors", "--impact", "minor", "--message", "M.",
               "--field", "region=mars", "--field", "ticket=javascript:alert(1)") == 1
    err = capsys.readouterr().err
    assert "`mars` is not an option of `region`" in err and "`ticket` is a link field" in err
    assert list((root / "incidents").iterdir()) == []


KEPT = """\
---
title: API errors   # what readers see
impact: minor
severity: sev2
# who does what
roles: {lead: Dana}
components:
  api: partial_outage
updates:
  - at: 2026-11-22T08:00:00Z
    status: investigating
    message: We are looking into it.
---
Notes.
"""


def test_update_rewrites_only_the_keys_it_is_given(status_repo: StatusRepo,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({"components.yml": DECLARED, "incidents/a.md": KEPT})
    before = (root / "incidents" / "a.md").read_text()
    assert run(root, "update", "a", "--status", "identified", "--message", "Found it.",
               "--severity", "sev1", "--role", "communications=Sam", "--field", "region=eu") == 0
    after = written(capsys, root).read_text()
    changed = [line for line in difflib.ndiff(before.splitlines(), after.splitlines())
               if line.startswith(("- ", "+ "))]
    assert changed == [
        "- severity: sev2", "+ severity: sev1",
        "- roles: {lead: Dana}", "+ roles:", "+   lead: Dana", "+   communications: Sam",
        "+ fields:", "+   region: eu",
        "+   - at: 2026-11-22T09:00:00Z", "+     status: identified", "+     message: Found it.",
    ]
    assert validate(root) == []


def test_resolve_records_when_it_was_mitigated(status_repo: StatusRepo,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({"components.yml": DECLARED, "incidents/a.md": KEPT})
    assert run(root, "resolve", "a", "--message", "Fixed.", "--timestamp",
               "mitigated=2026-11-22T08:40:00Z") == 0
    incident = parsed(written(capsys, root))
    assert incident.named_time("mitigated") == datetime(2026, 11, 22, 8, 40, tzinfo=UTC)
    assert incident.terminal is not None and validate(root) == []


def test_maintenance_takes_fields_and_a_reference_of_its_own_prefix(status_repo: StatusRepo,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({"components.yml": DECLARED})
    assert run(root, "maintenance", "Database upgrade", "--start", "2026-11-30T02:00:00Z", "--end",
               "2026-11-30T04:00:00Z", "--component", "db", "--message", "Read-only for an hour.",
               "--field", "region=eu", "--role", "lead=Dana") == 0
    incident = parsed(written(capsys, root))
    # Maintenance is not numbered like the incidents unless the team declares its own prefix.
    assert incident.reference == "" and [f.values for f in incident.fields] == [("eu",)]
    assert validate(root) == []
    assert run(root, "update", incident.id, "--message", "Soon.", "--severity", "sev1") == 2
    assert "maintenance has no severity" in capsys.readouterr().err
    window = ("--start", "2026-12-01T02:00:00Z", "--end", "2026-12-01T04:00:00Z", "--component", "db",
              "--message", "Read-only.")
    assert run(root, "maintenance", "Cache upgrade", *window, "--reference", "auto") == 2
    assert "declares no maintenance references" in capsys.readouterr().err
    (root / "components.yml").write_text(MAINTENANCE_PREFIX, encoding="utf-8")
    assert run(root, "maintenance", "Cache upgrade", *window) == 0
    assert parsed(written(capsys, root)).reference == "MNT-1"
    assert run(root, "new", "Checkout fails", "--impact", "minor", "--message", "Slow.") == 0
    assert parsed(written(capsys, root)).reference == "INC-1"
    assert validate(root) == []


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_set_keys_keeps_every_other_byte(newline: str, bom: str) -> None:
    original = bom + KEPT.replace("\n", newline)
    keys = metadata_keys(Metadata(severity="sev1", reference="INC-9",
                                  timestamps=(("detected", NOW),)))
    result = set_keys_text(original, keys, "a.md")
    assert result.startswith(bom)
    assert {line[-len(newline):] for line in split_lines(result)} == {newline}
    old, new = original.removeprefix(bom).split(newline), result.removeprefix(bom).split(newline)
    assert [line for line in new if line not in old] == [
        "severity: sev1", "reference: INC-9", "timestamps:", "  detected: 2026-11-22T09:00:00Z"]
    assert [line for line in old if line not in new] == ["severity: sev2"]
    incident, problems = parse_incident("incidents/a.md", result.encode())
    assert incident is not None, problems
    assert (incident.severity, incident.reference, incident.named_time("detected")) == ("sev1", "INC-9", NOW)


def test_set_keys_refuses_indented_keys() -> None:
    from statusgen.authoring.text import AuthoringError

    with pytest.raises(AuthoringError, match="indented"):
        set_keys_text(dedent("""
            ---
              title: T
              updates: []
            ---
            """), {"severity": ["severity: sev1"]})
