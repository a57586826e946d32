"""The ``amount_role`` model on a page's amounts: net, tax, gross total or other.

Run on all of a page's amount mentions in one batch; one dict of probabilities per mention,
aligned with ``page.amount.context``. The totals selection keeps its label rules and takes a
total's confidence from the model's probability for its role.
"""

from __future__ import annotations

from typing import Any

from cosy.domain import Line, Mention, PageGeometry
from cosy.engine.step import StepContext, step
from cosy.steps.fields.amounts.features import amount_dense
from cosy.steps.fields.mention_roles import RoleProbs, classify_roles

AMOUNT_ROLE_MODEL = "amount_role@1.0"


@step("fields.amounts.role", scope="page",
      requires=["page.amount.context", "page.lines", "page.geometry", "page_no", "doc_info"],
      provides=["page.amount.role"], model=AMOUNT_ROLE_MODEL)
def amount_role(page_amount_context: list[Mention], page_lines: list[Line],
                page_geometry: PageGeometry, page_no: int, doc_info: Any,
                ctx: StepContext) -> list[RoleProbs]:
    """Net/tax/gross/other probabilities of each amount mention of the page."""
    return classify_roles(ctx, AMOUNT_ROLE_MODEL, page_amount_context, page_lines,
                          page_geometry, page_no, doc_info.pages, amount_dense)
