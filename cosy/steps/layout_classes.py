"""Block classes: the ``block_class`` model on every line segment, a vote per block, and the
``page.layout`` summary that other families read.

``layout.segment_class`` runs the ONNX model on all of a page's segments in one batch;
``layout.block_class`` gives each block the class its segments vote for (probabilities weighted
by characters), so one odd line does not split a block; ``layout.summary`` answers the questions
consumers ask: which class has the block a line, a character offset or a box belongs to.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

import numpy as np

from cosy.domain import BBox, Line, PageGeometry
from cosy.engine.step import StepContext, step
from cosy.inference.registry import run_classifier
from cosy.steps.layout_blocks import Block, Columns, Segment
from cosy.steps.layout_features import BLOCK_CLASSES, segment_features
from cosy.steps.layout_regions import Regions

BLOCK_CLASS_MODEL = "block_class@1.0"


@step("layout.features", scope="page",
      requires=["page.segments", "page.segment_shapes", "page.segment_neighbours",
                "page.blocks", "page.columns", "page.reading_order", "page.regions",
                "page.fonts", "page.rulings", "page.lines", "page.geometry", "page_no",
                "doc_info"],
      provides=["page.segment_features"])
def features(page_segments: list[Segment], page_segment_shapes: list[tuple[float, ...]],
             page_segment_neighbours: list[tuple[int, int, int, int]], page_blocks: list[Block],
             page_columns: Columns, page_reading_order: list[int], page_regions: Regions,
             page_fonts: dict[str, float], page_rulings: list[tuple[float, float, float]],
             page_lines: list[Line], page_geometry: PageGeometry, page_no: int,
             doc_info: Any, ctx: StepContext) -> np.ndarray:
    """The block classifier's input rows, one per segment, per the model's feature spec."""
    spec = ctx.resources.model(BLOCK_CLASS_MODEL).features
    return segment_features(page_segments, page_segment_shapes, page_segment_neighbours,
                            page_blocks, page_columns, page_reading_order, page_regions,
                            page_fonts, page_rulings, page_lines, page_geometry, page_no,
                            doc_info.pages, spec)


@step("layout.segment_class", scope="page", requires=["page.segment_features"],
      provides=["page.segment_classes"], model=BLOCK_CLASS_MODEL)
def segment_class(page_segment_features: np.ndarray, ctx: StepContext) -> np.ndarray:
    """Class probabilities (n, classes) of each segment, in ``BLOCK_CLASSES`` order."""
    spec = ctx.resources.model(BLOCK_CLASS_MODEL)
    if tuple(spec.labels) != BLOCK_CLASSES:
        raise ValueError(f"{spec.ref} has labels {spec.labels}, the steps expect {BLOCK_CLASSES}")
    return run_classifier(spec, ctx.resources.session(BLOCK_CLASS_MODEL), page_segment_features)


def vote(block: Block, segments: list[Segment], probs: np.ndarray) -> tuple[str, float]:
    """The class a block's segments agree on, weighted by their characters, and its share."""
    total = np.zeros(len(BLOCK_CLASSES), dtype=np.float64)
    for i in block.segments:
        total += probs[i] * max(len(segments[i].text), 1)
    k = int(total.argmax())
    return BLOCK_CLASSES[k], float(total[k] / max(total.sum(), 1e-9))


@step("layout.block_class", scope="page",
      requires=["page.blocks", "page.segments", "page.segment_classes"],
      provides=["page.block_classes"])
def block_class(page_blocks: list[Block], page_segments: list[Segment],
                page_segment_classes: np.ndarray) -> list[tuple[str, float]]:
    """(class, confidence) per block."""
    if not page_blocks:
        return []
    return [vote(b, page_segments, page_segment_classes) for b in page_blocks]


@dataclass(frozen=True, slots=True)
class BlockInfo:
    cls: str
    confidence: float
    bbox: BBox
    region: str  # header | window | body | footer
    column: int  # -1 full width, 0 left, 1 right of a two-column band
    lines: tuple[int, ...]  # indices into page.lines
    segments: tuple[int, ...]  # indices into page.segments


@dataclass(frozen=True, slots=True)
class PageLayout:
    """A page's layout for consumers: blocks with class, region and column in reading order,
    each segment's block, and each line's class (its block with the most characters)."""

    blocks: tuple[BlockInfo, ...]  # in reading order
    segments: tuple[Segment, ...]
    segment_block: tuple[int, ...]  # index into ``blocks`` per segment
    line_class: tuple[str, ...]
    header_bottom: float
    footer_top: float
    bands: tuple[tuple[float, float, float], ...]

    def block_at(self, offset: int) -> BlockInfo | None:
        """The block of the segment that holds page-text offset ``offset`` (a mention's span)."""
        starts = [s.start for s in self.segments]
        k = bisect.bisect_right(starts, offset) - 1
        if k < 0:
            return None
        seg = self.segments[k]
        if offset > seg.start + len(seg.text):
            return None
        return self.blocks[self.segment_block[k]]

    def class_at(self, offset: int) -> str | None:
        block = self.block_at(offset)
        return block.cls if block else None

    def class_of_box(self, bbox: BBox) -> str | None:
        """The class of the block that holds the centre of ``bbox``."""
        cx, cy = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
        for b in self.blocks:
            x0, y0, x1, y1 = b.bbox
            if x0 - 1 <= cx <= x1 + 1 and y0 - 1 <= cy <= y1 + 1:
                return b.cls
        return None

    def of_class(self, cls: str) -> list[BlockInfo]:
        return [b for b in self.blocks if b.cls == cls]

    def to_json(self) -> dict[str, Any]:
        return {"header_bottom": round(self.header_bottom, 1),
                "footer_top": round(self.footer_top, 1),
                "bands": [[round(v, 1) for v in band] for band in self.bands],
                "blocks": [{"class": b.cls, "confidence": round(b.confidence, 3),
                            "bbox": [round(v, 1) for v in b.bbox], "region": b.region,
                            "column": b.column, "lines": list(b.lines)} for b in self.blocks],
                "line_class": list(self.line_class)}


@step("layout.summary", scope="page",
      requires=["page.lines", "page.segments", "page.blocks", "page.block_classes",
                "page.regions", "page.columns", "page.reading_order"],
      provides=["page.layout"])
def summary(page_lines: list[Line], page_segments: list[Segment], page_blocks: list[Block],
            page_block_classes: list[tuple[str, float]], page_regions: Regions,
            page_columns: Columns, page_reading_order: list[int]) -> PageLayout:
    """Blocks in reading order with class, region and column; each line's class."""
    infos, segment_block = [], [0] * len(page_segments)
    for rank, k in enumerate(page_reading_order):
        b = page_blocks[k]
        cls, conf = page_block_classes[k]
        for i in b.segments:
            segment_block[i] = rank
        infos.append(BlockInfo(cls, conf, b.bbox, page_regions.of_block[k],
                               page_columns.of_block[k],
                               tuple(sorted({page_segments[i].line for i in b.segments})),
                               b.segments))
    chars: list[dict[str, int]] = [{} for _ in page_lines]
    for i, seg in enumerate(page_segments):
        cls = infos[segment_block[i]].cls
        chars[seg.line][cls] = chars[seg.line].get(cls, 0) + len(seg.text)
    line_class = tuple(max(c, key=c.__getitem__) if c else "body" for c in chars)
    return PageLayout(tuple(infos), tuple(page_segments), tuple(segment_block), line_class,
                      page_regions.header_bottom, page_regions.footer_top, page_columns.bands)


@step("layout.document", scope="document", requires=["page.layout"], provides=["doc.layout"])
def document(page_layout: list[PageLayout]) -> list[dict[str, Any]]:
    """Every page's layout as JSON (blocks with class, box, region, column; each line's class):
    an output of the run beside the result, for the API and for reviewing what the model saw."""
    return [p.to_json() for p in page_layout]
