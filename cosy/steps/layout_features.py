"""Features of a page's line segments for the block classifier (``block_class``).

One float32 row per segment, computed here in plain Python and numpy for the recipe and the
step alike (the ONNX graph takes only the vector): hashed words (crc32, digits folded, as the
role models do) of the segment, the rest of its line, its left and upper neighbours, the lines
above and below and its block's first segment; then where it is (geometry, block, column,
region, reading order), how it is printed (size relative to the page's body text, bold, rulings
next to it) and what its text looks like (amounts, dates, percentages, IBANs, e-mail and web
addresses, phone numbers, postcodes, label colons).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from cosy.domain import Line, PageGeometry
from cosy.engine.step import step
from cosy.inference.features import bucket, tokens
from cosy.steps.layout_blocks import Block, Columns, Segment
from cosy.steps.layout_regions import REGIONS, Regions

BLOCK_CLASSES = ("letterhead", "address", "meta", "title", "table_header", "table_row", "totals",
                 "payment", "footer", "body")
FEATURES_VERSION = "1"
HASH_DIM = 512
SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("amount", re.compile(r"\d[\d.,' ]*[.,]\d{2}(?!\d)")),
    ("date", re.compile(r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\.? "
                        r"(?:jan|feb|mär|mar|apr|ma[iy]|jun|jul|aug|sep|o[ck]t|nov|de[cz]|"
                        r"janv|févr|mars|avr|juin|juil|août|sept|déc)", re.I)),
    ("percent", re.compile(r"\d\s?%")),
    ("iban", re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,}")),
    ("web", re.compile(r"@|www\.|https?://|\.(?:de|com|fr|eu|at|ch|net|org|co\.uk)\b", re.I)),
    ("phone", re.compile(r"(?:\+\d{2}|\(0\d+\)|\b0\d{2,5})[\d /()-]{5,}")),
    ("postcode", re.compile(r"\b(?:[A-Z]{1,2}-)?\d{4,5} [A-ZÄÖÜÉ][\w-]+|\b[A-Z]{1,2}\d[\dA-Z]? "
                            r"\d[A-Z]{2}\b")),
    ("currency", re.compile(r"[€$£]|\b(?:EUR|USD|GBP|CHF)\b")),
    ("colon", re.compile(r":")),
    ("ends_colon", re.compile(r":\s*$")),
    ("starts_digit", re.compile(r"^\d")),
    ("sentence", re.compile(r"[a-zäöüßé]{3,}[ ,]+[a-zäöüßé]{2,} [a-zäöüßé]{2,}")),
)
DENSE = 60


def block_class_spec(hash_dim: int = HASH_DIM) -> dict[str, Any]:
    """The feature spec the recipe writes to the registry for :func:`segment_features`."""
    return {"kind": "layout_segment", "hash_dim": hash_dim, "dim": hash_dim + DENSE,
            "version": FEATURES_VERSION}


def text_shape(text: str) -> tuple[float, ...]:
    """Shape flags of one segment's text (``SHAPES``) and its character mix."""
    n = max(len(text), 1)
    flags = tuple(float(bool(rx.search(text))) for _, rx in SHAPES)
    digits = sum(c.isdigit() for c in text) / n
    upper = sum(c.isupper() for c in text) / n
    alpha = sum(c.isalpha() for c in text) / n
    return (*flags, digits, upper, alpha, min(len(text), 80) / 80, min(len(text.split()), 12) / 12)


@step("layout.shapes", scope="page", requires=["page.segments"], provides=["page.segment_shapes"])
def shapes(page_segments: list[Segment]) -> list[tuple[float, ...]]:
    """What each segment's text looks like: amount, date, IBAN, address line, label, sentence."""
    return [text_shape(s.text) for s in page_segments]


def _hash(row: np.ndarray, ns: str, text: str, dim: int) -> None:
    for t in tokens(text):
        row[bucket(f"{ns}:{t}", dim)] = 1.0


def segment_features(segments: Sequence[Segment], shapes_: Sequence[tuple[float, ...]],
                     neighbours_: Sequence[tuple[int, int, int, int]], blocks_: Sequence[Block],
                     columns_: Columns, order_: Sequence[int], regions_: Regions,
                     fonts: Mapping[str, float], rulings_: Sequence[tuple[float, float, float]],
                     lines: Sequence[Line], geometry: PageGeometry, page_no: int,
                     pages: int, spec: Mapping[str, Any]) -> np.ndarray:
    """A page's segments as an (n, dim) float32 matrix (see the module docstring)."""
    if spec.get("kind") != "layout_segment" or str(spec.get("version")) != FEATURES_VERSION:
        raise ValueError(f"unsupported feature spec {dict(spec)!r}; this code computes "
                         f"layout_segment version {FEATURES_VERSION}")
    hdim, dim = int(spec["hash_dim"]), int(spec["dim"])
    n = len(segments)
    out = np.zeros((n, dim), dtype=np.float32)
    if not n:
        return out
    width = geometry.width
    height = geometry.height
    body = float(fonts.get("body") or 10.0)
    biggest = float(fonts.get("largest") or body)
    block_of = {i: k for k, b in enumerate(blocks_) for i in b.segments}
    rank = {k: r for r, k in enumerate(order_)}
    per_line: dict[int, list[int]] = {}
    for i, s in enumerate(segments):
        per_line.setdefault(s.line, []).append(i)
    for i, s in enumerate(segments):
        row = out[i]
        _hash(row, "s", s.text, hdim)
        first = tokens(s.text)[:1]
        if first:
            row[bucket(f"f:{first[0]}", hdim)] = 1.0
        mates = per_line[s.line]
        for j in mates:
            if j != i:
                _hash(row, "w", segments[j].text, hdim)
        if s.line > 0:
            _hash(row, "a", lines[s.line - 1].text, hdim)
        if s.line + 1 < len(lines):
            _hash(row, "b", lines[s.line + 1].text, hdim)
        left, _right, up, down = neighbours_[i]
        if left >= 0:
            _hash(row, "l", segments[left].text, hdim)
        if up >= 0:
            _hash(row, "u", segments[up].text, hdim)
        k = block_of[i]
        blk = blocks_[k]
        head = blk.segments[0]
        if head != i:
            _hash(row, "k", segments[head].text, hdim)
        x0, top, x1, bottom = s.bbox
        pos = blk.segments.index(i)
        col = columns_.of_block[k]
        region = regions_.of_block[k]
        gap_above = top - segments[up].bbox[3] if up >= 0 else 100.0
        gap_below = segments[down].bbox[1] - bottom if down >= 0 else 100.0
        gap_left = x0 - segments[left].bbox[2] if left >= 0 else width
        size = s.size or body
        near = 1.2 * size
        dense = [
            x0 / width, x1 / width, top / height, bottom / height, (x1 - x0) / width,
            (x0 + x1) / 2 / width, (bottom - top) / body,
            size / body, size / biggest, float(s.bold), float(size >= biggest - 0.1),
            len(mates) / 5, mates.index(i) / 5, float(mates[0] == i), float(mates[-1] == i),
            len(blk.segments) / 10, blk.lines / 10, (blk.bbox[2] - blk.bbox[0]) / width,
            blk.bbox[1] / height, blk.bbox[3] / height, pos / max(len(blk.segments), 1),
            float(pos == 0), float(pos == len(blk.segments) - 1), blk.bbox[0] / width,
            float(col == -1), float(col == 0), float(col == 1), float(bool(columns_.bands)),
            *(float(region == r) for r in REGIONS),
            rank[k] / max(len(blocks_), 1), len(blocks_) / 50,
            float(any(top - near <= y <= top + 1 and rx0 < x1 and rx1 > x0
                      for rx0, y, rx1 in rulings_)),
            float(any(bottom - 1 <= y <= bottom + near and rx0 < x1 and rx1 > x0
                      for rx0, y, rx1 in rulings_)),
            min(gap_above / body, 10.0) / 10, min(gap_below / body, 10.0) / 10,
            float(left >= 0), max(gap_left, 0.0) / width,
            *shapes_[i],
            float(page_no == 1), float(page_no >= pages), float(pages > 1),
        ]
        row[hdim:] = dense
    return out

