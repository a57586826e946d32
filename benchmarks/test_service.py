"""(2) end to end through the service's machinery, and (7) cold start of `cosy serve`.

`cosy serve` has no upload API yet (a later issue), so the end-to-end run drives the same parts
in-process: ``submit_document`` → the Dispatcher's background claim loop (as `cosy serve` starts
it) on the session's LocalCluster → job succeeded → triples counted in the embedded store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks import harness
from benchmarks.harness import Doc, DocRun, env_int
from benchmarks.report import HARD_BUDGET_S, Report
from cosy.engine.dag import Pipeline

NOTE = ("service figures: `cosy serve` has no upload API yet, so submit → job succeeded → "
        "triples stored runs in-process (submit_document + the Dispatcher's claim loop polling "
        "every 10 ms, on the session LocalCluster, embedded store)")


def _service(benchmark: Any, executor: Any, pipeline: Pipeline, docs: list[Doc], name: str,
             report: Report, rounds: int, tmp: Path) -> None:
    out: list[list[DocRun]] = []
    counter = iter(range(1000))

    def once() -> None:  # a fresh tenant per round: documents are content-addressed
        r = next(counter)
        out.append(harness.run_service(executor, pipeline, docs, tmp / "store",
                                       tenant=f"bench{name}{r}"))

    benchmark.pedantic(once, rounds=rounds, iterations=1, warmup_rounds=0)
    summary = harness.summarize_pages(out)
    report.add(f"service_{name}", summary)
    report.note(NOTE)
    assert summary["worst_page_s"] <= HARD_BUDGET_S, f"a page took {summary['worst_page_s']} s"


def test_service_real(benchmark: Any, executor: Any, pipeline: Pipeline, real: list[Doc],
                      report: Report, rounds: int, tmp_path: Path) -> None:
    """Real documents end to end, one at a time."""
    _service(benchmark, executor, pipeline, real, "real", report, rounds, tmp_path)


def test_service_generated(benchmark: Any, executor: Any, pipeline: Pipeline,
                           generated: list[Doc], report: Report, rounds: int,
                           tmp_path: Path) -> None:
    """The first ``BENCH_E2E_DOCS`` (default 20) generated documents end to end."""
    docs = generated[: env_int("BENCH_E2E_DOCS", 20)]
    _service(benchmark, executor, pipeline, docs, "generated", report, rounds, tmp_path)


def test_cold_start(benchmark: Any, report: Report, rounds: int) -> None:
    """`cosy serve` (2 workers, fresh embedded store) until /readyz answers 200."""
    secs: list[float] = []
    benchmark.pedantic(lambda: secs.append(harness.cold_start()), rounds=rounds, iterations=1)
    report.add("cold_start", {"seconds": harness.spread(secs), "rounds": len(secs),
                              "all": secs})
