"""Text bands: OCR's detector reads only the rows of a page that hold ink.

A business page is mostly blank paper between blocks of text, and the detector's cost grows
with the pixels it sees (it is over half of OCR's time). The page's ink rows are grouped into
bands, each keeping :data:`MARGIN` blank rows above and below (the detector sees every line
with white around it, as on the page), the bands are stacked into one shorter image, and
the boxes found there are moved back. The stack is grown to a multiple of :data:`ALIGN`
pixels, so that the detector reads it at the page's own scale, and recognition reads the
same pixels as it would on the whole page. Photos
and dark or noisy pages, where blank rows are few, are read whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

INK_DROP = 25  # grey levels: a pixel this much darker than the paper is ink
MIN_INK_PIXELS = 2  # ink pixels a row or column needs; fewer is scanner dust
MARGIN = 24  # blank rows or columns kept on each side of the ink (pixels of OCR's view)
MAX_SHARE = 0.85  # stacked bands larger than this share of the page: read it whole
ALIGN = 32  # the detector scales its input to a multiple of this; a stack of one is read unscaled


@dataclass(frozen=True)
class Bands:
    """Row ranges ``[top, bottom)`` of a page, stacked in order, and the columns kept."""

    rows: tuple[tuple[int, int], ...]
    left: int
    right: int

    @property
    def height(self) -> int:
        return sum(bottom - top for top, bottom in self.rows)

    def stack(self, image: np.ndarray) -> np.ndarray:
        """The bands one under the other: the image the detector and recogniser read."""
        return np.ascontiguousarray(np.concatenate(
            [image[top:bottom, self.left:self.right] for top, bottom in self.rows], axis=0))

    def shift(self, y: float) -> float:
        """What to add to a y of the stacked image to place it on the page: the shift of
        the band that holds ``y`` (a box belongs to the band of its centre)."""
        start, shift = 0, 0.0
        for top, bottom in self.rows:
            shift = float(top - start)
            start += bottom - top
            if y < start:
                break
        return shift


def text_bands(image: np.ndarray) -> Bands | None:
    """The bands of a grey page image that hold ink, or None to read the page whole (a
    colour or empty image, or bands that would cover over :data:`MAX_SHARE` of it)."""
    if image.ndim != 2 or image.size == 0:
        return None
    paper = float(np.percentile(image[::4, ::4], 90))
    ink = image < paper - INK_DROP
    rows = np.flatnonzero(ink.sum(axis=1) >= MIN_INK_PIXELS)
    cols = np.flatnonzero(ink.sum(axis=0) >= MIN_INK_PIXELS)
    if rows.size == 0 or cols.size == 0:
        return None
    height, width = image.shape
    breaks = np.flatnonzero(np.diff(rows) > 2 * MARGIN + 1)  # blank runs over two margins
    starts = np.concatenate(([rows[0]], rows[breaks + 1]))
    ends = np.concatenate((rows[breaks], [rows[-1]]))
    spans = [[max(int(s) - MARGIN, 0), min(int(e) + 1 + MARGIN, height)]
             for s, e in zip(starts, ends, strict=True)]
    _grow_rows(spans, height)
    left, right = _grow(max(int(cols[0]) - MARGIN, 0), min(int(cols[-1]) + 1 + MARGIN, width),
                        width)
    bands = Bands(tuple((top, bottom) for top, bottom in spans), left, right)
    if bands.height * (right - left) > MAX_SHARE * height * width:
        return None
    return bands


def _grow(start: int, end: int, size: int) -> tuple[int, int]:
    """``[start, end)`` grown within ``[0, size)`` to a multiple of :data:`ALIGN` if it fits:
    to the right (down) first, then to the left (up)."""
    missing = -(end - start) % ALIGN
    end_room = min(missing, size - end)
    return max(start - (missing - end_room), 0), end + end_room


def _grow_rows(spans: list[list[int]], height: int) -> None:
    """Grow the bands (in place) until their rows add up to a multiple of :data:`ALIGN`: each
    band from the last down into the blank rows below it, then the first up."""
    missing = -sum(bottom - top for top, bottom in spans) % ALIGN
    for i in range(len(spans) - 1, -1, -1):
        limit = spans[i + 1][0] if i + 1 < len(spans) else height
        step = min(missing, limit - spans[i][1])
        spans[i][1] += step
        missing -= step
    spans[0][0] -= min(missing, spans[0][0])
