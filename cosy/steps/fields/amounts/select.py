"""Amount selection: the totals triple, whether the document credits, and the amount due.

The totals are chosen together (net + tax = gross checks all three), so one step selects them;
the amount due is its own field: a labelled 'Zahlbetrag' / 'Balance due' / 'Net à payer', else
the gross total when nothing on the document was paid in advance.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from cosy.domain import FieldValue, Mention
from cosy.engine.step import step
from cosy.fieldspec import field_spec
from cosy.kg.vocab import COSY, SCHEMA, XSD
from cosy.steps.fields.amounts.role import AMOUNT_ROLE_MODEL
from cosy.steps.fields.amounts.stages import (
    is_credit_note,
    select_totals,
    totals_from_breakdown,
    unsign_credit_note,
)
from cosy.steps.fields.common import flatten, selected
from cosy.steps.xml_tree import CII_SUMS, UBL_SUMS

AMOUNT_DUE = re.compile(
    r"zahlbetrag|zu zahlen|offener betrag|restbetrag|noch offen|amount due|balance due|"
    r"total payable|amount payable|total due|net à payer|net a payer|reste à payer|"
    r"reste a payer|montant à payer|montant dû|residual|remaining|outstanding|"
    r"solde|restant dû|reste dû", re.I)
PAID = re.compile(r"anzahlung|bereits bezahlt|abzüglich|erhalten|paid|payment received|"
                  r"prepay|deposit|acompte|déjà réglé|versé", re.I)
"""A payment already made: the amount due then differs from the gross total."""


@step("fields.amounts.credit_note", scope="document", requires=["page.doc_number.context"],
      provides=["doc.amount.credit_note"])
def credit_note(page_doc_number_context: list[list[Mention]]) -> bool:
    """Whether the document's own number is labelled a credit note ('Gutschrift Nr.'): then its
    totals are what is credited, positive whatever minus the page prints."""
    return is_credit_note(flatten(page_doc_number_context))


TOTAL_NET_FIELD = field_spec(
    "total_net", "amount", "the total without VAT", bt="BT-109", scored=True,
    predicate=COSY + "totalNet", datatype=XSD + "decimal", xml=True)
TOTAL_TAX_FIELD = field_spec(
    "total_tax", "amount", "the VAT total", bt="BT-110", scored=True, predicate=COSY + "totalTax",
    datatype=XSD + "decimal", xml=True)
TOTAL_GROSS_FIELD = field_spec(
    "total_gross", "amount", "the total with VAT", bt="BT-112", scored=True,
    predicate=SCHEMA + "totalPaymentDue", datatype=XSD + "decimal",
    cii=(*CII_SUMS, "GrandTotalAmount"), ubl=(*UBL_SUMS, "TaxInclusiveAmount"))
AMOUNT_DUE_FIELD = field_spec(
    "amount_due", "amount", "what the reader is asked to pay", bt="BT-115", scored=True,
    predicate=COSY + "amountDue", datatype=XSD + "decimal", cii=(*CII_SUMS, "DuePayableAmount"),
    ubl=(*UBL_SUMS, "PayableAmount"))


@step("fields.amounts.select.totals", scope="document",
      requires=["page.amount.context", "page.amount.cues", "page.amount.role",
                "doc.amount.credit_note", "page.tax_breakdown.valid"],
      provides=["doc.field.amount"])
def select_total_fields(page_amount_context: list[list[Mention]], page_amount_cues: list[Any],
                        page_amount_role: list[list[dict[str, float]]],
                        doc_amount_credit_note: bool,
                        page_tax_breakdown_valid: list[list[dict[str, Any]]],
                        ) -> dict[str, FieldValue]:
    """Net, tax and gross totals from all pages' amounts, their cues and role probabilities;
    the sums of a breakdown of several rates where no printed net bridges the gross."""
    totals = select_totals(flatten(page_amount_context),
                           probs=[p for page in page_amount_role for p in page],
                           model=AMOUNT_ROLE_MODEL, cues=[c for page in page_amount_cues
                                                          for c in page])
    totals = totals_from_breakdown(totals, flatten(page_tax_breakdown_valid))
    if doc_amount_credit_note:
        unsign_credit_note(totals)
    return totals


def pick_amount_due(amounts: list[Mention], totals: dict[str, FieldValue],
                    credit: bool = False) -> FieldValue | None:
    """The last amount labelled as due; else the gross total if no advance payment shows."""
    due = [m for m in amounts if AMOUNT_DUE.search((m.label or "")[-40:])
           and not PAID.search((m.label or "")[-40:])]
    if due:
        m = due[-1]
        value = abs(Decimal(m.value)) if credit else Decimal(m.value)
        return FieldValue("amount_due", f"{value:.2f}", 0.85, m.page, m.bbox, m.span,
                          "fields.amounts.select.amount_due", m.model)
    gross = totals.get("total_gross")
    if gross is None or any(PAID.search((m.label or "")[-40:]) for m in amounts):
        return None
    return FieldValue("amount_due", gross.value, round(gross.confidence * 0.9, 4), gross.page,
                      gross.bbox, gross.span, "fields.amounts.select.amount_due", gross.model)


@step("fields.amounts.select.amount_due", scope="document",
      requires=["page.amount.context", "doc.field.amount", "doc.amount.credit_note"],
      provides=["doc.field.amount_due"])
def select_amount_due(page_amount_context: list[list[Mention]],
                      doc_field_amount: dict[str, FieldValue],
                      doc_amount_credit_note: bool) -> dict[str, FieldValue]:
    """What the reader is asked to pay: printed as such, or the gross total."""
    field = pick_amount_due(flatten(page_amount_context), doc_field_amount,
                            doc_amount_credit_note)
    return selected(field)
