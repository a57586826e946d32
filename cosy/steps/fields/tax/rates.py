"""Tax rates (19 %, 7 %, 20 %, 5,5 %) and the document's one VAT rate.

Percentages are everywhere on a business document (discounts, Skonto, surcharges); a tax rate is
one that exists as a VAT rate and that a tax word introduces ('19 % MwSt.', 'VAT 20%', 'TVA
5,5 %') or that heads a breakdown row whose amounts check out (base x rate = tax). The rows
themselves are the tax breakdown family's (:mod:`cosy.steps.fields.tax.breakdown`).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from cosy.domain import FieldValue, Line, Mention, PageGeometry
from cosy.engine.step import step
from cosy.fieldspec import field_spec
from cosy.kg.vocab import COSY, XSD
from cosy.steps.fields.common import flatten, selected
from cosy.steps.fields.hits import Hit, mentions, scan

PERCENT = re.compile(r"(?<![\d.,])(?P<rate>\d{1,2}(?:[.,]\d{1,2})?)\s?%")
MAX_RATE = Decimal("27")
"""The highest VAT rate in the EU (Hungary): a higher percentage is no VAT rate."""
TAX_WORDS = re.compile(r"mwst|ust\b|ust\.|umsatzsteuer|mehrwertsteuer|steuer|\bvat\b|\btax|"
                       r"\btva\b|taxe|\biva\b|\bgst\b", re.I)
NOT_TAX = re.compile(r"skonto|rabatt|nachlass|discount|escompte|remise|zuschlag|surcharge|"
                     r"interest|zins|intérêt|mahn|fee|gebühr", re.I)


@step("fields.tax.candidates.rate", scope="page", requires=["page.lines"],
      provides=["page.tax_rate.candidates"])
def tax_rate_candidates(page_lines: list[Line]) -> list[Hit]:
    """Every percentage on the page (19 %, 5,5%, 20.00 %)."""
    return scan(page_lines, PERCENT, "fields.tax.candidates.rate", "rate")


def normalise_rate(text: str) -> Decimal | None:
    """A percentage with either decimal mark as a Decimal (5,5 -> 5.5)."""
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


@step("fields.tax.normalise.rate", scope="page", requires=["page.tax_rate.candidates"],
      provides=["page.tax_rate.normalised"])
def tax_rate_normalise(page_tax_rate_candidates: list[Hit]) -> list[tuple[Hit, Decimal]]:
    """Each percentage's value."""
    return [(h, v) for h in page_tax_rate_candidates
            if (v := normalise_rate(h.part("rate"))) is not None]


@step("fields.tax.validate.rate", scope="page", requires=["page.tax_rate.normalised"],
      provides=["page.tax_rate.valid"])
def tax_rate_validate(page_tax_rate_normalised: list[tuple[Hit, Decimal]]
                      ) -> list[tuple[Hit, str]]:
    """Percentages that can be a VAT rate (0 to 27 %), as decimal strings '19.00'."""
    return [(h, f"{v:.2f}") for h, v in page_tax_rate_normalised if 0 <= v <= MAX_RATE]


def is_tax(m: Mention, line: Line) -> bool:
    """A tax word, and no discount word, around the rate on its line or in its label; in a
    table row (or without a label) its column header speaks for it."""
    own = line.text[max(0, m.span[0] - line.start - 30):m.span[1] - line.start + 30]
    text = f"{m.label or ''} {own}"
    if not m.label or getattr(m, "in_row", False):
        text = f"{text} {getattr(m, 'header', '') or ''}"
    return bool(TAX_WORDS.search(text)) and not NOT_TAX.search(text)


@step("fields.tax.context.rate", scope="page",
      requires=["page.tax_rate.valid", "page.lines", "page_no", "page.geometry"],
      provides=["page.tax_rate.context"])
def tax_rate_context(page_tax_rate_valid: list[tuple[Hit, str]], page_lines: list[Line],
                     page_no: int, page_geometry: PageGeometry) -> list[Mention]:
    """Each rate with label and header; role 'tax' when a tax word, not a discount, names it."""
    found = list(mentions(page_lines, page_no, page_geometry.height, "tax_rate",
                          page_tax_rate_valid))
    for m in found:
        m.role = "tax" if is_tax(m, page_lines[m.line]) else "other"
    return found


def pick_tax_rate(rates: list[Mention], rows: list[dict[str, Any]]) -> FieldValue | None:
    """The document's one VAT rate: the rate of its breakdown rows, else the rate tax words
    name. A document with several rates (7 % and 19 %) has no single rate: none is emitted."""
    if rows:
        if len({Decimal(r["rate"]) for r in rows}) != 1:
            return None
        row = rows[0]
        bbox = tuple(row["bbox"]) if row.get("bbox") else None
        return FieldValue("tax_rate", row["rate"], 0.9, row["page"], bbox, None,
                          "fields.tax.select.tax_rate")
    taxed = [m for m in rates if m.role == "tax"]
    if taxed and len({Decimal(m.value) for m in taxed}) == 1:
        m = taxed[0]
        return FieldValue("tax_rate", m.value, 0.75, m.page, m.bbox, m.span,
                          "fields.tax.select.tax_rate")
    return None


TAX_RATE_FIELD = field_spec(
    "tax_rate", "number", "the VAT rate (%) where the document has one", bt="BT-119",
    predicate=COSY + "taxRate", datatype=XSD + "decimal")


@step("fields.tax.select.tax_rate", scope="document",
      requires=["page.tax_rate.context", "doc.tax_breakdown"],
      provides=["doc.field.tax_rate"])
def select_tax_rate(page_tax_rate_context: list[list[Mention]],
                    doc_tax_breakdown: list[dict[str, Any]]) -> dict[str, FieldValue]:
    """The document's (main) VAT rate as a percent string ('19.00'), read off its breakdown
    (``fields.tax.*.breakdown``) where it has one."""
    field = pick_tax_rate(flatten(page_tax_rate_context), doc_tax_breakdown)
    return selected(field)
