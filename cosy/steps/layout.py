"""Layout: words into lines in reading order, and the page text that field finders search."""

from __future__ import annotations

import itertools

from cosy.domain import Line, Word
from cosy.engine.step import step

GAP_FACTOR = 1.2  # a gap wider than this many font sizes separates two cells of one line


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Cluster words into lines, top to bottom.

    A word joins a line when its middle lies within the line's vertical extent, as long as the
    line stays at most twice as tall as its words (so it never grows by chaining: a skewed
    scan's lines overlap a little, and an unbounded union of boxes swallows line after line)
    and it overlaps no word of the line horizontally (two words at the same x are on two lines,
    however close: an OCR'd photo's neighbouring lines). Words running up or down the page
    never join a line across it (:func:`vertical_rows`).
    """
    rows: list[list[Word]] = []
    across = [w for w in words if not w.vertical]
    for w in sorted(across, key=lambda w: (round(w.top, 1), w.x0)):
        mid = (w.top + w.bottom) / 2
        for row in reversed(rows[-3:]):
            top = min(r.top for r in row)
            bottom = max(r.bottom for r in row)
            if top <= mid <= bottom and _fits(row, w, top, bottom):
                row.append(w)
                break
        else:
            rows.append([w])
    return [sorted(row, key=lambda w: w.x0) for row in rows] + vertical_rows(words)


def vertical_rows(words: list[Word]) -> list[list[Word]]:
    """The lines running up or down the page (OCR reads them upright), after the others as a
    reader turns the page for them last: each is its consecutive vertical words in one strip,
    in the order they were read."""
    rows: list[list[Word]] = []
    for w in words:
        if not w.vertical:
            continue
        last = rows[-1][-1] if rows else None
        if last is not None and _follows(last, w):
            rows[-1].append(w)
        else:
            rows.append([w])
    return rows


def _fits(row: list[Word], w: Word, top: float, bottom: float) -> bool:
    """Whether ``w`` keeps the line no taller than twice its median word and overlaps none of
    its words by more than a third of the narrower one's width."""
    heights = sorted(r.bottom - r.top for r in row)
    tall = 2.0 * max(heights[len(heights) // 2], w.bottom - w.top)
    if max(bottom, w.bottom) - min(top, w.top) > tall:
        return False
    for r in row:
        overlap = min(w.x1, r.x1) - max(w.x0, r.x0)
        if overlap > 0.34 * max(min(w.x1 - w.x0, r.x1 - r.x0), 0.5):
            return False
    return True


def _follows(last: Word, w: Word) -> bool:
    """Whether vertical word ``w`` goes on from ``last``: in its strip and next to it."""
    across = min(w.x1, last.x1) - max(w.x0, last.x0)
    gap = max(w.top - last.bottom, last.top - w.bottom)
    return across > 0.5 * (w.x1 - w.x0) and gap <= GAP_FACTOR * max(w.size, last.size, 4.0)


def join_words(words: list[Word]) -> str:
    """Words joined by one space, or by a tab where the gap is wide (a new cell or column)."""
    parts = [words[0].text]
    for prev, w in itertools.pairwise(words):
        gap = w.x0 - prev.x1
        parts.append("\t" if gap > GAP_FACTOR * max(prev.size, w.size, 4.0) else " ")
        parts.append(w.text)
    return "".join(parts)


@step("layout.lines", scope="page", requires=["page.words"], provides=["page.lines"])
def lines(page_words: list[Word]) -> list[Line]:
    """Lines in reading order with their offsets in the page text (joined by newlines)."""
    out, offset = [], 0
    for row in group_lines(page_words):
        text = join_words(row)
        out.append(Line(tuple(row), text, offset))
        offset += len(text) + 1
    return out


def page_text(page_lines: list[Line]) -> str:
    """The page's lines joined by newlines (the offsets of :class:`Line` count in this text)."""
    return "\n".join(line.text for line in page_lines)


@step("layout.text", scope="page", requires=["page.lines"], provides=["page.text"])
def text(page_lines: list[Line]) -> str:
    """The page text in reading order: what the language and document-type models read."""
    return page_text(page_lines)

