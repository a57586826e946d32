"""(1) born-digital seconds per page in-process on warm Dask workers, (5) the parsing floor.

Each set runs ``BENCH_ROUNDS`` times (default 3); figures are the median over rounds [min, max].
The floor runs on the same pages right after the pipeline; the ratio is taken page by page.
"""

from __future__ import annotations

from typing import Any

from benchmarks import harness
from benchmarks.harness import Doc, DocRun
from benchmarks.report import HARD_BUDGET_S, Report
from cosy.engine.dag import Pipeline


def _rounds(benchmark: Any, fn: Any, rounds: int) -> list[list[DocRun]]:
    """Call ``fn`` ``rounds`` times under pytest-benchmark; return every round's result."""
    out: list[list[DocRun]] = []
    benchmark.pedantic(lambda: out.append(fn()), rounds=rounds, iterations=1, warmup_rounds=0)
    return out


def _pipeline(benchmark: Any, executor: Any, pipeline: Pipeline, docs: list[Doc], name: str,
              report: Report, raw: dict[str, Any], rounds: int) -> None:
    runs = _rounds(benchmark, lambda: harness.run_pipeline(executor, pipeline, docs), rounds)
    raw[name] = runs
    summary = harness.summarize_pages(runs)
    report.add(f"pipeline_{name}", summary)
    benchmark.extra_info.update(pages=summary["pages"], p95=summary["page_s"]["p95"]["median"])
    assert summary["worst_page_s"] <= HARD_BUDGET_S, f"a page took {summary['worst_page_s']} s"


def _floor(benchmark: Any, docs: list[Doc], name: str, report: Report, raw: dict[str, Any],
           rounds: int) -> None:
    runs = _rounds(benchmark, lambda: harness.run_floor(docs), rounds)
    report.add(f"floor_{name}", harness.summarize_pages(runs))
    if name in raw:
        report.add(f"ratio_{name}", harness.ratio_summary(raw[name], runs))


def test_pipeline_real(benchmark: Any, executor: Any, pipeline: Pipeline, real: list[Doc],
                       report: Report, raw: dict[str, Any], rounds: int) -> None:
    """Born-digital real documents, one at a time, on 2 warm workers."""
    _pipeline(benchmark, executor, pipeline, real, "real", report, raw, rounds)


def test_floor_real(benchmark: Any, real: list[Doc], report: Report, raw: dict[str, Any],
                    rounds: int) -> None:
    """pdfplumber open + extract_words + find_tables on every real page."""
    _floor(benchmark, real, "real", report, raw, rounds)


def test_pipeline_generated(benchmark: Any, executor: Any, pipeline: Pipeline,
                            generated: list[Doc], report: Report, raw: dict[str, Any],
                            rounds: int) -> None:
    """Generated born-digital documents of mixed types (1–10 pages)."""
    _pipeline(benchmark, executor, pipeline, generated, "generated", report, raw, rounds)


def test_floor_generated(benchmark: Any, generated: list[Doc], report: Report,
                         raw: dict[str, Any], rounds: int) -> None:
    """The parsing floor on the generated pages."""
    _floor(benchmark, generated, "generated", report, raw, rounds)
