"""Markdown read once into templates says exactly what markdown-it says.

The oracle is markdown-it itself, configured as the format reads Markdown: its HTML, and
the plain text read from that HTML, for any text and any way of rewriting links.
"""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from statusgen.render.markdown import fill_html, fill_text, render_markdown
from statusgen.source.links import safe_final
from statusgen.source.markdown import links_in, parser, plain_paragraph, prose

ORACLE = parser(safe_final)
PLAIN = "aAzZéß中\u0627" + "1 0,.;:'\"?()/%$@=+-"
ALPHABET = PLAIN + "!_*#>[]<&`\\|~\t\n"
LINKY = st.sampled_from(["[a](b)", "[a](http://x.example/p?q=1&r=2 \"t&i\")", "![al*t*](i.png)",
                         "<http://y.example>", "[x][r]\n\n[r]: /s", "![a](javascript:x)",
                         "[a [b](c)](d)", "[![i](j.png)](k)", "*[e](f)*", "\u0000", "&amp;"])
TEXTS = st.lists(st.one_of(st.text(alphabet=ALPHABET, max_size=30), LINKY), max_size=6).map("".join)


class _Text(HTMLParser):
    """How the plain text was made before: the rendered HTML read back."""

    BLOCKS = frozenset({"p", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote",
                        "tr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            self.parts.append("\n- ")
        elif tag in self.BLOCKS or tag == "br":
            self.parts.append("\n")
        self.pre += tag == "pre"
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self.pre = max(self.pre - 1, 0)
        if tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.parts.append(f" ({href})")
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.pre or data.strip() or "\n" not in data:
            self.parts.append(data)


def oracle_text(html: str) -> str:
    reader = _Text()
    reader.feed(html)
    reader.close()
    text = "\n".join(line.rstrip() for line in "".join(reader.parts).split("\n"))
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


def suffixed(url: str) -> str:
    return f"/site/{url}"


@settings(max_examples=1500, deadline=None)
@given(TEXTS)
def test_templates_filled_are_what_markdown_it_renders(text: str) -> None:
    if any(not safe_final(url) for url, _ in links_in(text)):
        return  # the oracle leaves an unsafe link as its Markdown; the page shows its text
    expected = ORACLE.render(text)
    read = prose(text)
    assert fill_html(read) == expected
    assert fill_text(read) == oracle_text(expected)
    rebased = fill_html(read, suffixed)
    assert rebased.count("/site/") == expected.count('href="') + expected.count('src="')


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_a_link_left_out_keeps_its_text_and_an_image_its_alternative(text: str) -> None:
    html = fill_html(prose(text), lambda url: None)
    assert "<a " not in html and "<img " not in html
    assert html.count("<span>") == html.count("</span>")
    assert "\x00" not in html and "\x00" not in fill_text(prose(text), lambda url: None)


def test_unsafe_links_and_images_show_only_their_text() -> None:
    html = render_markdown("[click](javascript:alert(1)) ![pic *one*](data:text/html,x)")
    assert html == "<p><span>click</span> pic one</p>\n"
    assert fill_text(prose("[a](javascript:x) and ![b](vbscript:y)")) == "a and b"


def test_links_keep_their_source_line() -> None:
    assert links_in("one\n\n- [a](x)\n- two\n  [b](y)\n\n![c](z.png)") == [
        ("x", 2), ("y", 3), ("z.png", 6)]


def test_a_post_mortem_heading_sits_under_the_page_title() -> None:
    assert fill_html(prose("# Cause\n\n###### deep", shift_headings=1)) == \
        "<h2>Cause</h2>\n<h6>deep</h6>\n"


@settings(max_examples=1500, deadline=None)
@given(st.one_of(st.text(alphabet=ALPHABET, max_size=40), st.text(alphabet=PLAIN, max_size=60)))
def test_the_shortcut_agrees_with_the_parser(text: str) -> None:
    fast = plain_paragraph(text)
    if fast is not None:
        assert fast == ORACLE.render(text)


def test_plain_messages_take_the_shortcut() -> None:
    for text in ("We are investigating elevated error rates.", "Fixed (the cache, 50% of nodes).",
                 'The "EU" region is back; thanks @ops.', "Ünïcödé and 中文 too."):
        assert plain_paragraph(text) == ORACLE.render(text)
    for text in ("1. first", "# Heading", "- item", "**bold**", "a_b", "x  y", " lead", "Line\nbreak"):
        assert plain_paragraph(text) is None
