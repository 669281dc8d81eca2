"""Link rules: nothing that could run code or leave the site, no link to a missing entry, and
a word when a public entry links one the public cannot see."""

from __future__ import annotations

from collections.abc import Iterator

from statusgen import model as m
from statusgen import rules
from statusgen.check.context import Context
from statusgen.diagnostics import Diagnostic
from statusgen.source.links import Kind, classify
from statusgen.source.schema import suggest


def link_rules(incident: m.Incident, context: Context) -> Iterator[Diagnostic]:
    """Links that could run code or leave the site, and links to entries that are missing or
    that the public page does not show."""
    published = context.published
    for url, where in incident.all_links():
        link = classify(url)
        if link.kind is Kind.UNSAFE:
            yield rules.LINK.at(where, f"`{url}`: {link.reason}")
        elif link.kind is Kind.OUTSIDE:
            yield rules.ATTACHMENT.at(where, f"`{url}` points outside incidents/; put the file in "
                                      "incidents/ and link it by its name")
        elif link.kind is Kind.ENTRY:
            if link.target not in published:
                yield rules.LINK.at(where, f"`{url}` links to `{link.target}.md`, which is not in "
                                    f"incidents/{suggest(link.target, list(published))}; fix the link")
            elif incident.published and not published[link.target]:
                yield rules.LINK_HIDDEN.at(where, f"`{url}` links to an entry the public page "
                                           "does not show (internal or a drill); the public page shows the "
                                           "link's text without the link")
