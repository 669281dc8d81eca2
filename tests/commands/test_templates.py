"""`statusgen new --template NAME`: an incident from templates/NAME.md, placeholders filled."""

from __future__ import annotations

from pathlib import Path

import pytest

from statusgen.commands.cli import main
from tests.conftest import StatusRepo
from tests.helpers import NOW, validate

TEMPLATE = """\
---
# Kept as written: comments too.
title: Degraded performance on {component}
impact: minor
components:
  {component_id}: degraded_performance
severity: sev2
---
We are seeing slow responses from {component} in {region} and are looking into it.
"""

FIELDS = """\
page:
  title: Test Status
  url: https://status.test.example/
components:
  - id: api
    name: API
incident_fields:
  reference: {prefix: INC-}
  severities:
    - {id: sev2, name: SEV2, rank: 2}
"""


def run(root: Path, *args: str) -> int:
    return main(["new", "--root", str(root), "--now", NOW.isoformat(), *args])


def test_the_template_fills_and_validates_with_a_reference(
        status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({"components.yml": FIELDS, "templates/degraded.md": TEMPLATE})
    assert run(root, "--template", "degraded", "--var", "component=API", "--var",
               "component_id=api", "--var", "region=eu-west", "--next-update", "30m") == 0
    rel = capsys.readouterr().out.strip()
    assert rel == "incidents/2026-11-22-degraded-performance-on-api.md"
    text = (root / rel).read_text()
    assert "# Kept as written: comments too.\ntitle: Degraded performance on API\n" in text
    assert "  api: degraded_performance\n" in text and "reference: INC-1\n" in text
    assert "message: We are seeing slow responses from API in eu-west and are looking into it." \
        in text
    assert "next_update: 30m" in text
    assert validate(root, NOW) == []


def test_a_missing_placeholder_is_named_and_nothing_written(
        status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({"components.yml": FIELDS, "templates/degraded.md": TEMPLATE})
    assert run(root, "--template", "degraded", "--var", "component=API") == 1
    err = capsys.readouterr().err
    assert "template `degraded` needs a value for `{component_id}`, `{region}`" in err
    assert "--var component_id=VALUE --var region=VALUE" in err
    assert list((root / "incidents").iterdir()) == []


@pytest.mark.parametrize(("args", "said", "code"), [
    (["--template", "nope"], "there is no template `nope` in templates/; the templates are: "
     "degraded", 1),
    (["--template", "degraded", "--var", "component=API", "--var", "component_id=api",
      "--var", "region=eu", "--var", "regoin=eu"], "has no placeholder `{regoin}`", 1),
    (["Title", "--template", "degraded"], "come from the template", 2),
    (["--var", "a=b", "Title", "--impact", "minor", "--message", "x"], "--var goes with "
     "--template", 2),
])
def test_wrong_uses_say_what_to_do(status_repo: StatusRepo, capsys: pytest.CaptureFixture[str],
                                   args: list[str], said: str, code: int) -> None:
    root = status_repo({"components.yml": FIELDS, "templates/degraded.md": TEMPLATE})
    assert run(root, *args) == code
    assert said in capsys.readouterr().err
    assert list((root / "incidents").iterdir()) == []


def test_a_filled_template_that_would_not_validate_is_refused_at_its_line(
        status_repo: StatusRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = status_repo({"components.yml": FIELDS, "templates/degraded.md": TEMPLATE})
    assert run(root, "--template", "degraded", "--var", "component=API", "--var",
               "component_id=nosuch", "--var", "region=eu") == 1
    err = capsys.readouterr().err
    assert "unknown-component" in err and "nothing was changed" in err
