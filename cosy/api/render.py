"""Page images for the API, rendered in a separate process with hard limits.

Rendering a hostile page in the API process once took it to 2.3 GB. Here PDFium runs in a
small pool of spawned processes (``render_workers``) whose address space is capped
(``COSY_RENDER_MEMORY_MB``) and whose CPU time per page is bounded (``COSY_PAGE_TIMEOUT_S``,
enforced by the OS); the page is checked against the pipeline's budgets first
(cosy.pdfguard.image). A renderer that dies is replaced, and the request answers 422 with why.
The route that calls this runs in a thread, so the event loop never waits on a render.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool

from cosy.api.errors import ApiError
from cosy.budgets import MB, Budgets
from cosy.config import Settings
from cosy.pdfguard.image import limit_process, page_png_limited

log = logging.getLogger(__name__)

RENDER_WORKERS = 2
WALL_FACTOR = 3.0
"""A render that has not answered after this many times its CPU budget is abandoned (the OS
ends it when its CPU time runs out; waiting on a busy machine is not its fault)."""


class PageRenderer:
    """The API process's renderer pool, started on first use and replaced when it breaks."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._memory = 0
        self._lock = threading.Lock()

    def _executor(self, memory_bytes: int) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None or memory_bytes != self._memory:
                if self._pool is not None:
                    self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = ProcessPoolExecutor(
                    RENDER_WORKERS, mp_context=multiprocessing.get_context("spawn"),
                    initializer=limit_process, initargs=(memory_bytes,))
                self._memory = memory_bytes
            return self._pool

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)

    def render(self, data: bytes, page_no: int, scale: float, settings: Settings) -> bytes:
        """The page as PNG; ApiError 422 (with the reason) when it is over a budget."""
        budgets = Budgets.from_settings(settings)
        pool = self._executor(int(settings.render_memory_mb * MB))
        try:
            out = pool.submit(page_png_limited, data, page_no, scale, budgets).result(
                timeout=budgets.page_seconds * WALL_FACTOR)
        except BrokenProcessPool:
            self._discard(pool)
            raise ApiError(422, "page_not_renderable",
                           f"page {page_no} cannot be rendered within the renderer's limits "
                           f"({settings.render_memory_mb:.0f} MB, {budgets.page_seconds:.0f} s "
                           "of CPU)", kind="render_limit") from None
        except FutureTimeout:
            raise ApiError(503, "renderer_busy", f"page {page_no} was not rendered in time; "
                           "try again") from None
        if isinstance(out, tuple):
            kind, reason = out
            raise ApiError(422, "page_not_renderable", reason, kind=kind)
        return out


RENDERER = PageRenderer()
"""One pool per API process, shared by every app it serves (tests build many)."""
