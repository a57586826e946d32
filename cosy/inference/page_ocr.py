"""Read one page image with the PP-OCR models: straightened, detected small, read sharp.

RapidOCR's own pipeline detects at one fixed size and pads every line to a 320 px wide
recognition input. A page is read here with its components instead, in this order:

1. **Straighten** (:mod:`cosy.inference.page_geometry`): a page on its side is turned, a skewed
   one rotated level, so that words of one printed line share their top and bottom.
2. **Detect small**: the detector sees the page reduced until its letters are
   :data:`DET_GLYPH_PX` pixels tall (the glyph height is measured on the page; at most
   ``det_max_side`` on the long side). Detection costs by the pixel, and a 200 dpi invoice
   reads as well at about half its size.
3. **Read sharp**: each line is cut from the full-resolution page (boxes scaled up), and all
   lines of the page are recognised in batches of similar width, each padded only to its
   widest line (not to 320 px: a line of one short number costs a fifth of a long one).
4. **Upside down?** When the lines read poorly, the widest few are read turned by 180°; if
   that reads clearly better, every line is read turned and the boxes are mirrored.

Each line keeps its recogniser confidence and each word the lowest confidence of its
characters (the likeliest misread), so later steps can weigh OCR words. :class:`PageText`
carries the CPU seconds of every stage, for the benchmarks' profile.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from cosy.inference import page_geometry

DET_GLYPH_PX = 10.0  # detector input: letters about this many pixels tall
DET_MIN_SCALE = 0.35  # never reduce a page below this (tiny print stays detectable)
REC_HEIGHT = 48  # the recogniser's input height (PP-OCR)
REC_MIN_RATIO = 2.0  # narrowest recognition input, width / height
REC_BATCH = 8  # lines per recognition run
MIN_LINE_CONF = 0.5  # lines read with less confidence are dropped (RapidOCR's text_score)
UPRIGHT_CHECK_CONF = 0.8  # median line confidence under which the page may be upside down
UPRIGHT_SAMPLE = 6  # lines read both ways to decide
UPRIGHT_GAIN = 0.15  # mean confidence the turned reading must gain


@dataclass(frozen=True)
class OcrWord:
    """A word of a recognised line: its text, lowest character confidence, and pixel extent
    along the line (the line's box gives top and bottom)."""

    text: str
    conf: float
    x0: float
    x1: float


@dataclass(frozen=True)
class OcrLine:
    text: str
    conf: float
    box: tuple[float, float, float, float]  # x0, top, x1, bottom in pixels of the page image
    words: tuple[OcrWord, ...]


@dataclass
class PageText:
    """What OCR read on a page, in the straightened image's pixels, and how it read it."""

    lines: list[OcrLine]
    width: int
    height: int
    quarter_turns: int = 0
    upside_down: bool = False
    skew: float = 0.0
    glyph_px: float | None = None
    det_scale: float = 1.0
    cpu_s: dict[str, float] = field(default_factory=dict)

    @property
    def rotation(self) -> float:
        """Degrees the page was turned clockwise to be read (quarter turns, 180°, skew)."""
        return 90.0 * self.quarter_turns + 180.0 * self.upside_down - self.skew


class _Clock:
    """CPU seconds per stage (process time: a loaded machine does not inflate them)."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self._t = time.process_time()

    def lap(self, stage: str) -> None:
        now = time.process_time()
        self.spent[stage] = self.spent.get(stage, 0.0) + now - self._t
        self._t = now


class PageOCR:
    """The page reader on a RapidOCR engine's detector and recogniser (ONNX Runtime sessions
    on the registry's verified models)."""

    def __init__(self, engine: Any, det_max_side: int) -> None:
        self.engine = engine
        self.det = engine._load_det_model()
        self.rec = engine._load_rec_model()
        self.det_max_side = det_max_side

    def read(self, gray: np.ndarray) -> PageText:
        """Read a grayscale page image (uint8, 2-D)."""
        clock = _Clock()
        geo = page_geometry.measure(gray)
        page = page_geometry.straighten(gray, geo.quarter_turns, geo.skew)
        glyph = page_geometry.glyph_height(page)
        clock.lap("straighten")
        scale = self.det_scale(page.shape, glyph)
        boxes = self.detect(page, scale)
        clock.lap("detect")
        out = PageText([], page.shape[1], page.shape[0], geo.quarter_turns, False, geo.skew,
                       glyph, scale)
        if len(boxes):
            crops = [crop_line(page, b) for b in boxes]
            clock.lap("crop")
            read = self.recognise(crops)
            clock.lap("recognise")
            if upside_down_suspected(read):
                flipped = self.reads_better_turned(crops, read)
                clock.lap("orientation")
                if flipped:
                    crops = [np.ascontiguousarray(c[::-1, ::-1]) for c in crops]
                    boxes = turn_boxes(boxes, page.shape[1], page.shape[0])
                    read = self.recognise(crops)
                    out.upside_down = True
                    clock.lap("recognise")
            out.lines = lines_of(boxes, read)
            if out.upside_down:
                out.lines.sort(key=lambda ln: (round(ln.box[1] / 10), ln.box[0]))
            clock.lap("words")
        out.cpu_s = clock.spent
        return out

    def det_scale(self, shape: tuple[int, ...], glyph_px: float | None) -> float:
        """How much the detector's copy of the page is reduced (1.0: not at all)."""
        cap = min(1.0, self.det_max_side / max(shape[:2]))
        if glyph_px is None:
            return cap
        return min(cap, max(DET_MIN_SCALE, DET_GLYPH_PX / glyph_px))

    def detect(self, page: np.ndarray, scale: float) -> np.ndarray:
        """Text line quadrilaterals (n, 4, 2) in the page's pixels, top to bottom."""
        from rapidocr.ch_ppocr_det.utils import DetPreProcess

        h, w = page.shape[:2]
        small = page if scale >= 1.0 else cv2.resize(
            page, (max(32, round(w * scale)), max(32, round(h * scale))),
            interpolation=cv2.INTER_AREA)
        pre = DetPreProcess(max(small.shape[:2]), "max", self.det.mean, self.det.std)
        tensor = pre(cv2.cvtColor(small, cv2.COLOR_GRAY2BGR))
        if tensor is None:
            return np.zeros((0, 4, 2), np.float32)
        boxes, _scores = self.det.postprocess_op(self.det.session(tensor), small.shape[:2])
        if len(boxes) == 0:
            return np.zeros((0, 4, 2), np.float32)
        boxes = np.asarray(self.det.sorted_boxes(np.asarray(boxes)), dtype=np.float32)
        boxes[:, :, 0] *= w / small.shape[1]
        boxes[:, :, 1] *= h / small.shape[0]
        return boxes

    def recognise(self, crops: list[np.ndarray]) -> list[tuple[str, float, Any]]:
        """(text, confidence, CTC word info) per crop: batches of similar width, each padded
        only to its widest line."""
        ratios = [c.shape[1] / max(c.shape[0], 1) for c in crops]
        order = np.argsort(ratios)
        out: list[tuple[str, float, Any]] = [("", 0.0, None)] * len(crops)
        for start in range(0, len(crops), REC_BATCH):
            idx = order[start:start + REC_BATCH]
            batch_ratios = [ratios[i] for i in idx]
            widest = max(REC_MIN_RATIO, *batch_ratios)
            tensor = np.stack([self.rec.resize_norm_img(to_bgr(crops[i]), widest) for i in idx])
            preds = self.rec.session(tensor.astype(np.float32))
            texts, infos = self.rec.postprocess_op(preds, True, wh_ratio_list=batch_ratios,
                                                   max_wh_ratio=widest)
            for i, (text, conf), info in zip(idx, texts, infos, strict=True):
                out[i] = (text, float(conf), info)
        return out

    def reads_better_turned(self, crops: list[np.ndarray],
                            read: list[tuple[str, float, Any]]) -> bool:
        """Whether the widest lines read clearly better turned by 180°."""
        widest = sorted(range(len(crops)), key=lambda i: -crops[i].shape[1])[:UPRIGHT_SAMPLE]
        turned = self.recognise([np.ascontiguousarray(crops[i][::-1, ::-1]) for i in widest])
        before = float(np.mean([read[i][1] for i in widest]))
        after = float(np.mean([conf for _, conf, _ in turned]))
        return after >= before + UPRIGHT_GAIN


def upside_down_suspected(read: list[tuple[str, float, Any]]) -> bool:
    confs = [conf for _, conf, _ in read]
    return bool(confs) and float(np.median(confs)) < UPRIGHT_CHECK_CONF


def to_bgr(crop: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR) if crop.ndim == 2 else crop


def crop_line(page: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The line's quadrilateral cut out of the page and warped upright (gray)."""
    from rapidocr.utils.process_img import get_rotate_crop_image

    return get_rotate_crop_image(page, quad.copy())


def turn_boxes(boxes: np.ndarray, width: int, height: int) -> np.ndarray:
    """Quadrilaterals of a page turned by 180°, corners kept in reading order."""
    turned = boxes.copy()
    turned[:, :, 0] = width - boxes[:, :, 0]
    turned[:, :, 1] = height - boxes[:, :, 1]
    return np.roll(turned, 2, axis=1)


def lines_of(boxes: np.ndarray, read: list[tuple[str, float, Any]]) -> list[OcrLine]:
    """Recognised lines with their words' extents and confidences."""
    lines = []
    for quad, (text, conf, info) in zip(boxes, read, strict=True):
        if not text.strip() or conf < MIN_LINE_CONF:
            continue
        x0, top = float(quad[:, 0].min()), float(quad[:, 1].min())
        x1, bottom = float(quad[:, 0].max()), float(quad[:, 1].max())
        lines.append(OcrLine(text, conf, (x0, top, x1, bottom),
                             tuple(word_extents(text, info, (x0, x1)))))
    return lines


def word_extents(text: str, info: Any, span: tuple[float, float]) -> list[OcrWord]:
    """The line's words (split at spaces), each with the lowest confidence of its characters
    and its x extent: from the recogniser's character columns (CTC time steps, spread evenly
    over the line), or by character share where the recogniser gave none."""
    confs = list(getattr(info, "confs", None) or [])
    cols = [c for word in (getattr(info, "word_cols", None) or []) for c in word]
    steps = float(getattr(info, "line_txt_len", 0) or 0)
    tokens: list[tuple[str, int]] = []
    pos = 0
    for token in text.split():
        pos = text.index(token, pos)
        tokens.append((token, pos))
        pos += len(token)
    aligned = len(confs) == len(text)
    parts = [(t, float(min(confs[p:p + len(t)])) if aligned else 0.0) for t, p in tokens]
    nonspace = sum(len(t) for t, _ in tokens)
    if len(cols) != nonspace or steps <= 0:
        return split_by_share(parts, span)
    x0, x1 = span
    step_px = (x1 - x0) / steps
    out, k = [], 0
    for text_part, conf in parts:
        first, last = cols[k], cols[k + len(text_part) - 1]
        k += len(text_part)
        out.append(OcrWord(text_part, conf, x0 + max(first - 0.5, 0) * step_px,
                           min(x0 + (last + 1.5) * step_px, x1)))
    return out


def split_by_share(parts: list[tuple[str, float]], span: tuple[float, float]) -> list[OcrWord]:
    """Words placed along the line by their share of its characters (spaces count one)."""
    x0, x1 = span
    per_char = (x1 - x0) / max(sum(len(t) for t, _ in parts) + len(parts) - 1, 1)
    out, pos = [], 0
    for text, conf in parts:
        start = x0 + pos * per_char
        out.append(OcrWord(text, conf, start, start + len(text) * per_char))
        pos += len(text) + 1
    return out
