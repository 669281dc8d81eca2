"""Pytest fixtures of the browser harness; registered by ``tests/conftest.py``.

* ``browser`` (session): the system Chromium driven by Playwright.
* ``page`` (function): a fresh page in its own browser context.

Requesting either one applies the missing-tool policy of
``tests.support.tools``: fail under CI, skip elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from .browser import chromium_browser

VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
DEFAULT_TIMEOUT_MS = 15_000

# expect()'s assertions wait 5 s unless told otherwise, a third of what every other wait of
# a page may take: on a busy machine a search page's filters came after 5 s.
expect.set_options(timeout=DEFAULT_TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with chromium_browser() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()
