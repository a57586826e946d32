"""Line items: the rows of the item table, read through the columns its header row defines.

Ruled or not, an item table announces itself by a row of column headers (Pos | Beschreibung |
Menge | Einzelpreis | Gesamt, Description | Qty | Unit price | Amount ...). The steps: the header
and its columns (:mod:`.header`); the table's lines, their cells and the lines that make each
item (:mod:`.rows`), or a ruled table's cells (:mod:`.ruled`); each item's values and their
arithmetic, and the join over pages (:mod:`.items`). A continuation page repeats the header, so
each page is read on its own.
"""

from __future__ import annotations

from typing import Any

from cosy.domain import Line
from cosy.steps.lineitems import codes, header, items, rows, ruled, values  # noqa: F401
from cosy.steps.lineitems.header import Header, columns, find_header, match_header
from cosy.steps.lineitems.items import items_total, merge
from cosy.steps.lineitems.values import parse_quantity

__all__ = ["Header", "find_header", "items_total", "match_header", "merge", "parse_quantity",
           "read_items"]


def read_items(lines: list[Line], head: Header | None, page_no: int,
               geometry: dict[str, float]) -> list[dict[str, Any]]:
    """A page's items from its lines and header: the page steps in one call (tests, recipes)."""
    cols = columns(head)
    found = rows.rows(rows.cells(rows.table_lines(lines, head, cols, geometry), cols), cols,
                      page_no)
    quantities = items.quantities(found)
    return items.items(found, quantities, items.prices(found), codes.units(quantities),
                       codes.item_ids(found), codes.tax_rates(found))
