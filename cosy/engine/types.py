"""Load-time type check of the DAG: a consumer's annotation must accept its producer's.

Artifacts cross step boundaries by name, so a producer that returns ``dict[str, float]`` and a
consumer that reads ``PageGeometry`` would only meet at run time, on some document. The check
reads both annotations (``typing.get_type_hints``) when a pipeline loads and refuses a pair
that cannot fit, naming the steps and the artifact. It is lenient where annotations say little
(``Any``, an unannotated side, a type variable) and strict where both name a type: generic
origins must agree (a ``Sequence`` accepts a ``list``, a ``Mapping`` a ``dict``), unions accept
any member, classes their subclasses. A document step reading a page artifact gets the list of
the pages' values.
"""

from __future__ import annotations

import collections.abc as abc
import functools
import types
import typing
from typing import Any

from cosy.engine.step import Step, _param

_ABSTRACT = {abc.Sequence: (list, tuple), abc.Mapping: (dict,), abc.Iterable: (list, tuple, set,
             frozenset, dict), abc.Collection: (list, tuple, set, frozenset, dict),
             abc.MutableMapping: (dict,), abc.Set: (set, frozenset)}


def _hints(step: Step) -> dict[str, Any]:
    return _function_hints(step.fn.func if isinstance(step.fn, functools.partial) else step.fn)


@functools.lru_cache(maxsize=2048)
def _function_hints(fn: Any) -> dict[str, Any]:
    try:
        return typing.get_type_hints(fn)
    except Exception:  # an annotation that does not evaluate says nothing checkable
        return {}


def produced_type(step: Step, artifact: str) -> Any:
    """The annotated type of one artifact a step provides (Any when not annotated)."""
    ret = _hints(step).get("return", Any)
    if len(step.provides) == 1:
        return ret
    args = typing.get_args(ret)
    if typing.get_origin(ret) is tuple and len(args) == len(step.provides):
        return args[step.provides.index(artifact)]
    return Any


def consumed_type(step: Step, artifact: str) -> Any:
    """The annotated type of the parameter a step reads an artifact through."""
    return _hints(step).get(_param(artifact), Any)


def accepts(consumer: Any, producer: Any) -> bool:
    """Whether a value of type ``producer`` fits a parameter annotated ``consumer``."""
    if consumer is Any or producer is Any or isinstance(consumer, typing.TypeVar) \
            or isinstance(producer, typing.TypeVar):
        return True
    if consumer == producer:
        return True
    if _is_union(producer):
        return all(accepts(consumer, p) for p in typing.get_args(producer))
    if _is_union(consumer):
        return any(accepts(c, producer) for c in typing.get_args(consumer))
    c_origin = typing.get_origin(consumer) or consumer
    p_origin = typing.get_origin(producer) or producer
    if not isinstance(c_origin, type) or not isinstance(p_origin, type):
        return True  # Literal, Callable, aliases: beyond this check
    if not (issubclass(p_origin, c_origin) or p_origin in _ABSTRACT.get(c_origin, ())):
        return False
    c_args, p_args = typing.get_args(consumer), typing.get_args(producer)
    if not c_args or not p_args:
        return True
    if ... in c_args or ... in p_args or len(c_args) != len(p_args):
        return True  # tuple[X, ...] against a fixed tuple, or generics of other arity
    return all(accepts(c, p) for c, p in zip(c_args, p_args, strict=True))


def _is_union(t: Any) -> bool:
    return typing.get_origin(t) in (typing.Union, types.UnionType)


def type_mismatches(steps: list[Step], producers: dict[str, Step]) -> list[str]:
    """Every (consumer, artifact, producer) whose annotations cannot fit, as a sentence."""
    out = []
    for s in steps:
        for a in s.requires:
            p = producers.get(a)
            if p is None:
                continue
            want, got = consumed_type(s, a), produced_type(p, a)
            if p.scope == "page" and s.scope == "document":
                got = list[got]  # type: ignore[valid-type]
            if not accepts(want, got):
                out.append(f"step {s.name!r} reads {a!r} as {_name(want)}, but {p.name!r} "
                           f"provides {_name(got)}")
    return out


def _name(t: Any) -> str:
    return getattr(t, "__name__", None) if isinstance(t, type) else str(t).replace("typing.", "")
