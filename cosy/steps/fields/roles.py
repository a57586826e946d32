"""Role classifiers: every date and amount mention of a page gets role probabilities.

``fields.date.role`` and ``fields.amount.role`` run their ONNX model (``date_role`` /
``amount_role`` in the registry) on all of a page's mentions in one batch. They return one dict
per mention, aligned with the page's mention list (``{"issue_date": 0.97, "due_date": 0.01,
...}``). The selection steps keep their label rules, take the selected field's confidence from
the model's probability for that role (a calibrated number instead of a constant) and fall back
to the model where no label names a role.
"""

from __future__ import annotations

from typing import Any

from cosy.domain import Line, Mention
from cosy.engine.step import StepContext, step
from cosy.inference.features import role_features
from cosy.inference.registry import run_classifier

DATE_ROLE_MODEL = "date_role@1.0"
AMOUNT_ROLE_MODEL = "amount_role@1.0"

RoleProbs = dict[str, float]


def classify_roles(ctx: StepContext, ref: str, mentions: list[Mention], lines: list[Line],
                   geometry: dict[str, float], page_no: int, pages: int) -> list[RoleProbs]:
    """Role probabilities of a page's mentions (one ``session.run`` per page)."""
    if not mentions:
        return []
    spec = ctx.resources.model(ref)
    x = role_features(mentions, lines, geometry, page_no, pages, spec.features)
    probs = run_classifier(spec, ctx.resources.session(ref), x)
    return [{lab: round(float(p), 4) for lab, p in zip(spec.labels, row, strict=True)}
            for row in probs]


@step("fields.date.role", scope="page",
      requires=["page.date.context", "page.lines", "page.geometry", "page_no", "doc_info"],
      provides=["page.date.role"], model=DATE_ROLE_MODEL)
def date_role(page_date_context: list[Mention], page_lines: list[Line],
              page_geometry: dict[str, float], page_no: int, doc_info: Any,
              ctx: StepContext) -> list[RoleProbs]:
    """Issue/due/delivery/other probabilities of each date mention of the page."""
    return classify_roles(ctx, DATE_ROLE_MODEL, page_date_context, page_lines, page_geometry,
                          page_no, doc_info.pages)


@step("fields.amount.role", scope="page",
      requires=["page.amount.context", "page.lines", "page.geometry", "page_no", "doc_info"],
      provides=["page.amount.role"], model=AMOUNT_ROLE_MODEL)
def amount_role(page_amount_context: list[Mention], page_lines: list[Line],
                page_geometry: dict[str, float], page_no: int, doc_info: Any,
                ctx: StepContext) -> list[RoleProbs]:
    """Net/tax/gross/other probabilities of each amount mention of the page."""
    return classify_roles(ctx, AMOUNT_ROLE_MODEL, page_amount_context, page_lines,
                          page_geometry, page_no, doc_info.pages)
