"""Use both cores for the parts that pay (parsing files, rendering entry pages).

Results come back in the order of the inputs, so output never depends on
scheduling: a parallel build is byte-identical to a single-process one.
Workers are forked, so they see the caller's data without copying it; where
fork is unavailable, or the work is small, everything runs in this process.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from statusgen.output.held import hold
from statusgen.steps import Runner, direct, is_spread, step_name

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 400
"""Below this, starting workers costs more than it saves."""

# The task of the current map, its items and what becomes of each result, read by forked
# workers (a step's input may hold what cannot be pickled, a theme's templates): set only
# around one call.
_task: Callable[[Any], Any] | None = None
_items: Sequence[Any] = ()
_after: Callable[[Any], Any] | None = None


BUILD_GC = (50_000, 20, 20)
"""The cycle collector's thresholds for a build (the default is 700, 10, 10).  A build holds
10,000 entries' worth of long-lived objects and makes hundreds of thousands of short-lived
ones, nearly all freed by reference counting; at the default thresholds the collector
rescanned the long-lived ones often enough to take 5 of a scheduled rebuild's 13 s.
Turning it off would save a little more, but rendering leaves cycles (templates' frames)
that raised the peak by 200 MB."""


def for_builds() -> None:
    """Tune this process's cycle collector for builds (:data:`BUILD_GC`)."""
    gc.set_threshold(*BUILD_GC)


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _run(chunk: tuple[int, int]) -> list[Any]:
    assert _task is not None
    if _after is None:
        return [_task(item) for item in _items[chunk[0]:chunk[1]]]
    return [_after(_task(item)) for item in _items[chunk[0]:chunk[1]]]


def parallel_map(task: Callable[[T], R], items: Sequence[T], jobs: int,
                 after: Callable[[R], R] | None = None) -> list[R]:
    """``[after(task(i)) for i in items]`` (``after`` applied as each result is made, in the
    process that made it), on ``jobs`` processes when that pays."""
    global _task, _items, _after
    if jobs < 2 or len(items) < MIN_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        return [task(item) for item in items] if after is None else \
            [after(task(item)) for item in items]
    # This process takes an equal share instead of waiting: jobs - 1 workers.
    share = len(items) // jobs
    size = -(-(len(items) - share) // ((jobs - 1) * 4))
    chunks = [(i, min(i + size, len(items))) for i in range(share, len(items), size)]
    _task, _items, _after = task, items, after
    # Frozen objects are left alone by the collector, so a worker does not write to (and
    # so copy) every page of the heap it shares with this process.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(jobs - 1) as pool:
            pending = pool.map_async(_run, chunks)
            mine = _run((0, share))
            done = pending.get()
    finally:
        _task, _items, _after = None, (), None
        gc.unfreeze()
    return mine + [result for chunk in done for result in chunk]


def processes(jobs: int, held: str | None = None) -> Runner:
    """A :class:`~statusgen.steps.Runner` that uses ``jobs`` processes where that pays and,
    given a folder, holds each output there as it is made (:mod:`statusgen.output.held`)."""
    if jobs < 2 and held is None:
        return direct
    after = None if held is None else functools.partial(hold, held)

    def mapped(step: Callable[[T], R], items: Sequence[T], /) -> list[R]:
        step_name(step)
        return parallel_map(step, items, jobs if is_spread(step) else 1, after)
    return mapped
