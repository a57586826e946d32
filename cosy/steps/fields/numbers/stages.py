"""Document numbers: normalise, validate (shape), context and role of what the sources found.

The sources (:mod:`cosy.steps.fields.numbers.sources`) report values behind a number word, a
document word or below a column header. ``fields.numbers.normalise`` resolves overlaps and
trims trailing separators; ``fields.numbers.validate`` drops what is shaped like a date or too
short to be a document's number; ``fields.numbers.context`` adds the label and position;
``fields.numbers.role`` reads what the number is (invoice, order, customer, delivery note,
contract, someone else's reference) from the label, nearest keyword first.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from cosy.domain import Line, Mention, PageGeometry
from cosy.engine.step import step
from cosy.steps.fields.common import NUMERIC_DATE, Candidate, left_label, span_bbox
from cosy.steps.fields.fuzzy import corrected, vocabulary
from cosy.steps.fields.hits import Hit, resolve_overlaps

DATE_LIKE = re.compile(NUMERIC_DATE)
MAX_LENGTH = 40
"""Longer than this, a 'number' is a sentence that happens to contain digits."""

PURCHASE_ORDER = r"\bp[./]?\s?o\b(?!\.?\s*box)"
"""PO, P.O., P/O (not a P.O. Box)."""
INVOICE_ABBREVIATION = r"\binv\b|\brg\b|\bre\b(?=\.?\s*-?\s*nr)"
"""'Inv. No.', 'Inv #', 'Rg.-Nr.', 'Re.-Nr.': the invoice word abbreviated before a number word."""
ORDER_WORDS = re.compile(r"bestell|order|auftrag|commande|purchase|" + PURCHASE_ORDER, re.I)
KINDS = (
    ("invoice", re.compile(r"rechnung|invoice|factur|faktura|avoir|gutschrift|credit|beleg|"
                           r"\bbill\b|document|dokument|\bdoc\b|" + INVOICE_ABBREVIATION, re.I)),
    ("order", ORDER_WORDS),
    ("customer", re.compile(r"kunde|customer|client|debitor|account|\bacct\b|konto|\bkd\b", re.I)),
    ("receipt", re.compile(r"receipt|quittung|kassenbon|\bbon\b|reçu|\brecu\b|ticket|\bcheck\b|"
                           r"\bchk\b|\bfolio\b", re.I)),
)
"""What a number's label says it is, nearest keyword first. A receipt's own number
(Receipt No., Check #, Chk, a hotel's Folio No.) is the document's number where no invoice
number is printed."""
DOC_KINDS = (
    # what a label says the number is the number of; ties at the same end: first listed wins
    ("order_confirmation", re.compile(r"auftrag|confirmation(?:\s+de\s+(?:la\s+)?commande)?|"
                                      r"sales\sorder|best[äa]tigung", re.I)),
    ("credit_note", re.compile(r"gutschrift|credit\s?note|avoir", re.I)),
    ("payment_reminder", re.compile(r"mahnung|reminder|relance|rappel", re.I)),
    ("delivery_note", re.compile(r"lieferschein|delivery\snote|shipment|\bBL\b|livraison|"
                                 r"packing", re.I)),
    ("quote", re.compile(r"angebot|quot|estimate|devis|offre", re.I)),
    ("contract", re.compile(r"vertrag|agreement|contract|contrat", re.I)),
    ("order", re.compile(r"bestell|order|commande|purchase|" + PURCHASE_ORDER, re.I)),
    ("invoice", re.compile(r"rechnung|invoice|facture|faktura|\bbill\b|" + INVOICE_ABBREVIATION,
                           re.I)),
    ("customer", re.compile(r"kunde|customer|client|debitor|account|\bkd\b", re.I)),
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


VOCABULARY = vocabulary([*(p.pattern for _, p in (*KINDS, *DOC_KINDS)), THEIR_REFERENCE.pattern,
                         "number nummer numéro receipt"])
"""The label words of numbers, to read them as OCR misspells them ('Involce No.')."""


def _tail(label: str) -> str:
    return corrected(label[-50:], VOCABULARY)


def number_kind(label: str) -> str:
    """invoice, order, customer, receipt, reference (someone's own number) or other: nearest
    keyword wins."""
    tail = _tail(label)
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
    tail = _tail(label)
    best, end = None, -1
    for kind, pattern in DOC_KINDS:
        for m in pattern.finditer(tail):
            if m.end() > end:
                best, end = kind, m.end()
    return best


def normalise_numbers(sources: list[list[Hit]]) -> list[tuple[Hit, str]]:
    """Each number once (overlaps resolved), without trailing '.', '-' or '/'."""
    return [(h, h.part("number").rstrip(".-/")) for h in resolve_overlaps(*sources)]


@step("fields.numbers.normalise", scope="page",
      requires=["page.doc_number.labels_de", "page.doc_number.labels_en",
                "page.doc_number.labels_fr", "page.doc_number.title", "page.doc_number.header",
                "page.doc_number.named"],
      provides=["page.doc_number.normalised"])
def number_normalise(page_doc_number_labels_de: list[Hit], page_doc_number_labels_en: list[Hit],
                     page_doc_number_labels_fr: list[Hit], page_doc_number_title: list[Hit],
                     page_doc_number_header: list[Hit],
                     page_doc_number_named: list[Hit]) -> list[tuple[Hit, str]]:
    """The numbers all sources found, each once, trimmed."""
    return normalise_numbers([page_doc_number_labels_de, page_doc_number_labels_en,
                              page_doc_number_labels_fr, page_doc_number_title,
                              page_doc_number_header, page_doc_number_named])


def validate_numbers(found: list[tuple[Hit, str]]) -> list[tuple[Hit, str]]:
    """Numbers shaped like a document's: not a date, not one or two digits after a label (a
    page or position number), at most :data:`MAX_LENGTH` characters."""
    out = []
    for hit, value in found:
        if DATE_LIKE.fullmatch(hit.part("number") if hit.label else value) \
                or len(value) > MAX_LENGTH \
                or (not hit.label and re.fullmatch(r"\d{1,2}", value)):
            continue
        out.append((hit, value))
    return out


@step("fields.numbers.validate", scope="page", requires=["page.doc_number.normalised"],
      provides=["page.doc_number.valid"])
def number_validate(page_doc_number_normalised: list[tuple[Hit, str]]) -> list[tuple[Hit, str]]:
    """The numbers whose shape can be a document's number."""
    return validate_numbers(page_doc_number_normalised)


def number_label(line: Line, hit: Hit) -> str:
    """What introduces a number: a header the source found, else the text left of the match
    and the label words the match itself began with ('Rechnungsnummer:')."""
    if hit.label:
        return hit.label
    label, _ = left_label(line, hit.origin)
    return f"{label} {line.text[hit.origin:hit.start]}".strip(" :\t")


@step("fields.numbers.context", scope="page",
      requires=["page.doc_number.valid", "page.lines", "page_no", "page.geometry"],
      provides=["page.doc_number.context"])
def number_context(page_doc_number_valid: list[tuple[Hit, str]], page_lines: list[Line],
                   page_no: int, page_geometry: PageGeometry) -> list[Mention]:
    """Each number with its label, box and height on the page."""
    height = page_geometry.height
    out: list[Mention] = []
    for hit, value in page_doc_number_valid:
        line = page_lines[hit.line]
        bbox = span_bbox(line, hit.start, hit.end)
        out.append(NumberCandidate(
            kind="doc_number", raw=line.text[hit.start:hit.end], value=value, page=page_no,
            bbox=bbox, span=(line.start + hit.start, line.start + hit.end), step=hit.source,
            label=number_label(line, hit), y=bbox[1] / height, line=hit.line))
    return out


def number_roles(numbers: list[Mention]) -> list[Mention]:
    """Each number with what its label says it is: role (invoice, order, customer, reference,
    other) and the kind of document it numbers (delivery note, contract, quote ...)."""
    return [dataclasses.replace(m, role=number_kind(m.label or ""),
                                doc_kind=doc_kind(m.label or ""))
            for m in numbers if isinstance(m, NumberCandidate)]


@step("fields.numbers.role", scope="page", requires=["page.doc_number.context"],
      provides=["page.doc_number.role"])
def number_role(page_doc_number_context: list[Mention]) -> list[Mention]:
    """The role each number's label gives it."""
    return number_roles(page_doc_number_context)
