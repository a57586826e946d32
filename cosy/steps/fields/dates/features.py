"""Features of the ``date_role`` model: the shared mention features plus the dates' own.

A date's own features: the roles its label and header name (the rules' reading), words that rule
any role out, a place before it ('München, den'), and its chronological rank among the page's
dates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from cosy.domain import PageGeometry
from cosy.steps.fields.dates.cues import date_roles
from cosy.steps.fields.dates.stages import NOT_A_ROLE, PLACE_DATE
from cosy.steps.fields.mention_roles import role_features

DATE_ROLES = ("issue_date", "due_date", "delivery_date", "other")
"""The labels of the date_role model."""


def date_dense(mentions: Sequence[Any], out: np.ndarray) -> None:
    values = sorted({m.value for m in mentions})
    for i, m in enumerate(mentions):
        roles = date_roles(m)
        label = (m.label or "")[-40:]
        rank = values.index(m.value)
        out[i] = (
            "issue_date" in roles, "due_date" in roles, "delivery_date" in roles,
            bool(NOT_A_ROLE.search(label)), bool(PLACE_DATE.match(label)),
            rank / max(len(values) - 1, 1), m.value == values[0], m.value == values[-1],
            sum(o.value == m.value for o in mentions) / 3.0, len(values) / 10.0,
        )


def date_features(mentions: Sequence[Any], lines: Sequence[Any], geometry: PageGeometry,
                  page_no: int, pages: int, spec: Mapping[str, Any]) -> np.ndarray:
    """One page's date mentions as the date_role model's (n, dim) float32 matrix."""
    return role_features(mentions, lines, geometry, page_no, pages, spec, date_dense)
