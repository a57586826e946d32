"""Raw matches of a candidate source, before any family decides what they are worth.

A family with several candidate sources (one pattern family or one language's lexicon each) lets
every source report :class:`Hit` records; the family's normalise step then resolves overlaps the
way one big alternation would (leftmost match first, a longer one before a shorter one at the
same place, an earlier-listed source on a tie) and only then reads values. The context step
turns the surviving hits into :class:`~cosy.steps.fields.common.Candidate` mentions with label,
column header and position, so a rule or a model can judge them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from cosy.domain import Line
from cosy.steps.fields.common import Candidate, header_above, left_label, span_bbox


@dataclass(frozen=True, slots=True)
class Hit:
    """Where a source matched: the value's span in a line, the whole match and its parts."""

    line: int  # index of the line on its page
    start: int  # the value's characters [start, end) within the line's text
    end: int
    source: str  # the step that found it
    origin: int  # start of the whole match (a label included): overlaps are decided on it
    stop: int  # end of the whole match
    parts: tuple[tuple[str, str], ...] = ()  # the named groups the source read
    label: str = ""  # a label the source itself found (a column header above the value)
    rank: int = 0  # tie-break between sources matching the same characters: lower first

    def part(self, name: str) -> str:
        """One named group of the match ('' when it did not take part)."""
        return dict(self.parts).get(name, "")


def scan(lines: Sequence[Line], pattern: re.Pattern[str], source: str, group: str | int,
         rank: int = 0) -> list[Hit]:
    """Every match of ``pattern`` in the page's lines; ``group`` names the value's span."""
    out = []
    for i, line in enumerate(lines):
        for m in pattern.finditer(line.text):
            start, end = m.span(group)
            parts = tuple((k, v) for k, v in m.groupdict().items() if v is not None)
            out.append(Hit(i, start, end, source, m.start(), m.end(), parts, rank=rank))
    return out


def resolve_overlaps(*sources: Iterable[Hit]) -> list[Hit]:
    """The hits of all sources that one scan of the line would have kept, in reading order.

    Leftmost match wins; at the same start the longer match, then the lower rank. A hit that
    overlaps one already kept is dropped: two sources never claim the same characters.
    """
    hits = sorted((h for src in sources for h in src),
                  key=lambda h: (h.line, h.origin, -h.stop, h.rank))
    kept: list[Hit] = []
    for h in hits:
        if kept and kept[-1].line == h.line and h.origin < kept[-1].stop:
            continue
        kept.append(h)
    return sorted(kept, key=lambda h: (h.line, h.start))


def mentions(lines: list[Line], page_no: int, height: float, kind: str,
             hits: Iterable[tuple[Hit, str]]) -> Iterator[Candidate]:
    """Each (hit, normalised value) as a Candidate: label left of it, header above, height.

    The mention's step is the source that found it: provenance down to the pattern.
    """
    for hit, value in hits:
        line = lines[hit.line]
        bbox = span_bbox(line, hit.start, hit.end)
        label, in_row = left_label(line, hit.start)
        yield Candidate(
            kind=kind, raw=line.text[hit.start:hit.end], value=value, page=page_no, bbox=bbox,
            span=(line.start + hit.start, line.start + hit.end), step=hit.source, label=label,
            header=header_above(lines, hit.line, bbox[0], bbox[2]), in_row=in_row,
            y=bbox[1] / height if height else 0.0, line=hit.line)
