"""Tax breakdown sources: the places a document prints its VAT per rate (rate, base, tax).

A breakdown row is printed in three ways, and each source reads one of them:

- **same line**: a rate and, right of it, the base and the tax ('USt. 19 %  100,00  19,00',
  'TVA collectée 20,0%  -20,48 €  -4,10 €');
- **table**: rows under a header that names a rate column and a tax column ('MwSt-Satz |
  Nettobetrag | MwSt', 'VAT rate | Net | VAT', 'Taux | Base HT | TVA'); the rate is often a bare
  number there ('Umsatzsteuer (S)  326,50  -5,10  321,40  19  61,07');
- **sentence**: per language, a rate whose base a preposition introduces ('19 % MwSt. auf
  100,00 EUR 19,00', 'VAT 20% on 1,000.00', 'TVA 20 % sur 100,00 €'); 'aus' / 'from' / 'incl.'
  name a gross amount the tax is contained in.

A source reports every reading its layout allows (:class:`RowReading`); which pair of amounts
is the row is decided in ``fields.tax.validate.breakdown`` (base x rate = tax), so no source needs
to know arithmetic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cosy.domain import BBox, Line, Mention, union_bbox
from cosy.engine.step import step
from cosy.steps.fields.common import Cell, cells, overlap, span_bbox


@dataclass(frozen=True, slots=True)
class RowReading:
    """One way to read a breakdown row: the rate as printed and two amounts of the page."""

    line: int  # index of the line on its page that holds the amounts
    rate: str  # as printed: '19', '5,5', '19,00'
    base: str  # decimal string of an amount mention ('100.00'); a gross amount when ``gross``
    tax: str  # decimal string of an amount mention
    bbox: BBox  # the rate's and the amounts' boxes
    source: str  # the step that read it
    gross: bool = False  # the base amount includes the tax ('19 % MwSt. aus 119,00 €')


def _amounts_of_line(amounts: list[Mention], line: int) -> list[Mention]:
    return sorted((a for a in amounts if getattr(a, "line", -1) == line), key=lambda a: a.span)


def _reading(line: int, rate: str, rate_box: BBox, base: Mention, tax: Mention, source: str,
             gross: bool = False) -> RowReading:
    return RowReading(line, rate, base.value, tax.value,
                      union_bbox([rate_box, base.bbox, tax.bbox]), source, gross)


# --- same line -----------------------------------------------------------------------------------


@step("fields.tax.candidates.breakdown.same_line", scope="page",
      requires=["page.tax_rate.context", "page.amount.context"],
      provides=["page.tax_breakdown.same_line"])
def same_line_rows(page_tax_rate_context: list[Mention], page_amount_context: list[Mention]
                   ) -> list[RowReading]:
    """Each percentage with every ordered pair (base, tax) of the amounts right of it on its
    line: the rows a totals block or a breakdown table prints in one line."""
    out = []
    for rate in page_tax_rate_context:
        line = getattr(rate, "line", -1)
        after = [a for a in _amounts_of_line(page_amount_context, line)
                 if a.span[0] > rate.span[0]]
        for base in after:
            out.extend(_reading(line, rate.value, rate.bbox, base, tax,
                                "fields.tax.candidates.breakdown.same_line")
                       for tax in after if tax is not base)
    return out


# --- table ---------------------------------------------------------------------------------------

CURRENCY = r"(?:\s*(?:in\s+)?(?:eur|€|chf|gbp|£|usd|\$))?$"
"""What may follow a bare tax word in a header cell: its currency ('MwSt. EUR', 'VAT £')."""
RATE_HEADER = re.compile(
    r"steuersatz|(?:ust|mwst|mw\.-?st)\.?[- ]?(?:satz|%)|\bsatz\b|\bvat ?%|\bvat rate|"
    r"\btax rate|\btax ?%|\brate\b|\btaux\b|\btva ?%|^%$|\[%\]", re.I)
TAX_HEADER = re.compile(
    r"steuerbetrag|(?:ust|mwst|mw\.-?st)\.?[- ]?betrag|^(?:ust|mwst|umsatzsteuer)\.?" + CURRENCY +
    r"|\bvat amount|\btax amount|^(?:vat|tax)" + CURRENCY + r"|montant (?:de la )?tva|^tva" +
    CURRENCY, re.I)
"""A column of tax amounts ('Steuerbetrag', 'MwSt. EUR', 'VAT amount', 'Montant TVA')."""
RATE_CELL = re.compile(r"^(?P<rate>\d{1,2}(?:[.,]\d{1,3})?)\s?%?$")
"""A rate cell of a table: '19', '7,00', '5.5 %' (a VAT rate has at most two digits)."""
TABLE_ROWS = 12
"""Lines under a header that may hold its rows (a row can wrap over three or four lines)."""


@dataclass(frozen=True, slots=True)
class Header:
    """A breakdown table's header line: its column cells, and which hold rates and taxes."""

    columns: tuple[Cell, ...]
    rate: Cell
    tax: Cell


def _split(line: Line, cell: Cell, at: int) -> tuple[Cell, Cell]:
    """A header cell that names two columns ('USt. % Steuerbetrag'), cut where the second
    name begins, each part boxed by its own words."""
    def part(a: int, b: int) -> Cell:
        x0, top, x1, bottom = span_bbox(line, cell.start + a, cell.start + b)
        return Cell(cell.text[a:b].strip(), x0, top, x1, bottom, cell.start + a)
    return part(0, at), part(at, len(cell.text))


def header_columns(line: Line) -> Header | None:
    """The line as a breakdown table's header: a rate column and a tax-amount column."""
    row = cells(line)
    rate = next((c for c in row if RATE_HEADER.search(c.text)), None)
    if rate is None:
        return None
    tax = next((c for c in row if c != rate and TAX_HEADER.search(c.text)), None)
    if tax is None:  # one cell for both names: the layout joined two close headers
        named = RATE_HEADER.search(rate.text)
        second = TAX_HEADER.search(rate.text, named.end()) if named else None
        if second is None:
            return None
        i = row.index(rate)
        rate, tax = _split(line, rate, second.start())
        row = [*row[:i], rate, tax, *row[i + 1:]]
    return Header(tuple(row), rate, tax)


def _column(cell: BBox, header: Header) -> Cell:
    """The header cell a value cell stands under: the most overlap, else the nearest centre."""
    def score(h: Cell) -> tuple[float, float]:
        return (overlap(h.x0, h.x1, cell[0], cell[2]),
                -abs((h.x0 + h.x1) / 2 - (cell[0] + cell[2]) / 2))
    return max(header.columns, key=score)


def table_rows_under(lines: list[Line], amounts: list[Mention], index: int, header: Header,
                     source: str) -> list[RowReading]:
    """Readings of the rows under the header line ``index``: a rate cell in the rate column,
    the tax from the tax column, the base any other amount of the row (right to left: the base
    stands after goods value and allowances in EN 16931 breakdowns)."""
    out = []
    for j in range(index + 1, min(index + 1 + TABLE_ROWS, len(lines))):
        if header_columns(lines[j]) is not None:
            break  # the next table starts
        rate_cell = next((c for c in cells(lines[j]) if RATE_CELL.match(c.text)
                          and _column(c.bbox, header) == header.rate), None)
        if rate_cell is None:
            continue
        row = [a for a in _amounts_of_line(amounts, j)
               if overlap(a.bbox[0], a.bbox[2], rate_cell.x0, rate_cell.x1) <= 0]
        taxes = [a for a in row if _column(a.bbox, header) == header.tax] or row
        rate = RATE_CELL.match(rate_cell.text)
        assert rate is not None
        for tax in taxes:
            out.extend(_reading(j, rate.group("rate"), rate_cell.bbox, base, tax, source)
                       for base in reversed(row) if base is not tax)
    return out


@step("fields.tax.candidates.breakdown.table", scope="page",
      requires=["page.lines", "page.amount.context"], provides=["page.tax_breakdown.table"])
def table_rows(page_lines: list[Line], page_amount_context: list[Mention]) -> list[RowReading]:
    """Rows of breakdown tables: under a header with a rate and a tax-amount column, each line
    with a rate in the rate column ('19', '7 %') and its amounts."""
    out = []
    for i, line in enumerate(page_lines):
        header = header_columns(line)
        if header is not None:
            out += table_rows_under(page_lines, page_amount_context, i, header,
                                    "fields.tax.candidates.breakdown.table")
    return out


# --- sentences -----------------------------------------------------------------------------------

RATE = r"(?P<rate>\d{1,2}(?:[.,]\d{1,2})?)\s?%"


def _sentence(word: str, before: str, after: str, net: str, gross: str) -> re.Pattern[str]:
    """A rate with its tax word before ('USt. 19 %') or after it ('19 % MwSt.'), then the
    preposition of the base."""
    return re.compile(
        r"(?:(?P<word>" + word + r")\.?" + before + r")?" + RATE + r"\s*(?(word)|" + after + r")"
        r"\s*(?:(?P<net>" + net + r")|(?P<gross>" + gross + r"))\b", re.I)


SENTENCES = {
    "de": _sentence(r"MwSt|USt|Mehrwertsteuer|Umsatzsteuer", r"\s*",
                    r"(?:MwSt|USt|Mehrwertsteuer|Umsatzsteuer)\.?",
                    r"auf|von|vom|aus dem Nettobetrag", r"aus|im Bruttobetrag"),
    "en": _sentence(r"VAT|tax", r"\s*@?\s*", r"(?:VAT|tax)", r"on|of",
                    r"from gross|included in"),
    "fr": _sentence(r"TVA", r"\s*(?:à\s*)?", r"(?:de\s+)?TVA", r"sur|de",
                    r"incluse dans|comprise dans"),
}
"""A rate and its tax word, then the preposition that introduces the base: net ('auf', 'on',
'sur') or gross ('aus', 'included in', 'incluse dans')."""
NEAR = 12
"""Characters between the preposition and the base amount ('auf netto EUR 100,00')."""


def sentence_rows(lines: list[Line], amounts: list[Mention], language: str
                  ) -> list[RowReading]:
    """Readings of one language's sentences: the base is the amount right after the preposition,
    the tax any later amount of the line."""
    source = f"fields.tax.candidates.breakdown.sentence.{language}"
    out = []
    for i, line in enumerate(lines):
        for m in SENTENCES[language].finditer(line.text):
            end = line.start + m.end()
            later = [a for a in _amounts_of_line(amounts, i) if a.span[0] >= end]
            if not later or later[0].span[0] - end > NEAR:
                continue
            base, rest = later[0], later[1:]
            rate_box = span_bbox(line, *m.span("rate"))
            out.extend(_reading(i, m.group("rate"), rate_box, base, tax, source,
                                gross=bool(m.group("gross"))) for tax in rest)
    return out


@step("fields.tax.candidates.breakdown.sentence.de", scope="page",
      requires=["page.lines", "page.amount.context"],
      provides=["page.tax_breakdown.sentence_de"])
def german_sentences(page_lines: list[Line], page_amount_context: list[Mention]
                     ) -> list[RowReading]:
    """'19 % MwSt. auf 100,00 EUR 19,00', 'USt. 7 % auf 50,00 € = 3,50 €', '19 % MwSt. aus
    119,00 € 19,00 €' (the tax contained in a gross amount)."""
    return sentence_rows(page_lines, page_amount_context, "de")


@step("fields.tax.candidates.breakdown.sentence.en", scope="page",
      requires=["page.lines", "page.amount.context"],
      provides=["page.tax_breakdown.sentence_en"])
def english_sentences(page_lines: list[Line], page_amount_context: list[Mention]
                      ) -> list[RowReading]:
    """'VAT 20% on 1,000.00  200.00', 'Tax 5% of 80.00 4.00', '20% VAT included in 120.00'."""
    return sentence_rows(page_lines, page_amount_context, "en")


@step("fields.tax.candidates.breakdown.sentence.fr", scope="page",
      requires=["page.lines", "page.amount.context"],
      provides=["page.tax_breakdown.sentence_fr"])
def french_sentences(page_lines: list[Line], page_amount_context: list[Mention]
                     ) -> list[RowReading]:
    """'TVA 20 % sur 100,00 € 20,00 €', '5,5 % de TVA sur 200,00 11,00'."""
    return sentence_rows(page_lines, page_amount_context, "fr")
