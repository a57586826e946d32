"""Draw the pipeline DAG so that a reader can follow it: grouped, with arrowheads, on one A4 page.

387 boxes and 881 lines cannot be followed, so steps are grouped by their name's prefix: the
whole pipeline is one box per family (``fields``, ``layout`` …) with its step count; ``--family
fields`` opens one family (``fields.date``, ``fields.iban`` … one box each), ``--family
fields.date`` one of those, down to single steps. Groups outside the opened family that feed it
or read from it are drawn grey. Edges carry the number of step-to-step links they stand for.
Layers go left to right by dependency; a link that goes back (families depend on each other
both ways, e.g. ``fields`` and ``classify``) is drawn as an arc above. No Graphviz needed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from html import escape

import networkx as nx

from cosy.engine.dag import Pipeline, PipelineError

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 150, 34, 46, 14, 24
A4_LANDSCAPE_MM = (297, 210)
COLORS = {"page": "#e8f1fb", "document": "#fdf2e3", "mixed": "#eef5e6", "outside": "#eeeeee"}


@dataclass
class GroupGraph:
    """Groups of steps (nodes) and the links between them (edges with a ``count``)."""

    title: str
    graph: nx.DiGraph
    steps: dict[str, int] = field(default_factory=dict)  # group -> number of steps


def group_graph(pipeline: Pipeline, family: str | None = None) -> GroupGraph:
    """Steps grouped one name level below ``family`` (the families if None)."""
    names = [s.name for s in pipeline.steps]
    prefix = family.strip(".") if family else ""
    inside = [n for n in names if not prefix or n == prefix or n.startswith(prefix + ".")]
    if not inside:
        families = sorted({n.split(".", 1)[0] for n in names})
        raise PipelineError(f"no steps in family {family!r}; families: {', '.join(families)}")
    depth = len(prefix.split(".")) + 1 if prefix else 1

    def group(name: str) -> str:
        if name in inside:
            return ".".join(name.split(".")[:depth])
        return name.split(".", 1)[0]  # outside: its whole family

    scope = {s.name: s.scope for s in pipeline.steps}
    g = nx.DiGraph()
    counts = Counter(group(n) for n in inside)
    for name in inside:
        key = group(name)
        seen = g.nodes[key]["scopes"] if key in g else set()
        g.add_node(key, outside=False, scopes=seen | {scope[name]})
    links: Counter[tuple[str, str]] = Counter()
    for u, v in pipeline.graph.edges:
        if u not in inside and v not in inside:
            continue
        a, b = group(u), group(v)
        if a != b:
            links[(a, b)] += 1
    for (a, b), n in links.items():
        for key in (a, b):
            if key not in g:
                g.add_node(key, outside=True, scopes=set())
        g.add_edge(a, b, count=n)
    title = (f"pipeline {pipeline.name}: {len(pipeline.steps)} steps in {len(counts)} families"
             if not prefix else f"pipeline {pipeline.name}, family {prefix}: {len(inside)} steps "
             f"in {len(counts)} groups (grey: other families)")
    return GroupGraph(title, g, dict(counts))


def _layers(g: nx.DiGraph, order: dict[str, int]) -> dict[str, int]:
    """Column of each node: longest path over the links that go forward in ``order``."""
    layer: dict[str, int] = {}
    for n in sorted(g.nodes, key=order.__getitem__):
        preds = [p for p in g.predecessors(n) if order[p] < order[n]]
        layer[n] = max((layer[p] + 1 for p in preds), default=0)
    return layer


def _order(pipeline: Pipeline, gg: GroupGraph) -> dict[str, int]:
    """Groups by the earliest topological generation of their steps (then by name)."""
    gen: dict[str, int] = {}
    for k, layer in enumerate(nx.topological_generations(pipeline.graph)):
        for name in layer:
            gen[name] = k
    first: dict[str, int] = {}
    for node in gg.graph.nodes:
        first[node] = min(k for name, k in gen.items()
                          if name == node or name.startswith(node + "."))
    ranked = sorted(gg.graph.nodes, key=lambda n: (first[n], n))
    return {n: i for i, n in enumerate(ranked)}


def dag_svg(pipeline: Pipeline, family: str | None = None) -> str:
    """The grouped DAG as SVG, sized to an A4 landscape page (it scales in a browser too)."""
    gg = group_graph(pipeline, family)
    g = gg.graph
    order = _order(pipeline, gg)
    layer = _layers(g, order)
    columns: dict[int, list[str]] = {}
    for n in sorted(g.nodes, key=order.__getitem__):
        columns.setdefault(layer[n], []).append(n)
    top = MARGIN + 60
    pos = {n: (MARGIN + c * (BOX_W + GAP_X), top + r * (BOX_H + GAP_Y))
           for c, nodes in columns.items() for r, n in enumerate(nodes)}
    width = 2 * MARGIN + len(columns) * (BOX_W + GAP_X) - GAP_X
    rows = max(len(nodes) for nodes in columns.values())
    height = top + rows * (BOX_H + GAP_Y) + MARGIN + 20
    # keep A4's proportions so that the page is filled and the text stays large
    ratio = A4_LANDSCAPE_MM[0] / A4_LANDSCAPE_MM[1]
    width, height = max(width, round(height * ratio)), max(height, round(width / ratio))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{A4_LANDSCAPE_MM[0]}mm" '
           f'height="{A4_LANDSCAPE_MM[1]}mm" viewBox="0 0 {width} {height}" '
           'font-family="sans-serif" font-size="12">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
           'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
           'fill="#556"/></marker></defs>',
           f'<text x="{MARGIN}" y="{MARGIN + 14}" font-size="16">{escape(gg.title)}</text>',
           f'<text x="{MARGIN}" y="{MARGIN + 34}" fill="#555">blue: per page, orange: per '
           'document, green: both; an edge\'s number counts the step links it stands for; '
           'arcs above go back</text>']
    for u, v, data in g.edges(data=True):
        out.append(_edge(pos[u], pos[v], data["count"], forward=layer[u] < layer[v]))
    for n, (x, y) in pos.items():
        attrs = g.nodes[n]
        scopes = attrs["scopes"]
        fill = COLORS["outside"] if attrs["outside"] else COLORS[
            "mixed" if len(scopes) > 1 else next(iter(scopes))]
        count = gg.steps.get(n, 0)
        label = n if count <= 1 else f"{n}  ({count})"
        out.append(f'<g><title>{escape(n)}: {count} steps</title>'
                   f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="5" '
                   f'fill="{fill}" stroke="#557"/>'
                   f'<text x="{x + BOX_W / 2}" y="{y + BOX_H / 2 + 4}" text-anchor="middle">'
                   f'{escape(_fit(label))}</text></g>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _edge(a: tuple[float, float], b: tuple[float, float], count: int, forward: bool) -> str:
    (x1, y1), (x2, y2) = a, b
    if forward:
        sx, sy, ex, ey = x1 + BOX_W, y1 + BOX_H / 2, x2, y2 + BOX_H / 2
        mx = (sx + ex) / 2
        path = f"M {sx} {sy} C {mx} {sy}, {mx} {ey}, {ex} {ey}"
        lx, ly = mx, (sy + ey) / 2 - 3
    else:  # back (or within one column): an arc over the top edges of both boxes
        sx, sy, ex, ey = x1 + BOX_W / 2, y1, x2 + BOX_W / 2, y2
        lift = min(sy, ey) - 28 - abs(sx - ex) * 0.08
        path = f"M {sx} {sy} C {sx} {lift}, {ex} {lift}, {ex} {ey}"
        lx, ly = (sx + ex) / 2, lift + 14
    return (f'<path d="{path}" fill="none" stroke="#778" stroke-width="1.2" '
            f'marker-end="url(#arrow)"/><text x="{lx}" y="{ly}" font-size="10" fill="#556" '
            f'text-anchor="middle">{count}</text>')


def _fit(label: str, chars: int = 22) -> str:
    return label if len(label) <= chars else label[:chars - 1] + "…"


def dag_dot(pipeline: Pipeline, family: str | None = None) -> str:
    """The same grouped graph in Graphviz DOT (for ``dot -Tpdf``)."""
    gg = group_graph(pipeline, family)
    lines = [f'digraph "{gg.title}" {{', "  rankdir=LR;", "  node [shape=box, fontsize=11];"]
    for n, attrs in gg.graph.nodes(data=True):
        count = gg.steps.get(n, 0)
        style = ', style=filled, fillcolor="#eeeeee"' if attrs["outside"] else ""
        lines.append(f'  "{n}" [label="{n} ({count})"{style}];' if count > 1
                     else f'  "{n}" [label="{n}"{style}];')
    for u, v, data in gg.graph.edges(data=True):
        lines.append(f'  "{u}" -> "{v}" [label="{data["count"]}", fontsize=9];')
    lines.append("}")
    return "\n".join(lines) + "\n"
