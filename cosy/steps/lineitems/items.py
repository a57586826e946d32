"""Line items, the items: each row's values read, checked against each other, and joined over
the pages of a document (and against an e-invoice's items)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cosy.engine.step import step
from cosy.steps.lineitems.rows import Row
from cosy.steps.lineitems.values import (
    decimal_mark,
    decimal_string,
    parse_cell_amount,
    parse_price,
    parse_quantity,
    unit_after,
)

ROUNDING = Decimal("0.02")  # a line total may round quantity x price by a cent or two


@dataclass(frozen=True, slots=True)
class Quantity:
    value: Decimal | None
    unit: str | None


@step("lineitems.quantities", scope="page", requires=["page.lineitem_raw_rows"],
      provides=["page.lineitem_quantities"])
def quantities(page_lineitem_raw_rows: list[Row]) -> list[Quantity]:
    """Each row's quantity in the page's decimal mark, and its unit (own column, or printed after
    the quantity: '24 h')."""
    out = []
    for row in page_lineitem_raw_rows:
        qty_text = row.cells.get("quantity", "")
        mark = decimal_mark(row.cells.get("total", "") or row.cells.get("unit_price", ""))
        value = parse_quantity(qty_text, mark) if qty_text else None
        out.append(Quantity(value, row.cells.get("unit") or unit_after(qty_text) or None))
    return out


@dataclass(frozen=True, slots=True)
class Prices:
    unit_price: Decimal | None
    total: Decimal | None


@step("lineitems.prices", scope="page", requires=["page.lineitem_raw_rows"],
      provides=["page.lineitem_prices"])
def prices(page_lineitem_raw_rows: list[Row]) -> list[Prices]:
    """Each row's unit price (two to four decimals) and line total (two decimals)."""
    return [Prices(parse_price(r.cells.get("unit_price", "")),
                   parse_cell_amount(r.cells.get("total", ""))) for r in page_lineitem_raw_rows]


def arithmetic_holds(q: Quantity, p: Prices) -> bool | None:
    """quantity x unit price = total, to rounding; None when a value is missing (or a discount
    column may explain a difference the row does not show)."""
    if q.value is None or p.unit_price is None or p.total is None:
        return None
    return abs(q.value * p.unit_price - p.total) <= ROUNDING


@step("lineitems.items", scope="page",
      requires=["page.lineitem_raw_rows", "page.lineitem_quantities", "page.lineitem_prices",
                "page.lineitem_units", "page.lineitem_item_ids", "page.lineitem_tax_rates"],
      provides=["page.lineitem_rows"])
def items(page_lineitem_raw_rows: list[Row], page_lineitem_quantities: list[Quantity],
          page_lineitem_prices: list[Prices], page_lineitem_units: list[str | None],
          page_lineitem_item_ids: list[str | None],
          page_lineitem_tax_rates: list[str | None]) -> list[dict[str, Any]]:
    """The page's items of DESIGN §8 (decimal strings), each with its page, box, unit code,
    article number, tax rate, and whether its quantity, price and total agree; a row with
    neither a total nor a quantity is no item."""
    out = []
    for row, q, p, code, item_id, rate in zip(page_lineitem_raw_rows, page_lineitem_quantities,
                                              page_lineitem_prices, page_lineitem_units,
                                              page_lineitem_item_ids, page_lineitem_tax_rates,
                                              strict=True):
        if p.total is None and q.value is None:
            continue
        description = " ".join([row.cells.get("description", ""), *row.extra]).strip()
        if not description and "item_id" in row.cells:
            description = row.cells["item_id"]
        out.append({
            "description": description,
            "quantity": decimal_string(q.value) if q.value is not None else None,
            "unit": q.unit,
            "unit_price": f"{p.unit_price:.2f}" if p.unit_price is not None else None,
            "total": f"{p.total:.2f}" if p.total is not None else None,
            "unit_code": code,
            "seller_item_id": item_id,
            "tax_rate": rate,
            "page": row.page,
            "bbox": [round(v, 1) for v in row.bbox],
            "arithmetic_ok": arithmetic_holds(q, p),
        })
    return out


@step("lineitems.merge", scope="document",
      requires=["page.lineitem_rows", "doc.xml.items", "doc.amount.credit_note"],
      provides=["doc.line_items"])
def merge(page_lineitem_rows: list[list[dict[str, Any]]], doc_xml_items: list[dict[str, Any]],
          doc_amount_credit_note: bool) -> list[dict[str, Any]]:
    """All pages' items in reading order: one table that ran over pages is one list.

    A credit note's items are unsigned like its totals ('-20,48' credits 20.48). An embedded
    e-invoice's items replace the page's unless both add up to the same total (then the page's
    stay: they carry page and box).
    """
    found = [{**item, "source": "page"} for page in page_lineitem_rows for item in page]
    if doc_amount_credit_note:
        found = [{**item, "total": item["total"].lstrip("-") if item["total"] else None}
                 for item in found]
    if doc_xml_items and (not found or items_total(found) != items_total(doc_xml_items)):
        return doc_xml_items
    return found


def items_total(items: list[dict[str, Any]]) -> Decimal | None:
    """The sum of the items' totals, None when an item has none (nothing to check against)."""
    if not items or any(it.get("total") is None for it in items):
        return None
    return sum((Decimal(it["total"]) for it in items), Decimal(0))
