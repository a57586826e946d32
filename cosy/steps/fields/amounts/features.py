"""Features of the ``amount_role`` model: the shared mention features plus the amounts' own.

An amount's own features: the total its label and header name (the rules' reading), whether it
is the largest on the page, its rank, and whether it is the sum of two others or a part of one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from cosy.domain import PageGeometry
from cosy.steps.fields.amounts.cues import amount_role, classify_total
from cosy.steps.fields.amounts.stages import ROLES
from cosy.steps.fields.mention_roles import role_features

AMOUNT_ROLES = ("total_net", "total_tax", "total_gross", "other")
"""The labels of the amount_role model."""


def amount_dense(mentions: Sequence[Any], out: np.ndarray) -> None:
    cents = []
    for m in mentions:
        try:
            cents.append(round(float(m.value) * 100))
        except ValueError:
            cents.append(0)
    present: dict[int, int] = {}
    for c in cents:
        present[c] = present.get(c, 0) + 1
    order = sorted(set(cents), reverse=True)
    biggest = order[0] if order else 0
    n = len(mentions)
    for i, m in enumerate(mentions):
        c = cents[i]
        role = amount_role(m)
        by_label = classify_total(m.label or "") if m.label else None
        header = getattr(m, "header", "") or ""
        by_header = classify_total(header) if header else None
        # the sum of two other amounts (gross = net + tax) / a part of another (net, tax)
        is_sum = any(present.get(c - o, 0) > (1 if c - o == o else 0) and o != c and o != 0
                     for o in present) if c else False
        is_part = any((c + o) in present and o != 0 and c + o != c for o in present) if c else False
        later_bigger = any(cents[j] > c for j in range(i + 1, n))
        vec = [0.0] * 20
        for k, r in enumerate(ROLES):
            vec[k] = role[1] / 3.0 if role and role[0] == r else 0.0
            vec[3 + k] = float(bool(by_label and by_label[0] == r))
            vec[6 + k] = float(bool(by_header and by_header[0] == r))
        vec[9:20] = (
            float(c == biggest), order.index(c) / max(len(order) - 1, 1) if order else 0.0,
            (n - 1 - i) / max(n - 1, 1), float(np.log10(abs(c) / 100 + 1)) / 7.0, float(c < 0),
            float(is_sum), float(is_part), present[c] / 3.0, float(later_bigger),
            float(c == 0), float(i == n - 1),
        )
        out[i] = vec


def amount_features(mentions: Sequence[Any], lines: Sequence[Any], geometry: PageGeometry,
                    page_no: int, pages: int, spec: Mapping[str, Any]) -> np.ndarray:
    """One page's amount mentions as the amount_role model's (n, dim) float32 matrix."""
    return role_features(mentions, lines, geometry, page_no, pages, spec, amount_dense)
