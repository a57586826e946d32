"""Line items from ruled tables: pdfplumber's cells, named by the header row's words.

A ruled item table gives each cell exactly; what it does not give is what a column means. The
header row names it with the vocabulary of :mod:`.header`; a header word the vocabulary does not
know ('Rem.', 'Disc.') leaves its column unread rather than refusing the table, as the column
reader must. ``lineitems.choose`` then takes, per page, whichever reading finds more items.
"""

from __future__ import annotations

from typing import Any

from cosy.domain import union_bbox
from cosy.engine.step import step
from cosy.steps.lineitems.header import COLUMN_WORDS
from cosy.steps.lineitems.rows import CARRY, TABLE_END, Row
from cosy.steps.lineitems.values import parse_cell_amount, parse_quantity

HEADER_KIND = {phrase: kind for kind, phrases in COLUMN_WORDS.items() for phrase in phrases}


def column_kinds(header: list[dict[str, Any] | None]) -> list[str | None]:
    """Each header cell's column kind (None: unknown). Of two 'total' columns the left one, left
    of the description, is the quantity ('Amount | Product | ... | Total'); of two unit-price
    columns the right one is the line total ('Prix unitaire | ... | Prix HT')."""
    kinds = [HEADER_KIND.get((c or {}).get("text", "").lower()) for c in header]
    if kinds.count("total") == 2 and "quantity" not in kinds:
        kinds[kinds.index("total")] = "quantity"
    if kinds.count("unit_price") == 2 and "total" not in kinds:
        kinds[len(kinds) - 1 - kinds[::-1].index("unit_price")] = "total"
    return kinds


def table_rows(table: dict[str, Any], page: int) -> list[Row]:
    """The item rows of one ruled table, or [] when its header is not an item header."""
    kinds = column_kinds(table["rows"][0])
    if "description" not in kinds or not {"quantity", "total"} & set(kinds) \
            or len({k for k in kinds if k}) < 3:
        return []
    key = "total" if "total" in kinds else "quantity"
    out: list[Row] = []
    for row in table["rows"][1:]:
        cells = {kind: c["text"] for kind, c in zip(kinds, row, strict=False)
                 if kind and c is not None and c["text"]}
        boxes = [c["bbox"] for c in row if c is not None and c["text"]]
        if not cells:
            continue
        first = next(iter(cells.values()))
        if CARRY.search(" ".join(cells.values())) or TABLE_END.match(first):
            continue
        value = cells.get(key, "")
        starts = parse_cell_amount(value) is not None if key == "total" \
            else parse_quantity(value, None) is not None
        if starts:
            out.append(Row(page, union_bbox(boxes), cells))
        elif out and set(cells) == {"description"}:
            out[-1].extra.append(cells["description"])
            out[-1].bbox = union_bbox([out[-1].bbox, *boxes])
    return out


@step("lineitems.ruled_rows", scope="page", requires=["page.tables", "page_no"],
      provides=["page.lineitem_ruled_rows"])
def ruled_rows(page_tables: list[dict[str, Any]], page_no: int) -> list[Row]:
    """Item rows of the page's ruled tables whose header row names item columns."""
    return [row for table in page_tables for row in table_rows(table, page_no)]


@step("lineitems.choose", scope="page",
      requires=["page.lineitem_column_rows", "page.lineitem_ruled_rows"],
      provides=["page.lineitem_raw_rows"])
def choose(page_lineitem_column_rows: list[Row], page_lineitem_ruled_rows: list[Row]) -> list[Row]:
    """The page's item rows from the reading that finds more of them: ruled cells where a ruled
    table holds the items, the column reader's where the table is unruled (or ruled only in
    part)."""
    if len(page_lineitem_ruled_rows) > len(page_lineitem_column_rows):
        return page_lineitem_ruled_rows
    return page_lineitem_column_rows
