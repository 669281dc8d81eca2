"""The running statusgen as a wheel, byte for byte the same each time.

Built from the package as it is installed, not from a source tree: the files under
``importlib.resources.files("statusgen")`` (the skeleton and locales are in it; the
default theme is too in a wheel install, and comes from the checkout's ``themes/``
in an editable one), and the metadata and entry points from ``importlib.metadata``.
So a wheel install and an editable install of one checkout give the same wheel.

Reproducible: entries sorted, every timestamp 1980-01-01, one file mode, one
compression level; the ``dist-info`` files last, ``RECORD`` (PEP 376/627) the very last.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from importlib import metadata
from importlib.resources import files
from importlib.resources.abc import Traversable

from statusgen import __version__
from statusgen.render.theme import BUILTIN

DISTRIBUTION = "statusgen"
TAG = "py3-none-any"
EPOCH = (1980, 1, 1, 0, 0, 0)
THEME = "default_theme"
# When statusgen runs from a source folder that is not installed: what the installed
# metadata would say, so that the wheel still installs a working `statusgen` command.
FALLBACK_METADATA = f"Metadata-Version: 2.1\nName: {DISTRIBUTION}\nVersion: {__version__}\n"
FALLBACK_ENTRY_POINTS = "[console_scripts]\nstatusgen = statusgen.commands.cli:entry\n"


@dataclass(frozen=True)
class Wheel:
    """A built wheel: its file name, version and bytes."""

    name: str
    version: str
    data: bytes

    @property
    def sha256(self) -> str:
        """The hex SHA-256 of the wheel, as ``--hash=sha256:`` wants it."""
        return hashlib.sha256(self.data).hexdigest()


def wheel_name(version: str) -> str:
    """``statusgen-<version>-py3-none-any.whl``."""
    return f"{DISTRIBUTION}-{version}-{TAG}.whl"


def _walk(folder: Traversable, prefix: str, into: dict[str, bytes]) -> None:
    for item in folder.iterdir():
        # Caches and hidden files (editors', a build's temporaries) are not the package.
        if item.name == "__pycache__" or item.name.startswith(".") or item.name.endswith(".pyc"):
            continue
        if item.is_dir():
            _walk(item, f"{prefix}/{item.name}", into)
        else:
            into[f"{prefix}/{item.name}"] = item.read_bytes()


def package_files() -> dict[str, bytes]:
    """Every file of the running package, by its path inside a wheel (``statusgen/...``)."""
    found: dict[str, bytes] = {}
    _walk(files(DISTRIBUTION), DISTRIBUTION, found)
    if not any(path.startswith(f"{DISTRIBUTION}/{THEME}/") for path in found):
        _walk(BUILTIN, f"{DISTRIBUTION}/{THEME}", found)
    return found


def _metadata(dist: metadata.Distribution | None) -> tuple[str, str, dict[str, bytes]]:
    """``METADATA`` (at this statusgen's version), ``entry_points.txt`` and the license files."""
    if dist is None:
        return FALLBACK_METADATA, FALLBACK_ENTRY_POINTS, {}
    text = dist.read_text("METADATA") or FALLBACK_METADATA
    # An editable install keeps the metadata of when it was installed; the code may be newer.
    text = re.sub(r"^Version: .*$", f"Version: {__version__}", text, count=1, flags=re.MULTILINE)
    licenses: dict[str, bytes] = {}
    for name in re.findall(r"^License-File: (.+)$", text, flags=re.MULTILINE):
        content = dist.read_text(f"licenses/{name.strip()}")
        if content is not None:
            licenses[f"licenses/{name.strip()}"] = content.encode("utf-8")
    return text, dist.read_text("entry_points.txt") or FALLBACK_ENTRY_POINTS, licenses


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
    return f"sha256={digest}"


def build_wheel(dist: metadata.Distribution | None) -> Wheel:
    """The running statusgen as a wheel; ``dist`` is its installed distribution, if any."""
    info = f"{DISTRIBUTION}-{__version__}.dist-info"
    text, entry_points, licenses = _metadata(dist)
    meta = {
        "METADATA": text.encode("utf-8"),
        "WHEEL": (f"Wheel-Version: 1.0\nGenerator: statusgen {__version__}\n"
                  f"Root-Is-Purelib: true\nTag: {TAG}\n").encode(),
        "entry_points.txt": entry_points.encode("utf-8"),
        **licenses,
    }
    entries = sorted(package_files().items()) + sorted((f"{info}/{k}", v) for k, v in meta.items())
    record = "".join(f"{path},{_record_hash(data)},{len(data)}\n" for path, data in entries)
    entries.append((f"{info}/RECORD", (record + f"{info}/RECORD,,\n").encode("utf-8")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in entries:
            entry = zipfile.ZipInfo(path, EPOCH)
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return Wheel(wheel_name(__version__), __version__, buffer.getvalue())

