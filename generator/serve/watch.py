"""Watching the repository: which changes can change the site, and telling the builder."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from statusgen.serve.log import say
from statusgen.source.parse import CONFIG_FILE, INCIDENTS_DIR

WATCHED_DIRS = (INCIDENTS_DIR, "themes")


# Editors' swap, backup and probe files: saving through them is not a change yet.
_SCRATCH_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".bak")
_SCRATCH_NAMES = ("4913",)  # vim's "can I write here" probe


def relevant(root: Path, path: str) -> bool:
    """Whether a change at ``path`` can change the site."""
    try:
        rel = Path(path).relative_to(root)
    except ValueError:
        return False
    parts = rel.parts
    if not parts:
        return False
    if parts == (CONFIG_FILE,):
        return True
    if parts[0] not in WATCHED_DIRS:
        return False
    name = parts[-1]
    return not (any(p.startswith(".") for p in parts) or name.endswith(_SCRATCH_SUFFIXES)
                or name in _SCRATCH_NAMES)


def start_watching(root: Path, on_change: Callable[[], None]) -> Any:
    """A started watchdog observer calling ``on_change`` for every relevant change."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    observer = Observer()

    def watch_dirs() -> None:
        for name in WATCHED_DIRS:
            if (root / name).is_dir():
                try:
                    observer.schedule(handler, str(root / name), recursive=True)
                except OSError as exc:
                    say(f"cannot watch {name}/: {exc}", error_stream=True)

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: Any) -> None:
            if event.event_type not in ("created", "modified", "deleted", "moved"):
                return
            if event.is_directory and event.event_type == "modified":
                return  # a file in it changed: that file's own event says which
            paths = [os.fsdecode(event.src_path), os.fsdecode(getattr(event, "dest_path", "") or "")]
            if any(p and relevant(root, p) for p in paths):
                if event.is_directory and event.event_type in ("created", "moved") and any(
                        Path(p) in (root / d for d in WATCHED_DIRS) for p in paths if p):
                    watch_dirs()  # incidents/ or themes/ appeared after the start
                on_change()

    handler = Handler()
    observer.schedule(handler, str(root), recursive=False)
    watch_dirs()
    observer.daemon = True
    observer.start()
    return observer
