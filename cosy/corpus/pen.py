"""A drawing surface that records where every field value lands.

Layouts draw through a ``Pen`` in top-left coordinates (y grows downwards, text is placed by its
baseline), the convention pdfplumber reports; the pen converts to reportlab's bottom-left origin
only when it finally emits the PDF. Drawing is recorded as operations first so that a layout can
finish all pages before page numbers ("Seite 1 von 3") and footers are drawn.

Text boxes are computed the way pdfminer computes character boxes for the standard fonts: the box
spans ``size`` points, its bottom at the baseline plus the font's descent. That makes the recorded
box equal to the union of pdfplumber's char boxes for the value.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfmetrics import (
    Font,
    getAscentDescent,
    getRegisteredFontNames,
    registerFont,
    stringWidth,
)
from reportlab.pdfgen import canvas

from cosy.domain import BBox

RGB = tuple[float, float, float]
BLACK: RGB = (0.0, 0.0, 0.0)

LABEL = "@"
"""Prefix of a mark name that records the printed label of a field (``@invoice_number``)."""


def label_of(field: str) -> str:
    """The mark name under which the label printed for ``field`` is recorded."""
    return LABEL + field


def is_label(name: str | None) -> bool:
    return name is not None and name.startswith(LABEL)


class _WidthsFont(Font):
    """A standard-14 face written with explicit /Widths and a /FontDescriptor.

    reportlab writes the standard fonts by name only, and pdfminer then measures them with its own
    AFM tables, which lack the Euro sign: every character after a "€" would be shifted by its
    width in pdfplumber's coordinates. Under the PostScript names of the metric-compatible fonts
    (ArialMT …, as real PDFs with non-embedded fonts use) pdfminer reads our widths instead, so
    recorded boxes and pdfplumber agree.
    """

    def __init__(self, name: str, face: str, pdf_name: str) -> None:
        super().__init__(name, face, "WinAnsiEncoding")
        self.pdf_name = pdf_name

    def addObjects(self, doc: Any) -> None:
        internal = "F" + repr(len(doc.fontMapping) + 1)
        font = pdfdoc.PDFType1Font()
        font.Name = internal
        font.BaseFont = self.pdf_name
        font.Subtype = "TrueType"
        font.Encoding = self.encoding.makePDFObject()
        font.FirstChar = 0
        font.LastChar = 255
        font.Widths = pdfdoc.PDFArray(self.widths)
        face = self.face
        flags = 32 | (1 if face.name.startswith("Courier") else 0)
        flags |= 64 if ("Oblique" in face.name or "Italic" in face.name) else 0
        desc = pdfdoc.PDFDictionary({
            "Type": pdfdoc.PDFName("FontDescriptor"),
            "FontName": pdfdoc.PDFName(self.pdf_name),
            "Flags": flags,
            "FontBBox": pdfdoc.PDFArray([-170, face.descent - 20, 1010, face.ascent + 220]),
            "ItalicAngle": -12 if flags & 64 else 0,
            "Ascent": face.ascent,
            "Descent": face.descent,
            "CapHeight": face.ascent,
            "StemV": 120 if ("Bold" in face.name) else 80,
        })  # fmt: skip
        font.FontDescriptor = doc.Reference(desc, "FD" + internal)
        doc.Reference(font, internal)
        doc.idToObject["BasicFonts"].dict[internal] = font
        doc.fontMapping[self.fontName] = "/" + internal


_FACES = {
    # family: (regular, bold, italic) as (standard face, name written to the PDF)
    "Helvetica": (("Helvetica", "ArialMT"), ("Helvetica-Bold", "Arial-BoldMT"),
                  ("Helvetica-Oblique", "Arial-ItalicMT")),
    "Times-Roman": (("Times-Roman", "TimesNewRomanPSMT"), ("Times-Bold", "TimesNewRomanPS-BoldMT"),
                    ("Times-Italic", "TimesNewRomanPS-ItalicMT")),
    "Courier": (("Courier", "CourierNewPSMT"), ("Courier-Bold", "CourierNewPS-BoldMT"),
                ("Courier-Oblique", "CourierNewPS-ItalicMT")),
}  # fmt: skip
REGULAR: dict[str, str] = {}
BOLD: dict[str, str] = {}
ITALIC: dict[str, str] = {}
for _family, _variants in _FACES.items():
    for _table, (_face, _pdf) in zip((REGULAR, BOLD, ITALIC), _variants, strict=True):
        _name = "Cosy-" + _face
        if _name not in getRegisteredFontNames():
            registerFont(_WidthsFont(_name, _face, _pdf))
        _table[_family] = _name

_DESCENT: dict[str, float] = {}


def descent(font: str) -> float:
    """Descent per point of size, positive (0.207 for Helvetica)."""
    d = _DESCENT.get(font)
    if d is None:
        d = -getAscentDescent(font, 1000)[1] / 1000
        _DESCENT[font] = d
    return d


def width(s: str, font: str, size: float) -> float:
    return stringWidth(s, font, size)


def trimmed(s: str, bbox: BBox, font: str, size: float) -> BBox:
    """The box of ``s`` without its leading and trailing spaces (labels are drawn as 'Label: ')."""
    lead = width(s[: len(s) - len(s.lstrip())], font, size)
    x0 = bbox[0] + lead
    return (x0, bbox[1], x0 + width(s.strip(), font, size), bbox[3])


@dataclass(slots=True)
class Mark:
    """One printed occurrence of a field value."""

    field: str
    page: int  # 1-based
    bbox: BBox
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"page": self.page, "bbox": [round(v, 2) for v in self.bbox], "text": self.text}


@dataclass(slots=True)
class Pen:
    """Recording canvas for one document (A4 portrait unless told otherwise)."""

    page_width: float = 595.2756
    page_height: float = 841.8898
    pages: list[list[tuple[Any, ...]]] = field(default_factory=lambda: [[]])
    current: int = 0  # 0-based index into pages
    marks: list[Mark] = field(default_factory=list)
    primary: dict[str, Mark] = field(default_factory=dict)
    labels: dict[str, Mark] = field(default_factory=dict)
    item_marks: dict[int, dict[str, Mark]] = field(default_factory=dict)
    regions: list[dict[str, Any]] = field(default_factory=list)
    _region_stack: list[tuple[int, str]] = field(default_factory=list)
    _region_index: dict[tuple[int, int], int] = field(default_factory=dict)
    _region_count: int = 0

    # --- pages -----------------------------------------------------------------------------------

    @property
    def page(self) -> int:
        """The current page, 1-based as in the truth records."""
        return self.current + 1

    def new_page(self) -> None:
        self.pages.append([])
        self.current = len(self.pages) - 1

    def goto(self, index: int) -> None:
        self.current = index

    # --- recording -------------------------------------------------------------------------------

    def mark(self, name: str, bbox: BBox, text: str, item: int | None = None) -> Mark:
        """Record that ``text`` (the value of field ``name``) is printed in ``bbox``; a name made
        by :func:`label_of` records the label printed for that field instead (the first one)."""
        m = Mark(name, self.page, bbox, text)
        if is_label(name):
            m.field = name[len(LABEL):]
            self.labels.setdefault(m.field, m)
        elif item is None:
            self.marks.append(m)
            self.primary.setdefault(name, m)
        else:
            self.item_marks.setdefault(item, {}).setdefault(name, m)
        return m

    @contextmanager
    def region(self, cls: str) -> Iterator[None]:
        """Record the text drawn inside as one layout block of class ``cls`` (per page).

        Only recording: nothing is drawn, no random number is drawn, so the PDF bytes do not
        depend on it. Text drawn outside any region counts as ``body``.
        """
        self._region_count += 1
        self._region_stack.append((self._region_count, cls))
        try:
            yield
        finally:
            self._region_stack.pop()

    def _record_region(self, bbox: BBox) -> None:
        rid, cls = self._region_stack[-1] if self._region_stack else (0, "body")
        key = (rid, self.page)
        i = self._region_index.get(key)
        if rid == 0 and (i is None or i != len(self.regions) - 1):
            i = None  # loose body text: one region per run between other regions
        if i is None:
            self._region_index[key] = len(self.regions)
            self.regions.append({"class": cls, "page": self.page, "bbox": list(bbox)})
            return
        b = self.regions[i]["bbox"]
        self.regions[i]["bbox"] = [min(b[0], bbox[0]), min(b[1], bbox[1]),
                                   max(b[2], bbox[2]), max(b[3], bbox[3])]

    def regions_json(self) -> list[dict[str, Any]]:
        return [{"class": r["class"], "page": r["page"],
                 "bbox": [round(v, 2) for v in r["bbox"]]} for r in self.regions]

    # --- drawing ---------------------------------------------------------------------------------

    def text(
        self,
        x: float,
        y: float,
        s: str,
        font: str,
        size: float,
        align: str = "left",
        name: str | None = None,
        item: int | None = None,
        color: RGB = BLACK,
    ) -> BBox:
        """Draw ``s`` with its baseline at ``y``; ``x`` is the left, right or centre edge."""
        w = width(s, font, size)
        if align == "right":
            x -= w
        elif align == "center":
            x -= w / 2
        if s:
            self.pages[self.current].append(("text", x, y, s, font, size, color))
        d = descent(font) * size
        bbox = (x, y + d - size, x + w, y + d)
        if s.strip():
            self._record_region(bbox)
        if is_label(name) and s.strip():
            self.mark(name, trimmed(s, bbox, font, size), s.strip())
        elif name is not None and s:
            self.mark(name, bbox, s, item)
        return bbox

    def label_within(self, field_name: str, x: float, y: float, before: str, label: str,
                     font: str, size: float) -> None:
        """Record ``label``, printed inside a longer string right after ``before`` (drawn at
        ``x``, baseline ``y``), as the label of ``field_name``."""
        x0 = x + width(before, font, size)
        d = descent(font) * size
        self.mark(label_of(field_name), (x0, y + d - size, x0 + width(label, font, size), y + d),
                  label)

    def page_text(self, x: float, y: float, template: str, font: str, size: float,
                  align: str = "left", color: RGB = BLACK) -> None:  # fmt: skip
        """Text with ``{p}``/``{n}`` filled in at emit time (page numbers)."""
        self.pages[self.current].append(("ptext", x, y, template, font, size, color, align))
        w = width(template.format(p=9, n=9), font, size)  # its region's box: one-digit numbers
        x0 = x - w if align == "right" else x - w / 2 if align == "center" else x
        d = descent(font) * size
        self._record_region((x0, y + d - size, x0 + w, y + d))

    def rich(
        self,
        x: float,
        y: float,
        parts: list[tuple[str, str | None]],
        font: str,
        size: float,
        max_width: float,
        leading: float,
        color: RGB = BLACK,
    ) -> float:
        """Flow text made of (text, field) parts, wrapping at spaces; field values never break.

        Returns the baseline of the last line drawn. Each field value is drawn as its own string
        so its box is exact, at the x where it falls in the running line.
        """
        tokens: list[tuple[str, str | None]] = []
        for text, name in parts:
            if name is not None:
                tokens.append((text, name))
                continue
            for i, word in enumerate(text.split(" ")):
                if i:
                    tokens.append((" ", None))
                if word:
                    tokens.append((word, None))
        space = width(" ", font, size)
        # Lines of [x offset, text, field]; spaces are real characters (pdfplumber needs them
        # to see word breaks) and belong to the plain segments, never to a field value.
        lines: list[list[list[Any]]] = [[]]
        cx = 0.0
        pending = False
        for tok, name in tokens:
            seg = lines[-1]
            if tok == " ":
                pending = bool(seg)
                continue
            w = width(tok, font, size)
            if seg and cx + (space if pending else 0.0) + w > max_width:
                lines.append([])
                seg = lines[-1]
                cx = 0.0
                pending = False
            if pending:
                if seg[-1][2] is None:
                    seg[-1][1] += " "
                else:
                    seg.append([cx, " ", None])
                cx += space
                pending = False
            if name is None and seg and seg[-1][2] is None:
                seg[-1][1] += tok
            else:
                seg.append([cx, tok, name])
            cx += w
        cy = y
        for k, seg in enumerate(lines):
            cy = y + k * leading
            for off, text, name in seg:
                self.text(x + off, cy, text, font, size, name=name, color=color)
        return cy

    def line(self, x0: float, y0: float, x1: float, y1: float, w: float = 0.5,
             color: RGB = BLACK) -> None:  # fmt: skip
        self.pages[self.current].append(("line", x0, y0, x1, y1, w, color))

    def rect(self, x: float, top: float, w: float, h: float, fill: RGB | None = None,
             stroke: RGB | None = BLACK, lw: float = 0.5) -> None:  # fmt: skip
        self.pages[self.current].append(("rect", x, top, w, h, fill, stroke, lw))

    def circle(self, cx: float, cy: float, r: float, fill: RGB | None = None,
               stroke: RGB | None = None, lw: float = 1.0) -> None:  # fmt: skip
        self.pages[self.current].append(("circle", cx, cy, r, fill, stroke, lw))

    def polygon(self, points: list[tuple[float, float]], fill: RGB | None = None) -> None:
        self.pages[self.current].append(("poly", tuple(points), fill))

    # --- output ----------------------------------------------------------------------------------

    def emit(self, title: str = "", author: str = "") -> bytes:
        """Render the recorded pages; invariant mode makes the bytes a function of the content."""
        buf = io.BytesIO()
        c = canvas.Canvas(buf, pagesize=(self.page_width, self.page_height), invariant=1,
                          pageCompression=1)  # fmt: skip
        c.setTitle(title)
        c.setAuthor(author)
        c.setCreator("cosy.corpus")
        h = self.page_height
        n = len(self.pages)
        for p, ops in enumerate(self.pages, start=1):
            for op in ops:
                kind = op[0]
                if kind == "text":
                    _, x, y, s, font, size, color = op
                    c.setFillColorRGB(*color)
                    c.setFont(font, size)
                    c.drawString(x, h - y, s)
                elif kind == "ptext":
                    _, x, y, tpl, font, size, color, align = op
                    s = tpl.format(p=p, n=n)
                    c.setFillColorRGB(*color)
                    c.setFont(font, size)
                    if align == "right":
                        c.drawRightString(x, h - y, s)
                    elif align == "center":
                        c.drawCentredString(x, h - y, s)
                    else:
                        c.drawString(x, h - y, s)
                elif kind == "line":
                    _, x0, y0, x1, y1, w, color = op
                    c.setStrokeColorRGB(*color)
                    c.setLineWidth(w)
                    c.line(x0, h - y0, x1, h - y1)
                elif kind == "rect":
                    _, x, top, w, hh, fill, stroke, lw = op
                    if fill is not None:
                        c.setFillColorRGB(*fill)
                    if stroke is not None:
                        c.setStrokeColorRGB(*stroke)
                        c.setLineWidth(lw)
                    c.rect(x, h - top - hh, w, hh, stroke=int(stroke is not None),
                           fill=int(fill is not None))  # fmt: skip
                elif kind == "circle":
                    _, cx, cy, r, fill, stroke, lw = op
                    if fill is not None:
                        c.setFillColorRGB(*fill)
                    if stroke is not None:
                        c.setStrokeColorRGB(*stroke)
                        c.setLineWidth(lw)
                    c.circle(cx, h - cy, r, stroke=int(stroke is not None),
                             fill=int(fill is not None))  # fmt: skip
                elif kind == "poly":
                    _, pts, fill = op
                    path = c.beginPath()
                    path.moveTo(pts[0][0], h - pts[0][1])
                    for px, py in pts[1:]:
                        path.lineTo(px, h - py)
                    path.close()
                    c.setFillColorRGB(*(fill or BLACK))
                    c.drawPath(path, stroke=0, fill=1)
            c.showPage()
        c.save()
        return buf.getvalue()
