"""The ``date_role`` model on a page's dates: issue, due, delivery or other.

Run on all of a page's date mentions in one batch; one dict of probabilities per mention,
aligned with ``page.date.context``. The select steps keep their label rules, take a selected
date's confidence from the model's probability for its role and fall back to the model where no
label names a role.
"""

from __future__ import annotations

from typing import Any

from cosy.domain import Line, Mention, PageGeometry
from cosy.engine.step import StepContext, step
from cosy.steps.fields.dates.features import date_dense
from cosy.steps.fields.mention_roles import RoleProbs, classify_roles

DATE_ROLE_MODEL = "date_role@1.0"


@step("fields.dates.role", scope="page",
      requires=["page.date.context", "page.lines", "page.geometry", "page_no", "doc_info"],
      provides=["page.date.role"], model=DATE_ROLE_MODEL)
def date_role(page_date_context: list[Mention], page_lines: list[Line],
              page_geometry: PageGeometry, page_no: int, doc_info: Any,
              ctx: StepContext) -> list[RoleProbs]:
    """Issue/due/delivery/other probabilities of each date mention of the page."""
    return classify_roles(ctx, DATE_ROLE_MODEL, page_date_context, page_lines, page_geometry,
                          page_no, doc_info.pages, date_dense)
