"""Serve a built site on loopback and drive Debian's Chromium with Playwright.

Playwright's own browser download does not work on this project's machines,
so the system browser (Debian package ``chromium``, ``/usr/bin/chromium``) is
launched through ``executable_path``. Override it with ``STATUSGEN_CHROMIUM``.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from .tools import AXE_JS, SCREENSHOTS_DIR, missing_tool, require_file

# Without the background-networking flags Chromium keeps retrying connections
# that this machine's closed network refuses, and can hang.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

WCAG_TAGS: tuple[str, ...] = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


# --------------------------------------------------------------------------
# A static HTTP server for a directory
# --------------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    """Static files from one directory, without a log line per request."""

    extensions_map = {  # noqa: RUF012 (overrides the stdlib handler's class attribute)
        **SimpleHTTPRequestHandler.extensions_map,
        ".atom": "application/atom+xml",
        ".ics": "text/calendar",
        ".json": "application/json",
        ".rss": "application/rss+xml",
        ".svg": "image/svg+xml",
        ".webmanifest": "application/manifest+json",
        ".xml": "application/xml",
    }

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve_directory(root: Path) -> Iterator[str]:
    """Serve ``root`` over HTTP on 127.0.0.1, on a free port, in a background thread.

    Yields the base URL without a trailing slash, e.g. ``http://127.0.0.1:41234``;
    the server is shut down when the ``with`` block ends.
    """
    if not root.is_dir():
        raise NotADirectoryError(root)
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"serve {root}",
        daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --------------------------------------------------------------------------
# Chromium through Playwright (sync API)
# --------------------------------------------------------------------------


def chromium_executable() -> str:
    """Path of the system Chromium, or the missing-tool policy (fail in CI, else skip)."""
    override = os.environ.get("STATUSGEN_CHROMIUM")
    if override:
        if not (os.path.isfile(override) and os.access(override, os.X_OK)):
            missing_tool(f"Chromium at STATUSGEN_CHROMIUM={override}")
        return override
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    missing_tool("Chromium (Debian package `chromium`, /usr/bin/chromium)")


def launch_chromium(
    playwright: Playwright,
    *,
    executable: str | None = None,
    extra_args: Sequence[str] = (),
) -> Browser:
    """Launch the system Chromium headless with the flags this machine needs."""
    return playwright.chromium.launch(
        executable_path=executable or chromium_executable(),
        headless=True,
        args=[*CHROMIUM_ARGS, *extra_args],
    )


@contextmanager
def chromium_browser(*, extra_args: Sequence[str] = ()) -> Iterator[Browser]:
    """Start Playwright and the system Chromium; close both on exit.

    Usable directly (``with chromium_browser() as browser:``) or from a fixture
    (see ``tests.support.fixtures``).
    """
    executable = chromium_executable()  # decide skip/fail before starting Playwright
    playwright = sync_playwright().start()
    try:
        browser = launch_chromium(playwright, executable=executable, extra_args=extra_args)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


def run_axe(
    page: Page,
    *,
    tags: Sequence[str] = WCAG_TAGS,
    context: str | None = None,
) -> list[dict[str, Any]]:
    """Run axe-core on the page's current document and return its violations.

    axe.min.js is injected with ``page.evaluate`` (DevTools protocol), so a
    strict Content-Security-Policy on the page does not block it. Only the
    rules with the given tags run (WCAG 2.0/2.1 A and AA by default).
    ``context`` is an optional CSS selector to limit the check to.
    """
    source = require_file(AXE_JS, "axe-core").read_text(encoding="utf-8")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source)
        if not page.evaluate("() => typeof window.axe === 'object'"):
            raise RuntimeError("axe-core was injected but window.axe is not defined")
    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    violations: list[dict[str, Any]] = page.evaluate(
        """async ([context, options]) => {
            const results = await window.axe.run(context ?? document, options);
            return results.violations;
        }""",
        [context, options],
    )
    return violations


def views(page: Page, widths: Sequence[int], schemes: Sequence[str],
          height: Callable[[int], int] = lambda width: 900) -> Iterator[tuple[int, str]]:
    """Each width and colour scheme, in turn, of the document ``page`` has loaded: resized
    and switched in place, not loaded again.  The theme answers both in CSS alone (no script
    reads the width or the scheme), so the document then lays out as a fresh load at that
    size and scheme does; one load and one axe injection serve every view."""
    for width in widths:
        for scheme in schemes:
            page.set_viewport_size({"width": width, "height": height(width)})
            page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
            yield width, scheme


def format_views_violations(found: Mapping[str, Sequence[dict[str, Any]]]) -> str:
    """The axe violations of each view that has some (view name → violations)."""
    return "\n".join(f"{view}:\n{format_axe_violations(violations)}"
                     for view, violations in found.items() if violations)


def format_axe_violations(violations: Sequence[dict[str, Any]]) -> str:
    """A readable summary of axe violations for an assertion message."""
    lines = []
    for violation in violations:
        lines.append(
            f"{violation.get('id')} ({violation.get('impact')}): {violation.get('help')}"
            f" <{violation.get('helpUrl')}>"
        )
        for node in violation.get("nodes", []):
            lines.append(f"    {json.dumps(node.get('target'))}: {node.get('html', '')[:200]}")
    return "\n".join(lines)


def save_screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save a PNG screenshot of ``page`` as ``artifacts/screenshots/<name>.png``."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "screenshot"
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS_DIR / f"{safe}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
