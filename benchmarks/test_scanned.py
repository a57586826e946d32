"""(3) scanned pages: the OCR path, in-process on the warm LocalCluster, and where OCR time goes.

Image-only documents (generated with ``scanned_ratio=1.0``, and a capped, evenly spread sample
of the real set's scanned copies) run one at a time like the born-digital sets. OCR costs
seconds per page, so these sets run ``BENCH_SCANNED_ROUNDS`` times (default 1); the spread of
their figures comes from repeated ``make bench`` runs (``results/runs.md``).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from benchmarks import harness
from benchmarks.harness import Doc, DocRun, env_int
from benchmarks.report import HARD_BUDGET_S, Report
from cosy.engine.dag import Pipeline

SCANNED_ROUNDS = env_int("BENCH_SCANNED_ROUNDS", 1)


@pytest.fixture(scope="module")
def ocr_warm(executor: Any, pipeline: Pipeline) -> None:
    """One untimed scanned page on each worker (the plugin warmed OCR on a small image only)."""
    from cosy.corpus import generate_document

    docs = [harness.as_doc(generate_document(900 + i, doc_type="invoice", scanned=True,
                                                     family="classic")[0],
                           f"warm-{i}.pdf", "warm") for i in range(2)]
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda d: executor.run(pipeline, d.data, d.info), docs))


def _scanned(benchmark: Any, executor: Any, pipeline: Pipeline, docs: list[Doc], name: str,
             report: Report, raw: dict[str, Any]) -> None:
    out: list[list[DocRun]] = []
    client = getattr(executor, "client", None)
    benchmark.pedantic(lambda: out.append(harness.run_pipeline(executor, pipeline, docs, client)),
                       rounds=SCANNED_ROUNDS, iterations=1, warmup_rounds=0)
    raw[f"scanned_{name}"] = out
    summary = harness.summarize_pages(out)
    fam = harness.profile(r for rs in out for r in rs)["families"]
    summary["ocr_share"] = next((f["share"] for f in fam if f["name"] == "ocr"), 0.0)
    summary["worker_cpu_per_page_s"] = harness.cpu_summary(out)
    report.add(f"scanned_{name}", summary)
    benchmark.extra_info.update(pages=summary["pages"], p95=summary["page_s"]["p95"]["median"])
    assert summary["worst_page_s"] <= HARD_BUDGET_S, f"a page took {summary['worst_page_s']} s"


def test_scanned_generated(benchmark: Any, executor: Any, pipeline: Pipeline, ocr_warm: None,
                           scanned: list[Doc], report: Report, raw: dict[str, Any]) -> None:
    """Generated image-only documents of mixed types, one at a time, on 2 warm workers."""
    _scanned(benchmark, executor, pipeline, scanned, "generated", report, raw)


def test_scanned_real(benchmark: Any, executor: Any, pipeline: Pipeline, ocr_warm: None,
                      real_scanned: list[Doc], report: Report, raw: dict[str, Any]) -> None:
    """The real set's image-only copies (capped by pages), one at a time."""
    _scanned(benchmark, executor, pipeline, real_scanned, "real", report, raw)


def test_ocr_breakdown(benchmark: Any, scanned: list[Doc], report: Report) -> None:
    """Render / detection / recognition seconds of ``BENCH_OCR_PAGES`` (default 3) pages."""
    pages = env_int("BENCH_OCR_PAGES", 3)
    if pages <= 0:
        pytest.skip("OCR breakdown: skipped (BENCH_OCR_PAGES=0)")
    out: dict[str, Any] = {}
    benchmark.pedantic(lambda: out.update(harness.ocr_breakdown(scanned, pages)), rounds=1,
                       iterations=1, warmup_rounds=0)
    report.add("ocr_breakdown", out)
