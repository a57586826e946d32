"""Look at an incoming file before anything else: is it a PDF we can and may process?

Runs at submission (so a bad upload is refused with a reason before a job exists) and again when a
job starts (the page count drives the DAG's expansion). Uses pypdfium2, which opens a PDF without
parsing its pages, so this costs milliseconds even for large files.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pypdfium2 as pdfium

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


def inspect_document(
    data: bytes, file_name: str, tenant: str, *, max_bytes: int, max_pages: int
) -> DocumentInfo:
    """Validate ``data`` as a processable PDF; raise :class:`InputError` with a clear reason."""
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
    if pages > max_pages:
        raise InputError(
            "too_many_pages", f"{file_name} has {pages} pages, over the limit of {max_pages}"
        )
    return DocumentInfo(
        id=document_id(data), tenant=tenant, file_name=file_name, size=len(data), pages=pages
    )
