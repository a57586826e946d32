"""Capped stream decoding for pdfminer: no stream inflates past its budget.

pdfminer decodes a stream in one call (``zlib.decompress(data)``), so a 1 MB stream of zeros
becomes 1 GB before anyone can look at it. Every decode of pdfminer goes through
``PDFStream.decode``, which calls the filter functions it imported into ``pdfminer.pdftypes``;
:func:`install` replaces those with versions that stop at the budget of the
:class:`Meter` in effect (one stream, and all streams of the work at hand) and raise
:class:`~cosy.engine.step.BudgetExceeded`. pdfplumber, COSY's checks and attachment reading
all decode through it.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pdfminer import pdftypes
from pdfminer.ccitt import ccittfaxdecode
from pdfminer.lzw import LZWDecoder
from pdfminer.runlength import rldecode

from cosy.budgets import configured, mb
from cosy.engine.step import BudgetExceeded

CHUNK = 1 << 16


@dataclass
class Meter:
    """What one piece of work (a document check, a page task) may decode."""

    stream_limit: int
    total_limit: int
    used: int = 0

    def room(self) -> int:
        """Bytes the next stream may decode to."""
        return max(0, min(self.stream_limit, self.total_limit - self.used))

    def over(self, size: int) -> BudgetExceeded:
        """The error for a stream that would decode to more than ``size`` bytes."""
        if size > self.stream_limit:
            return BudgetExceeded(f"a stream inflates past {mb(self.stream_limit)}",
                                  kind="stream_too_large")
        return BudgetExceeded(f"its streams inflate past {mb(self.total_limit)} in all",
                              kind="decoded_too_large")

    def charge(self, size: int) -> None:
        self.used += size


_METER: contextvars.ContextVar[Meter | None] = contextvars.ContextVar("cosy_meter", default=None)


def current() -> Meter:
    """The meter in effect; outside :func:`metered`, a fresh one with the configured budgets."""
    meter = _METER.get()
    if meter is None:
        b = configured()
        meter = Meter(b.stream_bytes, b.decoded_bytes)
    return meter


@contextlib.contextmanager
def metered(stream_bytes: int, total_bytes: int) -> Iterator[Meter]:
    """Decode at most ``stream_bytes`` per stream and ``total_bytes`` in all within the block."""
    meter = Meter(stream_bytes, total_bytes)
    token = _METER.set(meter)
    try:
        yield meter
    finally:
        _METER.reset(token)


def inflate(data: bytes, tolerant: bool = False) -> bytes:
    """zlib-decode ``data`` within the current meter's room.

    Strict mode raises ``zlib.error`` like ``zlib.decompress`` for damaged or truncated data;
    ``tolerant`` returns what decoded before the damage (pdfminer's ``decompress_corrupted``).
    """
    meter = current()
    room = meter.room()
    d = zlib.decompressobj()
    out = bytearray()
    try:
        for start in range(0, len(data), CHUNK):
            out += d.decompress(data[start:start + CHUNK], room + 1 - len(out))
            while d.unconsumed_tail and len(out) <= room:
                out += d.decompress(d.unconsumed_tail, room + 1 - len(out))
            if len(out) > room or d.unconsumed_tail:
                raise meter.over(len(out))
            if d.eof:
                break
        if not d.eof and not tolerant:
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
    except zlib.error:
        if not tolerant:
            raise
    meter.charge(len(out))
    return bytes(out)


def lzw(data: bytes) -> bytes:
    """pdfminer's LZW decoder, stopped at the meter's room."""
    meter = current()
    room = meter.room()
    out = bytearray()
    with contextlib.suppress(EOFError):
        for chunk in LZWDecoder(io.BytesIO(data)).run():
            out += chunk
            if len(out) > room:
                raise meter.over(len(out))
    meter.charge(len(out))
    return bytes(out)


def runlength(data: bytes) -> bytes:
    """RunLengthDecode, refused before decoding when its runs add up past the meter's room."""
    meter = current()
    size, i = 0, 0
    while i < len(data) and data[i] != 128:
        n = data[i]
        size += n + 1 if n < 128 else 257 - n
        i += n + 2 if n < 128 else 2
    if size > meter.room():
        raise meter.over(size)
    meter.charge(size)
    return rldecode(data)


def ccitt(data: bytes, params: dict[str, Any]) -> bytes:
    """CCITT fax images, refused when their declared size is past the meter's room."""
    meter = current()
    columns, rows = params.get("Columns"), params.get("Rows")
    if isinstance(columns, int) and isinstance(rows, int) and columns * rows // 8 > meter.room():
        raise meter.over(columns * rows // 8)
    out = ccittfaxdecode(data, params)
    meter.charge(len(out))
    return out


class _Zlib:
    """The ``zlib`` that pdfminer.pdftypes sees: ``decompress`` is capped."""

    error = zlib.error
    decompressobj = staticmethod(zlib.decompressobj)

    @staticmethod
    def decompress(data: bytes, *args: Any, **kwargs: Any) -> bytes:
        return inflate(data)


_installed = False
_install_lock = threading.Lock()


def install() -> None:
    """Route pdfminer's stream decoding through the capped decoders (idempotent)."""
    global _installed
    with _install_lock:
        if _installed:
            return
        pdftypes.zlib = _Zlib  # type: ignore[assignment]
        pdftypes.decompress_corrupted = lambda data: inflate(data, tolerant=True)
        pdftypes.lzwdecode = lzw
        pdftypes.rldecode = runlength
        pdftypes.ccittfaxdecode = ccitt
        _installed = True


install()
