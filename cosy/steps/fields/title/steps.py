"""Title: what the document calls itself (Rechnung, Purchase Order, Devis ...), read from page 1.

The title decides two things no label can: which printed number is the document's own (an
order's "Bestellnummer" is its number, an invoice's is a reference), and who wrote it: the
letterhead of an order is the buyer's, of every other business document the seller's. The
largest title-like text in the upper part of page 1 wins, as a reader would see it.
"""

from __future__ import annotations

from cosy.domain import Line, PageGeometry
from cosy.engine.step import step
from cosy.steps.fields.common import EMPHASIS, cell_words, cells
from cosy.steps.fields.doc_kinds import title_kind


@step("fields.title.candidates", scope="page",
      requires=["page.lines", "page_no", "page.geometry", "page.fonts"],
      provides=["page.title_candidates"])
def title_candidates(page_lines: list[Line], page_no: int, page_geometry: PageGeometry,
                     page_fonts: dict[str, float]) -> list[tuple[float, str, str]]:
    """(score, kind, text) of title-like cells in the upper 60 % of page 1, biggest type first."""
    if page_no != 1:
        return []
    limit = 0.6 * page_geometry.height
    body = page_fonts["body"]
    out: list[tuple[float, str, str]] = []
    for line in page_lines:
        if line.words[0].top > limit:
            break
        row = cells(line)
        for k, cell in enumerate(row[:2]):
            kind = title_kind(cell.text)
            if kind is None or cell.text.endswith(":") \
                    or (k + 1 < len(row) and row[k + 1].text.startswith(":")):
                continue  # a label ("Bestellung : B123"), not a title
            words = cell_words(line, cell)
            size = max((w.size for w in words), default=0.0)
            bold = any(w.bold for w in words)
            if size < EMPHASIS * body and not (bold and len(row) == 1):
                continue  # body text that happens to start with a title word
            out.append((size + (1.0 if bold else 0.0), kind, cell.text))
    return sorted(out, key=lambda t: -t[0])


@step("fields.title.select", scope="document", requires=["page.title_candidates"],
      provides=["doc.title_kind"])
def select_title(page_title_candidates: list[list[tuple[float, str, str]]]) -> str | None:
    """The kind of document its title names (invoice, order, quote ...), None without a title."""
    found = [c for page in page_title_candidates for c in page]
    return max(found, key=lambda c: c[0])[1] if found else None


@step("fields.title.labels", scope="page", requires=["page.lines", "page_no", "page.geometry"],
      provides=["page.title_label_kinds"])
def title_label_kinds(page_lines: list[Line], page_no: int,
                      page_geometry: PageGeometry) -> list[str]:
    """Kinds of document that labels in the upper 40 % of page 1 name ('PURCHASE ORDER:
    PO123', 'Rechnung # 42' in body type): weaker evidence than a title, which the document
    type only takes where the type model agrees."""
    if page_no != 1:
        return []
    limit = 0.4 * page_geometry.height
    found: set[str] = set()
    for line in page_lines:
        if line.words[0].top > limit:
            break
        for cell in cells(line)[:2]:
            kind = title_kind(cell.text.rstrip(" :"))
            if kind is not None:
                found.add(kind)
    return sorted(found)
