"""The Step contract and the registry that steps join with the ``@step`` decorator.

A step is a plain function of its inputs. Its declaration says what it reads (``requires``) and
what it writes (``provides``), so the engine derives the DAG instead of anyone wiring it, and can
check a pipeline before any document runs (the idea of spaCy's ``Language.factory(assigns=,
requires=)``).

Calling convention: the function takes one keyword argument per required artifact (dots in an
artifact name become underscores) and, if its signature has a parameter named ``ctx``, the
:class:`StepContext`. It returns the single provided artifact, or a tuple in ``provides`` order.
A page-scoped step that requires a page artifact gets that page's value; a document-scoped step
that requires a page artifact gets the list of all pages' values, in page order.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Scope = Literal["page", "document"]


class StepError(Exception):
    """A step could not process its input; fails the document with the step's name and reason.

    ``permanent`` errors (bad input) are not retried; transient ones (a worker died) are.
    ``kind`` is machine-readable (the job's ``error.kind``), ``reason`` is for people.
    """

    def __init__(self, reason: str, *, step: str = "", permanent: bool = True,
                 kind: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.step = step
        self.permanent = permanent
        self.kind = kind or ("step_failed" if permanent else "transient")

    def __reduce__(self) -> tuple[Any, ...]:  # keep step and kind when pickled across workers
        return (_rebuild_step_error, (type(self), self.reason, self.step, self.permanent,
                                      self.kind))


def _rebuild_step_error(cls: type[StepError], reason: str, step: str, permanent: bool,
                        kind: str) -> StepError:
    err = StepError.__new__(cls)
    StepError.__init__(err, reason, step=step, permanent=permanent, kind=kind)
    return err


class BudgetExceeded(StepError):
    """A page or a document is over one of its budgets (pixels, bytes, operators, objects, time,
    memory; docs/reliability.md). Raised within a page's first group, the engine skips that page
    (it runs again as a blank page and the result names it); elsewhere the document fails with
    ``kind``. Never retried: the same input crosses the same budget again."""

    def __init__(self, reason: str, *, kind: str, step: str = "") -> None:
        super().__init__(reason, step=step, permanent=True, kind=kind)


@dataclass(frozen=True)
class StepContext:
    """What a step may know besides its inputs: where it runs and the loaded resources."""

    doc_id: str
    tenant: str
    page: int | None  # 1-based page number for page steps, None for document steps
    settings: Any
    resources: Any  # cosy.inference.resources.Resources
    waited: list[float] = field(default_factory=list, compare=False)
    """Seconds the running step waited for a shared resource (an OCR slot): reported apart
    from its own time (``<step>.wait`` in the task's timings)."""


@dataclass(frozen=True)
class Step:
    name: str
    scope: Scope
    requires: tuple[str, ...]
    provides: tuple[str, ...]
    fn: Callable[..., Any] = field(repr=False, compare=False)
    model: str | None = None
    version: str = "1"
    sink: bool = False  # its outputs leave the pipeline (store, result): no consumer needed
    family: str = ""
    doc: str = ""
    wants_ctx: bool = False
    module: str = ""  # the module that declares it (a profile loads steps by module)

    def call(self, inputs: dict[str, Any], ctx: StepContext) -> dict[str, Any]:
        """Run the step on ``inputs`` (artifact name -> value); return artifact name -> value."""
        kwargs = {_param(a): inputs[a] for a in self.requires}
        if self.wants_ctx:
            kwargs["ctx"] = ctx
        out = self.fn(**kwargs)
        if len(self.provides) == 1:
            return {self.provides[0]: out}
        if not isinstance(out, tuple) or len(out) != len(self.provides):
            raise TypeError(f"step {self.name} must return a {len(self.provides)}-tuple")
        return dict(zip(self.provides, out, strict=True))


def _param(artifact: str) -> str:
    return artifact.replace(".", "_").replace("-", "_")


class Registry:
    """All known steps by name. Pipelines pick from it; the default registry holds COSY's steps."""

    def __init__(self) -> None:
        self._steps: dict[str, Step] = {}

    def add(self, step: Step) -> Step:
        if step.name in self._steps and not _same_fn(self._steps[step.name].fn, step.fn):
            raise ValueError(f"step {step.name!r} is registered twice")
        self._steps[step.name] = step
        return step

    def get(self, name: str) -> Step:
        try:
            return self._steps[name]
        except KeyError:
            raise KeyError(f"no step named {name!r} is registered") from None

    def __contains__(self, name: str) -> bool:
        return name in self._steps

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._steps.values())

    def __len__(self) -> int:
        return len(self._steps)


REGISTRY = Registry()


def _same_fn(a: Callable[..., Any], b: Callable[..., Any]) -> bool:
    """The same function, or the same variant of it (a partial with equal bound arguments)."""
    if isinstance(a, functools.partial) and isinstance(b, functools.partial):
        return a.func is b.func and a.keywords == b.keywords
    return a is b


def make_step(
    fn: Callable[..., Any],
    *,
    name: str,
    scope: Scope,
    requires: tuple[str, ...] | list[str] = (),
    provides: tuple[str, ...] | list[str] = (),
    model: str | None = None,
    version: str = "1",
    sink: bool = False,
    doc: str | None = None,
) -> Step:
    """Build a Step from a function, checking that its signature matches the declaration."""
    requires, provides = tuple(requires), tuple(provides)
    if not provides:
        raise ValueError(f"step {name!r} provides nothing")
    params = inspect.signature(fn).parameters
    wants_ctx = "ctx" in params
    expected = {_param(a) for a in requires} | ({"ctx"} if wants_ctx else set())
    joins = any(v.kind is inspect.Parameter.VAR_KEYWORD for v in params.values())
    # a join step (``**parts``) takes every declared artifact its named parameters do not
    missing = set() if joins else expected - set(params)
    extra = {p for p, v in params.items() if v.default is inspect.Parameter.empty
             and v.kind is not inspect.Parameter.VAR_KEYWORD} - expected
    if missing or extra:
        raise TypeError(
            f"step {name!r}: signature of {_qualname(fn)} does not match requires={requires}"
            f" (missing parameters {sorted(missing)}, undeclared {sorted(extra)})"
        )
    return Step(
        name=name,
        scope=scope,
        requires=requires,
        provides=provides,
        fn=fn,
        model=model,
        version=version,
        sink=sink,
        family=family_of(name),
        doc=(doc if doc is not None else inspect.getdoc(fn) or "").split("\n", 1)[0],
        wants_ctx=wants_ctx,
        module=getattr(fn.func if isinstance(fn, functools.partial) else fn, "__module__", ""),
    )


def family_of(name: str) -> str:
    """The family a step's timings add up to: its first name part, for a field family the
    first two (``fields.dates``), since the field families are most of the steps."""
    parts = name.split(".")
    return ".".join(parts[:2]) if parts[0] == "fields" and len(parts) > 2 else parts[0]


def _qualname(fn: Callable[..., Any]) -> str:
    inner = fn.func if isinstance(fn, functools.partial) else fn
    return getattr(inner, "__qualname__", repr(inner))


Variants = Mapping[str, Mapping[str, Any]]
"""Variant name -> the keyword arguments it binds (Hamilton's ``@parameterize``)."""


def each(param: str, *values: str) -> dict[str, dict[str, str]]:
    """One variant per value, named by it and binding ``param`` to it:
    ``each("lang", "de", "en")`` is ``{"de": {"lang": "de"}, "en": {"lang": "en"}}``."""
    return {v: {param: v} for v in values}


def expand_variants(
    fn: Callable[..., Any], variants: Variants, *, name: str, scope: Scope,
    requires: tuple[str, ...] | list[str] = (), provides: tuple[str, ...] | list[str] = (),
    model: str | None = None, version: str = "1", sink: bool = False,
) -> list[Step]:
    """One Step per declared variant of ``fn``: its bound arguments fill the ``{...}`` fields
    of name, requires, provides and the docstring's first line (``{variant}`` is its name)."""
    if not variants:
        raise ValueError(f"step {name!r} declares an empty set of variants")
    first = (inspect.getdoc(fn) or "").split("\n", 1)[0]
    steps = []
    for variant, bound in variants.items():
        fields = {"variant": variant, **bound}
        accepted = inspect.signature(fn).parameters
        unknown = set(bound) - set(accepted)
        if unknown:
            raise TypeError(f"step {name!r}: variant {variant!r} binds {sorted(unknown)}, which "
                            f"{_qualname(fn)} does not take")
        steps.append(make_step(
            functools.partial(fn, **bound), name=name.format_map(fields), scope=scope,
            requires=[a.format_map(fields) for a in requires],
            provides=[a.format_map(fields) for a in provides], model=model, version=version,
            sink=sink, doc=first.format_map(fields)))
    return steps


def step(
    name: str,
    *,
    scope: Scope,
    requires: tuple[str, ...] | list[str] = (),
    provides: tuple[str, ...] | list[str] = (),
    model: str | None = None,
    version: str = "1",
    sink: bool = False,
    variants: Variants | None = None,
    registry: Registry | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a function as a pipeline step (the function itself stays callable as is).

    With ``variants`` (variant name -> keyword arguments it binds), the function is registered
    once per variant, each its own step: one declaration per variant instead of a closure
    built in a loop. Name, requires, provides and the first docstring line are templates
    filled with the variant's arguments and ``{variant}``.
    """

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        target = registry or REGISTRY
        if variants is None:
            target.add(make_step(fn, name=name, scope=scope, requires=requires,
                                 provides=provides, model=model, version=version, sink=sink))
            return fn
        for s in expand_variants(fn, variants, name=name, scope=scope, requires=requires,
                                 provides=provides, model=model, version=version, sink=sink):
            target.add(s)
        return fn

    return register
