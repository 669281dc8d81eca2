"""Steps: how load, check, compute and render hand their repeated work to whoever runs it.

A *step* is a function defined at the top of a module, called with one argument, its
*input*, which holds everything the step reads: an entry, the site's frame around it, the
clock where the step shows it.  A step has no closure and is no method, so it cannot
read anything its input does not hold; :func:`step_name` refuses any other callable.
Whoever runs the steps may therefore

- run them on several processes (:func:`statusgen.incremental.parallel.processes`),
- or hand back what an earlier build made from an input of the same contents
  (:class:`statusgen.incremental.record.Record`, which digests each input: the input *is*
  the record of what the step read, so a result cannot outlive a change to anything it
  read),

and the output is the same bytes as :func:`direct` makes, which runs them in order here.
Nobody picks a cache key: the caller builds the input the step needs, and that is all
the step can see.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

A = TypeVar("A")
R = TypeVar("R")


class Runner(Protocol):
    """``[step(i) for i in inputs]``, in the order of ``inputs``, however it is done."""

    def __call__(self, step: Callable[[A], R], inputs: Sequence[A], /) -> list[R]:
        ...


_NAMES: dict[Callable[..., object], str] = {}


def step_name(step: Callable[..., object]) -> str:
    """``module:name`` of ``step``; :class:`TypeError` for a lambda, a nested function, a
    closure or a method, which could read what their input does not hold."""
    found = _NAMES.get(step)
    if found is None:
        if not inspect.isfunction(step) or step.__closure__ or "." in step.__qualname__ \
                or "<" in step.__qualname__:
            raise TypeError(f"{step!r} is not a step: a step is a function defined at the top "
                            "of a module, whose one argument holds all it reads")
        found = _NAMES[step] = f"{step.__module__}:{step.__qualname__}"
    return found


F = TypeVar("F", bound=Callable[..., object])
_SPREAD: set[Callable[..., object]] = set()


def spread(step: F) -> F:
    """Mark ``step`` as worth running on several processes: its work is large beside the cost
    of sending its result back (a page's bytes), unlike an entry's or its figures', which a
    process would spend longer copying back than computing."""
    step_name(step)
    _SPREAD.add(step)
    return step


def is_spread(step: Callable[..., object]) -> bool:
    return step in _SPREAD


def direct(step: Callable[[A], R], inputs: Sequence[A], /) -> list[R]:
    """The plain :class:`Runner`: each step in turn, in this process, nothing kept."""
    step_name(step)
    return [step(item) for item in inputs]
