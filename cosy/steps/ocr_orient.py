"""Upright pages for OCR: a page fed sideways or upside down, or photographed askew, is turned
and straightened before detection.

PP-OCR's detector finds tilted lines, but the layout steps group words into lines by their
height on the page: a photo 3° askew puts the two ends of a 600 pt line 30 pt apart, and the
line falls apart into fragments. Text lines are the page's strongest horizontal structure, so
the skew is the angle at which the ink's row profile is sharpest (a projection profile, on a
small probe of the page: :func:`skew`). A page on its side shows in OCR's own result, as line
boxes taller than wide (:func:`sideways`), and an upside-down one in the recogniser's: its
longest lines read far better turned by 180° (:func:`upside_down`). Either is then read again,
turned; an upright page pays for a probe and a few trial lines only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cv2
import numpy as np

PROBE_SIDE = 1000  # px: the long side of the probe the angles are measured on
MAX_SKEW = 6.0  # degrees searched either way; more is not skew but a turned page
COARSE_STEP, FINE_STEP = 0.5, 0.1  # degrees
MIN_SKEW = 1.0  # degrees: below, lines still group (a scanner's tilt) and resampling only blurs
MAX_POINTS = 60_000  # ink pixels the profiles are built from (a sample on dense pages)
MIN_POINTS = 500  # fewer ink pixels: too little text to tell an angle
TALL = 1.5  # a line box this much taller than wide runs up or down the page
VERTICAL = 3.0  # a line box this much taller than wide on an upright page: text up a margin
MIN_LINES = 3  # fewer lines found: too little to tell the page lies sideways
TRIAL_LINES = 6  # long lines read turned by 180° to tell an upside-down page
TRIAL_ASPECT = 8  # a trial line's middle, this many heights wide: the recogniser pays by width
TURN_GAIN = 0.15  # mean recogniser confidence a turn must gain to be taken
MIN_LINE_SCORE = 0.5  # a tall line read no better either way is no text (RapidOCR's own cut)


def ink_points(image: np.ndarray) -> np.ndarray | None:
    """(x, y) of the dark pixels of a small probe of ``image`` (Otsu's threshold), centred on
    the probe; None where there is too little ink to measure an angle."""
    h, w = image.shape[:2]
    scale = min(1.0, PROBE_SIDE / max(h, w, 1))
    probe = image if scale >= 1.0 else cv2.resize(
        image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    if probe.ndim == 3:
        probe = cv2.cvtColor(probe, cv2.COLOR_BGR2GRAY)
    _, dark = cv2.threshold(probe, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ys, xs = np.nonzero(dark)
    if xs.size < MIN_POINTS or xs.size > 0.5 * dark.size:  # blank, or no paper to speak of
        return None
    if xs.size > MAX_POINTS:
        pick = np.random.default_rng(0).choice(xs.size, MAX_POINTS, replace=False)
        xs, ys = xs[pick], ys[pick]
    pts = np.stack([xs, ys], axis=1).astype(np.float64)
    return pts - pts.mean(axis=0)


def sharpness(pts: np.ndarray, degrees: float) -> float:
    """How sharp the row profile of ``pts`` is along lines tilted by ``degrees``: the sum of
    squared row counts over the squared total (high where the ink falls into a few dense rows,
    as text lines do when level)."""
    a = np.deg2rad(degrees)
    rows = pts[:, 1] * np.cos(a) + pts[:, 0] * np.sin(a)
    counts = np.bincount(np.round(rows - rows.min()).astype(np.int64))
    return float(np.dot(counts, counts)) / float(pts.shape[0]) ** 2


def skew(image: np.ndarray) -> float:
    """The tilt of the page's text lines (degrees, counter-clockwise as seen) within
    ±MAX_SKEW; 0 where it is under MIN_SKEW or there is too little ink to tell (coarse
    search, then a fine one around the best)."""
    pts = ink_points(image)
    if pts is None:
        return 0.0
    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, COARSE_STEP)
    centre = float(coarse[int(np.argmax([sharpness(pts, a) for a in coarse]))])
    fine = np.arange(centre - COARSE_STEP, centre + COARSE_STEP + 1e-9, FINE_STEP)
    angle = round(float(fine[int(np.argmax([sharpness(pts, a) for a in fine]))]), 2)
    return angle if abs(angle) >= MIN_SKEW else 0.0


def sideways(result: Any) -> bool:
    """True when most text OCR found stands in tall boxes: lines running up or down the
    page, which lies on its side (the recogniser reads such crops turned, so their text may
    look right while their boxes do not)."""
    if result.boxes is None or len(result.boxes) < MIN_LINES:
        return False
    return float(np.mean([_standing(box, TALL) for box in result.boxes])) > 0.5


def _standing(box: Any, ratio: float) -> bool:
    """Whether a line box is more than ``ratio`` times as tall as it is wide."""
    width, height = np.ptp(np.asarray(box, dtype=np.float64), axis=0)
    return bool(height > ratio * width)


def turn(image: np.ndarray, degrees: int) -> np.ndarray:
    """``image`` turned clockwise by a multiple of 90°."""
    k = (degrees // 90) % 4
    return image if k == 0 else np.ascontiguousarray(np.rot90(image, -k))


def straighten(image: np.ndarray, degrees: float) -> tuple[np.ndarray, float, float]:
    """``image`` with its lines, tilted by ``degrees``, levelled, on a canvas grown to hold it
    (white where the page was not), and the canvas's margins (x, y) in pixels: a point of the
    straightened page sits at its position minus the margins."""
    if not degrees:
        return image, 0.0, 0.0
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), -degrees, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(np.ceil(w * cos + h * sin)), int(np.ceil(w * sin + h * cos))
    m[0, 2] += (nw - w) / 2.0
    m[1, 2] += (nh - h) / 2.0
    white = (255,) * (1 if image.ndim == 2 else image.shape[2])
    out = cv2.warpAffine(image, m, (nw, nh), flags=cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=white)
    return out, (nw - w) / 2.0, (nh - h) / 2.0


def upside_down(engine: Any, image: np.ndarray, result: Any) -> bool:
    """True when the middles of the longest lines OCR found read far better turned by 180°:
    the page is upside down. The recogniser's confidence on text standing on its head is low,
    and on upright text it falls when the text is turned, so only a large gain counts.

    On a page lying on its side, RapidOCR reads each tall line turned a quarter
    counter-clockwise; True then says the other quarter reads better: the page is to be turned
    clockwise."""
    if result.boxes is None or not result.txts or result.scores is None:
        return False
    sides = [float(np.ptp(np.asarray(b), axis=0).max()) for b in result.boxes]
    longest = sorted(range(len(sides)), key=lambda i: -sides[i])[:TRIAL_LINES]
    turned = _read_turned(engine, image, result, longest, _middle)
    if turned is None:
        return False
    before = float(np.mean([result.scores[i] for i in longest]))
    return float(np.mean(turned.scores)) - before > TURN_GAIN


VerticalLine = tuple[str, float, bool]
"""A line running up or down an upright page: its text read upright, the recogniser's
confidence, and whether it reads upward (from the bottom of the page)."""


def vertical_lines(engine: Any, image: np.ndarray,
                   result: Any) -> dict[int, VerticalLine | None]:
    """The lines standing tall on an upright page (a legal line up a margin), each read the
    way it reads better, by index in ``result`` (None: no text either way).

    RapidOCR turns a tall line's crop a quarter counter-clockwise, which sets text that runs
    down the page upright and text that runs up it on its head; so each is read turned by 180°
    as well, and the better reading kept. A line neither way reads as text is None, to be left
    out: taken as a line across the page, its tall box would join every line beside it."""
    if result.boxes is None or not result.txts or result.scores is None:
        return {}
    tall = [i for i, box in enumerate(result.boxes) if _standing(box, VERTICAL)]
    if not tall or sideways(result):
        return {}
    turned = _read_turned(engine, image, result, tall)
    if turned is not None and len(turned.txts) != len(tall):
        turned = None
    out = {}
    for k, i in enumerate(tall):
        down = (result.txts[i], float(result.scores[i]), False)
        up = (turned.txts[k], float(turned.scores[k]), True) if turned is not None else down
        best = max(down, up, key=lambda r: r[1])
        out[i] = best if best[1] >= MIN_LINE_SCORE and best[0].strip() else None
    return out


def _read_turned(engine: Any, image: np.ndarray, result: Any, lines: list[int],
                 cut: Callable[[np.ndarray], np.ndarray] | None = None) -> Any | None:
    """The recogniser's reading of ``lines`` of ``result`` (their crops, ``cut`` down if
    given) turned by 180°; None where it does not answer one score per line."""
    from rapidocr.utils.process_img import get_rotate_crop_image

    crops = [get_rotate_crop_image(image, np.asarray(result.boxes[i], dtype=np.float32))
             for i in lines]
    turned = engine.recognize_txt([_colour((cut(c) if cut else c)[::-1, ::-1]) for c in crops])
    if turned.scores is None or len(turned.scores) != len(lines):
        return None
    return turned


def _middle(crop: np.ndarray) -> np.ndarray:
    """The middle of a line crop, at most :data:`TRIAL_ASPECT` heights wide. Eight heights
    tell a page's way up as well as the whole line (within 0.01 of its confidence gain on
    every dev page) at a third of the recogniser's time."""
    height, width = crop.shape[:2]
    keep = int(TRIAL_ASPECT * height)
    if width <= keep:
        return crop
    start = (width - keep) // 2
    return crop[:, start:start + keep]


def _colour(crop: np.ndarray) -> np.ndarray:
    """A crop as the recogniser takes it: three channels (RapidOCR converts whole pages
    itself, not the crops handed to it directly)."""
    crop = np.ascontiguousarray(crop)
    return cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR) if crop.ndim == 2 else crop
