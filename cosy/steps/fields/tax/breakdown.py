"""Tax breakdown: the document's VAT per rate (rate, taxable base, tax), as SAP posts it.

The sources (:mod:`cosy.steps.fields.tax.breakdown_sources`) report readings; normalise turns
them into decimals and counts a row read by several sources once; validate keeps the readings
whose arithmetic holds (base x rate = tax, to the cent either way), one per rate and line; select
joins the pages into the document's rows: one row per rate, the combination whose sums are the
net and tax totals where a rate was read more than once. A document that prints one rate and no
row ('MwSt. 19 %  19,00') has one row all the same: its net total at that rate, when the net
total at the rate is its tax total. Each row's tax category is added by
:mod:`cosy.steps.fields.tax.category`, which provides the final ``doc.tax_breakdown``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import product
from typing import Any

from cosy.domain import BBox, FieldValue, Mention
from cosy.engine.step import step
from cosy.steps.fields.common import flatten
from cosy.steps.fields.tax.breakdown_sources import RowReading
from cosy.steps.fields.tax.rates import MAX_RATE, normalise_rate

CENT = Decimal("0.01")
ROUNDING = Decimal("0.011")
"""How far base x rate may be from the printed tax: a cent, rounded either way."""
TOTALS_STEP = "fields.tax.select.breakdown"
"""The step named on a row that no line prints: the select step read it from the one rate and
the totals."""
MAX_COMBINATIONS = 512


@dataclass(frozen=True, slots=True)
class TaxReading:
    """A reading in decimals, with every source that read it."""

    line: int
    rate: Decimal
    base: Decimal
    tax: Decimal
    bbox: BBox
    sources: tuple[str, ...]


def to_decimals(reading: RowReading) -> TaxReading | None:
    """The reading's rate, base and tax; a gross base ('aus 119,00') less the tax it holds."""
    rate = normalise_rate(reading.rate)
    if rate is None:
        return None
    base, tax = Decimal(reading.base), Decimal(reading.tax)
    if reading.gross:
        base -= tax
    return TaxReading(reading.line, rate, base, tax, reading.bbox, (reading.source,))


def normalise_readings(sources: Iterable[list[RowReading]]) -> list[TaxReading]:
    """Every reading once: the same numbers on the same line from two sources are one reading
    that both sources vouch for (sources earlier in ``sources`` first)."""
    seen: dict[tuple[int, Decimal, Decimal, Decimal], TaxReading] = {}
    for readings in sources:
        for r in readings:
            d = to_decimals(r)
            if d is None:
                continue
            key = (d.line, d.rate, d.base, d.tax)
            prior = seen.get(key)
            if prior is None:
                seen[key] = d
            elif d.sources[0] not in prior.sources:
                seen[key] = TaxReading(prior.line, prior.rate, prior.base, prior.tax, prior.bbox,
                                       prior.sources + d.sources)
    return list(seen.values())


@step("fields.tax.normalise.breakdown", scope="page",
      requires=["page.tax_breakdown.table", "page.tax_breakdown.sentence_de",
                "page.tax_breakdown.sentence_en", "page.tax_breakdown.sentence_fr",
                "page.tax_breakdown.same_line"],
      provides=["page.tax_breakdown.normalised"])
def breakdown_normalise(page_tax_breakdown_table: list[RowReading],
                        page_tax_breakdown_sentence_de: list[RowReading],
                        page_tax_breakdown_sentence_en: list[RowReading],
                        page_tax_breakdown_sentence_fr: list[RowReading],
                        page_tax_breakdown_same_line: list[RowReading]) -> list[TaxReading]:
    """Decimal rate, base and tax of each reading, each once; a table's column reading first,
    then a sentence's preposition, then the pairs of one line."""
    return normalise_readings([page_tax_breakdown_table, page_tax_breakdown_sentence_de,
                               page_tax_breakdown_sentence_en, page_tax_breakdown_sentence_fr,
                               page_tax_breakdown_same_line])


def checks_out(rate: Decimal, base: Decimal, tax: Decimal) -> bool:
    """A VAT rate, a base that is not zero, and base x rate = tax to the cent either way."""
    return (0 <= rate <= MAX_RATE and base != 0
            and abs(base * rate / 100 - tax) <= ROUNDING)


def row_dict(rate: Decimal, base: Decimal, tax: Decimal, page: int | None, bbox: BBox | None,
             step_name: str, line: int = -1) -> dict[str, Any]:
    """A breakdown row as the result prints it: decimal strings with two places."""
    return {"rate": f"{rate:.2f}", "base": f"{base:.2f}", "tax": f"{tax:.2f}", "page": page,
            "bbox": [round(v, 2) for v in bbox] if bbox is not None else None,
            "step": step_name, "line": line}


@step("fields.tax.validate.breakdown", scope="page",
      requires=["page.tax_breakdown.normalised", "page_no"],
      provides=["page.tax_breakdown.valid"])
def breakdown_validate(page_tax_breakdown_normalised: list[TaxReading],
                       page_no: int) -> list[dict[str, Any]]:
    """The readings whose base x rate is their tax; one row per rate and line (the first
    reading that checks out: a line prints a rate's row once)."""
    out, taken = [], set()
    for r in page_tax_breakdown_normalised:
        if (r.line, r.rate) in taken or not checks_out(r.rate, r.base, r.tax):
            continue
        taken.add((r.line, r.rate))
        out.append(row_dict(r.rate, r.base, r.tax, page_no, r.bbox, r.sources[0], r.line))
    return out


# --- document ------------------------------------------------------------------------------------


def _dec(row: dict[str, Any], key: str) -> Decimal:
    return Decimal(row[key])


def unique_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each (rate, base, tax) once: a breakdown printed twice (a summary page and the last
    page) is one breakdown."""
    seen: dict[tuple[Decimal, Decimal, Decimal], dict[str, Any]] = {}
    for r in rows:
        seen.setdefault((_dec(r, "rate"), _dec(r, "base"), _dec(r, "tax")), r)
    return list(seen.values())


def sums_match(rows: Iterable[dict[str, Any]], net: Decimal | None, tax: Decimal | None) -> bool:
    """The rows' bases sum to the net total and their taxes to the tax total, within a cent
    per row (either sign: a credit note's totals are printed or read unsigned)."""
    rows = list(rows)
    if net is None or tax is None or not rows:
        return False
    slack = CENT * len(rows)
    b = sum((_dec(r, "base") for r in rows), Decimal(0))
    t = sum((_dec(r, "tax") for r in rows), Decimal(0))
    return any(abs(sign * b - net) <= slack and abs(sign * t - tax) <= slack
               for sign in (1, -1))


def choose_rows(rows: list[dict[str, Any]], net: Decimal | None,
                tax: Decimal | None) -> list[dict[str, Any]]:
    """One row per rate: where a rate was read more than once (an item table with a tax column
    beside the breakdown), the combination that sums to the totals, else its largest base."""
    groups: dict[Decimal, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(_dec(r, "rate"), []).append(r)
    if all(len(g) == 1 for g in groups.values()):
        return rows
    options = [[*g, None] for g in groups.values()]  # a rate may be a misreading altogether
    count = 1
    for o in options:
        count *= len(o)
    if count <= MAX_COMBINATIONS:
        for combo in product(*options):
            picked = [r for r in combo if r is not None]
            if sums_match(picked, net, tax):
                return sorted(picked, key=rows.index)
    picked = [max(g, key=lambda r: abs(_dec(r, "base"))) for g in groups.values()]
    return sorted(picked, key=rows.index)


def unsigned(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "base": f"{abs(_dec(row, 'base')):.2f}", "tax": f"{abs(_dec(row, 'tax')):.2f}"}


def _total(totals: dict[str, FieldValue], name: str) -> Decimal | None:
    f = totals.get(name)
    return Decimal(str(f.value)) if f is not None else None


def beside(m: Mention, field: FieldValue | None) -> bool:
    """Whether a mention stands on the line of a selected field (their boxes share a row)."""
    if field is None or field.bbox is None or field.page != m.page:
        return False
    return min(m.bbox[3], field.bbox[3]) - max(m.bbox[1], field.bbox[1]) > 0.5 * (
        m.bbox[3] - m.bbox[1])


def row_from_totals(rates: list[Mention], net: Decimal | None, tax: Decimal | None,
                    tax_field: FieldValue | None = None) -> dict[str, Any] | None:
    """The one row of a document that names one rate and prints no row: the net total at that
    rate, when that is the tax total ('MwSt. 19 %  19,00' under 'Netto 100,00'). The rate on
    the tax total's line speaks first: a reverse-charge invoice lists its items at 19 % and
    charges 0 %."""
    taxed = [m for m in rates if m.role == "tax"]
    taxed = [m for m in taxed if beside(m, tax_field)] or taxed
    if net is None or tax is None or len({Decimal(m.value) for m in taxed}) != 1:
        return None
    m = taxed[0]
    rate = Decimal(m.value)
    if abs(net * rate / 100 - tax) > max(ROUNDING, abs(net) * Decimal("0.00005")):
        return None
    return row_dict(rate, net, tax, m.page, m.bbox, TOTALS_STEP, getattr(m, "line", -1))


def select_rows(rows: list[dict[str, Any]], rates: list[Mention],
                totals: dict[str, FieldValue], credit: bool) -> list[dict[str, Any]]:
    """The document's breakdown rows (see :func:`choose_rows`, :func:`row_from_totals`)."""
    net, tax = _total(totals, "total_net"), _total(totals, "total_tax")
    rows = unique_rows(rows)
    if credit and rows and all(_dec(r, "base") <= 0 for r in rows):
        rows = [unsigned(r) for r in rows]  # totals of a credit note are what it credits
    if rows:
        return choose_rows(rows, net, tax)
    derived = row_from_totals(rates, net, tax, totals.get("total_tax"))
    return [derived] if derived is not None else []


@step("fields.tax.select.breakdown", scope="document",
      requires=["page.tax_breakdown.valid", "page.tax_rate.context", "doc.field.amount",
                "doc.amount.credit_note"],
      provides=["doc.tax_breakdown.rows"])
def breakdown_select(page_tax_breakdown_valid: list[list[dict[str, Any]]],
                     page_tax_rate_context: list[list[Mention]],
                     doc_field_amount: dict[str, FieldValue],
                     doc_amount_credit_note: bool) -> list[dict[str, Any]]:
    """The document's rows, one per rate: printed rows from every page, else the row its one
    rate and its totals make."""
    return select_rows([r for page in page_tax_breakdown_valid for r in page],
                       flatten(page_tax_rate_context), doc_field_amount, doc_amount_credit_note)
