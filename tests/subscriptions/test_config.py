"""``subscriptions:`` in components.yml: docs/format.md's example reads and uses every key;
mistakes are reported where they are, with how to write it."""

from __future__ import annotations

import re

from statusgen.source.parse import parse_config
from statusgen.source.schema import SUBSCRIPTIONS
from tests.helpers import COMPONENTS, REPO_ROOT


def test_the_documented_example_reads_and_uses_every_key() -> None:
    doc = (REPO_ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(subscriptions:\n.*?)```", doc, re.DOTALL)
    assert example is not None
    config, problems = parse_config((COMPONENTS + example.group(1)).encode(), "components.yml")
    assert problems == [] and config is not None and config.subscriptions is not None
    assert config.subscriptions.url == "https://subscribe.status.acme.example/"
    assert config.subscriptions.sender == "Acme Status <status@acme.example>"
    assert {f.name for f in SUBSCRIPTIONS.fields} <= set(example.group(1).replace(":", " ").split())


def test_mistakes_are_named_where_they_are() -> None:
    text = COMPONENTS + ("subscriptions:\n  url: subscribe.example\n  from: nobody\n"
                         "  smtp_env: smtps://user:pw@mail.example\n")
    _config, problems = parse_config(text.encode(), "components.yml")
    lines = sorted((p.location.line, p.message) for p in problems)
    assert [line for line, _ in lines] == [15, 16, 17]
    assert "https://" in lines[0][1] and "email address" in lines[1][1]
    assert "repository secret" in lines[2][1]  # the value pasted in place of the variable's name
