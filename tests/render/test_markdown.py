"""The Markdown shortcut for plain lines says exactly what markdown-it says."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.render.markdown import _MD, plain_paragraph

PLAIN = "aAzZéß中\u0627" + "1 0,.;:'\"?()/%$@=+-"
ALPHABET = PLAIN + "!_*#>[]<&`\\|~\t\n"


@settings(max_examples=1500, deadline=None)
@given(st.one_of(st.text(alphabet=ALPHABET, max_size=40), st.text(alphabet=PLAIN, max_size=60)))
def test_the_shortcut_agrees_with_the_parser(text: str) -> None:
    fast = plain_paragraph(text)
    if fast is not None:
        assert fast == _MD.render(text)


def test_plain_messages_take_the_shortcut() -> None:
    for text in ("We are investigating elevated error rates.", "Fixed (the cache, 50% of nodes).",
                 'The "EU" region is back; thanks @ops.', "Ünïcödé and 中文 too."):
        assert plain_paragraph(text) == _MD.render(text)
    for text in ("1. first", "# Heading", "- item", "**bold**", "a_b", "x  y", " lead", "Line\nbreak"):
        assert plain_paragraph(text) is None
