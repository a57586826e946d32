"""The budgets of one page and one document, in the units the code checks them in.

Settings speak megabytes, megapixels and seconds (``COSY_MAX_STREAM_MB`` ...); the checks want
bytes and pixels. One frozen object, made from the settings where the work starts, travels with
the work (Dask tasks, the page-image renderer), so every process enforces the same numbers.
docs/reliability.md lists each budget, its default and what happens past it.
"""

from __future__ import annotations

from dataclasses import dataclass

from cosy.config import Settings, get_settings

MB = 1 << 20


@dataclass(frozen=True, slots=True)
class Budgets:
    stream_bytes: int
    decoded_bytes: int
    page_operators: int
    page_objects: int
    nesting: int
    image_pixels: int
    render_pixels: int
    ocr_min_dpi: int
    page_seconds: float
    doc_seconds: float
    task_memory: int

    def document_task_seconds(self, pages: int) -> float:
        """Seconds of one document task (checks, merging, the graph): work that grows with the
        pages, far below a second each, so 4 page budgets or a second a page, whichever is
        more, and never past the document's budget. A file that makes even the page check
        slow (megabytes of nested objects) ends in about 2 minutes, not 15."""
        return min(self.doc_seconds, max(4 * self.page_seconds, float(pages)))

    @classmethod
    def from_settings(cls, s: Settings) -> Budgets:
        return cls(
            stream_bytes=int(s.max_stream_mb * MB), decoded_bytes=int(s.max_decoded_mb * MB),
            page_operators=s.max_page_operators, page_objects=s.max_page_objects,
            nesting=s.max_nesting, image_pixels=int(s.max_image_mp * 1e6),
            render_pixels=int(s.max_render_mp * 1e6), ocr_min_dpi=s.ocr_min_dpi,
            page_seconds=s.page_timeout_s, doc_seconds=s.doc_timeout_s,
            task_memory=int(s.task_memory_mb * MB))


def configured() -> Budgets:
    """The budgets of this process's settings, for code that runs outside any configured work
    (a library call, a test)."""
    return Budgets.from_settings(get_settings())


def mb(n: float) -> str:
    """Bytes for people: '64 MB', '1.5 MB'."""
    value = n / MB
    return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"


def mp(n: float) -> str:
    """Pixels for people: '25 megapixels'."""
    return f"{n / 1e6:.0f} megapixels" if n >= 1e7 else f"{n / 1e6:.1f} megapixels"
