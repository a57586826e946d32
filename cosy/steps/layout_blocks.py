"""Layout geometry: rulings, line segments, neighbours, blocks, columns and reading order.

A :class:`~cosy.domain.Line` spans the whole page width: the address window and the info block
beside it share lines, and so do a table's cells. The page is therefore cut finer first: a line
splits into *segments* where a gap is wider than a column gutter; segments stack into *blocks*
(close below each other, overlapping or aligned, the same type style, no ruling between them);
blocks side by side make a two-column band (the DIN 5008 address window and the info block
right of it), which decides the reading order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from cosy.domain import BBox, Line, Word, union_bbox
from cosy.engine.step import step
from cosy.steps.layout import GAP_FACTOR, join_words

SEGMENT_GAP = GAP_FACTOR  # where join_words puts a tab, a line splits into segments
BLOCK_GAP = 1.0  # segments further apart than this many font sizes start a new block
ALIGN_TOL = 3.0  # points: left or right edges this close count as aligned
SIZE_TOL = 1.2  # points: font sizes this close count as the same style
GUTTER_MIN = 12.0  # points between two blocks side by side to call it a column gutter
RULE_MIN_WIDTH = 20.0  # points: shorter strokes are glyph parts, checkboxes, logo shapes


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of a line's words without a column gap; ``start`` is its offset in the page text."""

    line: int
    words: tuple[Word, ...]
    text: str
    start: int

    @property
    def bbox(self) -> BBox:
        return union_bbox(w.bbox for w in self.words)

    @property
    def size(self) -> float:
        return max((w.size for w in self.words), default=0.0)

    @property
    def bold(self) -> bool:
        """Most of its characters are bold."""
        bold = sum(len(w.text) for w in self.words if w.bold)
        return 2 * bold > sum(len(w.text) for w in self.words)


@dataclass(frozen=True, slots=True)
class Block:
    """Segments (indices into the page's segments) that belong together, top to bottom."""

    segments: tuple[int, ...]
    bbox: BBox
    lines: int  # how many page lines it covers


@dataclass(frozen=True, slots=True)
class Columns:
    """Two-column bands of a page: ``bands`` as (top, bottom, gutter x); per block its column
    (0 left of a band's gutter, 1 right of it, -1 outside any band)."""

    bands: tuple[tuple[float, float, float], ...]
    of_block: tuple[int, ...]


# --- rulings ----------------------------------------------------------------------------------


@step("layout.rulings", scope="page", requires=["pdf_page"], provides=["page.rulings"])
def rulings(pdf_page: Any) -> list[tuple[float, float, float]]:
    """Horizontal strokes (x0, y, x1): table rules, separators above footers and totals.

    Drawn lines, hairline rectangles and the top and bottom edges of boxes and bands count; a
    scanned page has none (its rules are pixels), which the block rules do without.
    """
    out: set[tuple[float, float, float]] = set()
    for ln in getattr(pdf_page, "lines", []) or []:
        if abs(ln["top"] - ln["bottom"]) < 1.0 and ln["x1"] - ln["x0"] >= RULE_MIN_WIDTH:
            out.add((round(ln["x0"], 1), round(ln["top"], 1), round(ln["x1"], 1)))
    for r in getattr(pdf_page, "rects", []) or []:
        if r["x1"] - r["x0"] < RULE_MIN_WIDTH:
            continue
        if r["bottom"] - r["top"] < 2.5:
            out.add((round(r["x0"], 1), round((r["top"] + r["bottom"]) / 2, 1), round(r["x1"], 1)))
        else:
            for y in (r["top"], r["bottom"]):
                out.add((round(r["x0"], 1), round(y, 1), round(r["x1"], 1)))
    return sorted(out, key=lambda t: (t[1], t[0]))


# --- segments and blocks -------------------------------------------------------------------------


def split_line(line: Line, index: int) -> list[Segment]:
    """Cut a line where the gap between two words is wider than a column gutter."""
    out, run, offset = [], [line.words[0]], line.start
    for prev, w in zip(line.words, line.words[1:], strict=False):
        if w.x0 - prev.x1 > SEGMENT_GAP * max(prev.size, w.size, 4.0):
            text = join_words(run)
            out.append(Segment(index, tuple(run), text, offset))
            offset = line.start + _offset_of(line, w)
            run = [w]
        else:
            run.append(w)
    out.append(Segment(index, tuple(run), join_words(run), offset))
    return out


def _offset_of(line: Line, word: Word) -> int:
    """Where ``word`` starts in the line's text (words are joined in order by one separator)."""
    pos = 0
    for w in line.words:
        if w is word:
            return pos
        pos += len(w.text) + 1
    return pos


@step("layout.segments", scope="page", requires=["page.lines"], provides=["page.segments"])
def segments(page_lines: list[Line]) -> list[Segment]:
    """Every line cut at its column gaps, in line order and left to right."""
    return [s for i, line in enumerate(page_lines) if line.words for s in split_line(line, i)]


def _nearest(mask: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """Per row the column of least distance among ``mask`` (the first of equals), -1 for none."""
    best = np.argmin(np.where(mask, dist, np.inf), axis=1)
    return np.where(mask.any(axis=1), best, -1)


@step("layout.neighbours", scope="page", requires=["page.segments"],
      provides=["page.segment_neighbours"])
def neighbours(page_segments: list[Segment]) -> list[tuple[int, int, int, int]]:
    """Per segment the nearest segment to its left, right, above and below (-1: none).

    A value's label stands to its left ("Gesamtbetrag   1.234,56 EUR") or above it (a row of
    labels over a row of values), a column header above a cell.
    """
    if not page_segments:
        return []
    b = np.array([s.bbox for s in page_segments], dtype=np.float64)
    x0, top, x1, bottom = (b[:, k, None] for k in range(4))  # this segment (rows)
    a0, atop, a1, abottom = (b[None, :, k] for k in range(4))  # the other one (columns)
    other = ~np.eye(len(b), dtype=bool)
    band = (np.minimum(bottom, abottom) - np.maximum(top, atop) > 0) & other
    left = band & (a1 <= x0 + 1)
    right = band & ~left & (a0 >= x1 - 1)
    column = ~band & other & (np.minimum(x1, a1) - np.maximum(x0, a0) > 0)
    above = column & (abottom <= top + 1)
    below = column & ~above
    found = [_nearest(left, np.abs(x0 - a1)), _nearest(right, np.abs(a0 - x1)),
             _nearest(above, top - abottom), _nearest(below, atop - bottom)]
    return [tuple(int(f[i]) for f in found) for i in range(len(b))]


def _ruled_between(rules: list[tuple[float, float, float]], upper: BBox, lower: BBox) -> bool:
    lo, hi = upper[3] - 1.0, lower[1] + 1.0
    x0, x1 = max(upper[0], lower[0]), min(upper[2], lower[2])
    return any(lo <= y <= hi and rx0 <= x1 and rx1 >= x0 for rx0, y, rx1 in rules)


def _joins(seg: Segment, last: Segment, rules: list[tuple[float, float, float]]) -> bool:
    """Does ``seg`` continue the block whose lowest segment is ``last``?"""
    a, b = last.bbox, seg.bbox
    size = max(seg.size, last.size, 4.0)
    if seg.line == last.line or b[1] - a[3] > BLOCK_GAP * size or b[1] < a[1]:
        return False
    if abs(seg.size - last.size) > SIZE_TOL or seg.bold != last.bold:
        return False
    overlap = min(a[2], b[2]) - max(a[0], b[0])
    aligned = abs(a[0] - b[0]) <= ALIGN_TOL or abs(a[2] - b[2]) <= ALIGN_TOL
    if overlap <= 0 and not aligned:
        return False
    return not _ruled_between(rules, a, b)


@step("layout.blocks", scope="page", requires=["page.segments", "page.rulings"],
      provides=["page.blocks"])
def blocks(page_segments: list[Segment],
           page_rulings: list[tuple[float, float, float]]) -> list[Block]:
    """Segments grouped by proximity and alignment: each joins the open block whose lowest
    segment lies just above it, overlaps or aligns with it and has the same type style."""
    groups: list[list[int]] = []
    for i, seg in enumerate(page_segments):
        best = None
        for g in reversed(groups[-12:]):
            last = page_segments[g[-1]]
            if seg.line - last.line > 2:
                continue
            if _joins(seg, last, page_rulings):
                best = g
                break
        if best is None:
            groups.append([i])
        else:
            best.append(i)
    out = [Block(tuple(g), union_bbox(page_segments[i].bbox for i in g),
                 len({page_segments[i].line for i in g})) for g in groups]
    return sorted(out, key=lambda b: (b.bbox[1], b.bbox[0]))


# --- columns and reading order -------------------------------------------------------------------


def _side_by_side(a: BBox, b: BBox) -> bool:
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    return overlap > 0.5 * min(a[3] - a[1], b[3] - b[1]) and b[0] - a[2] >= GUTTER_MIN


@step("layout.columns", scope="page", requires=["page.blocks"], provides=["page.columns"])
def columns(page_blocks: list[Block]) -> Columns:
    """Bands where blocks of two or more lines stand side by side (the address window and the
    info block, two-column letters); a band reaches over the blocks that overlap it."""
    tall = [b for b in page_blocks if b.lines >= 2]
    bands: list[list[float]] = []
    for a in tall:
        for b in tall:
            if a is b or not _side_by_side(a.bbox, b.bbox):
                continue
            top, bottom = min(a.bbox[1], b.bbox[1]), max(a.bbox[3], b.bbox[3])
            gutter = (a.bbox[2] + b.bbox[0]) / 2
            for band in bands:
                if top <= band[1] and bottom >= band[0]:
                    band[0], band[1] = min(band[0], top), max(band[1], bottom)
                    break
            else:
                bands.append([top, bottom, gutter])
    of_block = []
    for b in page_blocks:
        col = -1
        for top, bottom, gutter in bands:
            if b.bbox[1] < bottom and b.bbox[3] > top:
                col = 0 if b.bbox[2] <= gutter + 1 else 1 if b.bbox[0] >= gutter - 1 else -1
                break
        of_block.append(col)
    return Columns(tuple((t, bt, g) for t, bt, g in bands), tuple(of_block))


@step("layout.order", scope="page", requires=["page.blocks", "page.columns"],
      provides=["page.reading_order"])
def order(page_blocks: list[Block], page_columns: Columns) -> list[int]:
    """Block indices in reading order: top to bottom, and inside a two-column band the left
    column before the right one (the recipient before the invoice number beside it)."""
    def key(i: int) -> tuple[float, int, float, float]:
        b, col = page_blocks[i], page_columns.of_block[i]
        for top, bottom, _ in page_columns.bands:
            if col >= 0 and b.bbox[1] < bottom and b.bbox[3] > top:
                return (top, col, b.bbox[1], b.bbox[0])
        return (b.bbox[1], 0, b.bbox[1], b.bbox[0])
    return sorted(range(len(page_blocks)), key=key)
