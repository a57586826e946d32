"""An entity's neighbourhood laid out on the server (networkx) for an SVG drawing.

The browser only draws what it is given: positions come from a seeded spring layout with the
chosen entity fixed in the middle, so the same neighbourhood always looks the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from cosy.api.schemas import Neighbourhood

WIDTH, HEIGHT, MARGIN = 960.0, 600.0, 70.0
LAYOUT_SEED = 7


@dataclass(frozen=True)
class NodeView:
    id: str
    label: str
    type: str
    x: float
    y: float
    center: bool


@dataclass(frozen=True)
class EdgeView:
    x1: float
    y1: float
    x2: float
    y2: float
    predicate: str


def short_predicate(p: str) -> str:
    """``https://schema.org/provider`` -> ``provider``: the local name, for edge labels."""
    return p.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def layout(hood: Neighbourhood) -> tuple[list[NodeView], list[EdgeView]]:
    graph = nx.Graph()
    graph.add_nodes_from(n.id for n in hood.nodes)
    graph.add_edges_from((e.s, e.o) for e in hood.edges)
    if graph.number_of_nodes() == 1:
        pos = {hood.center: (0.0, 0.0)}
    else:
        start = {n: (0.0, 0.0) for n in graph if n == hood.center}
        pos = nx.spring_layout(graph, pos=start or None, fixed=list(start) or None,
                               seed=LAYOUT_SEED, k=1.6 / max(graph.number_of_nodes(), 1) ** 0.5)
    span_x = max((abs(x) for x, _ in pos.values()), default=1.0) or 1.0
    span_y = max((abs(y) for _, y in pos.values()), default=1.0) or 1.0

    def place(node: str) -> tuple[float, float]:
        x, y = pos[node]
        return (round(WIDTH / 2 + x / span_x * (WIDTH / 2 - MARGIN), 1),
                round(HEIGHT / 2 + y / span_y * (HEIGHT / 2 - MARGIN), 1))

    nodes = [NodeView(n.id, n.label or n.id.rsplit(":", 1)[-1][:12], n.type or "Entity",
                      *place(n.id), n.id == hood.center) for n in hood.nodes]
    # one line per pair of nodes, labelled with every predicate between them (either way,
    # stated by any document): contactPerson and worksFor would otherwise overprint
    pairs: dict[tuple[str, str], list[str]] = {}
    for e in hood.edges:
        names = pairs.setdefault((e.s, e.o) if e.s <= e.o else (e.o, e.s), [])
        if short_predicate(e.p) not in names:
            names.append(short_predicate(e.p))
    edges = []
    for (a, b), names in pairs.items():
        (x1, y1), (x2, y2) = place(a), place(b)
        edges.append(EdgeView(x1, y1, x2, y2, " · ".join(sorted(names))))
    return nodes, edges
