"""Line items: the rows of the item table, read through the columns its header row defines.

Ruled or not, an item table announces itself by a row of column headers (Pos | Beschreibung |
Menge | Einzelpreis | Gesamt, Description | Qty | Unit price | Amount ...). The header words give
each column its x-range; every line below is cut along those ranges until the table ends (the
totals block, a wide gap). A line with an amount in the total column (or, in a table without
prices, a quantity) starts an item; a line without one continues the description above it.
"Übertrag" / carried-forward rows of tables that run over pages are skipped; a continuation page
repeats the header, so each page is read on its own and the document step joins them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from cosy.domain import BBox, Line, Word, union_bbox
from cosy.engine.step import step
from cosy.steps.fields.amounts import parse_amount

COLUMN_WORDS: dict[str, tuple[str, ...]] = {
    # column kind: header wordings (lower case; longest match wins), DE / EN / FR
    "pos": ("pos.", "pos", "#", "nr.", "no.", "n°", "item", "lfd. nr.", "position"),
    "item_id": ("art.-nr.", "artikelnr.", "artikel-nr.", "art.nr.", "sku", "item no.", "code",
                "réf.", "référence", "item code", "product code", "artikelnummer", "art-nr",
                "art-nr-lief.", "art.-nr.-lief."),
    "description": ("beschreibung", "bezeichnung", "artikel / leistung", "leistung", "artikel",
                    "description", "item description", "product / service", "désignation",
                    "produkt", "product", "service", "leistungsbeschreibung", "details",
                    "artikelbeschreibung", "bezeichnung der leistung"),
    "quantity": ("menge", "anzahl", "anz.", "qty", "qty.", "quantity", "qté", "quantité",
                 "stück", "stk."),
    "unit": ("einheit", "me", "einh.", "unit", "uom", "unité", "u."),
    "unit_price": ("einzelpreis", "e-preis", "preis/einheit", "einzelpr.", "unit price", "price",
                   "rate", "prix unitaire ht", "p.u. ht", "prix unitaire", "preis", "ep",
                   "stückpreis", "unit cost", "nettopreis", "prix ht", "preis netto"),
    "tax": ("ust.", "mwst.", "ust %", "vat", "tax %", "vat %", "tva", "tva %", "ust", "mwst",
            "steuer", "tax", "steuersatz", "ust.-satz", "mwst.-satz", "taux tva"),
    "total": ("gesamt", "gesamtpreis", "betrag", "summe", "amount", "total", "line total",
              "total ht", "montant ht", "gesamtbetrag", "montant", "gesamt netto", "net amount",
              "nettobetrag"),
}
_PHRASES = sorted(((tuple(p.split()), kind) for kind, ps in COLUMN_WORDS.items() for p in ps),
                  key=lambda t: -len(t[0]))
CARRY = re.compile(r"übertrag|carried forward|brought forward|report\b|à reporter|zwischensumme "
                   r"übertrag", re.I)
TABLE_END = re.compile(
    r"^(?:summe|zwischensumme|gesamt|netto|nettobetrag|total|sub-?total|net\b|montant|"
    r"rechnungsbetrag|gesamtbetrag|warenwert|positionssumme)", re.I)
QUANTITY = re.compile(r"^-?\d{1,3}(?:[.,' ]\d{3})*(?:[.,]\d+)?|^-?\d+(?:[.,]\d+)?")
AMOUNT_TEXT = re.compile(r"-?\d{1,3}(?:[.,' ]\d{3})*[.,]\d{2}(?!\d)|-?\d+[.,]\d{2}(?!\d)")
PRICE_TEXT = re.compile(r"-?\d{1,3}(?:[.,' ]\d{3})*[.,]\d{2,4}(?!\d)|-?\d+[.,]\d{2,4}(?!\d)")
"""A unit price may carry up to four decimals ('9,9000')."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an item table: its kind and the x-range of its header words."""

    kind: str
    x0: float
    x1: float


@dataclass(slots=True)
class Header:
    """The header row of an item table on a page: where it sits and its columns, left to right."""

    line: int
    top: float
    bottom: float
    columns: list[Column] = field(default_factory=list)

    def kinds(self) -> set[str]:
        return {c.kind for c in self.columns}


def match_header(words: tuple[Word, ...]) -> list[Column]:
    """Read a line's words as column headers: phrases of the vocabulary, longest first.

    A line is a header only when every word belongs to a phrase; one word of running text makes
    it something else ('Description of the goods we delivered').
    """
    texts = [w.text.lower() for w in words]
    out: list[Column] = []
    i = 0
    while i < len(texts):
        for phrase, kind in _PHRASES:
            n = len(phrase)
            if tuple(texts[i:i + n]) == phrase:
                out.append(Column(kind, words[i].x0, words[i + n - 1].x1))
                i += n
                break
        else:
            return []
    return out


def _one_description(columns: list[Column]) -> list[Column]:
    """'Artikel | Artikel / Leistung': of two description-like headers the left one is the
    article number."""
    desc = [k for k, c in enumerate(columns) if c.kind == "description"]
    if len(desc) == 2:
        c = columns[desc[0]]
        columns[desc[0]] = Column("item_id", c.x0, c.x1)
    return columns


def find_header(lines: list[Line]) -> Header | None:
    """The first line that reads as an item-table header with a description and a number column."""
    for i, line in enumerate(lines):
        if len(line.words) < 3:
            continue
        columns = _one_description(match_header(line.words))
        kinds = [c.kind for c in columns]
        if len(set(kinds)) < 3 or len(set(kinds)) != len(kinds) or "description" not in kinds \
                or not ({"quantity", "total"} & set(kinds)):
            continue
        top = min(w.top for w in line.words)
        bottom = max(w.bottom for w in line.words)
        return Header(i, top, bottom, columns)
    return None


@step("lineitems.header", scope="page", requires=["page.lines"],
      provides=["page.lineitem_header"])
def header(page_lines: list[Line]) -> Header | None:
    """The item table's header row on this page (repeated on each page a table runs over)."""
    return find_header(page_lines)


# --- rows ----------------------------------------------------------------------------------------


def _zones(columns: list[Column]) -> list[tuple[float, float]]:
    """Each column's x-zone: from halfway to its left neighbour to halfway to its right one."""
    zones = []
    for k, c in enumerate(columns):
        left = (columns[k - 1].x1 + c.x0) / 2 if k else float("-inf")
        right = (c.x1 + columns[k + 1].x0) / 2 if k + 1 < len(columns) else float("inf")
        zones.append((left, right))
    return zones


def _column_of(w: Word, columns: list[Column], zones: list[tuple[float, float]]) -> int:
    """The column a word belongs to: the zone holding its centre, or a numeric column whose
    header it ends under (right-aligned numbers reach left of a short header)."""
    centre = (w.x0 + w.x1) / 2
    for k, c in enumerate(columns):
        if c.kind in ("quantity", "unit_price", "tax", "total") and abs(w.x1 - c.x1) < 2.0:
            return k
    for k, (left, right) in enumerate(zones):
        if left <= centre < right:
            return k
    return len(columns) - 1


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


def _amount(text: str) -> Decimal | None:
    """The first money amount (two decimals, either notation) in a cell, signed."""
    m = AMOUNT_TEXT.search(text)
    if m is None:
        return None
    value = parse_amount(m.group(0).lstrip("-"))
    if value is None:
        return None
    return -value if m.group(0).startswith("-") else value


@dataclass(slots=True)
class Row:
    """One item as read from its line(s): cell texts by column kind, and where it stands."""

    page: int
    bbox: BBox
    cells: dict[str, str]
    extra: list[str] = field(default_factory=list)  # wrapped description lines

    def item(self) -> dict[str, Any] | None:
        """The item of DESIGN §8 (decimal strings), or None when the row is no item."""
        total_text = self.cells.get("total", "")
        price_text = self.cells.get("unit_price", "")
        total, price = _amount(total_text), _price(price_text)
        mark = _decimal_mark(total_text or price_text)
        qty_text = self.cells.get("quantity", "")
        quantity = parse_quantity(qty_text, mark) if qty_text else None
        unit = self.cells.get("unit") or _unit_after(qty_text)
        description = " ".join([self.cells.get("description", ""), *self.extra]).strip()
        if not description and "item_id" in self.cells:
            description = self.cells["item_id"]
        if total is None and quantity is None:
            return None
        return {
            "description": description,
            "quantity": decimal_string(quantity) if quantity is not None else None,
            "unit": unit or None,
            "unit_price": f"{price:.2f}" if price is not None else None,
            "total": f"{total:.2f}" if total is not None else None,
            "page": self.page,
            "bbox": [round(v, 1) for v in self.bbox],
        }


def _price(text: str) -> Decimal | None:
    """A unit price with two to four decimals, in either notation."""
    m = PRICE_TEXT.search(text)
    if m is None:
        return None
    raw = m.group(0).replace(" ", "").replace("'", "")
    return parse_quantity(raw, raw[raw.rfind(",")] if "," in raw and (
        "." not in raw or raw.rfind(",") > raw.rfind(".")) else ".")


def _decimal_mark(amount_text: str) -> str | None:
    m = AMOUNT_TEXT.search(amount_text)
    return m.group(0)[-3] if m else None


def _unit_after(qty_text: str) -> str:
    """'24 h', '20 pack': the unit printed in the quantity cell of a table without a unit column."""
    m = QUANTITY.match(qty_text.strip())
    return qty_text.strip()[m.end():].strip() if m else ""


NUMERIC_KINDS = ("quantity", "unit_price", "tax", "total")
NUMBER_START = re.compile(r"^[-+]?(?:[€$£]|EUR|USD|GBP|CHF)?\s?\d")


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


def read_rows(lines: list[Line], head: Header, page: int, page_height: float) -> list[Row]:
    """The items below a header: one per line with an amount (or quantity), wrapped lines joined."""
    columns = head.columns
    if "total" not in head.kinds() and "unit_price" in head.kinds():
        # the amount column some tables leave without a header, right of the last one
        last = columns[-1].x1
        columns = [*columns, Column("total", last + 8, last + 60)]
    zones = _zones(columns)
    key = "total" if any(c.kind == "total" for c in columns) else "quantity"
    desc_k = next(k for k, c in enumerate(columns) if c.kind == "description")
    rows: list[Row] = []
    prev_bottom = head.bottom
    pitch = 2.2 * (head.bottom - head.top)
    for line in lines[head.line + 1:]:
        top = min(w.top for w in line.words)
        if top - prev_bottom > max(3.0 * pitch, 40.0) or top > 0.92 * page_height \
                or line.words[0].x0 < columns[0].x0 - 3:
            break  # the table ended: a wide gap, the footer, a line starting left of the table
        text = line.text
        first = text.split("\t", 1)[0].strip()
        if CARRY.search(text):
            prev_bottom = max(w.bottom for w in line.words)
            continue
        if TABLE_END.match(first) and not re.match(r"^\d", first):
            break
        if match_header(line.words):
            prev_bottom = max(w.bottom for w in line.words)
            continue  # a repeated header
        by_col: dict[int, list[Word]] = {}
        for w in line.words:
            by_col.setdefault(_column_of(w, columns, zones), []).append(w)
        _spill_into_description(by_col, columns, desc_k)
        cells = {columns[k].kind: " ".join(w.text for w in ws) for k, ws in by_col.items()}
        starts_item = bool(cells.get(key)) and (
            _amount(cells[key]) is not None if key == "total"
            else parse_quantity(cells[key], None) is not None)
        numbered = re.fullmatch(r"\d{1,3}\.?", cells.get("pos", "")) is not None \
            and parse_quantity(cells.get("quantity", ""), None) is not None
        if rows and key in cells and key not in rows[-1].cells and not numbered \
                and "quantity" not in cells and _amount(cells[key]) is not None:
            rows[-1].cells[key] = cells[key]  # the total printed under its row
            rows[-1].bbox = union_bbox([rows[-1].bbox, line.bbox])
        elif starts_item or numbered:
            rows.append(Row(page, line.bbox, cells))
        elif rows and set(by_col) <= {desc_k} and by_col:
            rows[-1].extra.append(cells["description"])
            rows[-1].bbox = union_bbox([rows[-1].bbox, line.bbox])
        elif not rows:
            continue
        # else: an item's detail line (GTIN, attributes) in another column: part of the table
        prev_bottom = max(w.bottom for w in line.words)
    return rows


@step("lineitems.rows", scope="page",
      requires=["page.lines", "page.lineitem_header", "page_no", "page.geometry"],
      provides=["page.lineitem_rows"])
def rows(page_lines: list[Line], page_lineitem_header: Header | None, page_no: int,
         page_geometry: dict[str, float]) -> list[dict[str, Any]]:
    """The page's items (description, quantity, unit, unit price, total; page and box)."""
    if page_lineitem_header is None:
        return []
    found = read_rows(page_lines, page_lineitem_header, page_no,
                      page_geometry["height"] or 842.0)
    return [item for r in found if (item := r.item()) is not None]


@step("lineitems.merge", scope="document", requires=["page.lineitem_rows", "doc.xml.items"],
      provides=["doc.line_items"])
def merge(page_lineitem_rows: list[list[dict[str, Any]]],
          doc_xml_items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """All pages' items in reading order: one table that ran over pages is one list.

    An embedded e-invoice's items replace the page's unless both add up to the same total (then
    the page's stay: they carry page and box).
    """
    items = [{**item, "source": "page"} for page in page_lineitem_rows for item in page]
    xml_items = doc_xml_items
    if xml_items and (not items or items_total(items) != items_total(xml_items)):
        return xml_items
    return items


def items_total(items: list[dict[str, Any]]) -> Decimal | None:
    """The sum of the items' totals, None when an item has none (nothing to check against)."""
    if not items or any(it.get("total") is None for it in items):
        return None
    return sum((Decimal(it["total"]) for it in items), Decimal(0))
