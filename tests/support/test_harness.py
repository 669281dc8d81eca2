"""Proves the test harness works: server, missing-tool policy, vnu, axe, screenshots, actionlint."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.support.browser import format_axe_violations, run_axe, save_screenshot, serve_directory
from tests.support.tools import REPO_ROOT, SCREENSHOTS_DIR, missing_tool
from tests.support.validators import (
    format_actionlint_findings,
    format_vnu_messages,
    run_actionlint,
    run_vnu,
)

VALID_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>All systems operational</title>
</head>
<body>
<main>
<h1>All systems operational</h1>
<p>Every component is working normally.</p>
</main>
</body>
</html>
"""

# A stray end tag and an unclosed element: both are errors for vnu.
INVALID_HTML = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Broken</title></head>
<body><div><p>Degraded performance</span></body>
</html>
"""

IMG_WITHOUT_ALT_HTML = VALID_HTML.replace(
    "<p>Every component", '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">\n<p>Every component'
)

# A page whose policy forbids every script: axe must still run on it.
STRICT_CSP_HTML = VALID_HTML.replace(
    "<title>",
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'none'\">\n"
    "<title>",
).replace("<p>Every component", '<img src="data:," >\n<p>Every component')


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


# --- fast: no external tools -------------------------------------------------


def test_serve_directory_serves_files_and_stops(tmp_path: Path) -> None:
    write(tmp_path, "index.html", VALID_HTML)
    (tmp_path / "feed.atom").write_text("<feed/>", encoding="utf-8")
    with serve_directory(tmp_path) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(f"{base_url}/", timeout=10) as response:
            assert response.status == 200
            assert b"All systems operational" in response.read()
        with urllib.request.urlopen(f"{base_url}/feed.atom", timeout=10) as response:
            assert response.headers["Content-Type"] == "application/atom+xml"
        with pytest.raises(urllib.error.HTTPError) as excinfo:
            urllib.request.urlopen(f"{base_url}/missing.html", timeout=10)
        assert excinfo.value.code == 404
        excinfo.value.close()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{base_url}/", timeout=5)


def test_missing_tool_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="frobnicator is not available"):
        missing_tool("frobnicator")


@pytest.mark.parametrize("value", [None, "", "false", "0"])
def test_missing_tool_skips_outside_ci(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.skip.Exception, match="frobnicator is not available"):
        missing_tool("frobnicator")


# --- validator: vnu and actionlint ------------------------------------------


@pytest.mark.validator
def test_vnu_reports_errors_only_for_the_invalid_document(tmp_path: Path) -> None:
    valid = write(tmp_path, "valid.html", VALID_HTML)
    invalid = write(tmp_path, "invalid.html", INVALID_HTML)

    assert run_vnu([valid]) == []

    errors = run_vnu([valid, invalid])
    assert errors, "vnu found no error in an invalid document"
    assert all(e["url"].endswith("/invalid.html") for e in errors), format_vnu_messages(errors)
    assert any("Stray end tag" in e["message"] for e in errors), format_vnu_messages(errors)


@pytest.mark.validator
def test_actionlint_flags_a_broken_workflow_only(tmp_path: Path) -> None:
    good = write(
        tmp_path,
        "good.yml",
        "name: ci\non: push\njobs:\n  test:\n    runs-on: ubuntu-24.04\n"
        "    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n",
    )
    bad = write(
        tmp_path,
        "bad.yml",
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    needs: nonexistent\n"
        "    steps:\n      - run: echo hi\n        shell: bashh\n",
    )
    assert run_actionlint([good]) == []
    findings = run_actionlint([good, bad])
    kinds = {f["kind"] for f in findings}
    assert {"job-needs", "shell-name"} <= kinds, format_actionlint_findings(findings)
    assert all(f["file"] == str(bad) for f in findings), format_actionlint_findings(findings)


# --- browser: Chromium, axe, screenshots ------------------------------------


@pytest.mark.browser
def test_axe_flags_img_without_alt_and_passes_a_clean_page(page: Page, tmp_path: Path) -> None:
    write(tmp_path, "clean.html", VALID_HTML)
    write(tmp_path, "no-alt.html", IMG_WITHOUT_ALT_HTML)
    with serve_directory(tmp_path) as base_url:
        page.goto(f"{base_url}/clean.html")
        violations = run_axe(page)
        assert violations == [], format_axe_violations(violations)

        page.goto(f"{base_url}/no-alt.html")
        violations = run_axe(page)
        assert [v["id"] for v in violations] == ["image-alt"], format_axe_violations(violations)


@pytest.mark.browser
def test_axe_runs_under_a_strict_content_security_policy(page: Page, tmp_path: Path) -> None:
    write(tmp_path, "csp.html", STRICT_CSP_HTML)
    with serve_directory(tmp_path) as base_url:
        page.goto(f"{base_url}/csp.html")
        assert page.evaluate("() => typeof window.axe") == "undefined"
        violations = run_axe(page)
    assert "image-alt" in {v["id"] for v in violations}, format_axe_violations(violations)


@pytest.mark.browser
def test_screenshot_is_saved_under_artifacts(page: Page, tmp_path: Path) -> None:
    write(tmp_path, "index.html", VALID_HTML)
    with serve_directory(tmp_path) as base_url:
        page.goto(f"{base_url}/")
        assert page.inner_text("h1") == "All systems operational"
        path = save_screenshot(page, "harness/smoke test")
    assert path == SCREENSHOTS_DIR / "harness_smoke_test.png"
    assert path.is_relative_to(REPO_ROOT / "artifacts")
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 1000
