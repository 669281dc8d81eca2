"""A status repository's ``requirements.txt``: statusgen and its dependencies, pinned with hashes.

statusgen comes from one of two places.  Installed from a package index (PEP 610: no
``direct_url.json``, or one of no kind pip knows), the index has it: ``statusgen==X``
with the sha256 of each of its release files, which the index's JSON API gives at
``init`` time.  Installed any other way (a folder, an editable checkout, a git
repository, an archive), or when the index cannot be asked, the running statusgen
goes into the repository as a wheel and the file names it by path and hash.  (A git
requirement cannot be hash-checked, so a wheel serves a git install better than its URL.)

The dependencies' pins and hashes cannot be looked up offline, so the package carries
them: ``runtime-requirements.txt`` beside this module, a lock of the runtime
dependencies for every platform that ``make lock`` writes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import metadata
from importlib.resources import files
from pathlib import Path
from typing import Any

from statusgen import __version__
from statusgen.net.client import Client, HttpError
from statusgen.net.policy import Policy
from statusgen.net.safety import Refused
from statusgen.wrapper.wheel import DISTRIBUTION, Wheel, build_wheel

LOCK = "runtime-requirements.txt"
FOLDER = ".statusgen"
"""Where the wheel goes in a status repository (the notify log's folder too)."""
INDEX_JSON = "https://pypi.org/pypi/{name}/{version}/json"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)
WHEEL_LINE = re.compile(r"^\./(\.statusgen/statusgen-([A-Za-z0-9.+!_]+)-py3-none-any\.whl)", re.MULTILINE)
HEADER = """\
# statusgen and everything it needs, each at one version and checked by its hash:
#   python -m pip install --require-hashes -r requirements.txt
# `statusgen upgrade` rewrites this file from the statusgen it runs as: do not edit it.
"""


def installed_distribution() -> metadata.Distribution | None:
    """The installed ``statusgen`` distribution, or ``None`` when running from a source folder.

    Only an installed one counts (it has a ``RECORD``): a ``statusgen.egg-info``
    that a build left in the current folder is found first on ``sys.path`` but
    says nothing about how statusgen was installed.
    """
    for dist in metadata.distributions(name=DISTRIBUTION):
        if dist.read_text("RECORD") is not None:
            return dist
    return None


def direct_url(dist: metadata.Distribution) -> Mapping[str, Any] | None:
    """The distribution's ``direct_url.json`` (PEP 610), ``None`` when absent; ``{}`` when unreadable."""
    text = dist.read_text("direct_url.json")
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("url"), str) else {}


def from_index(dist: metadata.Distribution | None) -> bool:
    """Whether this statusgen was installed from a package index."""
    if dist is None:
        return False
    info = direct_url(dist)
    return info is None or (bool(info) and not {"dir_info", "vcs_info", "archive_info"} & set(info))


def index_hashes(version: str, timeout: float = 10.0) -> list[str]:
    """The sha256 of each file of statusgen ``version`` on the package index (its JSON API)."""
    client = Client(timeout=timeout, policy=Policy(tries=2),
                    user_agent=f"statusgen/{__version__} (+init)")
    answer = client.request("GET", INDEX_JSON.format(name=DISTRIBUTION, version=version),
                            limit=4 << 20)
    if answer.status != 200:
        raise ValueError(f"the index answered {answer.status} {answer.reason}")
    release = json.loads(answer.body)
    return sorted(str(item["digests"]["sha256"]) for item in release["urls"])


def locked_dependencies() -> str:
    """The lock of the runtime dependencies that the package carries, without its header."""
    text = files("statusgen.wrapper").joinpath(LOCK).read_text(encoding="utf-8")
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))


@dataclass(frozen=True)
class Wrapper:
    """What a status repository installs statusgen from: ``requirements.txt``, and the wheel if any."""

    requirements: bytes
    wheel: Wheel | None
    """``None`` when the requirements take statusgen from the package index."""
    note: str = ""
    """Why the wheel, when statusgen came from an index that could not be asked."""

    @property
    def wheel_path(self) -> str | None:
        """Where the wheel goes, relative to the repository."""
        return f"{FOLDER}/{self.wheel.name}" if self.wheel is not None else None


def _requirements(line: str, hashes: list[str], origin: str) -> bytes:
    pinned = "".join(f" \\\n    --hash=sha256:{digest}" for digest in hashes)
    return (f"{HEADER}#\n# statusgen {__version__}, {origin}:\n{line}{pinned}\n"
            f"# What it needs, locked when statusgen {__version__} was made:\n"
            f"{locked_dependencies()}").encode()


def make_wrapper(dist: metadata.Distribution | None,
                 fetch: Callable[[str], list[str]] | None = None) -> Wrapper:
    """The requirements (and wheel) for the running statusgen; ``dist`` is its installed distribution.

    ``fetch`` gives a version's file hashes on the index (default: :func:`index_hashes`).
    """
    note = ""
    if from_index(dist):
        try:
            hashes = (fetch or index_hashes)(__version__)
        except (HttpError, Refused, OSError, ValueError, KeyError, TypeError) as exc:
            hashes, why = [], str(exc) or type(exc).__name__
        else:
            why = "it lists no file"
        if hashes:
            return Wrapper(_requirements(f"{DISTRIBUTION}=={__version__}", hashes,
                                         "from the package index"), None)
        note = (f"statusgen {__version__} came from a package index, but its hashes could not be "
                f"read from {INDEX_JSON.format(name=DISTRIBUTION, version=__version__)} ({why}): "
                "the repository gets the wheel instead.\n")
    wheel = build_wheel(dist)
    return Wrapper(_requirements(f"./{FOLDER}/{wheel.name}", [wheel.sha256],
                                 f"the wheel in {FOLDER}/ (commit it)"), wheel, note)


def written_by_statusgen(path: Path) -> bool:
    """Whether the file at ``path`` is a ``requirements.txt`` that statusgen wrote."""
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        return handle.read(len(HEADER)) == HEADER.encode("utf-8")


def pinned(requirements: str) -> dict[str, str]:
    """``{name: version}`` of every pin in a ``requirements.txt``, statusgen's wheel included."""
    pins = {name.lower(): version for name, version in PIN.findall(requirements)}
    for _, version in WHEEL_LINE.findall(requirements):
        pins[DISTRIBUTION] = version
    return pins


def wheel_named(requirements: str) -> str | None:
    """The wheel a ``requirements.txt`` installs (its path in the repository), if any."""
    found = WHEEL_LINE.search(requirements)
    return found.group(1) if found else None


def changes(old: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
    """What differs between two sets of pins, one line each: ``jinja2 3.1.5 → 3.1.6``."""
    lines = []
    for name in sorted(set(old) | set(new)):
        if name not in new:
            lines.append(f"{name} {old[name]} → (no longer needed)")
        elif name not in old:
            lines.append(f"{name} (new) → {new[name]}")
        elif old[name] != new[name]:
            lines.append(f"{name} {old[name]} → {new[name]}")
    return lines
