"""The simplest possible pass over a status repository, as a yardstick for the build.

Read every incident, parse its front matter with libyaml, render every message
with markdown-it-py and write one page per incident.  No validation, no
status, no feeds: what any generator must at least do.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

import yaml
from markdown_it import MarkdownIt


def simple_pass(root: Path, out: Path) -> int:
    """Returns the number of pages written."""
    md = MarkdownIt("commonmark", {"html": False})
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in sorted((root / "incidents").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        data = yaml.load(front, Loader=loader)
        parts = [f"<h1>{html.escape(str(data['title']))}</h1>"]
        for update in data["updates"]:
            parts.append(f"<h2>{html.escape(str(update['status']))} {update['at']}</h2>")
            parts.append(md.render(str(update["message"])))
        parts.append(md.render(body))
        page = out / path.stem
        page.mkdir(exist_ok=True)
        (page / "index.html").write_text("\n".join(parts), encoding="utf-8")
        count += 1
    return count


if __name__ == "__main__":
    print(simple_pass(Path(sys.argv[1]), Path(sys.argv[2])))
