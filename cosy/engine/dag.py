"""A pipeline: steps whose DAG is derived from what they require and provide, checked at load.

The engine never trusts hand wiring. An edge runs from the step that provides an artifact to every
step that requires it; loading refuses a cycle, an artifact nobody provides, an artifact provided
twice, and a step whose work nobody uses (a step exists only if a later step, the store or the
result uses what it makes), and a consumer whose annotation cannot take what the producer's
annotation says it returns (:mod:`cosy.engine.types`). A join step requires a pattern
(``doc.field.*``): loading expands it to every artifact of that prefix the pipeline's steps
provide, in name order, so a new family's artifact joins without an edit to the join and the
dead-step check still sees the edge.

For execution the DAG is cut into *groups*: maximal sets of same-scope steps between scope changes
(document -> pages -> document ...). Each group runs as one Dask task per page (page groups) or per
document (document groups), so a page costs one task instead of one per step: a task costs far
more scheduler time than a step costs to run (docs/decisions.md, D1).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from cosy.engine.step import Scope, Step, StepContext

SOURCES: dict[str, Scope] = {
    "pdf_bytes": "document",  # the original file
    "doc_info": "document",  # cosy.ingest.DocumentInfo: id, tenant, file name, page count
    "page_no": "page",  # 1-based page number, one per page instance
    "field_specs": "document",  # the pipeline's field specs (cosy.fieldspec), shipped as data
    "page_skip": "page",  # None, or why the engine gave up on the page (its kind and reason)
}
"""Artifacts the engine provides before any step runs."""


class PipelineError(ValueError):
    """The step set does not form a valid pipeline; the message names the step and artifact."""


@dataclass(frozen=True)
class Group:
    """Steps fused into one task: same scope, same phase (number of scope changes before it)."""

    index: int
    scope: Scope
    phase: int
    steps: tuple[Step, ...]
    inputs: tuple[str, ...]  # artifacts read from sources or other groups
    exports: tuple[str, ...]  # artifacts used by later groups or leaving the pipeline

    @property
    def key(self) -> str:
        return f"g{self.index}-{self.scope}"


class Pipeline:
    """A checked, topologically ordered set of steps."""

    def __init__(self, steps: Iterable[Step], name: str = "default",
                 fields: Iterable[Any] = (), outputs: Iterable[str] = (),
                 inputs: Iterable[str] = ()) -> None:
        """``outputs`` leave the pipeline besides the sinks' (a subset's requested artifacts);
        ``inputs`` are given to it besides the engine's sources (a subset's starting point)."""
        self.name = name
        self.fields: tuple[Any, ...] = tuple(fields)  # cosy.fieldspec.FieldSpec of its fields
        self.inputs: tuple[str, ...] = tuple(inputs)
        steps = list(steps)
        self.producers = _producers(steps)
        steps = _expand_patterns(steps, self.producers)
        self.consumers = _consumers(steps)
        _check_inputs(steps, self.producers, set(self.inputs))
        self.graph = _step_graph(steps, self.producers)
        _check_acyclic(self.graph)
        extra = tuple(outputs)
        _check_dead_steps(steps, self.consumers, set(extra))
        _check_types(steps, self.producers)
        order = list(nx.lexicographical_topological_sort(self.graph))
        by_name = {s.name: s for s in steps}
        self.steps: tuple[Step, ...] = tuple(by_name[n] for n in order)
        self.groups: tuple[Group, ...] = _groups(self.steps, self.producers, self.consumers)
        sinks = tuple(a for s in self.steps if s.sink for a in s.provides)
        self.outputs: tuple[str, ...] = sinks + tuple(a for a in extra if a not in sinks)
        self.version = _version(self.steps)

    # --- part of the DAG -------------------------------------------------------------------------
    def subset(self, outputs: Iterable[str], inputs: Iterable[str] = ()) -> Pipeline:
        """The steps that make ``outputs`` from ``inputs`` (and the engine's sources), as a
        pipeline of their own: tests and model recipes run the real steps in the real order
        instead of wiring them by hand. Raises PipelineError for an artifact nobody makes."""
        outputs, given = tuple(outputs), set(inputs)
        needed: set[str] = set()
        todo = list(outputs)
        while todo:
            a = todo.pop()
            if a in given or a in SOURCES:
                continue
            if a not in self.producers:
                raise PipelineError(f"no step of pipeline {self.name!r} provides {a!r}")
            s = self.producers[a]
            if s.name not in needed:
                needed.add(s.name)
                todo.extend(s.requires)
        return Pipeline([s for s in self.steps if s.name in needed],
                        name=f"{self.name}[{','.join(outputs)}]", fields=self.fields,
                        outputs=outputs, inputs=sorted(given))

    def run(self, pages: Iterable[dict[str, Any]] = ({},), document: dict[str, Any] | None = None,
            settings: Any = None) -> dict[str, Any]:
        """Run the steps in this process on given artifacts: ``pages[i]`` holds page i + 1's
        inputs (``page_no`` is set unless given), ``document`` the document's (``doc_info`` and
        the pipeline's ``field_specs`` unless given). Returns every artifact given or made, a
        page artifact as the list of its pages' values. Errors propagate as raised."""
        doc_values, page_values = self._run(list(pages), document or {}, settings)
        page_artifacts = {a for values in page_values for a in values}
        return {**doc_values, **{a: [v.get(a) for v in page_values] for a in page_artifacts}}

    def run_page(self, inputs: dict[str, Any], document: dict[str, Any] | None = None,
                 settings: Any = None) -> dict[str, Any]:
        """:meth:`run` on one page: the document's artifacts and the page's, as values."""
        doc_values, (page,) = self._run([inputs], document or {}, settings)
        return {**doc_values, **page}

    def _run(self, pages: list[dict[str, Any]], document: dict[str, Any], settings: Any
             ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        from cosy.config import get_settings
        from cosy.inference.resources import get_resources
        from cosy.ingest import DocumentInfo

        settings = settings or get_settings()
        resources = get_resources(settings)
        page_values = [{"page_no": n, **p} for n, p in enumerate(pages, start=1)]
        doc_values = {"doc_info": DocumentInfo("local", "default", "local.pdf", 0, len(pages)),
                      "field_specs": self.fields, **document}
        info = doc_values["doc_info"]
        for s in self.steps:
            if s.scope == "page":
                for values in page_values:
                    ctx = StepContext(info.id, info.tenant, values["page_no"], settings,
                                      resources)
                    values.update(s.call({**doc_values, **values}, ctx))
            else:
                ctx = StepContext(info.id, info.tenant, None, settings, resources)
                per_page = {a: [v[a] for v in page_values] for a in s.requires
                            if a not in doc_values}
                doc_values.update(s.call({**doc_values, **per_page}, ctx))
        return doc_values, page_values

    # --- introspection ---------------------------------------------------------------------------
    @property
    def models(self) -> list[str]:
        return sorted({s.model for s in self.steps if s.model})

    @property
    def artifacts(self) -> list[str]:
        return sorted(set(self.producers) | set(SOURCES))

    def step_instances(self, pages: int) -> int:
        """How many step runs an N-page document costs: page steps once per page."""
        return sum(pages if s.scope == "page" else 1 for s in self.steps)

    def task_count(self, pages: int) -> int:
        return sum(pages if g.scope == "page" else 1 for g in self.groups)

    def describe(self, pages: int = 1) -> dict:
        """The structure for `cosy pipeline describe`: steps, artifacts, models, counts."""
        return {
            "pipeline": self.name,
            "version": self.version,
            "pages": pages,
            "step_instances": self.step_instances(pages),
            "tasks": self.task_count(pages),
            "steps": [
                {"name": s.name, "scope": s.scope, "family": s.family, "requires": list(s.requires),
                 "provides": list(s.provides), "model": s.model, "version": s.version,
                 "sink": s.sink, "doc": s.doc}
                for s in self.steps
            ],
            "groups": [
                {"key": g.key, "scope": g.scope, "steps": len(g.steps), "inputs": list(g.inputs),
                 "exports": list(g.exports)}
                for g in self.groups
            ],
            "artifacts": [
                {"name": a, "producer": self.producers[a].name if a in self.producers else "engine",
                 "consumers": sorted(s.name for s in self.consumers.get(a, []))}
                for a in self.artifacts
            ],
            "models": self.models,
            "fields": [
                {"name": f.name, "kind": f.kind, "doc": f.doc, "predicate": f.predicate,
                 "datatype": f.datatype, "subject": f.subject, "bt": f.bt, "match": f.match,
                 "scored": f.scored, "from_xml": f.from_xml}
                for f in self.fields
            ],
        }

    def to_dot(self) -> str:
        """The step DAG in Graphviz DOT; edges are labelled with the artifact they carry."""
        lines = [f'digraph "{self.name}" {{', "  rankdir=LR;", "  node [shape=box, fontsize=10];"]
        for g in self.groups:
            lines.append(f'  subgraph "cluster_{g.key}" {{ label="{g.key} ({g.scope})";')
            lines.extend(f'    "{s.name}";' for s in g.steps)
            lines.append("  }")
        for u, v, data in self.graph.edges(data=True):
            label = ",".join(sorted(data["artifacts"]))
            lines.append(f'  "{u}" -> "{v}" [label="{label}", fontsize=8];')
        lines.append("}")
        return "\n".join(lines) + "\n"


# --- checks --------------------------------------------------------------------------------------


def _producers(steps: list[Step]) -> dict[str, Step]:
    producers: dict[str, Step] = {}
    names: set[str] = set()
    for s in steps:
        if s.name in names:
            raise PipelineError(f"step {s.name!r} appears twice in the pipeline")
        names.add(s.name)
        for a in s.provides:
            if a in SOURCES:
                raise PipelineError(
                    f"step {s.name!r} provides {a!r}, which the engine itself provides"
                )
            if a in producers:
                raise PipelineError(
                    f"artifact {a!r} has two producers: {producers[a].name!r} and {s.name!r}"
                )
            producers[a] = s
    return producers


PATTERN = ".*"
"""A required artifact ending so is a pattern: every provided artifact with that prefix."""


def _expand_patterns(steps: list[Step], producers: dict[str, Step]) -> list[Step]:
    out = []
    for s in steps:
        if not any(a.endswith(PATTERN) for a in s.requires):
            out.append(s)
            continue
        requires: list[str] = []
        for a in s.requires:
            if not a.endswith(PATTERN):
                requires.append(a)
                continue
            prefix = a[:-1]
            found = sorted(p for p, step in producers.items()
                           if p.startswith(prefix) and step.name != s.name)
            if not found:
                raise PipelineError(f"step {s.name!r} requires {a!r}, which matches no artifact")
            requires += [p for p in found if p not in requires]
        out.append(dataclasses.replace(s, requires=tuple(requires)))
    return out


def _consumers(steps: list[Step]) -> dict[str, list[Step]]:
    consumers: dict[str, list[Step]] = {}
    for s in steps:
        for a in s.requires:
            consumers.setdefault(a, []).append(s)
    return consumers


def _check_inputs(steps: list[Step], producers: dict[str, Step], given: set[str]) -> None:
    for s in steps:
        for a in s.requires:
            if a not in producers and a not in SOURCES and a not in given:
                raise PipelineError(f"step {s.name!r} requires {a!r}, which no step provides")
            if s.scope == "document" and SOURCES.get(a) == "page":
                raise PipelineError(f"document step {s.name!r} cannot require page source {a!r}")


def _step_graph(steps: list[Step], producers: dict[str, Step]) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(s.name for s in steps)
    for s in steps:
        for a in s.requires:
            if a in producers:
                p = producers[a].name
                if g.has_edge(p, s.name):
                    g.edges[p, s.name]["artifacts"].add(a)
                else:
                    g.add_edge(p, s.name, artifacts={a})
    return g


def _check_acyclic(g: nx.DiGraph) -> None:
    if nx.is_directed_acyclic_graph(g):  # a topological sort: far cheaper than find_cycle's
        return  # edge-by-edge search, which only runs to name the cycle
    try:
        cycle = nx.find_cycle(g)
    except nx.NetworkXNoCycle:
        return
    path = " -> ".join(f"{u} ({','.join(sorted(g.edges[u, v]['artifacts']))})" for u, v in cycle)
    raise PipelineError(f"the steps form a cycle: {path} -> {cycle[0][0]}")


def _check_types(steps: list[Step], producers: dict[str, Step]) -> None:
    from cosy.engine.types import type_mismatches

    found = type_mismatches(steps, producers)
    if found:
        raise PipelineError("artifact types do not fit: " + "; ".join(found))


def _check_dead_steps(steps: list[Step], consumers: dict[str, list[Step]],
                      outputs: set[str]) -> None:
    for s in steps:
        if not s.sink and not any(a in consumers or a in outputs for a in s.provides):
            raise PipelineError(
                f"step {s.name!r} is dead: nothing consumes what it provides "
                f"({', '.join(s.provides)}) and it is not a sink"
            )


# --- fusion --------------------------------------------------------------------------------------


def _groups(
    steps: tuple[Step, ...], producers: dict[str, Step], consumers: dict[str, list[Step]]
) -> tuple[Group, ...]:
    phase: dict[str, int] = {}
    for s in steps:  # topological order: predecessors are done
        preds = [producers[a] for a in s.requires if a in producers]
        phase[s.name] = max(
            (phase[p.name] + (p.scope != s.scope) for p in preds),
            default=0 if s.scope == "document" else 1,
        )
    keys = sorted({(phase[s.name], s.scope) for s in steps})
    groups = []
    for index, (ph, scope) in enumerate(keys):
        members = tuple(s for s in steps if phase[s.name] == ph and s.scope == scope)
        names = {s.name for s in members}
        provided = {a for s in members for a in s.provides}
        inputs = sorted({a for s in members for a in s.requires if a not in provided})
        exports = sorted(
            a for s in members for a in s.provides
            if s.sink or any(c.name not in names for c in consumers.get(a, []))
        )
        groups.append(Group(index, scope, ph, members, tuple(inputs), tuple(exports)))
    return tuple(groups)


def _version(steps: tuple[Step, ...]) -> str:
    spec = ";".join(f"{s.name}@{s.version}:{s.model or ''}" for s in steps)
    return hashlib.sha256(spec.encode()).hexdigest()[:12]
