"""Files that incidents link to (images, PDFs): which may be published, and their bytes.

A file is published only when a shown body or update links it, it lies inside
``incidents/`` reached without a symbolic link (:func:`~statusgen.source.files.read_inside`),
it is not an incident's source, and it cannot run code on the status page's own
site: its type is one browsers only display (images, PDF, text, video), and an SVG
must be a drawing (:mod:`statusgen.source.svg`).  HTML, XHTML, XML and scripts are
refused, whatever the host would send as headers: GitHub Pages sends none that
would make them inert.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from statusgen import model as m
from statusgen import rules
from statusgen.diagnostics import Diagnostic, Location
from statusgen.source.files import MAX_ATTACHMENT_BYTES, Unreadable
from statusgen.source.links import Kind, classify
from statusgen.source.svg import ActiveContent, check_svg
from statusgen.source.tree import Source

INCIDENTS_DIR = "incidents"
PASSIVE = frozenset({
    "png", "jpg", "jpeg", "gif", "webp", "avif", "bmp", "ico", "svg",
    "pdf", "txt", "csv", "log", "json", "mp4", "webm", "ogg", "mp3",
})
"""Extensions of files a browser displays without running anything (SVG once checked)."""


class Refused(Exception):
    """An attachment that cannot be published; the message says why and what to do."""


def output_path(name: str) -> str:
    """Where an attachment is published: beside the incidents, under the same name."""
    return f"{INCIDENTS_DIR}/{name}"


def read_attachment(source: Source, name: str) -> bytes:
    """The bytes of ``incidents/<name>`` if it may be published; :class:`Refused` if not."""
    extension = name.rpartition(".")[2].lower() if "." in name.rpartition("/")[2] else ""
    if extension not in PASSIVE:
        kind = f"a `.{extension}` file" if extension else "a file without an extension"
        raise Refused(f"`{name}` is {kind}, which browsers may run as a page or script on the "
                      "status page's own site; attach images, PDFs, text, CSV, JSON or video, "
                      f"or link to the file elsewhere ({', '.join(sorted(PASSIVE))})")
    try:
        data = source.read(output_path(name), MAX_ATTACHMENT_BYTES)
    except Unreadable as exc:
        raise Refused(f"`{name}` {exc.message}") from exc
    if extension == "svg":
        try:
            check_svg(data)
        except ActiveContent as exc:
            raise Refused(f"`{name}` is not a plain drawing: {exc}; export it as PNG, or "
                          "remove what the message names") from exc
    return data


def files_linked(links: Iterable[tuple[str, Location]]) -> Iterator[tuple[str, Location]]:
    """The attachment names among ``links``, each with where it is linked."""
    for url, where in links:
        link = classify(url)
        if link.kind is Kind.FILE:
            yield link.target, where


def check_attachments(source: Source, incident: m.Incident) -> list[Diagnostic]:
    """Every file the incident links to exists in ``incidents/`` and may be published."""
    out = []
    checked: set[str] = set()
    for name, where in files_linked(incident.all_links()):
        if name in checked:
            continue
        checked.add(name)
        try:
            read_attachment(source, name)
        except Refused as exc:
            message = str(exc)
            if "does not exist" in message:
                message = f"`{name}` does not exist in incidents/; add the file or fix the link"
            out.append(rules.ATTACHMENT.at(where, message))
    return out
