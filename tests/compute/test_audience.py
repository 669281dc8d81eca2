"""Audiences: declared and named with located errors, and each audience's build the public
build of the repository narrowed to it."""

from __future__ import annotations

from statusgen import model as m
from statusgen.compute.audience import audience_repository
from statusgen.compute.snapshot import snapshot
from statusgen.source.load import load
from statusgen.source.tree import DiskSource
from tests.conftest import StatusRepo
from tests.helpers import COMPONENTS, INCIDENT, NOW, incident, rows, validate

AUDIENCES = COMPONENTS + """\
audiences:
  - id: acme-corp
    name: Acme Corp
    components: [db]
  - id: globex
    name: Globex
    components: [api, platform]
    url: https://status.test.example/globex/
"""

FOR_ACME = incident("impact: minor\n", "impact: minor\naudiences: [acme-corp]\n",
                    incident("api: partial_outage", "db: partial_outage",
                             incident("title: API errors", "title: Database slow")))
"""An open incident on the database for Acme Corp alone (``audiences`` on line 4)."""


def repository(status_repo: StatusRepo, files: dict[str, str]) -> m.Repository:
    loaded = load(DiskSource(status_repo({"components.yml": AUDIENCES, **files})))
    assert loaded.repository is not None, loaded.diagnostics
    return loaded.repository


def audience(repo: m.Repository, audience_id: str) -> m.Repository:
    return audience_repository(repo, next(a for a in repo.config.audiences if a.id == audience_id))


def test_valid_audiences_report_nothing(status_repo: StatusRepo) -> None:
    assert validate(status_repo({"components.yml": AUDIENCES, "incidents/a.md": FOR_ACME,
                                 "incidents/b.md": INCIDENT})) == []


def test_an_unknown_audience_is_located_with_the_valid_choices(status_repo: StatusRepo) -> None:
    bad = FOR_ACME.replace("[acme-corp]", "[acme]")
    found = validate(status_repo({"components.yml": AUDIENCES, "incidents/a.md": bad}))
    assert rows(found) == [("incidents/a.md", 4, 13, "error", "unknown-audience")]
    assert "did you mean `acme-corp`?" in found[0].message
    assert "known audiences: acme-corp, globex" in found[0].message


def test_an_audience_naming_an_unknown_component_is_located(status_repo: StatusRepo) -> None:
    config = AUDIENCES.replace("components: [db]", "components: [db, cache]")
    found = validate(status_repo({"components.yml": config}))
    assert rows(found) == [("components.yml", 17, 22, "error", "unknown-component")]


def test_audience_ids_are_unique(status_repo: StatusRepo) -> None:
    config = AUDIENCES.replace("id: globex", "id: acme-corp")
    found = validate(status_repo({"components.yml": config}))
    assert rows(found) == [("components.yml", 18, 9, "error", "audience")]


def test_an_entry_for_an_audience_names_only_its_components(status_repo: StatusRepo) -> None:
    bad = FOR_ACME.replace("db: partial_outage", "api: partial_outage")
    found = validate(status_repo({"components.yml": AUDIENCES, "incidents/a.md": bad}))
    assert rows(found) == [("incidents/a.md", 6, 3, "error", "audience")]
    assert "acme-corp" in found[0].message


def test_an_entry_for_an_audience_stays_out_of_the_public_build(status_repo: StatusRepo) -> None:
    repo = repository(status_repo, {"incidents/a.md": FOR_ACME})
    assert not repo.incidents[0].published
    assert snapshot(repo, NOW).entries == ()
    assert [e.id for e in snapshot(audience(repo, "acme-corp"), NOW).entries] == ["a"]
    assert snapshot(audience(repo, "globex"), NOW).entries == ()


def test_an_audience_sees_its_components_and_the_public_entries_touching_them(
        status_repo: StatusRepo) -> None:
    on_api = INCIDENT
    on_platform = incident("api: partial_outage", "platform: partial_outage")
    page_wide = incident("components:\n  api: partial_outage\n", "")
    repo = repository(status_repo, {"incidents/api.md": on_api, "incidents/platform.md": on_platform,
                                    "incidents/all.md": page_wide})
    acme = audience(repo, "acme-corp")
    assert [c.id for c in acme.config.walk()] == ["platform", "db"]
    assert sorted(i.id for i in acme.incidents) == ["all", "platform"]
    snap = snapshot(acme, NOW)
    assert snap.levels == {"platform": m.Level.PARTIAL_OUTAGE, "db": m.Level.PARTIAL_OUTAGE}
    assert snap.config.page.url == "https://status.test.example/"
    globex = audience(repo, "globex")
    assert [c.id for c in globex.config.walk()] == ["api", "platform", "db", "queue"]
    assert sorted(i.id for i in globex.incidents) == ["all", "api", "platform"]
    assert globex.config.page.url == "https://status.test.example/globex/"
    assert globex.config.audiences == () and globex.config.notify == ()


def test_an_unchanged_entry_is_the_same_object(status_repo: StatusRepo) -> None:
    """So what a build computed for it is reused by the next, for any audience."""
    repo = repository(status_repo, {"incidents/api.md": INCIDENT})
    assert audience(repo, "globex").incidents[0] is repo.incidents[0]
