"""The simplest possible pass over a status repository, as a yardstick for the build.

    python -m bench.simple ROOT OUT

Read every incident, parse its front matter with libyaml, render every message
and the body with markdown-it-py (tables on, raw HTML off), write one page per
entry and one list of them all, and copy the other files of ``incidents/``
(images) beside the pages.  No validation, no status, no uptime, no feeds or API:
what any generator must at least do.  Entries without a body, maintenance
windows and either form of ``components`` are shown as they come.
"""

from __future__ import annotations

import html
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def split(text: str) -> tuple[str, str]:
    """The front matter and the body of an entry's text (a body may be missing)."""
    if not text.startswith("---\n"):
        raise ValueError("no front matter")
    front, sep, body = text[4:].partition("\n---\n")
    if not sep:
        front, sep, body = text[4:].rpartition("\n---")
        if not sep or body.strip():
            raise ValueError("front matter not closed")
    return front, body


def page(data: dict[str, Any], body: str, md: MarkdownIt) -> str:
    """One entry's page."""
    parts = [f"<h1>{html.escape(str(data.get('title', '')))}</h1>"]
    window = data.get("window")
    if isinstance(window, dict):
        parts.append(f"<p>{html.escape(str(window.get('start')))} to "
                     f"{html.escape(str(window.get('end')))}</p>")
    components = data.get("components") or []
    named = components.items() if isinstance(components, dict) else ((c, "") for c in components)
    parts.append("<ul>" + "".join(f"<li>{html.escape(str(c))} {html.escape(str(level))}</li>"
                                  for c, level in named) + "</ul>")
    for update in data.get("updates") or []:
        parts.append(f"<h2>{html.escape(str(update.get('status')))} {update.get('at')}</h2>")
        parts.append(md.render(str(update.get("message", ""))))
    if body.strip():
        parts.append(md.render(body))
    return "\n".join(parts)


def simple_pass(root: Path, out: Path) -> int:
    """Write the pages of ``root`` into ``out``; return how many entries there were."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    out.mkdir(parents=True, exist_ok=True)
    listed = []
    for path in sorted((root / "incidents").iterdir()):
        if path.suffix != ".md":
            if path.is_file():
                shutil.copyfile(path, out / path.name)
            continue
        front, body = split(path.read_text(encoding="utf-8"))
        data = yaml.load(front, Loader=LOADER)
        folder = out / path.stem
        folder.mkdir(exist_ok=True)
        (folder / "index.html").write_text(page(data, body, md), encoding="utf-8")
        listed.append(f'<li><a href="{path.stem}/">{html.escape(str(data.get("title", "")))}</a></li>')
    listed.reverse()  # file names start with the date: newest first
    (out / "index.html").write_text("<ul>\n" + "\n".join(listed) + "\n</ul>\n", encoding="utf-8")
    return len(listed)


if __name__ == "__main__":
    print(simple_pass(Path(sys.argv[1]), Path(sys.argv[2])))
