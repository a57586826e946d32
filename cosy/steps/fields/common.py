"""What every field family shares: finding regex matches in lines, with boxes and labels."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from cosy.domain import BBox, Line, Mention, union_bbox


def word_spans(line: Line) -> list[tuple[int, int]]:
    """Character span of each word within ``line.text`` (words are joined by one separator)."""
    spans, pos = [], 0
    for w in line.words:
        start = line.text.index(w.text, pos)
        spans.append((start, start + len(w.text)))
        pos = start + len(w.text)
    return spans


def span_bbox(line: Line, start: int, end: int) -> BBox:
    """The box of the words that overlap characters [start, end) of the line."""
    boxes = [w.bbox for w, (a, b) in zip(line.words, word_spans(line), strict=True)
             if a < end and b > start]
    return union_bbox(boxes) if boxes else line.bbox


def label_before(lines: list[Line], index: int, start: int) -> str:
    """The text that introduces a value: the cell before it on its line, else the line above."""
    line = lines[index]
    before = line.text[:start].rstrip(" :\t")
    if before:
        return before.rsplit("\t", 1)[-1].strip()
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
) -> Iterator[Mention]:
    """Every match of ``pattern`` that ``normalize`` accepts, as a Mention with box and label."""
    for i, line in enumerate(lines):
        for m in pattern.finditer(line.text):
            value = normalize(m)
            if value is None:
                continue
            start, end = m.span(kind) if kind in pattern.groupindex else m.span()
            yield Mention(
                kind=kind,
                raw=line.text[start:end],
                value=value,
                page=page,
                bbox=span_bbox(line, start, end),
                span=(line.start + start, line.start + end),
                step=step_name,
                label=label_before(lines, i, start),
            )
