"""(4) batch throughput on 2 workers and (6) worker memory over ≥ 2,000 pages (leak check).

Documents go in ``concurrency`` at a time (4, the dispatcher's default), the way the dispatcher
feeds the cluster; the pipeline runs in-process (no store), so this is the engine's throughput.
"""

from __future__ import annotations

from typing import Any

from benchmarks import harness
from benchmarks.harness import Doc, env_int
from benchmarks.report import HARD_BUDGET_S, Report
from cosy.engine.dag import Pipeline


def test_batch_throughput(benchmark: Any, executor: Any, pipeline: Pipeline,
                          batch_docs: list[Doc], report: Report, raw: dict[str, Any]) -> None:
    """Pages/second over the batch; then RSS growth per worker up to ``BENCH_LEAK_PAGES``."""
    out: dict[str, Any] = {}

    def once() -> None:
        out.update(harness.run_batch(
            executor, pipeline, batch_docs, client=executor.client,
            concurrency=env_int("BENCH_CONCURRENCY", 4),
            leak_pages=env_int("BENCH_LEAK_PAGES", 2000), sample_every=100, workers=2))

    benchmark.pedantic(once, rounds=1, iterations=1, warmup_rounds=0)
    runs = out.pop("runs")
    raw["batch"] = [runs]
    out["worst_page_s"] = max(s for r in runs for s in r.page_s)
    report.add("batch", out)
    benchmark.extra_info.update(pages_per_s=out["pages_per_s"], pages=out["pages"])
    assert out["worst_page_s"] <= HARD_BUDGET_S, f"a page took {out['worst_page_s']} s"
