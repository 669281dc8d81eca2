"""Messages as plain text, for the places that show no HTML: the calendar's descriptions and
the JSON API's update bodies (Statuspage's are plain text, and its clients show them so)."""

from __future__ import annotations

from html.parser import HTMLParser

from generator.render.markdown import Rewrite, plain_paragraph, render_markdown


class _Text(HTMLParser):
    """The text of rendered Markdown, with paragraphs and list items on their own lines."""

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
        if tag == "pre":
            self.pre += 1
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
        if not self.pre and not data.strip() and "\n" in data:
            return  # the line breaks markdown-it puts between blocks
        self.parts.append(data)


def plain_text(markdown: str, rewrite: Rewrite | None = None) -> str:
    """A message as plain text: Markdown rendered (links through ``rewrite``), then its text
    kept, links in brackets."""
    if plain_paragraph(markdown) is not None:
        return markdown
    parser = _Text()
    parser.feed(render_markdown(markdown, rewrite))
    parser.close()
    lines = [line.rstrip() for line in "".join(parser.parts).split("\n")]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()
