"""The benchmark's table: figures per shape and N, scaling factors, and the targets they miss.

A figure is a number, or text saying why there is none: ``"> 900"`` (the command
was stopped after 900 s, so the figure is more than that), ``"failed"``,
``"not run"``.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

Value = float | str | None
Figures = Mapping[str, Value]
Results = Mapping[str, Mapping[int, Figures]]
"""shape → N → figure key → value."""

LIMIT_PREFIX = "> "
MAX_SCALING = 2.2
"""Every judged figure at 2N is at most this many times the figure at N."""
AT = 10_000
"""The targets below apply from this N on."""
MAX_RATIO = 1.5
MAX_PEAK_MIB = 500e6 / 2**20
"""500 MB."""
MAX_SCHEDULED_S = 1.5
MAX_EDIT_S = 0.3


@dataclass(frozen=True)
class Row:
    """A figure: its key, its label, how it is shown, and whether its growth is judged."""

    key: str
    label: str
    form: str
    judged: bool = False
    """Its scaling factor must stay within :data:`MAX_SCALING`."""
    scaled: bool = True
    """Its scaling factor is shown."""


ROWS = (
    Row("generate_s", "generate the repository (s)", "{:.2f}"),
    Row("simple_s", "simple pass (s)", "{:.2f}"),
    Row("cold_s", "cold build (s)", "{:.2f}", judged=True),
    Row("ratio", "cold / simple", "{:.2f}x", scaled=False),
    Row("scheduled_s", "scheduled rebuild, +10 min (s)", "{:.2f}", judged=True),
    Row("edit_s", "one-file edit in serve (s)", "{:.2f}", judged=True),
    Row("edit_written", "  files the edit rewrote", "{:,.0f}", scaled=False),
    Row("peak_mib", "peak memory, cold (MiB)", "{:.0f}", judged=True),
    Row("index_bytes", "index.html (bytes)", "{:,.0f}"),
    Row("files", "files written", "{:,.0f}"),
    Row("site_mib", "site size (MiB)", "{:.1f}"),
)
ROW = {row.key: row for row in ROWS}


def number(value: Value) -> float | None:
    """The value as a number: a figure, or the limit a stopped command passed; else None."""
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and value.startswith(LIMIT_PREFIX):
        return float(value[len(LIMIT_PREFIX):])
    return None


def per_doubling(n: int, small: float, m: int, large: float) -> float:
    """How many times the figure grows when N doubles, from its values at ``n`` and ``m``.

    ``(large / small) ** (1 / log2(m / n))``: the plain ratio from N to 2N, and from 4,000 to
    10,000 the growth normalised to a doubling.
    """
    return float((large / small) ** (1 / math.log2(m / n)))


def scaling(n: int, small: Value, m: int, large: Value) -> tuple[float, bool] | None:
    """The factor per doubling, and whether it is only a lower bound (the larger run was
    stopped); None when it cannot be known."""
    a, b = number(small), number(large)
    if a is None or b is None or a <= 0 or isinstance(small, str):
        return None
    return per_doubling(n, a, m, b), isinstance(large, str)


@dataclass(frozen=True)
class Miss:
    """A figure that misses its target."""

    shape: str
    key: str
    where: str
    """``10,000`` or ``2,000→4,000``."""
    what: str

    def __str__(self) -> str:
        label = re.sub(r" \([^)]*\)$", "", ROW[self.key].label.strip())
        return f"{self.shape}: {label} at {self.where}: {self.what}"


def _value_misses(shape: str, n: int, figures: Figures, first_index: Value) -> list[Miss]:
    out = []
    for key, value in figures.items():
        if isinstance(value, str) and key in ROW and ROW[key].judged:
            out.append(Miss(shape, key, f"{n:,}", "no figure: " + (
                f"stopped after {value[len(LIMIT_PREFIX):]} s" if value.startswith(LIMIT_PREFIX)
                else value)))
    limits = {"ratio": MAX_RATIO, "peak_mib": MAX_PEAK_MIB, "scheduled_s": MAX_SCHEDULED_S,
              "edit_s": MAX_EDIT_S}
    if n >= AT:
        for key, most in limits.items():
            found = number(figures.get(key))
            if found is not None and found > most:
                out.append(Miss(shape, key, f"{n:,}", f"{ROW[key].form.format(found)} > "
                                f"{ROW[key].form.format(most)}"))
    index = figures.get("index_bytes")
    if isinstance(index, int | float) and isinstance(first_index, int | float) and index != first_index:
        out.append(Miss(shape, "index_bytes", f"{n:,}",
                        f"{index:,.0f} bytes, not {first_index:,.0f} as at the smallest N"))
    return out


def misses(shape: str, by_n: Mapping[int, Figures]) -> list[Miss]:
    """Every target ``shape``'s figures miss."""
    sizes = sorted(by_n)
    if not sizes:
        return []
    first_index = by_n[sizes[0]].get("index_bytes")
    out = [miss for n in sizes for miss in _value_misses(shape, n, by_n[n], first_index)]
    for n, m in itertools.pairwise(sizes):
        for row in ROWS:
            factor = scaling(n, by_n[n].get(row.key), m, by_n[m].get(row.key)) if row.judged else None
            if factor is not None and factor[0] > MAX_SCALING:
                bound = "at least " if factor[1] else ""
                out.append(Miss(shape, row.key, f"{n:,}→{m:,}",
                                f"{bound}{factor[0]:.2f}x per doubling > {MAX_SCALING}x"))
    return out


def _cell(row: Row, value: Value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return f"> {value[len(LIMIT_PREFIX):]} s" if value.startswith(LIMIT_PREFIX) else value
    return row.form.format(value)


def table(shape: str, by_n: Mapping[int, Figures]) -> tuple[list[str], list[list[str]], list[Miss]]:
    """The header, the rows of cells, and the misses; a missed figure's cell is marked ``!``."""
    sizes = sorted(by_n)
    found = misses(shape, by_n)
    missed = {(m.key, m.where) for m in found}
    pairs = list(itertools.pairwise(sizes))
    header = ["figure", *(f"{n:,}" for n in sizes),
              *(f"{n:,}→{m:,}" + ("" if m == 2 * n else " per x2") for n, m in pairs)]
    rows = []
    for row in ROWS:
        cells = [row.label]
        for n in sizes:
            cell = _cell(row, by_n[n].get(row.key))
            cells.append(cell + (" !" if (row.key, f"{n:,}") in missed else ""))
        for n, m in pairs:
            factor = scaling(n, by_n[n].get(row.key), m, by_n[m].get(row.key)) if row.scaled else None
            cell = "" if not row.scaled else "—" if factor is None else \
                f"{'≥ ' if factor[1] else ''}{factor[0]:.2f}x"
            cells.append(cell + (" !" if (row.key, f"{n:,}→{m:,}") in missed else ""))
        rows.append(cells)
    return header, rows, found


def text(results: Results, summaries: Mapping[str, str]) -> str:
    """The figures as aligned text, shape by shape."""
    out = []
    for shape, by_n in results.items():
        header, rows, found = table(shape, by_n)
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        out.append(f"{shape}: {summaries.get(shape, '')}")
        for cells in [header, *rows]:
            out.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                 for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip())
        out += [f"  ! {miss}" for miss in found] or ["  every target met"]
        out.append("")
    return "\n".join(out)


def markdown(results: Results, summaries: Mapping[str, str]) -> str:
    """The figures as Markdown tables, a missed figure in bold, each miss listed after its table."""
    out = []
    for shape, by_n in results.items():
        header, rows, found = table(shape, by_n)
        out += [f"### {shape}", "", summaries.get(shape, ""), ""]
        out.append("| " + " | ".join(header) + " |")
        out.append("|---|" + "---:|" * (len(header) - 1))
        for cells in rows:
            shown = [f"**{c[:-2]}**" if c.endswith(" !") else c for c in cells]
            out.append("| " + " | ".join(shown) + " |")
        out.append("")
        out += [f"- missed: {miss}" for miss in found] or ["- every target met"]
        out.append("")
    return "\n".join(out)
