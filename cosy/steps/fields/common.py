"""What every field family shares: regex matches in lines with boxes, labels and column headers.

The context a role rule reads is the same for every family: the label written left of a value
(the cell before it, skipping other numbers of a table row), the column header written above it,
and where on the page it sits. :class:`Candidate` carries that context next to the Mention.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cosy.domain import BBox, FieldValue, Line, Mention, Word, union_bbox
from cosy.steps.fields.money import TOKEN_PATTERN, without_currency


@dataclass(slots=True)
class Candidate(Mention):
    """A Mention with its layout context: column header above and relative height on the page."""

    header: str = ""  # the cell above the value in the same column ("Due Date", "Brutto EUR")
    in_row: bool = False  # numbers stood between value and label: a table row, trust the header
    y: float = 0.0  # top of the value relative to the page height (0 top, 1 bottom)
    line: int = -1  # index of the line on its page


@dataclass(frozen=True, slots=True)
class Cell:
    """A run of words of one line without a wide gap: one cell of a table, form or letterhead."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    start: int  # offset within the line's text

    @property
    def bbox(self) -> BBox:
        return (self.x0, self.top, self.x1, self.bottom)


LINE_CACHE = 4096
"""Lines whose word spans and cells are kept: every family asks for the same lines' cells, so
they are cut once (a line is immutable; equal lines have equal cells)."""


def word_spans(line: Line) -> list[tuple[int, int]]:
    """Character span of each word within ``line.text`` (words are joined by one separator)."""
    return list(_word_spans(line))


@functools.lru_cache(maxsize=LINE_CACHE)
def _word_spans(line: Line) -> tuple[tuple[int, int], ...]:
    spans, pos = [], 0
    for w in line.words:
        start = line.text.index(w.text, pos)
        spans.append((start, start + len(w.text)))
        pos = start + len(w.text)
    return tuple(spans)


def span_bbox(line: Line, start: int, end: int) -> BBox:
    """The box of the words that overlap characters [start, end) of the line."""
    boxes = [w.bbox for w, (a, b) in zip(line.words, _word_spans(line), strict=True)
             if a < end and b > start]
    return union_bbox(boxes) if boxes else line.bbox


def cells(line: Line) -> list[Cell]:
    """The line's cells (tab-separated by the layout step), each with its box and offset."""
    return list(_cells(line))


@functools.lru_cache(maxsize=LINE_CACHE)
def _cells(line: Line) -> tuple[Cell, ...]:
    out, pos = [], 0
    for part in line.text.split("\t"):
        start, end = pos, pos + len(part)
        pos = end + 1
        if part.strip():
            x0, top, x1, bottom = span_bbox(line, start, end)
            out.append(Cell(part.strip(), x0, top, x1, bottom, start))
    return tuple(out)


NUMERIC_CELL = re.compile(
    r"^(?:" + TOKEN_PATTERN + r"\s?)?[-+]?[\d.,'% ]*\d[\d.,'% ]*(?:\s?" + TOKEN_PATTERN + r")?$"
    r"|^\(?(?:" + TOKEN_PATTERN + r"|%)\)?$")
"""A cell that is a number, a percentage or a currency (code, sign or local symbol such as
'RM'): part of a table row, never a label."""


NUMERIC_DATE = (r"\d{1,2}[./-]\d{1,2}[./-](?:\d{2}|\d{4})"
                r"|\d{4}[./-]\d{1,2}[./-]\d{1,2}")
"""A date in numbers: day or month first with a two- or four-digit year, or the year first.
'2019/03/705' is not one but a document number of that pattern (year, month, sequence)."""


EMPHASIS = 1.15
"""Type this much larger than the page's body text is set off (a title, a letterhead's name)."""


def cell_words(line: Line, cell: Cell) -> list[Word]:
    """The words of a line that stand in one of its cells."""
    return [w for w in line.words if cell.x0 - 0.5 <= w.x0 <= cell.x1 + 0.5]


def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    """Length of the horizontal overlap of [a0, a1] and [b0, b1] (negative: the gap)."""
    return min(a1, b1) - max(a0, b0)


def header_above(lines: list[Line], index: int, x0: float, x1: float, max_lines: int = 6) -> str:
    """The nearest cell above a value that shares its column and is text, not another number."""
    line = lines[index]
    limit = line.words[0].top - 6 * max((w.bottom - w.top) for w in line.words)
    for j in range(index - 1, max(index - 1 - max_lines, -1), -1):
        if lines[j].words[0].bottom < limit:
            break
        best = max(cells(lines[j]), key=lambda c: overlap(c.x0, c.x1, x0, x1), default=None)
        if best is None or overlap(best.x0, best.x1, x0, x1) <= 0:
            continue
        if NUMERIC_CELL.match(best.text) or re.search(r"\d[.,/]\d", best.text):
            continue  # a value of the same column: keep looking for its header
        return best.text
    return ""


def left_label(line: Line, start: int) -> tuple[str, bool]:
    """The text introducing a value on its line and whether numbers (a table row) stood between.

    Inside the value's own cell the words before it are the label ("Net total: 496.00", the
    currency written before the amount left out: "TOTAL RM 64.15"); otherwise the nearest cell
    to the left that is not a number or a currency, with a tax code letter before the currency
    ('6.00%GST | A RM | 4.87') passed over too.
    """
    before = line.text[:start]
    own = without_currency(before.rsplit("\t", 1)[-1]).strip(" :-+€$£")
    if own and not NUMERIC_CELL.match(own):
        return own, False
    skipped = bool(own)
    for part in reversed(before.split("\t")[:-1]):
        part = part.strip(" :")
        if not part:
            continue
        if NUMERIC_CELL.match(part) or (part != without_currency(part)
                                        and len(without_currency(part)) <= 1):
            skipped = True
            continue
        return part, skipped
    return "", skipped


ROW_OVERLAP = 0.2
"""Share of the lower line's height two lines must overlap by to stand in one row."""


def row_label(lines: list[Line], index: int, x0: float) -> str:
    """The label of a value that stands alone on its line: the end of a line beside it in the
    same row, left of it (a scan's slightly slanted row that OCR read as two lines:
    'Bruttosumme' at 245 pt, '340,96' at 251 pt)."""
    line = lines[index]
    top, bottom = line.bbox[1], line.bbox[3]
    best, share = "", ROW_OVERLAP
    for j in range(max(index - 3, 0), min(index + 4, len(lines))):
        other = lines[j]
        if j == index or other.bbox[2] > x0:
            continue
        height = min(bottom - top, other.bbox[3] - other.bbox[1]) or 1.0
        overlap = (min(bottom, other.bbox[3]) - max(top, other.bbox[1])) / height
        if overlap >= share:
            label, _ = left_label(other, len(other.text))
            if label:
                best, share = label, overlap
    return best


def with_row_labels(found: list[Candidate], lines: list[Line]) -> None:
    """A value with nothing before it on its line takes the label beside it in its row
    (:func:`row_label`)."""
    for m in found:
        if not m.label and not m.in_row and 0 <= m.line < len(lines):
            m.label = row_label(lines, m.line, m.bbox[0])


def label_before(lines: list[Line], index: int, start: int) -> str:
    """The text that introduces a value: the cell before it on its line, else the line above."""
    label, _ = left_label(lines[index], start)
    if label:
        return label
    if index > 0:
        return lines[index - 1].text.rsplit("\t", 1)[0].strip()
    return ""


def find_mentions(
    lines: list[Line],
    page: int,
    pattern: re.Pattern[str],
    kind: str,
    step_name: str,
    normalize: Callable[[re.Match[str]], str | None],
    page_height: float = 842.0,
) -> Iterator[Candidate]:
    """Every match of ``pattern`` that ``normalize`` accepts, as a Candidate with its context."""
    for i, line in enumerate(lines):
        for m in pattern.finditer(line.text):
            value = normalize(m)
            if value is None:
                continue
            start, end = m.span(kind) if kind in pattern.groupindex else m.span()
            bbox = span_bbox(line, start, end)
            label, in_row = left_label(line, start)
            yield Candidate(
                kind=kind,
                raw=line.text[start:end],
                value=value,
                page=page,
                bbox=bbox,
                span=(line.start + start, line.start + end),
                step=step_name,
                label=label,
                header=header_above(lines, i, bbox[0], bbox[2]),
                in_row=in_row,
                y=bbox[1] / page_height if page_height else 0.0,
                line=i,
            )


def selected(field: FieldValue | None) -> dict[str, FieldValue]:
    """A select step's output: the field under its name, or nothing (a field not found is
    absent, never guessed)."""
    return {field.name: field} if field is not None else {}


def flatten(pages: list[list[Mention]]) -> list[Mention]:
    """All pages' mentions in page order (document steps get one list per page)."""
    return [m for page in pages for m in page]
