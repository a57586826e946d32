"""Line items, the values: quantities, units, unit prices and totals as printed in their cells.

Each row's cells are read in the page's decimal mark (taken from the row's amounts: '1.234,50'
says comma), so '1,00' is one piece on a German invoice and '1,000' a thousand on an English one.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from cosy.steps.fields.amounts.stages import parse_amount

QUANTITY = re.compile(r"^-?\d{1,3}(?:[.,' ]\d{3})*(?:[.,]\d+)?|^-?\d+(?:[.,]\d+)?")
AMOUNT_TEXT = re.compile(r"-?\d{1,3}(?:[.,' ]\d{3})*[.,]\d{2}(?!\d)|-?\d+[.,]\d{2}(?!\d)")
PRICE_TEXT = re.compile(r"-?\d{1,3}(?:[.,' ]\d{3})*[.,]\d{2,4}(?!\d)|-?\d+[.,]\d{2,4}(?!\d)")
"""A unit price may carry up to four decimals ('9,9000')."""


def decimal_string(value: Decimal) -> str:
    """'2', '8.5', '1234.25': a quantity without trailing zeros."""
    return format(value.normalize(), "f")


def parse_quantity(text: str, decimal_mark: str | None) -> Decimal | None:
    """A quantity as printed ('1,00', '3 262', '8.50', '1.234,5'), in the page's decimal mark."""
    m = QUANTITY.match(text.strip())
    if m is None:
        return None
    raw = m.group(0).replace(" ", "").replace("'", "")
    if "," in raw and "." in raw:
        mark = raw[max(raw.rfind(","), raw.rfind("."))]
    elif decimal_mark in (",", "."):
        mark = decimal_mark
    else:
        mark = "," if re.search(r",\d{1,2}$", raw) else "."
    other = "." if mark == "," else ","
    raw = raw.replace(other, "").replace(mark, ".")
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def parse_cell_amount(text: str) -> Decimal | None:
    """The first money amount (two decimals, either notation) in a cell, signed."""
    m = AMOUNT_TEXT.search(text)
    if m is None:
        return None
    value = parse_amount(m.group(0).lstrip("-"))
    if value is None:
        return None
    return -value if m.group(0).startswith("-") else value


def parse_price(text: str) -> Decimal | None:
    """A unit price with two to four decimals, in either notation."""
    m = PRICE_TEXT.search(text)
    if m is None:
        return None
    raw = m.group(0).replace(" ", "").replace("'", "")
    return parse_quantity(raw, raw[raw.rfind(",")] if "," in raw and (
        "." not in raw or raw.rfind(",") > raw.rfind(".")) else ".")


def decimal_mark(amount_text: str) -> str | None:
    m = AMOUNT_TEXT.search(amount_text)
    return m.group(0)[-3] if m else None


def unit_after(qty_text: str) -> str:
    """'24 h', '20 pack': the unit printed in the quantity cell of a table without a unit column."""
    m = QUANTITY.match(qty_text.strip())
    return qty_text.strip()[m.end():].strip() if m else ""
