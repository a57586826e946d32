"""Draw the pipeline DAG as SVG without Graphviz: layers by topological generation."""

from __future__ import annotations

from html import escape

import networkx as nx

from cosy.engine.dag import Pipeline

BOX_W, BOX_H, GAP_X, GAP_Y = 210, 22, 60, 10
COLORS = {"page": "#e8f1fb", "document": "#fdf2e3"}


def dag_svg(pipeline: Pipeline) -> str:
    """One column per topological generation, one box per step, edges as straight lines."""
    layers = [sorted(layer) for layer in nx.topological_generations(pipeline.graph)]
    pos: dict[str, tuple[float, float]] = {}
    for col, layer in enumerate(layers):
        for row, name in enumerate(layer):
            pos[name] = (20 + col * (BOX_W + GAP_X), 40 + row * (BOX_H + GAP_Y))
    width = 40 + len(layers) * (BOX_W + GAP_X)
    height = 60 + max((len(layer) for layer in layers), default=1) * (BOX_H + GAP_Y)
    scope = {s.name: s.scope for s in pipeline.steps}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           f'<text x="20" y="22" font-size="14">pipeline {escape(pipeline.name)} '
           f'({len(pipeline.steps)} steps; blue: per page, orange: per document)</text>']
    for u, v in pipeline.graph.edges:
        (x1, y1), (x2, y2) = pos[u], pos[v]
        out.append(f'<line x1="{x1 + BOX_W}" y1="{y1 + BOX_H / 2}" x2="{x2}" '
                   f'y2="{y2 + BOX_H / 2}" stroke="#999" stroke-width="0.8"/>')
    for name, (x, y) in pos.items():
        out.append(f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="4" '
                   f'fill="{COLORS[scope[name]]}" stroke="#557"/>'
                   f'<text x="{x + 6}" y="{y + 15}">{escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
