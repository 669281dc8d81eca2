"""`statusgen import statuspage --upstream`: the source's third-party components carried over."""

from __future__ import annotations

from pathlib import Path

import pytest

from statusgen import model as m
from statusgen.source.load import load
from statusgen.source.tree import DiskSource
from tests.importers.support import GITHUB, errors, run


def test_named_components_are_written_as_upstream_and_validate(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "statuspage", str(GITHUB), "--root", str(tmp_path),
                       "--upstream", "actions=https://www.githubstatus.com",
                       "--upstream", "Copilot=https://www.githubstatus.com/=GitHub Copilot, chat")
    assert code == 0, out
    assert errors(tmp_path) == []
    loaded = load(DiskSource(tmp_path))
    assert loaded.repository is not None
    found = {c.name: c.upstream for c in loaded.repository.config.leaves() if c.upstream}
    assert {name: (u.kind, u.url, u.component) for name, u in found.items()} == {
        "Actions": (m.UpstreamKind.STATUSPAGE, "https://www.githubstatus.com/", "actions"),
        "Copilot": (m.UpstreamKind.STATUSPAGE, "https://www.githubstatus.com/",
                    "GitHub Copilot, chat"),
    }


@pytest.mark.parametrize(("option", "said"), [
    ("Nope=https://www.githubstatus.com", "names Nope, which the source does not list"),
    ("Actions=ftp://x", "write NAME=URL"),
])
def test_a_wrong_upstream_option_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                option: str, said: str) -> None:
    code, _, err = run(capsys, "statuspage", str(GITHUB), "--root", str(tmp_path),
                       "--upstream", option)
    assert code == 2 and said in err
    assert not (tmp_path / "components.yml").exists()
