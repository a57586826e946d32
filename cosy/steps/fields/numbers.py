"""Document numbers: the value a number label (Rechnungsnummer, Invoice No., N° ...) introduces.

A number label is either a word for "number" (Nr., No., N°, #, -nummer) or a document title
(Rechnung, Invoice, Facture, Avoir, Order ...) directly followed by a value with a digit. What the
number is (invoice, order, customer) is read from the text before it, nearest keyword first.
"""

from __future__ import annotations

import re

from cosy.domain import FieldValue, Line, Mention
from cosy.engine.step import step
from cosy.steps.fields.common import Candidate, flatten, left_label, span_bbox

NUMBER_LABEL = re.compile(
    r"(?:(?:nummer|number|numéro|numero|nr|no|n°|nº|#)\.?"
    r"|\b(?:rechnung|invoice|facture|avoir|gutschrift|credit\s?note|order|bestellung|"
    r"purchase\s?order|angebot|quotation|quote|devis|auftrag|lieferschein|commande)\b)"
    r"\s*[:.]?\s*(?P<number>[A-Z0-9][A-Z0-9/_.-]*\d[A-Z0-9/_.-]*)",
    re.IGNORECASE,
)
DATE_LIKE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}")
KINDS = (
    ("invoice", re.compile(r"rechnung|invoice|facture|avoir|gutschrift|credit|beleg|\bbill\b|"
                           r"document|dokument", re.I)),
    ("order", re.compile(r"bestell|order|auftrag|commande|purchase|\bPO\b", re.I)),
    ("customer", re.compile(r"kunde|customer|client|debitor|account|konto", re.I)),
)
THEIR_REFERENCE = re.compile(r"\b(?:ihre?|your|votre|vos|unsere?|our|notre)\b|liée|related|"
                             r"bezug|ursprüngl|original|preceding|vorherig|correct", re.I)


def number_kind(label: str) -> str:
    """invoice, order, customer, reference (someone's own number) or other: nearest keyword wins."""
    tail = label[-50:]
    best, pos = "other", -1
    for kind, pattern in KINDS:
        for m in pattern.finditer(tail):
            if m.start() > pos:
                best, pos = kind, m.start()
    if best != "other" and THEIR_REFERENCE.search(tail):
        return "reference" if best != "customer" else "customer"
    return best


@step("fields.doc_number.candidates", scope="page",
      requires=["page.lines", "page_no", "page.geometry"], provides=["page.number_mentions"])
def number_candidates(page_lines: list[Line], page_no: int,
                      page_geometry: dict[str, float]) -> list[Mention]:
    """Numbers behind a document-number label, with the label that tells their kind."""
    out: list[Mention] = []
    height = page_geometry["height"] or 842.0
    for i, line in enumerate(page_lines):
        for m in NUMBER_LABEL.finditer(line.text):
            start, end = m.span("number")
            value = m["number"].rstrip(".-/")
            if DATE_LIKE.fullmatch(value) or re.fullmatch(r"\d{1,2}", value):
                continue
            label, _ = left_label(line, m.start())
            label = f"{label} {line.text[m.start():start]}".strip(" :\t")
            bbox = span_bbox(line, start, end)
            out.append(Candidate(
                kind="doc_number", raw=m["number"], value=value, page=page_no, bbox=bbox,
                span=(line.start + start, line.start + end), step="fields.doc_number.candidates",
                label=label, role=number_kind(label), y=bbox[1] / height, line=i,
            ))
    return out


def _field(name: str, m: Mention, confidence: float) -> FieldValue:
    return FieldValue(name, m.value, confidence, m.page, m.bbox, m.span,
                      "fields.doc_number.select", m.model)


def _title_bonus(m: Mention) -> float:
    """The document's own number stands in its title, near the top of the first page."""
    return 1.0 if m.page == 1 and getattr(m, "y", 1.0) < 0.35 else 0.0


def select_numbers(mentions: list[Mention]) -> dict[str, FieldValue]:
    """Invoice number (or, for an order, the order's own number), order and customer numbers."""
    out: dict[str, FieldValue] = {}
    invoices = [m for m in mentions if m.role == "invoice"]
    if invoices:
        m = max(invoices, key=lambda m: _title_bonus(m) - 0.01 * mentions.index(m))
        out["invoice_number"] = _field("invoice_number", m, 0.8 + 0.15 * _title_bonus(m))
    else:  # an order or quotation: its own number is the document number
        own = [m for m in mentions if m.role == "order" and _title_bonus(m)]
        if own:
            out["invoice_number"] = _field("invoice_number", own[0], 0.6)
    orders = [m for m in mentions if m.role in ("order", "reference")
              and re.search(r"bestell|order|auftrag|commande", m.label or "", re.I)
              and ("invoice_number" not in out or m.value != out["invoice_number"].value)]
    if orders:
        out["order_number"] = _field("order_number", orders[0], 0.7)
    customers = [m for m in mentions if m.role == "customer"]
    if customers:
        out["customer_number"] = _field("customer_number", customers[0], 0.7)
    return out


@step("fields.doc_number.select", scope="document", requires=["page.number_mentions"],
      provides=["doc.field.doc_number"])
def select_number_fields(page_number_mentions: list[list[Mention]]) -> dict[str, FieldValue]:
    """Invoice, order and customer number of the document from all pages' candidates."""
    return select_numbers(flatten(page_number_mentions))
