"""Selection: from all pages' candidates, choose each field of DESIGN §8 by its label.

Label rules are the first role model; the trained role classifiers (models issue) replace them
step by step. Consistency (net + tax = gross) raises the confidence of the totals it confirms.
"""

from __future__ import annotations

import re
from decimal import Decimal

from cosy.domain import FieldValue, Mention
from cosy.engine.step import step

DATE_ROLES = (
    ("due_date", re.compile(r"fällig|zahlbar bis|due|payable|échéance|zahlungsziel", re.I)),
    ("delivery_date", re.compile(r"liefer|leistung|delivery|livraison", re.I)),
    ("issue_date", re.compile(
        r"rechnungsdatum|belegdatum|datum|date|vom|invoice date|date de facture", re.I)),
)
AMOUNT_ROLES = (
    ("total_gross", re.compile(
        r"brutto|gesamtbetrag|rechnungsbetrag|endbetrag|zu zahlen|zahlbetrag|gross|total due|"
        r"amount due|grand total|total ttc|^total$|^gesamt$|^summe$|invoice total", re.I)),
    ("total_tax", re.compile(r"mwst|ust|umsatzsteuer|mehrwertsteuer|vat|tax|tva", re.I)),
    ("total_net", re.compile(r"netto|net|zwischensumme|subtotal|total ht|warenwert", re.I)),
)


def _first(mentions: list[Mention], pattern: re.Pattern[str] | None = None) -> Mention | None:
    for m in mentions:
        if pattern is None or (m.label and pattern.search(m.label)):
            return m
    return None


def _field(name: str, m: Mention, value: object = None, confidence: float | None = None,
           step_name: str = "fields.select") -> FieldValue:
    return FieldValue(name, m.value if value is None else value,
                      m.confidence if confidence is None else confidence, m.page, m.bbox, m.span,
                      step_name, m.model)


def _flatten(pages: list[list[Mention]]) -> list[Mention]:
    return [m for page in pages for m in page]


def select_dates(mentions: list[Mention]) -> dict[str, FieldValue]:
    out: dict[str, FieldValue] = {}
    for role, pattern in DATE_ROLES:
        m = _first([m for m in mentions if m.role is None], pattern)
        if m is not None:
            m.role = role
            out[role] = _field(role, m, confidence=0.8)
    if "issue_date" not in out and mentions:
        out["issue_date"] = _field("issue_date", mentions[0], confidence=0.4)
    return out


def select_totals(mentions: list[Mention]) -> dict[str, FieldValue]:
    out: dict[str, FieldValue] = {}
    for role, pattern in AMOUNT_ROLES:
        labelled = [m for m in mentions if m.label and pattern.search(m.label)]
        if labelled:  # the last labelled total on the last page is the document's total
            out[role] = _field(role, labelled[-1], confidence=0.7)
    if "total_gross" not in out and mentions:
        top = max(mentions, key=lambda m: Decimal(m.value))
        out["total_gross"] = _field("total_gross", top, confidence=0.4)
    net, tax, gross = (out.get(k) for k in ("total_net", "total_tax", "total_gross"))
    if net and tax and gross and Decimal(net.value) + Decimal(tax.value) == Decimal(gross.value):
        for f in (net, tax, gross):
            f.confidence = 0.97
    return out


@step("fields.select", scope="document",
      requires=["page.date_mentions", "page.amount_mentions", "page.iban_mentions",
                "page.bic_mentions", "page.vat_id_mentions", "page.number_mentions"],
      provides=["doc.fields"])
def select_fields(page_date_mentions: list[list[Mention]], page_amount_mentions: list[list[Mention]],
                  page_iban_mentions: list[list[Mention]], page_bic_mentions: list[list[Mention]],
                  page_vat_id_mentions: list[list[Mention]],
                  page_number_mentions: list[list[Mention]]) -> dict[str, FieldValue]:
    """Each field from its best candidate; a field with no candidate is absent, never guessed."""
    fields: dict[str, FieldValue] = {}
    fields.update(select_dates(_flatten(page_date_mentions)))
    fields.update(select_totals(_flatten(page_amount_mentions)))
    numbers = _flatten(page_number_mentions)
    invoice = next((m for m in numbers if not re.search(
        r"auftrag|bestell|order|commande|kunden|customer", m.label or "", re.I)), None)
    if invoice:
        fields["invoice_number"] = _field("invoice_number", invoice, confidence=0.8)
    order = next((m for m in numbers if m is not invoice and re.search(
        r"auftrag|bestell|order|commande", m.label or "", re.I)), None)
    if order:
        fields["order_number"] = _field("order_number", order, confidence=0.7)
    ibans = _flatten(page_iban_mentions)
    if ibans:
        fields["iban"] = _field("iban", ibans[0], confidence=0.9)
    bics = _flatten(page_bic_mentions)
    if bics:
        fields["bic"] = _field("bic", bics[0], confidence=0.8)
    vats = _flatten(page_vat_id_mentions)
    if vats:
        fields["seller_vat_id"] = _field("seller_vat_id", vats[0], confidence=0.6)
    return fields
