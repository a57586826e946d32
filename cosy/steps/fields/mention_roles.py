"""Features of the date and amount role models: one float vector per mention of a page.

Computed in plain Python and numpy for both the recipe (``models/recipes/role_models.py``) and
the role steps (``fields.dates.role``, ``fields.amounts.role``); the registry entry pins the
spec (kind, dims, version). The part every kind shares is here (hashed words of label, header,
line and line above; position and print); each family adds its own dense features
(:func:`~cosy.steps.fields.dates.features.date_dense`,
:func:`~cosy.steps.fields.amounts.features.amount_dense`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from cosy.domain import Line, Mention, PageGeometry
from cosy.engine.step import StepContext
from cosy.inference.features import bucket, tokens
from cosy.inference.registry import run_classifier

ROLE_FEATURES_VERSION = "1"
ROLE_HASH_DIM = 512  # hashed words of label, header, line and the line above
COMMON_DENSE = 16
KIND_DENSE = {"date": 10, "amount": 20}


def role_spec(kind: str, hash_dim: int = ROLE_HASH_DIM) -> dict[str, Any]:
    """The spec a role recipe writes to the registry (``kind`` is ``date`` or ``amount``)."""
    return {"kind": f"{kind}_role", "hash_dim": hash_dim,
            "dim": hash_dim + COMMON_DENSE + KIND_DENSE[kind], "version": ROLE_FEATURES_VERSION}


def _words_in(line: Any, bbox: Sequence[float]) -> list[Any]:
    return [w for w in getattr(line, "words", ()) if w.x1 > bbox[0] and w.x0 < bbox[2]]


Dense = Callable[[Sequence[Any], np.ndarray], None]
"""A family's own features of a page's mentions, written into the rows' last columns."""


def role_features(mentions: Sequence[Any], lines: Sequence[Any], geometry: PageGeometry,
                  page_no: int, pages: int, spec: Mapping[str, Any], dense: Dense) -> np.ndarray:
    """One page's date or amount mentions as a (n, dim) float32 matrix.

    Hashed words (namespaced) of the mention's label, its column header, the rest of its line
    and the line above; then where it sits (relative x/y, page index, first/last page), how it
    is printed (height and font size relative to the page's median, bold), what the rule-based
    role readers make of its label and header, and, per kind, how it relates to the page's other
    values (chronological rank of a date; for an amount: largest on the page, rank, whether it is
    the sum of two others or a part of one).
    """
    kind = str(spec.get("kind", ""))
    if kind not in ("date_role", "amount_role") or \
            str(spec.get("version")) != ROLE_FEATURES_VERSION:
        raise ValueError(f"unsupported feature spec {dict(spec)!r}; this code computes date_role/"
                         f"amount_role version {ROLE_FEATURES_VERSION}")
    hdim, dim = int(spec["hash_dim"]), int(spec["dim"])
    n = len(mentions)
    out = np.zeros((n, dim), dtype=np.float32)
    if not n:
        return out
    width = geometry.width
    height = geometry.height
    sizes = [w.size for ln in lines for w in ln.words if w.size > 0]
    heights = [w.bottom - w.top for ln in lines for w in ln.words if w.bottom > w.top]
    med_size = float(np.median(sizes)) if sizes else 0.0
    med_height = float(np.median(heights)) if heights else 10.0
    per_line: dict[int, int] = {}
    for m in mentions:
        per_line[getattr(m, "line", -1)] = per_line.get(getattr(m, "line", -1), 0) + 1
    for i, m in enumerate(mentions):
        row = out[i]
        li = getattr(m, "line", -1)
        line = lines[li] if 0 <= li < len(lines) else None
        label = (m.label or "")[-40:]
        header = getattr(m, "header", "") or ""
        for ns, text in (("l", label), ("h", header)):
            for t in tokens(text):
                row[bucket(f"{ns}:{t}", hdim)] = 1.0
        last = tokens(label)[-1:] if label else []
        for t in last:
            row[bucket(f"L:{t}", hdim)] = 1.0
        if line is not None:
            for t in tokens(line.text):
                row[bucket(f"w:{t}", hdim)] = 1.0
        if 0 < li <= len(lines):
            for t in tokens(lines[li - 1].text):
                row[bucket(f"a:{t}", hdim)] = 1.0
        x0, top, x1, bottom = m.bbox
        inside = _words_in(line, m.bbox) if line is not None else []
        size = max((w.size for w in inside), default=0.0)
        d = hdim
        row[d:d + COMMON_DENSE] = (
            x0 / width, x1 / width, top / height, (bottom - top) / max(med_height, 1e-3),
            size / med_size if med_size else 1.0, float(any(w.bold for w in inside)),
            float(bool(getattr(m, "in_row", False))), float(bool(label)), float(bool(header)),
            float(page_no == 1), float(page_no >= pages), (page_no - 1) / max(pages - 1, 1),
            i / n, np.log1p(n) / 5.0, per_line.get(li, 1) / 5.0,
            (line.words[0].x0 / width) if line is not None and line.words else 0.0,
        )
    dense(mentions, out[:, hdim + COMMON_DENSE:])
    return out


RoleProbs = dict[str, float]


def classify_roles(ctx: StepContext, ref: str, mentions: list[Mention], lines: list[Line],
                   geometry: PageGeometry, page_no: int, pages: int,
                   dense: Dense) -> list[RoleProbs]:
    """Role probabilities of a page's mentions (one ``session.run`` per page)."""
    if not mentions:
        return []
    spec = ctx.resources.model(ref)
    x = role_features(mentions, lines, geometry, page_no, pages, spec.features, dense)
    probs = run_classifier(spec, ctx.resources.session(ref), x)
    return [{lab: round(float(p), 4) for lab, p in zip(spec.labels, row, strict=True)}
            for row in probs]
