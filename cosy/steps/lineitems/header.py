"""Line items, the header: the row of column headers that announces an item table.

The header words give each column its x-range; the zones between neighbouring headers are where
the rows' words are cut (:mod:`cosy.steps.lineitems.rows`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cosy.domain import Line, Word
from cosy.engine.step import step

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


@dataclass(frozen=True, slots=True)
class Columns:
    """The columns rows are cut along: each column's x-zone, and which column starts an item."""

    columns: list[Column]
    zones: list[tuple[float, float]]
    key: str  # "total", or "quantity" in a table without prices
    description: int  # index of the description column


def _zones(columns: list[Column]) -> list[tuple[float, float]]:
    """Each column's x-zone: from halfway to its left neighbour to halfway to its right one."""
    zones = []
    for k, c in enumerate(columns):
        left = (columns[k - 1].x1 + c.x0) / 2 if k else float("-inf")
        right = (c.x1 + columns[k + 1].x0) / 2 if k + 1 < len(columns) else float("inf")
        zones.append((left, right))
    return zones


@step("lineitems.columns", scope="page", requires=["page.lineitem_header"],
      provides=["page.lineitem_columns"])
def columns(page_lineitem_header: Header | None) -> Columns | None:
    """The header's columns with their x-zones; an unlabelled amount column right of the last
    header when the table has prices but no total header."""
    if page_lineitem_header is None:
        return None
    cols = page_lineitem_header.columns
    if "total" not in page_lineitem_header.kinds() and "unit_price" in page_lineitem_header.kinds():
        last = cols[-1].x1
        cols = [*cols, Column("total", last + 8, last + 60)]
    key = "total" if any(c.kind == "total" for c in cols) else "quantity"
    desc = next(k for k, c in enumerate(cols) if c.kind == "description")
    return Columns(cols, _zones(cols), key, desc)
