"""The YAML mistakes people make in front matter, each told with its fix at its place.

The snippets are those of real reports against other static-site tools (Jekyll,
Hugo, Astro, gray-matter: titles with a colon, apostrophes inside single
quotes, a quote inside double quotes) and the ones a person writes during an
outage. Each runs with libyaml's parser and with PyYAML's pure-Python one.
"""

from __future__ import annotations

import pytest

from statusgen.diagnostics import Severity
from statusgen.source.yaml_reader import parse_yaml
from tests.conftest import StatusRepo
from tests.helpers import INCIDENT, components, incident, rows, validate
from tests.source.test_yaml_reader import every_loader  # noqa: F401  (runs each test with both parsers)

UPDATE = "updates:\n  - at: 2026-11-22T10:00:00Z\n    status: identified\n"

MISTAKES = [
    # kubernetes/kubernetes#12531
    pytest.param("layout: docwithnav\ntitle: Kubernetes Cluster Admin Guide: Cluster Components\n", (2, 38),
                 'must be in quotes: title: "Kubernetes Cluster Admin Guide: Cluster Components"',
                 id="colon-in-title"),
    pytest.param("title: Outage: API down\nimpact: major\n", (1, 14),
                 'a value containing `: ` must be in quotes: title: "Outage: API down"', id="colon-outage"),
    pytest.param(UPDATE + "    message: Root cause: a full disk on db-2\n", (4, 24),
                 'must be in quotes: message: "Root cause: a full disk on db-2"', id="colon-in-message"),
    pytest.param("message: We see errors\n  on the API: requests fail\n", (2, 13),
                 'must be in quotes: message: "We see errors on the API: requests fail"',
                 id="colon-on-a-continued-line"),
    # nantipov/wordhugopress#10
    pytest.param("title: 'The World's Largest R/C Car'\n", (1, 18),
                 "inside single quotes write an apostrophe twice ('The World''s Largest R/C Car') or use "
                 "double quotes", id="apostrophe-in-title"),
    # aws-amplify/learn#32, as a status update
    pytest.param(UPDATE + "    message: 'We're replacing the disk; **don't** retry uploads.'\n", (4, 17),
                 "('We''re replacing the disk; **don''t** retry uploads.')", id="apostrophe-in-message"),
    pytest.param("updates: [{status: resolved, message: 'It's fixed'}]\n", (1, 42),
                 "write an apostrophe twice ('it''s') or use double quotes", id="apostrophe-in-flow"),
    pytest.param("message: 'The users' data is safe.'\n", (1, 20),
                 "('The users'' data is safe.')", id="apostrophe-before-a-space"),
    # typedoc2md/typedoc-plugin-markdown#225
    pytest.param('title: "Namespace: "QrcodeCapture""\n', (1, 20),
                 "a `\"` inside double quotes ends the value: put the value in single quotes "
                 "('Namespace: \"QrcodeCapture\"')", id="double-quote-inside"),
    pytest.param('title: "Login" page is broken\n', (1, 16),
                 'text after the closing `"`: put the whole value inside the quotes, as in '
                 '"Login page is broken"', id="words-after-the-quotes"),
    pytest.param(UPDATE + "     message: A disk is full.\n", (4, 6),
                 "indent `message` with the same number of spaces as `status` on the line above (4)",
                 id="key-one-space-deeper"),
    pytest.param(UPDATE + "   message: A disk is full.\n", (4, 4),
                 "indent `message` with the same number of spaces as `status` on the line above (4)",
                 id="key-one-space-shallower"),
    pytest.param("updates:\n  - at: 2026-11-22T10:00:00Z\n     status: identified\n", (3, 6),
                 "indent `status` with the same number of spaces as `at` on the line above (4)",
                 id="key-deeper-than-after-a-dash"),
    pytest.param("page:\n  title: Acme Status\n url: https://status.acme.example/\n", (3, 2),
                 "indent `url` with the same number of spaces as `title` on the line above (2)",
                 id="key-shallower-at-the-top"),
    pytest.param("updates:\n  - at: 2026-11-22T10:00:00Z\n    components:\n      api: major_outage\n"
                 "   status: identified\n", (5, 4),
                 "indent `status` with the same number of spaces as `components` on line 3 (4)",
                 id="key-after-a-nested-mapping"),
    pytest.param(UPDATE + "   - at: 2026-11-22T09:00:00Z\n", (4, 4),
                 "indent this `-` with the same number of spaces as the `-` on line 2 (2)",
                 id="item-one-space-deeper"),
    pytest.param(UPDATE + " - at: 2026-11-22T09:00:00Z\n", (4, 2),
                 "indent this `-` with the same number of spaces as the `-` on line 2 (2)",
                 id="item-one-space-shallower"),
    pytest.param(UPDATE + "    - at: 2026-11-22T09:00:00Z\n", (4, 5),
                 "indent this `-` with the same number of spaces as the `-` on line 2 (2)",
                 id="item-at-the-keys-indentation"),
    pytest.param('title: "Outage\nimpact: major\n', (1, 8),
                 'this `"` is never closed: end the value with `"`, as in `"Outage"`',
                 id="quote-never-closed"),
    pytest.param("title: 'API errors\n" + UPDATE, (1, 8), "this `'` is never closed",
                 id="single-quote-never-closed"),
    pytest.param('title: "Outage\nimpact: "major"\n', (1, 8),
                 'this `"` is never closed on its line, so the value runs on to the `"` on line 2',
                 id="quote-closed-by-the-next-value"),
    pytest.param("updates:\n\t- at: 2026-11-22T10:00:00Z\n", (2, 1),
                 "YAML does not allow '\\t' (a tab) here: indent with spaces", id="tab"),
    pytest.param('message: "Logs are in C:\\logs\\new"\n', (1, 25),
                 "inside double quotes a backslash starts an escape: write `\\\\` for a backslash",
                 id="backslash-in-double-quotes"),
]


@pytest.mark.parametrize(("text", "place", "message"), MISTAKES)
def test_a_mistake_is_told_with_its_fix_where_it_is(text: str, place: tuple[int, int], message: str) -> None:
    node, out = parse_yaml(text, "f.yml")
    assert node is None
    assert [(d.location.line, d.location.column, d.severity, d.code) for d in out] == [
        (*place, Severity.ERROR, "yaml")]
    assert out[0].message.startswith("YAML syntax: ")
    assert message in out[0].message


@pytest.mark.parametrize("text", [
    pytest.param("title:  My Brother's Title\n", id="apostrophe-without-quotes"),  # gray-matter#141
    pytest.param("title: 'It''s fixed'\n", id="apostrophe-doubled"),
    pytest.param("image: https://raw.githubusercontent.com/layer5labs/x.png\n", id="url"),  # meshery.io#1516
    pytest.param("title: Outage:API\n", id="colon-without-a-space"),
    pytest.param('message: "#1 priority: the API"\n', id="hash-in-quotes"),
    pytest.param("message: The API is back # checked by hand\n", id="comment-after-a-value"),
])
def test_what_looks_like_a_mistake_but_is_not(text: str) -> None:
    node, out = parse_yaml(text, "f.yml")
    assert out == [] and node is not None


A = "incidents/a.md"


@pytest.mark.parametrize(("old", "new", "place", "example"), [
    pytest.param("message: We are looking into it.", "message: #1 priority is the API", (9, 14),
                 '"#1 priority is the API"', id="message"),
    pytest.param("title: API errors", "title: # API errors", (2, 8), '"# API errors"', id="title"),
    pytest.param("message: We are looking into it.", "message:   #api-team is on it", (9, 16),
                 '"#api-team is on it"', id="spaces-before-the-hash"),
])
def test_a_comment_where_text_belongs_is_that_mistake_not_empty(
        old: str, new: str, place: tuple[int, int], example: str, status_repo: StatusRepo) -> None:
    found = validate(status_repo({A: incident(old, new)}))
    assert rows(found) == [(A, *place, "error", "yaml-comment")]
    assert found[0].message == ("`#` starts a comment, so YAML reads this value as empty: put the text "
                                f"in quotes, as in {example}")


def test_a_comment_in_components_yml_is_the_same_mistake(status_repo: StatusRepo) -> None:
    text = components("    name: API\n", "    name: # API\n")
    found = validate(status_repo({"components.yml": text, A: INCIDENT}))
    assert rows(found) == [("components.yml", 6, 11, "error", "yaml-comment")]


def test_a_comment_on_the_next_line_leaves_the_value_empty(status_repo: StatusRepo) -> None:
    # Not the `key: #…` mistake: the key has no value on its line, and the comment is one.
    found = validate(status_repo({A: incident("message: We are looking into it.",
                                              "message:\n      # We are looking into it.")}))
    assert rows(found) == [(A, 9, 13, "error", "empty")]
