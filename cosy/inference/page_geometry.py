"""What a scanned page looks like before OCR reads it: its skew, whether it lies on its side,
and how tall its letters are.

All three come from the ink of a small binarised copy of the page (a few milliseconds), so OCR
can straighten the page before detection and choose the detector's resolution from the text
instead of one fixed size: the detector finds lines equally well on a page reduced until its
letters are about :data:`~cosy.inference.page_ocr.DET_GLYPH_PX` pixels tall, at a fraction of
the cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

PROBE_SIDE = 800  # pixels: the long side of the copy that skew and orientation are read from
SKEW_RANGE = 10.0  # degrees searched either way (scans lie within a few degrees; photos more)
SKEW_COARSE = 0.5  # degrees between coarse trials, then refined to SKEW_FINE around the best
SKEW_FINE = 0.05
SIDEWAYS_RATIO = 1.5  # lines across the columns must be this much sharper to turn the page
MIN_GLYPHS = 20  # fewer glyph-sized blobs: no text height to speak of
GLYPH_MIN_PX, GLYPH_MAX_PX = 5, 150  # blob heights that can be letters at OCR resolution


@dataclass(frozen=True)
class PageGeometry:
    """``quarter_turns`` clockwise turns that make the text lines horizontal (0 or 1: a page
    upside down is only told by reading it), then ``skew`` degrees to rotate it by (counter-
    clockwise positive, as ``cv2.getRotationMatrix2D``), and the median glyph height in pixels
    of the straightened page (``None`` when the page shows too few letters to say)."""

    quarter_turns: int
    skew: float
    glyph_px: float | None


def ink(gray: np.ndarray) -> np.ndarray:
    """Dark pixels as 255 on 0 (Otsu's threshold: scans differ in paper tone and contrast)."""
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return mask


def probe(gray: np.ndarray, side: int = PROBE_SIDE) -> np.ndarray:
    """A small ink mask of the page (area-averaged, so thin strokes survive the reduction)."""
    h, w = gray.shape[:2]
    scale = min(1.0, side / max(h, w))
    small = cv2.resize(gray, (max(1, round(w * scale)), max(1, round(h * scale))),
                       interpolation=cv2.INTER_AREA) if scale < 1.0 else gray
    return ink(small)


def line_sharpness(mask: np.ndarray, angle: float) -> float:
    """How crisply rows of ink and gaps alternate when the mask is rotated by ``angle``: the
    sum of squared differences of neighbouring row sums (text lines make it peak)."""
    h, w = mask.shape
    if angle:
        rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        mask = cv2.warpAffine(mask, rot, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = mask.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def best_angle(mask: np.ndarray, span: float = SKEW_RANGE) -> tuple[float, float]:
    """The rotation (degrees) that makes the mask's rows sharpest, and that sharpness."""
    coarse = np.arange(-span, span + 1e-9, SKEW_COARSE)
    scores = [line_sharpness(mask, a) for a in coarse]
    centre = float(coarse[int(np.argmax(scores))])
    fine = np.arange(centre - SKEW_COARSE, centre + SKEW_COARSE + 1e-9, SKEW_FINE)
    scores = [line_sharpness(mask, a) for a in fine]
    i = int(np.argmax(scores))
    return round(float(fine[i]), 2), scores[i]


def glyph_height(gray: np.ndarray) -> float | None:
    """Median height in pixels of the letter-sized ink blobs (connected components)."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink(gray), connectivity=8)
    if n <= 1:
        return None
    h = stats[1:, cv2.CC_STAT_HEIGHT]
    w = stats[1:, cv2.CC_STAT_WIDTH]
    letters = h[(h >= GLYPH_MIN_PX) & (h <= GLYPH_MAX_PX) & (w >= 2) & (w <= 3 * h)]
    return float(np.median(letters)) if len(letters) >= MIN_GLYPHS else None


def measure(gray: np.ndarray) -> PageGeometry:
    """Orientation and skew of a page image (glyph height is measured after straightening)."""
    mask = probe(gray)
    if not mask.any():
        return PageGeometry(0, 0.0, None)
    upright, upright_score = best_angle(mask)
    turned, turned_score = best_angle(np.ascontiguousarray(np.rot90(mask, -1)))
    if turned_score > SIDEWAYS_RATIO * upright_score:
        return PageGeometry(1, turned, None)
    return PageGeometry(0, upright, None)


def straighten(gray: np.ndarray, quarter_turns: int, skew: float) -> np.ndarray:
    """The page turned by ``quarter_turns`` clockwise and rotated by ``skew`` degrees; the
    corners that rotation uncovers are paper (white), and the image keeps its size."""
    img = np.ascontiguousarray(np.rot90(gray, -quarter_turns)) if quarter_turns % 4 else gray
    if abs(skew) < SKEW_FINE:
        return img
    h, w = img.shape[:2]
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
    return cv2.warpAffine(img, rot, (w, h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=255)
