"""Look at an incoming file before anything else: is it a PDF we can and may process?

Runs at submission (so a bad upload is refused with a reason before a job exists) and again when a
job starts (the page count drives the DAG's expansion). Uses pypdfium2, which opens a PDF without
parsing its pages, so this costs milliseconds even for large files.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass

import pypdfium2 as pdfium

from cosy.config import Settings
from cosy.domain import document_id

PDF_MAGIC = b"%PDF-"

PDFIUM_LOCK = threading.RLock()
"""PDFium is not thread-safe: every call into it from one process's threads (API requests,
dispatcher threads, page rendering) holds this lock."""


class InputError(ValueError):
    """The input cannot be processed; ``kind`` is machine-readable, ``reason`` is for people."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (InputError, (self.kind, self.reason))


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    id: str
    tenant: str
    file_name: str
    size: int
    pages: int
    media_type: str = "application/pdf"


def sniff_media_type(data: bytes) -> str:
    """The media type from the bytes, never from the name."""
    head = data[:1024].lstrip(b"\x00\t\r\n ")
    if head.startswith(PDF_MAGIC):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return "application/zip"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if head[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    try:
        head.decode("utf-8")
        return "text/plain"
    except UnicodeDecodeError:
        return "application/octet-stream"


MAX_NAME_CHARS = 255
_SUBSECTION = re.compile(rb"\s*(\d{1,10})[ \t]+(\d{1,10})[ \t]*\r?\n?")
_SIZE = re.compile(rb"/Size\s+(\d{1,12})")
XREF_ENTRY_BYTES = 20
MAX_SECTIONS = 64
"""Cross-reference sections read from the end of the file (one per incremental update; a file
with thousands of 'trailer' words is read no slower than one with 64)."""


def xref_entries(data: bytes) -> int:
    """How many objects the file's cross-reference data declares: the largest ``/Size`` of a
    trailer or cross-reference stream, or the entries of a table's subsections if more. Found
    by searching for a few words from the end of the file (readers start there too), before
    any parser builds a table of that size; milliseconds for 50 MB."""
    declared = 0
    for token in (b"trailer", b"/XRef"):
        for at in _last(data, token):
            window = data[max(0, at - 512):at + 1024]
            declared = max([declared, *(int(v) for v in _SIZE.findall(window))])
    for at in _last(data, b"xref"):
        if at and data[at - 1:at].isalpha():  # startxref
            continue
        pos, entries = at + 4, 0
        while (sub := _SUBSECTION.match(data, pos)) is not None and entries <= 1 << 40:
            count = int(sub.group(2))
            entries += count
            pos = sub.end() + count * XREF_ENTRY_BYTES
        declared = max(declared, entries)
    return declared


def _last(data: bytes, token: bytes) -> list[int]:
    """Where ``token`` stands in ``data``, the last :data:`MAX_SECTIONS` times."""
    found, end = [], len(data)
    while len(found) < MAX_SECTIONS and (at := data.rfind(token, 0, end)) >= 0:
        found.append(at)
        end = at
    return found


def clean_file_name(name: str) -> tuple[str, str | None]:
    """A file name safe to show anywhere, and the original escaped (None if unchanged).

    Control characters (NUL, newlines, escape sequences) and invisible format characters (the
    bidi overrides that make 'invoice\u202Efdp.exe' read as 'invoiceexe.pdf', zero-width
    ones) are removed; the original survives only as escaped ASCII metadata."""
    clean = "".join((" " if c.isspace() else "") if unicodedata.category(c) in ("Cc", "Cf", "Cs")
                    else c for c in name)
    clean = " ".join(clean.split())[:MAX_NAME_CHARS] or "upload.pdf"
    if clean == name:
        return clean, None
    return clean, name.encode("unicode_escape").decode("ascii")[:4 * MAX_NAME_CHARS]


def limits(settings: Settings) -> dict[str, int]:
    """The limits of :func:`inspect_document` as the settings give them."""
    return {"max_bytes": settings.max_bytes, "max_pages": settings.max_pages,
            "max_objects": settings.max_objects}


def inspect_document(
    data: bytes, file_name: str, tenant: str, *, max_bytes: int, max_pages: int,
    max_objects: int | None = None,
) -> DocumentInfo:
    """Validate ``data`` as a processable PDF; raise :class:`InputError` with a clear reason.

    ``file_name`` is cleaned first (:func:`clean_file_name`): reasons quote the clean name."""
    file_name = clean_file_name(file_name)[0]
    if not data:
        raise InputError("empty", f"{file_name} is empty (0 bytes)")
    if len(data) > max_bytes:
        raise InputError(
            "too_large",
            f"{file_name} is {len(data) / 1048576:.1f} MB, over the limit of "
            f"{max_bytes / 1048576:.0f} MB",
        )
    media_type = sniff_media_type(data)
    if media_type != "application/pdf":
        raise InputError(
            "unsupported_media_type",
            f"{file_name} is not a PDF (its bytes look like {media_type}); COSY reads PDF files",
        )
    with PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as err:
            message = str(err)
            if "password" in message.lower():
                raise InputError(
                    "encrypted", f"{file_name} is encrypted with a password; send it unencrypted"
                ) from None
            raise InputError("corrupt", f"{file_name} is not a readable PDF ({message})") from None
        try:
            pages = len(pdf)
        finally:
            pdf.close()
    if pages == 0:
        raise InputError("empty", f"{file_name} has no pages")
    if max_objects is not None and (objects := xref_entries(data)) > max_objects:
        raise InputError(
            "too_many_objects", f"{file_name} declares {objects:,} objects, over the limit of "
            f"{max_objects:,}")
    if pages > max_pages:
        raise InputError(
            "too_many_pages", f"{file_name} has {pages} pages, over the limit of {max_pages}"
        )
    return DocumentInfo(
        id=document_id(data), tenant=tenant, file_name=file_name, size=len(data), pages=pages
    )
