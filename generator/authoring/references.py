"""The next incident reference (``INC-43``): one rule for every writer of new incidents.

Two writers that read the repository at the same moment pick the same number; the loader's
duplicate-reference check then refuses the second file when both reach one checkout.
"""

from __future__ import annotations

from collections.abc import Iterable

from statusgen import model as m


def next_reference(form: m.ReferenceForm, taken: Iterable[str],
                   kind: m.Kind = m.Kind.INCIDENT) -> str:
    """The prefix declared for ``kind`` and one more than the highest number of the references
    ``taken`` that have that form (incidents and maintenance count separately)."""
    pattern = form.pattern(kind)
    numbers = [int(found.group(1)) for reference in taken if (found := pattern.match(reference))]
    return f"{form.prefix_for(kind)}{max(numbers, default=0) + 1}"


def references(incidents: Iterable[m.Incident]) -> list[str]:
    """The references ``incidents`` carry."""
    return [i.reference for i in incidents if i.reference]
