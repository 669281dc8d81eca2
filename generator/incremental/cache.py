"""The parse cache: parsed incidents kept between builds, keyed by file content.

One file under ``ROOT/.statusgen-cache/`` maps a hash of (statusgen's code,
path, bytes) to what :func:`~generator.load.parse_incident` returned.  It is
signed with a key kept outside the repository, so a cache file that was
committed, copied, truncated or written by another version is ignored, never
trusted; deleting the folder only makes the next build slower.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle
import secrets
from pathlib import Path
from typing import Any

from generator import model as m
from generator.diagnostics import Diagnostic

CACHE_DIR = ".statusgen-cache"
PARSE_FILE = "parse.pickle"
FORMAT = b"statusgen-parse-cache 1\n"

Parsed = tuple[m.Incident | None, list[Diagnostic]]


def _code_hash() -> bytes:
    """Changes whenever any of statusgen's code does: results of other code are stale."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes())
    return digest.digest()


def _signing_key() -> bytes | None:
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(home) / "statusgen" / "cache-key"
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key)
        return key
    except OSError:
        return None  # no place for a key: build without a cache


class ParseCache:
    """Parsed incidents from the last build, and the ones this build parsed."""

    def __init__(self, root: Path) -> None:
        self.path = root / CACHE_DIR / PARSE_FILE
        self.key = _signing_key()
        self.code = _code_hash()
        self.old: dict[bytes, Parsed] = self._read() if self.key else {}
        self.new: dict[bytes, Parsed] = {}

    def _read(self) -> dict[bytes, Parsed]:
        assert self.key is not None
        try:
            data = self.path.read_bytes()
        except OSError:
            return {}
        signature, payload = data[:32], data[32:]
        expected = hmac.new(self.key, payload, hashlib.sha256).digest()
        if not payload.startswith(FORMAT) or not hmac.compare_digest(signature, expected):
            return {}
        try:
            loaded: Any = pickle.loads(payload[len(FORMAT):])
        except Exception:
            return {}
        return loaded if isinstance(loaded, dict) else {}

    def key_of(self, path: str, raw: bytes) -> bytes:
        return hashlib.sha256(self.code + path.encode() + b"\0" + raw).digest()

    def get(self, key: bytes) -> Parsed | None:
        found = self.old.get(key) or self.new.get(key)
        if found is not None:
            self.new[key] = found
        return found

    def put(self, key: bytes, parsed: Parsed) -> None:
        self.new[key] = parsed

    def save(self) -> None:
        """Keep what this build used, atomically; an unwritable cache is left alone."""
        if self.key is None or self.new.keys() == self.old.keys():
            return
        payload = FORMAT + pickle.dumps(self.new, protocol=pickle.HIGHEST_PROTOCOL)
        signature = hmac.new(self.key, payload, hashlib.sha256).digest()
        temporary = self.path.with_name(f".{PARSE_FILE}.{os.getpid()}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(signature + payload)
            os.replace(temporary, self.path)
        except OSError:
            temporary.unlink(missing_ok=True)


def parse_all(pairs: list[tuple[str, bytes]], cache: ParseCache | None) -> list[Parsed]:
    """Parse ``(path, bytes)`` pairs in order, taking what the cache already holds.

    Parsing stays in this process: sending 10,000 parsed incidents back from a
    worker costs more than parsing them (measured with bench/).
    """
    from generator.source.load import parse_incident

    results: list[Parsed] = []
    for path, raw in pairs:
        key = cache.key_of(path, raw) if cache else b""
        found = cache.get(key) if cache else None
        if found is None:
            found = parse_incident(path, raw)
            if cache:
                cache.put(key, found)
        results.append(found)
    return results


# --------------------------------------------------------------------------
# The last build: when nothing it read has changed, its output still stands
# --------------------------------------------------------------------------

LAST_BUILD = "last-build-{}.json"


def _files_under(folder: Path) -> list[Path]:
    # Links are never followed (the loader refuses them, and a link to a FIFO would block).
    if folder.is_symlink():
        return []
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        return []
    found: list[Path] = []
    for base, _dirs, files in os.walk(folder):  # os.walk does not follow links to folders
        found.extend(Path(base, name) for name in files if not Path(base, name).is_symlink())
    return sorted(found)


def inputs_fingerprint(root: Path, extra: str) -> str:
    """A hash of everything a build reads: statusgen's code and default theme, the
    repository's ``components.yml``, ``incidents/`` and ``themes/``, and ``extra``
    (the clock and the options). Empty when a file cannot be read: then the build
    runs, and its loader names the file."""
    from generator.render.theme import BUILTIN

    digest = hashlib.sha256(_code_hash() + extra.encode())
    for base, folder in ((BUILTIN, BUILTIN), (root, root / "components.yml"),
                         (root, root / "incidents"), (root, root / "themes")):
        for file in _files_under(folder):
            try:
                data = file.read_bytes()
            except OSError:
                return ""
            digest.update(f"{file.relative_to(base).as_posix()}\0{len(data)}\0".encode() + data)
    return digest.hexdigest()


def _outputs(out: Path) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for file in _files_under(out):
        stat = file.stat()
        found[file.relative_to(out).as_posix()] = [stat.st_size, stat.st_mtime_ns]
    return found


class LastBuild:
    """What the previous build of ``out`` read and wrote, to skip a build that would
    write the same bytes; anything missing, changed or unreadable means: build."""

    def __init__(self, root: Path, out: Path) -> None:
        name = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]
        self.path = root / CACHE_DIR / LAST_BUILD.format(name)
        self.out = out

    def still_valid(self, fingerprint: str) -> dict[str, Any] | None:
        """The record of the last build when its inputs and its output are as they were."""
        if not fingerprint:
            return None
        try:
            record: Any = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.get("fingerprint") != fingerprint:
            return None
        if record.get("outputs") != _outputs(self.out):
            return None
        return record

    def remember(self, fingerprint: str, details: dict[str, Any]) -> None:
        if not fingerprint:
            return
        record = {"fingerprint": fingerprint, "outputs": _outputs(self.out), **details}
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(record), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:
            temporary.unlink(missing_ok=True)

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)
