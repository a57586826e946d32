"""Tax category (UNTDID 5305): why a document charges the VAT it does, per row and overall.

Candidates come per language (phrase lexicons in :mod:`tax_category_lexicon`: reverse charge,
intra-community supply, export, exemption, small business, outside scope) and from codes printed
after a tax word ('Umsatzsteuer (K)'); normalise reads each as its code, one per line (the most
specific phrase of a line). Validate weighs them against the breakdown: a zero-tax category
needs a row or a total without tax, and a reverse charge or intra-community supply is confirmed
by the buyer's VAT ID; a standard-rate code needs tax. Each breakdown row then gets its category
(a positive rate is S; a zero rate takes the category printed at it, else the document's, else
Z), and ``tax_category`` is the one category all rows share, or the one the document names
where it prints no row (a small business's invoice).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from cosy.domain import FieldValue, Line, Mention, PageGeometry
from cosy.engine.step import step
from cosy.fieldspec import field_spec
from cosy.kg.vocab import COSY, XSD
from cosy.steps.fields.common import flatten, selected
from cosy.steps.fields.hits import Hit, mentions, resolve_overlaps, scan
from cosy.steps.fields.tax.category_lexicon import CODE, LEXICON, PRECEDENCE

ZERO_TAX = frozenset({"AE", "K", "G", "O", "Z", "E"})
"""Categories under which no VAT is charged on the row."""
BUYER_ID_NEEDED = frozenset({"AE", "K"})
"""Categories whose VAT the buyer accounts for: the invoice must name the buyer's VAT ID."""
ROW_WINDOW = 4
"""Lines above or below a row that may print its category (a wrapped 'Art (Kategorie)' cell)."""
UNEXPLAINED_ZERO = "Z"
"""The category of a 0 % row that no phrase explains: zero rated."""


def _code(hit: Hit) -> str:
    """The code a lexicon hit names: the name of the group that matched."""
    return hit.part("code").upper() or next(k for k, _ in hit.parts)


def _lexicon(lines: list[Line], language: str) -> list[Hit]:
    return scan(lines, LEXICON[language], f"fields.tax.candidates.category.{language}", 0, rank=1)


@step("fields.tax.candidates.category.de", scope="page", requires=["page.lines"],
      provides=["page.tax_category.de"])
def german_categories(page_lines: list[Line]) -> list[Hit]:
    """'Steuerschuldnerschaft des Leistungsempfängers', 'steuerfreie innergemeinschaftliche
    Lieferung', 'Ausfuhrlieferung', 'steuerfrei nach § 4 Nr. 14 UStG', '§ 19 UStG'."""
    return _lexicon(page_lines, "de")


@step("fields.tax.candidates.category.en", scope="page", requires=["page.lines"],
      provides=["page.tax_category.en"])
def english_categories(page_lines: list[Line]) -> list[Hit]:
    """'Reverse charge', 'Intra-Community supply', 'export of goods', 'VAT exempt',
    'outside the scope of VAT', 'zero-rated'."""
    return _lexicon(page_lines, "en")


@step("fields.tax.candidates.category.fr", scope="page", requires=["page.lines"],
      provides=["page.tax_category.fr"])
def french_categories(page_lines: list[Line]) -> list[Hit]:
    """'Autoliquidation', 'Livraison intracommunautaire', 'exportation', 'exonération',
    'TVA non applicable, art. 293 B du CGI', 'hors champ'."""
    return _lexicon(page_lines, "fr")


@step("fields.tax.candidates.category.code", scope="page", requires=["page.lines"],
      provides=["page.tax_category.code"])
def printed_codes(page_lines: list[Line]) -> list[Hit]:
    """Codes printed after a tax word, as EN 16931 renderings do: 'Umsatzsteuer (S)', 'UST (K)'."""
    return scan(page_lines, CODE, "fields.tax.candidates.category.code", "code", rank=0)


def most_specific(found: list[Mention]) -> list[Mention]:
    """One category per line: a printed code, else the most specific phrase of the line."""
    best: dict[int, Mention] = {}
    for m in found:
        line = getattr(m, "line", -1)
        prior = best.get(line)
        if prior is None or _rank(m) < _rank(prior):
            best[line] = m
    return [m for m in found if best.get(getattr(m, "line", -1)) is m]


def _rank(m: Mention) -> tuple[int, int]:
    return (0 if m.step.endswith(".code") else 1, PRECEDENCE.index(m.value))


@step("fields.tax.normalise.category", scope="page",
      requires=["page.tax_category.code", "page.tax_category.de", "page.tax_category.en",
                "page.tax_category.fr", "page.lines", "page_no", "page.geometry"],
      provides=["page.tax_category.normalised"])
def category_normalise(page_tax_category_code: list[Hit], page_tax_category_de: list[Hit],
                       page_tax_category_en: list[Hit], page_tax_category_fr: list[Hit],
                       page_lines: list[Line], page_no: int,
                       page_geometry: PageGeometry) -> list[Mention]:
    """Each phrase or code as its UNTDID code, placed on the page; one per line."""
    hits = resolve_overlaps(page_tax_category_code, page_tax_category_de,
                            page_tax_category_en, page_tax_category_fr)
    found = list(mentions(page_lines, page_no, page_geometry.height, "tax_category",
                          [(h, _code(h)) for h in hits]))
    return most_specific(found)


# --- document ------------------------------------------------------------------------------------


def _value(fields: dict[str, FieldValue], name: str) -> Any:
    f = fields.get(name)
    return f.value if f is not None else None


def weigh(m: Mention, rows: list[dict[str, Any]], total_tax: Decimal | None,
          buyer_vat_id: str | None) -> float | None:
    """The confidence of a category mention given the breakdown, or None when the numbers rule
    it out: no VAT where the category says none is due, VAT where it says the standard rate."""
    taxes = [Decimal(r["tax"]) for r in rows]
    code = m.value
    if code in ZERO_TAX:
        no_tax = (any(t == 0 for t in taxes) or total_tax == 0
                  or (not rows and total_tax is None))
        if not no_tax:
            return None  # boilerplate ('for intra-community supplies we need your VAT ID')
        conf = 0.9 if m.step.endswith(".code") else 0.8
        if code in BUYER_ID_NEEDED:
            conf += 0.08 if buyer_vat_id else -0.2
        return conf
    has_tax = any(t != 0 for t in taxes) or (total_tax is not None and total_tax != 0)
    return 0.9 if has_tax else None


@step("fields.tax.validate.category", scope="document",
      requires=["page.tax_category.normalised", "doc.tax_breakdown.rows", "doc.field.amount",
                "doc.field.buyer_vat_id"],
      provides=["doc.tax_category.valid"])
def category_validate(page_tax_category_normalised: list[list[Mention]],
                      doc_tax_breakdown_rows: list[dict[str, Any]],
                      doc_field_amount: dict[str, FieldValue],
                      doc_field_buyer_vat_id: dict[str, FieldValue]) -> list[Mention]:
    """The category mentions the document's numbers allow, with their confidence (a reverse
    charge or intra-community supply without the buyer's VAT ID is doubtful)."""
    tax = _value(doc_field_amount, "total_tax")
    total_tax = Decimal(str(tax)) if tax is not None else None
    buyer = _value(doc_field_buyer_vat_id, "buyer_vat_id")
    out = []
    for m in flatten(page_tax_category_normalised):
        conf = weigh(m, doc_tax_breakdown_rows, total_tax, buyer)
        if conf is not None:
            out.append(replace(m, confidence=round(conf, 4)))
    return out


def _best(found: list[Mention]) -> Mention | None:
    return min(found, key=lambda m: (-m.confidence, _rank(m)), default=None)


def row_category(row: dict[str, Any], valid: list[Mention]) -> str:
    """A taxed row is standard rated (reduced rates are S too); a 0 % row takes the category
    printed at it, else the one the document names, else zero rated."""
    if Decimal(row["tax"]) != 0 and Decimal(row["rate"]) > 0:
        return "S"
    zero = [m for m in valid if m.value in ZERO_TAX]
    near = [m for m in zero if m.page == row["page"]
            and abs(getattr(m, "line", -99) - row.get("line", -1)) <= ROW_WINDOW]
    best = _best(near) or _best(zero)
    return best.value if best is not None else UNEXPLAINED_ZERO


@step("fields.tax.categorise.breakdown", scope="document",
      requires=["doc.tax_breakdown.rows", "doc.tax_category.valid"],
      provides=["doc.tax_breakdown"])
def category_rows(doc_tax_breakdown_rows: list[dict[str, Any]],
                  doc_tax_category_valid: list[Mention]) -> list[dict[str, Any]]:
    """The document's breakdown (rate, base, tax, category, page, box, step), as the result
    and the graph state it."""
    return [{**{k: v for k, v in r.items() if k != "line"},
             "category": row_category(r, doc_tax_category_valid)}
            for r in doc_tax_breakdown_rows]


def pick_category(rows: list[dict[str, Any]], valid: list[Mention]) -> FieldValue | None:
    """The category every row shares (none where rows differ: 19 % and an exempt 0 % row),
    or, without rows, the best category the document names."""
    name = "fields.tax.select.tax_category"
    categories = {r["category"] for r in rows}
    if len(categories) > 1:
        return None
    if rows:
        code = categories.pop()
        m = _best([m for m in valid if m.value == code])
        if m is not None:
            return FieldValue("tax_category", code, m.confidence, m.page, m.bbox, m.span, name)
        row = rows[0]
        bbox = tuple(row["bbox"]) if row.get("bbox") else None
        return FieldValue("tax_category", code, 0.85 if code == "S" else 0.5, row["page"],
                          bbox, None, name)
    m = _best(valid)
    if m is None:
        return None
    return FieldValue("tax_category", m.value, round(m.confidence * 0.9, 4), m.page, m.bbox,
                      m.span, name)


TAX_CATEGORY_FIELD = field_spec(
    "tax_category", "code", "the VAT category (UNTDID 5305 code)", bt="BT-118", scored=True,
    predicate=COSY + "taxCategory", datatype=XSD + "string", xml=True)


@step("fields.tax.select.tax_category", scope="document",
      requires=["doc.tax_breakdown", "doc.tax_category.valid"],
      provides=["doc.field.tax_category"])
def select_tax_category(doc_tax_breakdown: list[dict[str, Any]],
                        doc_tax_category_valid: list[Mention]) -> dict[str, FieldValue]:
    """``tax_category``: the document's UNTDID 5305 code (S, Z, E, AE, K, G, O)."""
    field = pick_category(doc_tax_breakdown, doc_tax_category_valid)
    return selected(field)
