"""Line items, the rows: which lines belong to the table, their cells, and which lines make an item.

Every line below the header is cut along the column zones until the table ends (the totals
block, a wide gap, the footer, a line starting left of the table). A line with an amount in the
total column (or, in a table without prices, a quantity) starts an item; a line with only a
description continues the item above; "Übertrag" / carried-forward lines and a repeated header
are part of the table but no item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cosy.domain import BBox, Line, PageGeometry, Word, union_bbox
from cosy.engine.step import step
from cosy.steps.lineitems.header import Column, Columns, Header, match_header
from cosy.steps.lineitems.values import parse_cell_amount, parse_quantity

CARRY = re.compile(r"übertrag|carried forward|brought forward|report\b|à reporter|zwischensumme "
                   r"übertrag", re.I)
TABLE_END = re.compile(
    r"^(?:summe|zwischensumme|gesamt|netto|nettobetrag|total|sub-?total|net\b|montant|"
    r"rechnungsbetrag|gesamtbetrag|warenwert|positionssumme)", re.I)
NUMERIC_KINDS = ("quantity", "unit_price", "tax", "total")
NUMBER_START = re.compile(r"^[-+]?(?:[€$£]|EUR|USD|GBP|CHF)?\s?\d")


@step("lineitems.table_lines", scope="page",
      requires=["page.lines", "page.lineitem_header", "page.lineitem_columns", "page.geometry"],
      provides=["page.lineitem_lines"])
def table_lines(page_lines: list[Line], page_lineitem_header: Header | None,
                page_lineitem_columns: Columns | None,
                page_geometry: PageGeometry) -> list[Line]:
    """The lines of the item table below its header, without carried-forward lines and repeated
    headers (a table that runs over pages repeats both)."""
    head, cols = page_lineitem_header, page_lineitem_columns
    if head is None or cols is None:
        return []
    height = page_geometry.height
    out: list[Line] = []
    prev_bottom = head.bottom
    pitch = 2.2 * (head.bottom - head.top)
    for line in page_lines[head.line + 1:]:
        top = min(w.top for w in line.words)
        if top - prev_bottom > max(3.0 * pitch, 40.0) or top > 0.92 * height \
                or line.words[0].x0 < cols.columns[0].x0 - 3:
            break  # the table ended: a wide gap, the footer, a line starting left of the table
        first = line.text.split("\t", 1)[0].strip()
        if not CARRY.search(line.text) and TABLE_END.match(first) and not re.match(r"^\d", first):
            break
        prev_bottom = max(w.bottom for w in line.words)
        if CARRY.search(line.text) or match_header(line.words):
            continue
        out.append(line)
    return out


def _column_of(w: Word, columns: list[Column], zones: list[tuple[float, float]]) -> int:
    """The column a word belongs to: the zone holding its centre, or a numeric column whose
    header it ends under (right-aligned numbers reach left of a short header)."""
    centre = (w.x0 + w.x1) / 2
    for k, c in enumerate(columns):
        if c.kind in NUMERIC_KINDS and abs(w.x1 - c.x1) < 2.0:
            return k
    for k, (left, right) in enumerate(zones):
        if left <= centre < right:
            return k
    return len(columns) - 1


def _spill_into_description(by_col: dict[int, list[Word]], columns: list[Column],
                            desc_k: int) -> None:
    """Words of a long description that reach into a number column go back to the description:
    a number column's cell starts with a number ('SSD 4 St.' is 'SSD' + '4 St.')."""
    for k in sorted(by_col):
        if columns[k].kind not in NUMERIC_KINDS or k < desc_k:
            continue
        words = by_col[k]
        while words and not NUMBER_START.match(words[0].text) \
                and not re.match(r"^(?:EUR|USD|GBP|CHF|[€$£])$", words[0].text):
            by_col.setdefault(desc_k, []).append(words.pop(0))
        if not words:
            del by_col[k]


@dataclass(frozen=True, slots=True)
class CellLine:
    """One table line cut into cells: text by column kind, and the line's box."""

    bbox: BBox
    cells: dict[str, str]


@step("lineitems.cells", scope="page",
      requires=["page.lineitem_lines", "page.lineitem_columns"], provides=["page.lineitem_cells"])
def cells(page_lineitem_lines: list[Line],
          page_lineitem_columns: Columns | None) -> list[CellLine]:
    """Each table line cut along the column zones, long descriptions kept whole."""
    cols = page_lineitem_columns
    if cols is None:
        return []
    out = []
    for line in page_lineitem_lines:
        by_col: dict[int, list[Word]] = {}
        for w in line.words:
            by_col.setdefault(_column_of(w, cols.columns, cols.zones), []).append(w)
        _spill_into_description(by_col, cols.columns, cols.description)
        out.append(CellLine(line.bbox, {cols.columns[k].kind: " ".join(w.text for w in ws)
                                        for k, ws in by_col.items()}))
    return out


@dataclass(slots=True)
class Row:
    """One item as read from its line(s): cell texts by column kind, and where it stands."""

    page: int
    bbox: BBox
    cells: dict[str, str]
    extra: list[str] = field(default_factory=list)  # wrapped description lines


@step("lineitems.rows", scope="page",
      requires=["page.lineitem_cells", "page.lineitem_columns", "page_no"],
      provides=["page.lineitem_column_rows"])
def rows(page_lineitem_cells: list[CellLine], page_lineitem_columns: Columns | None,
         page_no: int) -> list[Row]:
    """Lines grouped into items: a line with the key value starts one, a description-only line
    continues it, a total printed under its row joins it."""
    if page_lineitem_columns is None:
        return []
    key = page_lineitem_columns.key
    out: list[Row] = []
    for line in page_lineitem_cells:
        c = line.cells
        starts_item = bool(c.get(key)) and (
            parse_cell_amount(c[key]) is not None if key == "total"
            else parse_quantity(c[key], None) is not None)
        numbered = re.fullmatch(r"\d{1,3}\.?", c.get("pos", "")) is not None \
            and parse_quantity(c.get("quantity", ""), None) is not None
        if out and key in c and key not in out[-1].cells and not numbered \
                and "quantity" not in c and parse_cell_amount(c[key]) is not None:
            out[-1].cells[key] = c[key]  # the total printed under its row
            out[-1].bbox = union_bbox([out[-1].bbox, line.bbox])
        elif starts_item or numbered:
            out.append(Row(page_no, line.bbox, dict(c)))
        elif out and set(c) == {"description"}:
            out[-1].extra.append(c["description"])
            out[-1].bbox = union_bbox([out[-1].bbox, line.bbox])
        # else: an item's detail line (GTIN, attributes) in another column: part of the table
    return out
