"""Shared fixtures: settings on a temporary embedded store, sample PDFs, the real corpus."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from cosy.config import Settings

REAL_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(store=str(tmp_path / "store"), dask_scheduler="sync", job_lease_s=5.0,
                    job_retry_backoff_s=0.0, dispatcher_poll_s=0.05)


@pytest.fixture(scope="session")
def real_corpus() -> Path:
    if not (REAL_CORPUS / "docs").is_dir():
        pytest.skip(f"the real development corpus is absent ({REAL_CORPUS}); "
                    "these tests run where ../shared/corpus/real exists")
    return REAL_CORPUS


Extract = Callable[[bytes, str], dict[str, Any]]


@pytest.fixture(scope="session")
def extract_result() -> Extract:
    """The default pipeline in-process: (PDF bytes, file name) -> the extraction result."""
    from cosy.engine.executor import SyncExecutor
    from cosy.engine.profiles import load_pipeline
    from cosy.ingest import inspect_document

    settings = Settings(dask_scheduler="sync")
    pipeline = load_pipeline.__wrapped__("default")
    executor = SyncExecutor(settings)

    def run(data: bytes, name: str) -> dict[str, Any]:
        info = inspect_document(data, name, "default", max_bytes=settings.max_bytes,
                                max_pages=500)
        return executor.run(pipeline, data, info).outputs["doc.result"]

    return run


@lru_cache(maxsize=64)
def _subset(outputs: tuple[str, ...], inputs: tuple[str, ...]) -> Any:
    from cosy.engine.profiles import load_pipeline

    return load_pipeline().subset(outputs, inputs)


def run_steps(output: str, page: dict[str, Any], document: dict[str, Any] | None = None) -> Any:
    """``output`` made from one page's given artifacts (and the document's) by the default
    pipeline's own steps (``Pipeline.subset``): the stages upstream of the one a test checks,
    in the pipeline's order, never wired by hand."""
    given = tuple(sorted({*page, *(document or {})}))
    return _subset((output,), given).run_page(page, document)[output]


def make_pdf(pages: list[list[str]], encrypt: str | None = None) -> bytes:
    """A plain PDF with the given lines on each page (for inputs the generator does not make)."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    enc = StandardEncryption(encrypt, canPrint=0) if encrypt else None
    c = canvas.Canvas(buf, encrypt=enc, invariant=1)
    for lines in pages:
        y = 800
        for line in lines:
            c.drawString(72, y, line)
            y -= 16
        c.showPage()
    c.save()
    return buf.getvalue()
