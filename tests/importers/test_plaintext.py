"""Plain text written as Markdown reads back, on the page, as the same lines."""

from __future__ import annotations

from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from statusgen.importers.plaintext import markdown_from_text
from statusgen.render.markdown import render_markdown


def _lines(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    return [line.strip().replace("\u00a0", " ").strip()
            for line in soup.get_text("\n").split("\n") if line.strip()]


def _expected(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


SYNTAX = "#*_-+=>`[]()!<&|~\\.1234567890 \n"
text = st.text(alphabet=st.sampled_from([*SYNTAX, "a", "b", "é", "Z"]), max_size=60)


@settings(max_examples=300, deadline=None)
@given(text)
def test_any_text_shows_as_itself(value: str) -> None:
    assert _lines(render_markdown(markdown_from_text(value))) == _expected(value)


def test_ordinary_sentences_stay_as_written() -> None:
    said = "We are investigating elevated error rates on api_v2 (about 2% of requests)."
    assert markdown_from_text(said) == said


def test_line_breaks_are_hard_breaks_and_markup_is_escaped() -> None:
    said = "Steps:\n1. restart\n* not a list\n# not a heading\n<b>bold?</b> &amp;"
    html = render_markdown(markdown_from_text(said))
    assert "<ol>" not in html and "<ul>" not in html and "<h1>" not in html and "<b>" not in html
    assert html.count("<br") == 4
    assert _lines(html) == _expected(said)


def test_statuspage_html_line_breaks_are_line_breaks() -> None:
    said = "Up to 2% of connections fail.<br /><br />We took hosts out of rotation."
    assert _lines(render_markdown(markdown_from_text(said))) == [
        "Up to 2% of connections fail.", "We took hosts out of rotation."]
