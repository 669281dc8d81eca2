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

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar

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


class Later(Generic[R]):
    """A step's result, made the first time it is read (:attr:`value`).

    An input may hold a :class:`Later` where it holds what a step made: a runner that keeps
    results gives it the step's key as its ``digest``, so the input is known without the
    result being made, and a page kept from the last build never makes it.  Without a
    ``digest`` (:func:`direct`) it is known only by its value.
    """

    def __init__(self, make: Callable[[], R], digest: str = "") -> None:
        self._make: Callable[[], R] | None = make
        self._value: Any = None
        self.digest = digest

    @property
    def value(self) -> R:
        if self._make is not None:
            self._value, self._make = self._make(), None
        return self._value  # type: ignore[no-any-return]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Later) and self.value == other.value

    __hash__ = None  # type: ignore[assignment]


def later(run: Runner, step: Callable[[A], R], inputs: Sequence[A]) -> list[Later[R]]:
    """``step`` of each of ``inputs``, each made when first read: by ``run`` when it keeps
    results (it then knows each by its key), else here."""
    step_name(step)
    defer = getattr(run, "later", None)
    if defer is not None:
        return defer(step, inputs)  # type: ignore[no-any-return]
    return [Later(functools.partial(step, item)) for item in inputs]
