"""Reusable test harness: local HTTP server, headless Chromium, axe, vnu, actionlint.

Modules:

* ``tests.support.tools``: repository paths and the missing-tool policy
  (fail under CI, skip elsewhere).
* ``tests.support.browser``: ``serve_directory``, ``chromium_browser``,
  ``run_axe``, ``save_screenshot``.
* ``tests.support.validators``: ``run_vnu``, ``run_actionlint``.
* ``tests.support.fixtures``: pytest fixtures ``browser`` and ``page``,
  registered from ``tests/conftest.py``.

The external tools are installed by ``bash .ci/setup-tools``.
"""
