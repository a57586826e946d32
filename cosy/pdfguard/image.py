"""A page as a PNG for people (the API's page images), within the same budgets as the pipeline.

Runs in the renderer process of the API (cosy.api.render), which also caps its address space
and CPU time: the page is checked first (the bombs a walk can see are refused with their
reason), then rendered only if its pixels fit the render budget.
"""

from __future__ import annotations

import io
import resource

import pypdfium2 as pdfium

from cosy.budgets import Budgets, mp
from cosy.engine.step import BudgetExceeded
from cosy.ingest import PDFIUM_LOCK
from cosy.pdfguard.check import check_document


def page_png(data: bytes, page_no: int, scale: float, budgets: Budgets) -> bytes:
    """Page ``page_no`` at ``scale`` (1.0 = 72 dpi) as PNG; raises BudgetExceeded with the
    reason when the page is over a budget or its image would be."""
    check = check_document(data, page_no, budgets, only=page_no)[0]
    if check["skip"]:
        raise BudgetExceeded(check["skip"]["reason"], kind=check["skip"]["kind"])
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(data)
        try:
            page = pdf[page_no - 1]
            width, height = page.get_size()
            pixels = width * height * scale * scale
            if pixels > budgets.render_pixels:
                raise BudgetExceeded(
                    f"page {page_no} at scale {scale:g} would be {mp(pixels)}, over the budget "
                    f"of {mp(budgets.render_pixels)}; use a smaller scale", kind="page_too_large")
            out = io.BytesIO()  # encoded before close: the bitmap's memory belongs to PDFium
            page.render(scale=scale, draw_annots=False, may_draw_forms=False).to_pil().save(
                out, format="PNG")
        finally:
            pdf.close()
    return out.getvalue()


def limit_process(memory_bytes: int) -> None:
    """Cap this process's address space (a renderer process's initializer): an allocation past
    it fails (MemoryError, or the process ends) instead of growing the machine's memory."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def limit_cpu(seconds: float) -> None:
    """Let this process use ``seconds`` more CPU time; past it the OS ends it (SIGXCPU)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    resource.setrlimit(resource.RLIMIT_CPU, (int(used + seconds) + 1, resource.RLIM_INFINITY))


def page_png_limited(data: bytes, page_no: int, scale: float, budgets: Budgets
                     ) -> bytes | tuple[str, str]:
    """:func:`page_png` within a CPU-time budget; a refusal comes back as (kind, reason)
    rather than as an exception (it crosses a process boundary)."""
    limit_cpu(budgets.page_seconds)
    try:
        return page_png(data, page_no, scale, budgets)
    except BudgetExceeded as err:
        return err.kind, err.reason
    except MemoryError:
        return "memory_budget", f"page {page_no} needs more memory than the renderer may use"
    except pdfium.PdfiumError as err:
        return "corrupt", f"page {page_no} cannot be rendered: {err}"
