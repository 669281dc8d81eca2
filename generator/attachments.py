"""Load the files that shown incident bodies link to (images, PDFs), for copying into the site.

Only entries the build shows are read, so an internal post-mortem's images never
reach the public site.
"""

from __future__ import annotations

from pathlib import Path

from .load import INCIDENTS_DIR, attachment_path
from .snapshot import Snapshot


def load_attachments(root: Path, snap: Snapshot) -> dict[str, bytes]:
    """``incidents/<file>`` → bytes for every existing file a shown body links to."""
    found: dict[str, bytes] = {}
    for entry in snap.entries:
        for link, _ in entry.incident.links:
            name = attachment_path(link)
            if name is None or f"{INCIDENTS_DIR}/{name}" in found:
                continue
            file = root / INCIDENTS_DIR / name
            if file.is_file():
                found[f"{INCIDENTS_DIR}/{name}"] = file.read_bytes()
    return found
