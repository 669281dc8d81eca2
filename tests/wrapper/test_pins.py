"""The runtime lock the package carries agrees with pyproject.toml and constraints.txt."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from statusgen.wrapper.pins import changes, locked_dependencies, pinned, wheel_named
from tests.helpers import REPO_ROOT

LOCKED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)(?: ; (.+?))? \\$")


def lock() -> dict[str, tuple[str, int]]:
    """``{name: (version, hashes)}`` of the lock's entries."""
    entries: dict[str, tuple[str, int]] = {}
    for block in re.split(r"\n(?=\S)", locked_dependencies().strip()):
        first, *hashes = block.splitlines()
        found = LOCKED.match(first)
        assert found, first
        assert all(h.strip().startswith("--hash=sha256:") for h in hashes), block
        entries[canonicalize_name(found[1])] = (found[2], len(hashes))
    return entries


def constraints() -> dict[str, set[str]]:
    pins: dict[str, set[str]] = {}
    for line in (REPO_ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(("#", " ")):
            requirement = Requirement(line)
            pins.setdefault(canonicalize_name(requirement.name), set()).update(
                str(s.version) for s in requirement.specifier)
    return pins


def test_the_lock_is_made_of_the_constraints_pins_each_with_its_hashes() -> None:
    pinned_here = constraints()
    for name, (version, hashes) in lock().items():
        assert version in pinned_here.get(name, set()), (
            f"{name}=={version} in generator/wrapper/runtime-requirements.txt, but constraints.txt "
            f"pins {pinned_here.get(name)}: run `make lock`")
        assert hashes >= 1, name


def test_the_lock_holds_every_runtime_dependency() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {canonicalize_name(Requirement(d).name) for d in project["dependencies"]}
    assert wanted <= set(lock()), f"missing from the lock: {sorted(wanted - set(lock()))}: run `make lock`"
    # And nothing of the test tools.
    assert not {"pytest", "mypy", "ruff"} & set(lock())


def test_pins_and_changes() -> None:
    old = "./.statusgen/statusgen-0.1.0-py3-none-any.whl \\\n    --hash=sha256:ab\njinja2==3.1.5 \\\n" \
          "    --hash=sha256:cd\nlxml==6.0 ; sys_platform == 'linux' \\\n    --hash=sha256:ef\n"
    new = "statusgen==0.2.0 \\\n    --hash=sha256:ab\njinja2==3.1.6 \\\n    --hash=sha256:cd\n" \
          "tzdata==2026.6 \\\n    --hash=sha256:ef\n"
    assert pinned(old) == {"statusgen": "0.1.0", "jinja2": "3.1.5", "lxml": "6.0"}
    assert wheel_named(old) == ".statusgen/statusgen-0.1.0-py3-none-any.whl"
    assert wheel_named(new) is None
    assert changes(pinned(old), pinned(new)) == [
        "jinja2 3.1.5 → 3.1.6", "lxml 6.0 → (no longer needed)", "statusgen 0.1.0 → 0.2.0",
        "tzdata (new) → 2026.6"]
