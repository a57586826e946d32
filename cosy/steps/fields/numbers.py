"""Document numbers: the value a number label (Rechnungsnummer, Invoice No., N° ...) introduces.

A number label is either a word for "number" (Nr., No., N°, #, -nummer) or a document title
(Rechnung, Invoice, Facture, Avoir, Order ...) directly followed by a value with a digit. What the
number is (invoice, order, customer) is read from the text before it, nearest keyword first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cosy.domain import FieldValue, Line, Mention
from cosy.engine.step import step
from cosy.steps.fields.common import (
    Candidate,
    cells,
    flatten,
    header_above,
    left_label,
    span_bbox,
)
from cosy.steps.fields.title import RULE_KIND

NUMBER_VALUE = (r"(?P<number>(?:(?-i:[A-Z]{1,4})\s(?=[A-Z0-9/-]*\d{3}))?"
                r"[A-Z0-9][A-Z0-9/_.-]*\d[A-Z0-9/_.-]*)")
"""A document number: letters, digits and separators with a digit; 'DEL 47826', 'F 17142' keep
their short upper-case prefix (one space, then at least three digits)."""
NUMBER_LABEL = re.compile(
    r"(?:(?:nummer|number|numéro|numero|nr|no|n°|nº|#)\.?"
    r"|\b(?:rechnung|invoice|facture|avoir|gutschrift|credit\s?note|order|bestellung|"
    r"purchase\s?order|angebot|quotation|quote|devis|auftrag|lieferschein|commande|"
    r"reference|referenz)\b)"
    r"\s*[:.]?\s*" + NUMBER_VALUE,
    re.IGNORECASE,
)
ID_CELL = re.compile(NUMBER_VALUE + r"$", re.IGNORECASE)
HEADER_LABEL = re.compile(r"(?:nummer|number|numéro|numero|\bnr|\bno|n°|nº|#|-id|\bid)\.?\s*:?$",
                          re.IGNORECASE)
"""A column header that names a number ('Invoice #', 'Customer No.'): the value stands below."""
DATE_LIKE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}")
KINDS = (
    ("invoice", re.compile(r"rechnung|invoice|facture|avoir|gutschrift|credit|beleg|\bbill\b|"
                           r"document|dokument", re.I)),
    ("order", re.compile(r"bestell|order|auftrag|commande|purchase|\bPO\b", re.I)),
    ("customer", re.compile(r"kunde|customer|client|debitor|account|konto", re.I)),
)
DOC_KINDS = (
    # what a label says the number is the number of; ties at the same end: first listed wins
    ("order_confirmation", re.compile(r"auftrag|confirmation|sales\sorder|best[äa]tigung", re.I)),
    ("credit_note", re.compile(r"gutschrift|credit\s?note|avoir", re.I)),
    ("payment_reminder", re.compile(r"mahnung|reminder|relance|rappel", re.I)),
    ("delivery_note", re.compile(r"lieferschein|delivery\snote|shipment|\bBL\b|livraison|"
                                 r"packing", re.I)),
    ("quote", re.compile(r"angebot|quot|estimate|devis|offre", re.I)),
    ("contract", re.compile(r"vertrag|agreement|contract|contrat", re.I)),
    ("order", re.compile(r"bestell|order|commande|purchase|\bPO\b", re.I)),
    ("invoice", re.compile(r"rechnung|invoice|facture|\bbill\b", re.I)),
    ("customer", re.compile(r"kunde|customer|client|debitor|account", re.I)),
    ("supplier", re.compile(r"lieferant|supplier|vendor|fournisseur", re.I)),
)
THEIR_REFERENCE = re.compile(r"\b(?:ihre?|your|votre|vos|unsere?|our|notre)\b|liée|related|"
                             r"bezug|ursprüngl|original|preceding|vorherig|"
                             r"correct(?!ed\sinvoice|ive\sinvoice)|\bref\b|réf|"
                             r"\bzu\b|d'origine", re.I)


@dataclass(slots=True)
class NumberCandidate(Candidate):
    """A document number with the kind of document its label names (quote, order ...)."""

    doc_kind: str | None = None


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


def doc_kind(label: str) -> str | None:
    """The kind of document whose number a label names (the last keyword in it), else None."""
    tail = label[-50:]
    best, end = None, -1
    for kind, pattern in DOC_KINDS:
        for m in pattern.finditer(tail):
            if m.end() > end:
                best, end = kind, m.end()
    return best


def _candidate(line: Line, i: int, page_no: int, height: float, start: int, end: int,
               value: str, label: str) -> NumberCandidate:
    bbox = span_bbox(line, start, end)
    return NumberCandidate(
        kind="doc_number", raw=line.text[start:end], value=value, page=page_no, bbox=bbox,
        span=(line.start + start, line.start + end), step="fields.doc_number.candidates",
        label=label, role=number_kind(label), y=bbox[1] / height, line=i,
        doc_kind=doc_kind(label))


def _words_above(lines: list[Line], i: int, x0: float, x1: float) -> str:
    """The words right above a value that overlap its column: one header of a row of headers
    set so close that they read as one cell ('Rechnungsnummer Rechnungsdatum')."""
    if i == 0:
        return ""
    above = [w for w in lines[i - 1].words if min(w.x1, x1) - max(w.x0, x0) > 0]
    return " ".join(w.text for w in above)


@step("fields.doc_number.candidates", scope="page",
      requires=["page.lines", "page_no", "page.geometry"], provides=["page.number_mentions"])
def number_candidates(page_lines: list[Line], page_no: int,
                      page_geometry: dict[str, float]) -> list[Mention]:
    """Numbers behind a document-number label, or below one in a row of column headers."""
    out: list[Mention] = []
    height = page_geometry["height"] or 842.0
    for i, line in enumerate(page_lines):
        taken: list[tuple[int, int]] = []
        for m in NUMBER_LABEL.finditer(line.text):
            start, end = m.span("number")
            value = m["number"].rstrip(".-/")
            if DATE_LIKE.fullmatch(value) or re.fullmatch(r"\d{1,2}", value):
                continue
            label, _ = left_label(line, m.start())
            label = f"{label} {line.text[m.start():start]}".strip(" :\t")
            out.append(_candidate(line, i, page_no, height, start, end, value, label))
            taken.append((start, end))
        for cell in cells(line):  # 'Invoice #' above, '819000' below
            start = cell.start + line.text[cell.start:].index(cell.text)
            if any(a <= start < b for a, b in taken) or not ID_CELL.match(cell.text) \
                    or DATE_LIKE.fullmatch(cell.text):
                continue
            header = header_above(page_lines, i, cell.x0, cell.x1, max_lines=2)
            if header and not HEADER_LABEL.search(header):
                header = _words_above(page_lines, i, cell.x0, cell.x1)
            if header and HEADER_LABEL.search(header) and len(header) < 40:
                value = cell.text.rstrip(".-/")
                out.append(_candidate(line, i, page_no, height, start, start + len(cell.text),
                                      value, header))
    return out


def _field(name: str, m: Mention, confidence: float) -> FieldValue:
    return FieldValue(name, m.value, confidence, m.page, m.bbox, m.span,
                      "fields.doc_number.select", m.model)


def _title_bonus(m: Mention) -> float:
    """The document's own number stands in its title, near the top of the first page."""
    return 1.0 if m.page == 1 and getattr(m, "y", 1.0) < 0.35 else 0.0


OWN_KIND = {"credit_note": ("credit_note", "invoice")}
"""Label kinds that name a document's own number, by title kind (default: the title's kind)."""


def select_numbers(mentions: list[Mention], title: str | None = None) -> dict[str, FieldValue]:
    """Document number (an invoice's, or whatever the title calls the document), order, customer.

    With a title, the document's own number is the one whose label names the same kind of
    document and is no reference to someone else's ('Ihre Bestellung'); a number labelled for
    another kind of document is a reference, never the document's own.
    """
    out: dict[str, FieldValue] = {}
    own: list[Mention] = []
    title = RULE_KIND.get(title, title) if title is not None else None
    if title is not None:
        kinds = OWN_KIND.get(title, (title,))
        own = [m for m in mentions if getattr(m, "doc_kind", None) in kinds
               and not THEIR_REFERENCE.search((m.label or "")[-50:])]
        if not own and title not in ("invoice", "credit_note"):
            own = [m for m in mentions if m.role == "other" and _title_bonus(m)
                   and getattr(m, "doc_kind", None) is None
                   and not THEIR_REFERENCE.search((m.label or "")[-50:])]
    if own:
        m = max(own, key=lambda m: _title_bonus(m) - 0.01 * mentions.index(m))
        out["invoice_number"] = _field("invoice_number", m, 0.85 + 0.1 * _title_bonus(m))
    elif title in (None, "invoice", "credit_note"):
        invoices = [m for m in mentions if m.role == "invoice"]
        if invoices:
            m = max(invoices, key=lambda m: _title_bonus(m) - 0.01 * mentions.index(m))
            out["invoice_number"] = _field("invoice_number", m, 0.8 + 0.15 * _title_bonus(m))
        else:  # an order or quotation: its own number is the document number
            first = [m for m in mentions if m.role == "order" and _title_bonus(m)]
            if first:
                out["invoice_number"] = _field("invoice_number", first[0], 0.6)
    orders = [m for m in mentions if m.role in ("order", "reference")
              and re.search(r"bestell|order|auftrag|commande", m.label or "", re.I)
              and ("invoice_number" not in out or m.value != out["invoice_number"].value)]
    if orders:
        out["order_number"] = _field("order_number", orders[0], 0.7)
    customers = [m for m in mentions if m.role == "customer"]
    if customers:
        out["customer_number"] = _field("customer_number", customers[0], 0.7)
    return out


@step("fields.doc_number.select", scope="document",
      requires=["page.number_mentions", "doc.title_kind"], provides=["doc.field.doc_number"])
def select_number_fields(page_number_mentions: list[list[Mention]],
                         doc_title_kind: str | None) -> dict[str, FieldValue]:
    """Invoice, order and customer number of the document from all pages' candidates."""
    return select_numbers(flatten(page_number_mentions), doc_title_kind)
