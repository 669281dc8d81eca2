"""Where Statuspage documents come from: a file, a folder, a public page, the manage API.

Every way gives a list of ``(name, parsed JSON)`` for :func:`.statuspage.read`, and
remarks for the user (the public API's limit of 50 incidents).  Nothing is read
through a symbolic link, and every file or answer is bounded in size.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from statusgen.importers.http import Fetcher, FetchError, shown
from statusgen.importers.statuspage import SourceError

MAX_FILE = 64 << 20
PUBLIC = ("components.json", "incidents.json", "scheduled-maintenances.json")
MANAGE_API = "https://api.statuspage.io"
MANAGE_API_ENV = "STATUSGEN_STATUSPAGE_API"
"""Overrides the manage API's base URL (a proxy, or a test server)."""
PER_PAGE = 100
MAX_PAGES = 1000
PUBLIC_LIMIT = ("The public API holds only the newest 50 incidents (and maintenances): older "
                "ones are not imported. For the whole history, use the manage API: "
                "--api-key-env NAME --page-id ID.")
_PAGE_ID = re.compile(r"[A-Za-z0-9]{1,64}\Z")

Documents = list[tuple[str, Any]]


def _read(path: Path) -> bytes:
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(handle, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise OSError("not a regular file")
        data = file.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise OSError(f"larger than {MAX_FILE >> 20} MiB")
    return data


def _json_file(path: Path) -> Any:
    try:
        return json.loads(_read(path).decode("utf-8-sig"))
    except OSError as exc:
        raise SourceError(f"{path} cannot be read: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise SourceError(f"{path} is not JSON: {exc}") from exc


def from_path(path: Path) -> Documents:
    """A JSON file, or every ``*.json`` file of a folder (not its subfolders), by name."""
    if path.is_symlink():
        raise SourceError(f"{path} is a symbolic link; give the file or folder itself")
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix == ".json" and p.is_file()
                       and not p.is_symlink())
        if not files:
            raise SourceError(f"{path} holds no .json file")
        return [(str(f), _json_file(f)) for f in files]
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    return [(str(path), _json_file(path))]


def is_url(source: str) -> bool:
    """Whether SOURCE names a page on the web rather than a file."""
    return urlsplit(source).scheme in ("http", "https")


def from_public_page(base: str, fetcher: Fetcher) -> tuple[Documents, list[str]]:
    """The public API v2 documents of the page at ``base`` (``https://status.example.com``)."""
    root = base.rstrip("/")
    try:
        docs = [(name, fetcher.json(f"{root}/api/v2/{name}")) for name in PUBLIC]
    except FetchError as exc:
        raise SourceError(str(exc)) from exc
    return docs, [PUBLIC_LIMIT]


def from_manage_api(page_id: str, key_env: str, fetcher: Fetcher,
                    environ: os._Environ[str] | dict[str, str] = os.environ) -> Documents:
    """The page, its components and every incident from the manage API, page by page."""
    if not _PAGE_ID.match(page_id):
        raise SourceError(f"--page-id {page_id!r}: a Statuspage page id is letters and digits")
    key = environ.get(key_env, "")
    if not key.strip():
        raise SourceError(f"the environment variable {key_env} is not set or empty; put the API "
                          "key there (statusgen never takes it from a flag or a file)")
    base = environ.get(MANAGE_API_ENV, MANAGE_API).rstrip("/")
    if urlsplit(base).scheme not in ("http", "https"):
        raise SourceError(f"{MANAGE_API_ENV}={shown(base)} is not an http(s) address")
    headers = {"Authorization": f"OAuth {key.strip()}"}
    page_url = f"{base}/v1/pages/{quote(page_id)}"
    try:
        page = fetcher.json(page_url, headers)
        components = fetcher.json(f"{page_url}/components", headers)
        incidents: list[Any] = []
        for number in range(1, MAX_PAGES + 1):
            batch = fetcher.json(f"{page_url}/incidents?page={number}&per_page={PER_PAGE}", headers)
            if not isinstance(batch, list):
                raise SourceError(f"{shown(page_url)}/incidents (page {number}) is not a list of "
                                  "incidents")
            incidents.extend(batch)
            if len(batch) < PER_PAGE:
                break
    except FetchError as exc:
        raise SourceError(str(exc)) from exc
    if not isinstance(page, dict):
        raise SourceError(f"{shown(page_url)} is not a Statuspage page")
    return [("page", {"page": _public_page(page), "components": components,
                      "incidents": incidents})]


def _public_page(page: dict[str, Any]) -> dict[str, Any]:
    """The manage API's page in the public API's words: its address is its domain."""
    domain = page.get("domain") if isinstance(page.get("domain"), str) else ""
    subdomain = page.get("subdomain") if isinstance(page.get("subdomain"), str) else ""
    url = f"https://{domain}" if domain else f"https://{subdomain}.statuspage.io" if subdomain else ""
    return {"id": page.get("id"), "name": page.get("name"), "url": url,
            "time_zone": page.get("time_zone")}
