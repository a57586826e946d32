"""Buyer reference (EN 16931 BT-10): normalise, validate, context and selection.

The sources (:mod:`cosy.steps.fields.references.sources`) report values after a buyer-reference
label, below such a column header, or shaped like a German Leitweg-ID. ``normalise`` resolves
overlaps and writes a Leitweg-ID without spaces; ``validate`` checks Leitweg check digits (ISO
7064 Mod 97-10, as the KoSIT specification defines them) and drops what cannot be a reference
(a date, an amount, a bare Leitweg shape whose check digits fail); ``context`` scores each by its
label; ``fields.references.select.buyer_reference`` picks one that is not the document's own number.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from cosy.domain import FieldValue, Line, Mention, PageGeometry
from cosy.engine.step import step
from cosy.fieldspec import field_spec
from cosy.identifiers import mod97_check_digits
from cosy.kg.vocab import COSY, XSD
from cosy.steps.fields.common import NUMERIC_CELL, NUMERIC_DATE, Candidate, flatten, selected
from cosy.steps.fields.hits import Hit, mentions, resolve_overlaps
from cosy.steps.fields.references.sources import LEITWEG, label_kind
from cosy.steps.xml_tree import CII_AGREEMENT

DATE_LIKE = re.compile(NUMERIC_DATE + r"|\d{1,2}\.?\s+\w+\s+\d{4}")
LEITWEG_FULL = re.compile(LEITWEG.pattern.replace(r"\b", "^", 1) + "$", re.IGNORECASE)
BASE_CONFIDENCE = {"leitweg": 0.8, "buyer": 0.85, "your": 0.75, "generic": 0.55, "shape": 0.6}
"""How much a label alone says the value is the buyer's reference."""
YOUR_ORDER = re.compile(r"\b(?:ihre?r?|your|votre)\s+(?:bestellung|order|commande)\s*$", re.I)
"""'Your order AB321': the buyer's own order number, the reference the buyer knows the document
by when no reference label is printed."""


@dataclass(slots=True)
class ReferenceCandidate(Candidate):
    """A buyer reference with its label kind and, for a Leitweg-ID, whether it checks."""

    label_kind: str = "shape"  # leitweg, buyer, your, generic, shape
    leitweg: str | None = None  # "valid", "invalid" or None (not shaped like one)


def leitweg_valid(value: str) -> bool:
    """Whether a compact Leitweg-ID ('04011000-1234512345-06') has the right check digits."""
    parts = value.split("-")
    if len(parts) < 2 or not LEITWEG_FULL.match(value):
        return False
    return mod97_check_digits("".join(parts[:-1])) == int(parts[-1])


def normalise_value(text: str) -> str:
    """A Leitweg-ID without spaces and in upper case; any other reference as printed."""
    text = text.strip(" .;,")
    if LEITWEG_FULL.match(text):
        return re.sub(r"\s+", "", text).upper()
    return " ".join(text.split())


def normalise_references(sources: list[list[Hit]]) -> list[tuple[Hit, str]]:
    """Each reference once (overlaps resolved), normalised."""
    return [(h, normalise_value(h.part("value"))) for h in resolve_overlaps(*sources)]


@step("fields.references.normalise", scope="page",
      requires=["page.buyer_reference.labels_de", "page.buyer_reference.labels_en",
                "page.buyer_reference.labels_fr", "page.buyer_reference.leitweg",
                "page.buyer_reference.header"],
      provides=["page.buyer_reference.normalised"])
def reference_normalise(page_buyer_reference_labels_de: list[Hit],
                        page_buyer_reference_labels_en: list[Hit],
                        page_buyer_reference_labels_fr: list[Hit],
                        page_buyer_reference_leitweg: list[Hit],
                        page_buyer_reference_header: list[Hit]) -> list[tuple[Hit, str]]:
    """The references all sources found, each once, normalised."""
    return normalise_references([page_buyer_reference_labels_de, page_buyer_reference_labels_en,
                                 page_buyer_reference_labels_fr, page_buyer_reference_leitweg,
                                 page_buyer_reference_header])


def leitweg_status(value: str) -> str | None:
    """'valid' or 'invalid' for a value shaped like a Leitweg-ID, else None."""
    if not LEITWEG_FULL.match(value):
        return None
    return "valid" if leitweg_valid(value) else "invalid"


def validate_references(found: list[tuple[Hit, str]]) -> list[tuple[Hit, str, str | None]]:
    """References that can be one, each with its Leitweg status.

    A bare Leitweg shape counts only when its check digits hold (else it is a phone or an
    article number); free text (a person's name) is allowed after an explicit label, never a
    date or an amount (context lowers a Leitweg label whose value is no valid Leitweg-ID).
    """
    out = []
    for hit, value in found:
        kind, status = label_kind(hit), leitweg_status(value)
        if not value or not re.search(r"\w", value) or DATE_LIKE.fullmatch(value) \
                or (NUMERIC_CELL.match(value) and not re.fullmatch(r"\d{3,}", value)):
            continue
        if kind == "shape" and status != "valid":
            continue
        out.append((hit, value, status))
    return out


@step("fields.references.validate", scope="page", requires=["page.buyer_reference.normalised"],
      provides=["page.buyer_reference.valid"])
def reference_validate(page_buyer_reference_normalised: list[tuple[Hit, str]]
                       ) -> list[tuple[Hit, str, str | None]]:
    """The references whose value and label fit, with their Leitweg check."""
    return validate_references(page_buyer_reference_normalised)


def reference_confidence(kind: str, status: str | None) -> float:
    """The label's weight, raised by a Leitweg-ID that checks, lowered by one that claims to be a
    Leitweg-ID (by its label) and does not."""
    confidence = BASE_CONFIDENCE[kind]
    if status == "valid":
        confidence += 0.1
    elif kind == "leitweg":  # claims to be a Leitweg-ID: wrong check digits or no such shape
        confidence -= 0.25 if status == "invalid" else 0.4
    return round(min(confidence, 0.95), 3)


def reference_context(valid: list[tuple[Hit, str, str | None]], lines: list[Line], page_no: int,
                      height: float) -> list[Mention]:
    """Each reference as a mention with label, header, position, label kind and confidence."""
    hits = [(hit, value) for hit, value, _ in valid]
    out: list[Mention] = []
    for (hit, _, status), m in zip(valid, mentions(lines, page_no, height, "buyer_reference",
                                                   hits), strict=True):
        kind = label_kind(hit)
        out.append(ReferenceCandidate(**{f.name: getattr(m, f.name)
                                         for f in dataclasses.fields(m)},
                                      label_kind=kind, leitweg=status))
        out[-1].confidence = reference_confidence(kind, status)
        out[-1].label = hit.label or m.label
    return out


@step("fields.references.context", scope="page",
      requires=["page.buyer_reference.valid", "page.lines", "page_no", "page.geometry"],
      provides=["page.buyer_reference.context"])
def reference_context_step(page_buyer_reference_valid: list[tuple[Hit, str, str | None]],
                           page_lines: list[Line], page_no: int,
                           page_geometry: PageGeometry) -> list[Mention]:
    """Each reference with its label, box, position and the confidence its label gives."""
    return reference_context(page_buyer_reference_valid, page_lines, page_no,
                             page_geometry.height)


def _compact(value: object) -> str:
    return re.sub(r"\s+", "", str(value)).casefold()


def pick_buyer_reference(references: list[Mention], numbers: list[Mention],
                         own: FieldValue | None) -> FieldValue | None:
    """The most confident reference (the first on a tie) that is not the document's own number;
    without one, the buyer's order number printed as 'Your order', at low confidence."""
    own_value = _compact(own.value) if own is not None else None
    usable = [m for m in references if _compact(m.value) != own_value]
    if usable:
        best = max(usable, key=lambda m: m.confidence - 0.001 * usable.index(m))
        return FieldValue("buyer_reference", best.value, best.confidence, best.page, best.bbox,
                          best.span, "fields.references.select.buyer_reference", best.model)
    theirs = [m for m in numbers if YOUR_ORDER.search(m.label or "")
              and _compact(m.value) != own_value]
    if theirs:
        m = theirs[0]
        return FieldValue("buyer_reference", m.value, 0.45, m.page, m.bbox, m.span,
                          "fields.references.select.buyer_reference", m.model)
    return None


BUYER_REFERENCE_FIELD = field_spec(
    "buyer_reference", "identifier",
    "the buyer's reference (a Leitweg-ID for German public "
    "buyers)", bt="BT-10", scored=True,
    predicate=COSY + "buyerReference", datatype=XSD + "string",
    cii=(*CII_AGREEMENT, "BuyerReference"), ubl=("BuyerReference",))


@step("fields.references.select.buyer_reference", scope="document",
      requires=["page.buyer_reference.context", "page.doc_number.role",
                "doc.field.invoice_number"],
      provides=["doc.field.buyer_reference"])
def select_buyer_reference(page_buyer_reference_context: list[list[Mention]],
                           page_doc_number_role: list[list[Mention]],
                           doc_field_invoice_number: dict[str, FieldValue]
                           ) -> dict[str, FieldValue]:
    """The buyer's reference from all pages, never the document's own number."""
    found = pick_buyer_reference(flatten(page_buyer_reference_context),
                                 flatten(page_doc_number_role),
                                 doc_field_invoice_number.get("invoice_number"))
    return selected(found)
