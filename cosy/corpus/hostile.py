"""Hostile PDFs, made on demand: small files that cost a reader far more than their size.

Each function returns the bytes of one PDF from a family seen in the wild (a page the size of a
football field, a stream or an embedded file that inflates a thousandfold, a page of hundreds of
thousands of drawing operators, hundreds of blank pages, objects nested or referring to
themselves, image and font bombs, huge cross-reference tables). Nothing is stored: the hostile
suite (``tests/hostile/``) and the soak benchmark generate what they send, sized to cross
COSY's default budgets while staying small on disk and quick to make.

The files are written by hand (objects, then the cross-reference table), because no PDF library
writes such things on purpose.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

LETTER = (612.0, 792.0)
A4 = (595.0, 842.0)
HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


class Writer:
    """Numbered objects, written out with a valid cross-reference table and trailer."""

    def __init__(self) -> None:
        self.objects: dict[int, bytes] = {}

    def reserve(self) -> int:
        """The next free object number (its body is set later with :meth:`set`)."""
        num = max(self.objects, default=0) + 1
        self.objects[num] = b"null"
        return num

    def add(self, body: bytes) -> int:
        num = self.reserve()
        self.objects[num] = body
        return num

    def set(self, num: int, body: bytes) -> None:
        self.objects[num] = body

    def stream(self, data: bytes | Repeat, attrs: bytes = b"", compress: bool = True) -> int:
        """A stream object; flate-compressed unless ``compress`` is False."""
        return self.add(stream_body(data, attrs, compress))

    def build(self, root: int, free_entries: int = 0) -> bytes:
        """The file; ``free_entries`` pads the xref table with free entries (a huge table)."""
        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets: dict[int, int] = {}
        for num in sorted(self.objects):
            offsets[num] = len(out)
            out += b"%d 0 obj\n" % num + self.objects[num] + b"\nendobj\n"
        size = max(self.objects) + 1 + free_entries
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        for num in range(1, size):
            out += (b"%010d 00000 n \n" % offsets[num]) if num in offsets else \
                b"0000000000 00000 f \n"
        out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            size, root, xref)
        return bytes(out)


@dataclass(frozen=True)
class Repeat:
    """``size`` bytes of ``unit`` repeated, never held in memory: compressed block by block."""

    size: int
    unit: bytes = b" "

    def deflate(self) -> bytes:
        """The zlib stream of these bytes, made from two compressed blocks (a full one and the
        remainder) repeated: a gigabyte costs kilobytes and milliseconds, not a gigabyte."""
        block = (self.unit * (BLOCK // len(self.unit) + 1))[:BLOCK - BLOCK % len(self.unit)]
        count, rest = divmod(self.size, len(block))
        tail = (self.unit * (rest // len(self.unit) + 1))[:rest]
        adler = 1
        for _ in range(count):
            adler = zlib.adler32(block, adler)
        adler = zlib.adler32(tail, adler)
        return (b"\x78\xda" + _raw_block(block) * count + (_raw_block(tail) if rest else b"")
                + b"\x03\x00" + struct.pack(">I", adler))


BLOCK = 1 << 20


def _raw_block(data: bytes) -> bytes:
    """``data`` as raw deflate ending in a full flush: blocks like it concatenate."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)


def stream_body(data: bytes | Repeat, attrs: bytes = b"", compress: bool = True) -> bytes:
    if isinstance(data, Repeat):
        data, attrs = data.deflate(), b"/Filter /FlateDecode " + attrs
    elif compress:
        data = zlib.compress(data, 9)
        attrs = b"/Filter /FlateDecode " + attrs
    return b"<< /Length %d %s>>\nstream\n" % (len(data), attrs) + data + b"\nendstream"


def inflating(size: int, unit: bytes = b" ") -> Repeat:
    """``size`` bytes of ``unit`` repeated: compresses about a thousandfold."""
    return Repeat(size, unit)


PageSpec = tuple[tuple[float, float], "bytes | Repeat | None", bytes]
"""(width and height in points, content stream or None, resources dictionary)."""


def document(pages: Sequence[PageSpec], extra_catalog: bytes = b"",
             writer: Writer | None = None, free_entries: int = 0) -> bytes:
    """A PDF of ``pages``; each content stream is compressed."""
    w = writer or Writer()
    pages_num = w.reserve()
    kids = []
    for (width, height), content, resources in pages:
        contents = b"" if content is None else b"/Contents %d 0 R " % w.stream(content)
        kids.append(w.add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] %s"
                          b"/Resources %s >>" % (pages_num, _num(width), _num(height),
                                                 contents, resources)))
    w.set(pages_num, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids)))
    root = w.add(b"<< /Type /Catalog /Pages %d 0 R %s>>" % (pages_num, extra_catalog))
    return w.build(root, free_entries)


def _num(value: float) -> bytes:
    return (b"%d" % value) if float(value).is_integer() else (b"%.2f" % value)


def text_content(lines: Sequence[str], size: int = 11, font: bytes = b"F1") -> bytes:
    """Content that writes ``lines`` top-down on a letter page with font ``font``."""
    out = [b"BT /%s %d Tf 72 720 Td %d TL" % (font, size, size + 4)]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        out.append(b"(%s) Tj T*" % escaped.encode("latin-1", "replace"))
    out.append(b"ET")
    return b"\n".join(out)


INVOICE_LINES = ("Rechnung Nr. RE-2024-0042", "Rechnungsdatum: 01.03.2024",
                 "Gesamtbetrag: 119,00 EUR", "IBAN DE89 3704 0044 0532 0130 00")


def text_page(lines: Sequence[str] = INVOICE_LINES, size: tuple[float, float] = A4) -> PageSpec:
    return size, text_content(lines), b"<< /Font << /F1 %s >> >>" % HELVETICA


# --- the families ---------------------------------------------------------------------------------


def huge_page(side_pt: float = 14400.0) -> bytes:
    """One blank page of ``side_pt`` × ``side_pt`` points (14400 is the PDF maximum: 5 m)."""
    return document([((side_pt, side_pt), None, b"<< >>")])


def huge_page_with_text(side_pt: float = 14400.0) -> bytes:
    """A page of the maximum size with a few words in one corner."""
    return document([((side_pt, side_pt), text_content(INVOICE_LINES),
                      b"<< /Font << /F1 %s >> >>" % HELVETICA)])


def huge_drawing_page(side_pt: float = 14400.0) -> PageSpec:
    """A page of the maximum size covered by dark bars and no text: OCR would have to render
    all of it."""
    content = b"0 g" + b"".join(
        b" %d %d 400 60 re f" % (x, y) for x in range(200, int(side_pt) - 400, 1600)
        for y in range(200, int(side_pt) - 60, 900))
    return (side_pt, side_pt), content, b"<< >>"


def huge_drawing(side_pt: float = 14400.0) -> bytes:
    return document([huge_drawing_page(side_pt)])


def content_bomb(decoded_bytes: int = 1 << 30) -> bytes:
    """A page whose content stream inflates to ``decoded_bytes`` (about 1000× its size)."""
    return document([(A4, inflating(decoded_bytes), b"<< >>")])


def embedded_file_bomb(decoded_bytes: int = 1 << 30) -> bytes:
    """A readable page, plus an embedded file that inflates to ``decoded_bytes``."""
    w = Writer()
    data = w.stream(inflating(decoded_bytes, b"\0"), b"/Type /EmbeddedFile ")
    spec = w.add(b"<< /Type /Filespec /F (factur-x.xml) /UF (factur-x.xml) "
                 b"/EF << /F %d 0 R >> >>" % data)
    names = w.add(b"<< /Names [(factur-x.xml) %d 0 R] >>" % spec)
    return document([text_page()], b"/Names << /EmbeddedFiles %d 0 R >> " % names, w)


def many_operators(count: int = 300_000) -> bytes:
    """A page of ``count`` rectangle operators (a few kilobytes compressed)."""
    return document([(A4, inflating(count * 16, b"10 10 50 50 re f\n"), b"<< >>")])


def blank_pages(count: int = 500, size: tuple[float, float] = A4) -> bytes:
    """``count`` pages with nothing on them."""
    return document([(size, None, b"<< >>")] * count)


def deep_forms(depth: int = 2000) -> bytes:
    """A chain of ``depth`` form XObjects, each drawing the next: pdfminer follows the chain by
    recursion and raises RecursionError (deterministically) long before the end."""
    w = Writer()
    nums = [w.reserve() for _ in range(depth)]
    for i, num in enumerate(nums):
        nxt = nums[i + 1] if i + 1 < depth else None
        content = b"/X Do" if nxt else b"0 0 1 1 re f"
        res = b"/Resources << /XObject << /X %d 0 R >> >> " % nxt if nxt else b""
        w.set(num, stream_body(content, b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] " + res))
    return document([(A4, b"/X Do", b"<< /XObject << /X %d 0 R >> >>" % nums[0])], writer=w)


def self_drawing_form() -> bytes:
    """A form XObject that draws itself (a circular reference through the resources)."""
    w = Writer()
    form = w.reserve()
    w.set(form, stream_body(b"0 0 1 1 re f /X Do", b"/Type /XObject /Subtype /Form "
                            b"/BBox [0 0 10 10] /Resources << /XObject << /X %d 0 R >> >> " % form))
    return document([text_page(), (A4, b"/X Do", b"<< /XObject << /X %d 0 R >> >>" % form)],
                    writer=w)


def circular_pages() -> bytes:
    """A page tree whose second child is the tree itself (a cycle in /Kids)."""
    w = Writer()
    pages = w.reserve()
    page = w.add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                 b"/Resources << /Font << /F1 %s >> >> >>" % (
                     pages, w.stream(text_content(INVOICE_LINES)), HELVETICA))
    w.set(pages, b"<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count 2 >>" % (page, pages))
    root = w.add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages)
    return w.build(root)


def nested_arrays(depth: int = 100_000) -> bytes:
    """A readable page whose resources hold an array nested ``depth`` deep."""
    nested = b"[" * depth + b"]" * depth
    return document([(A4, text_content(INVOICE_LINES),
                      b"<< /Font << /F1 %s >> /Deep %s >>" % (HELVETICA, nested))])


def image_bomb(side_px: int = 50_000) -> bytes:
    """A page drawing one gray image of ``side_px``² pixels whose data is all zeros."""
    w = Writer()
    image = w.stream(inflating(side_px * side_px, b"\0"),
                     b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace "
                     b"/DeviceGray /BitsPerComponent 8 " % (side_px, side_px))
    return document([(A4, b"q 595 0 0 842 0 0 cm /Im0 Do Q", b"<< /XObject << /Im0 %d 0 R >> >>"
                      % image)], writer=w)


def font_bomb(decoded_bytes: int = 1 << 30) -> bytes:
    """Text in an embedded TrueType font whose font file inflates to ``decoded_bytes``."""
    w = Writer()
    fontfile = w.stream(inflating(decoded_bytes, b"\0"), b"/Length1 %d " % decoded_bytes)
    descriptor = w.add(b"<< /Type /FontDescriptor /FontName /Bomb /Flags 32 /FontBBox "
                       b"[0 0 1000 1000] /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 "
                       b"/StemV 80 /FontFile2 %d 0 R >>" % fontfile)
    font = w.add(b"<< /Type /Font /Subtype /TrueType /BaseFont /Bomb /FirstChar 32 /LastChar 126 "
                 b"/Widths [%s] /FontDescriptor %d 0 R /Encoding /WinAnsiEncoding >>" % (
                     b" ".join([b"500"] * 95), descriptor))
    return document([(A4, text_content(INVOICE_LINES), b"<< /Font << /F1 %d 0 R >> >>" % font)],
                    writer=w)


def huge_xref(entries: int = 1_000_000) -> bytes:
    """A readable one-page PDF whose cross-reference table has ``entries`` entries."""
    return document([text_page()], free_entries=entries)


def readable(pages: int = 1) -> bytes:
    """A small, well-formed invoice page (or several): the control for every family."""
    return document([text_page()] * pages)


FAMILIES: dict[str, Callable[[], bytes]] = {
    "huge_page": huge_page,
    "huge_drawing": huge_drawing,
    "content_bomb": content_bomb,
    "embedded_file_bomb": embedded_file_bomb,
    "many_operators": many_operators,
    "blank_pages": blank_pages,
    "deep_forms": deep_forms,
    "self_drawing_form": self_drawing_form,
    "circular_pages": circular_pages,
    "nested_arrays": nested_arrays,
    "image_bomb": image_bomb,
    "font_bomb": font_bomb,
    "huge_xref": huge_xref,
}
"""Each family at the size of the issue's table (the hostile suite uses smaller sizes that still
cross the default budgets)."""
