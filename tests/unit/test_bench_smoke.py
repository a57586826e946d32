"""Smoke test of the benchmark helpers: a few tiny documents, the report files, the budget check.

Runs the same code as ``make bench`` on a handful of reportlab documents with the sync executor
(no cluster), and the end-to-end HTTP helper against a real `cosy serve` subprocess on the sync
scheduler (loopback only), so that it stays well under 30 s; OCR is left out (seconds per page).
The real benchmarks stay out of ``make test``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import harness
from benchmarks.report import Report, budget_failures, targets, write
from cosy.config import Settings
from cosy.engine.executor import SyncExecutor
from cosy.engine.profiles import load_pipeline


@pytest.fixture(scope="module")
def docs() -> list[harness.Doc]:
    return harness.tiny_docs(4, max_pages=2)


def test_report_files_and_budgets(docs: list[harness.Doc], tmp_path: Path) -> None:
    pipeline = load_pipeline("default")
    executor = SyncExecutor(Settings(dask_scheduler="sync"))
    report = Report()
    rounds = [harness.run_pipeline(executor, pipeline, docs) for _ in range(2)]
    floor = [harness.run_floor(docs) for _ in range(2)]
    report.add("pipeline_generated", harness.summarize_pages(rounds))
    report.add("floor_generated", harness.summarize_pages(floor))
    report.add("ratio_generated", harness.ratio_summary(rounds, floor))
    with harness.serve(scheduler="sync", timeout_s=60,
                       extra_env={"COSY_API_RATE_PER_S": "0",
                                  "COSY_DISPATCHER_POLL_S": "0.05"}) as server:
        key = harness.create_key(server, "smoke")
        http, phases = harness.run_http(server, key, docs[:2], timeout_s=30)
    assert server.proc.poll() is not None  # stopped
    http_summary = harness.summarize_pages([http]) | {"phases": harness.phase_summary(phases)}
    report.add("http_generated", http_summary)
    batch = harness.run_batch(executor, pipeline, docs, client=None, concurrency=2,
                              leak_pages=8)
    runs = batch.pop("runs")
    batch["worst_page_s"] = max(s for r in runs for s in r.page_s)
    report.add("batch", batch)
    report.add("profile", harness.profile(r for rs in rounds for r in rs))

    pages = sum(d.pages for d in docs)
    assert report.sections["pipeline_generated"]["pages"] == pages
    assert len(report.sections["pipeline_generated"]["per_page"]) == pages
    assert batch["pages"] == pages and batch["pages_per_s"] > 0
    assert "parse" in {f["name"] for f in report.sections["profile"]["families"]}
    assert [r.pages for r in http] == [d.pages for d in docs[:2]]
    assert all(r.wall_s >= p["pipeline_s"] > 0 for r, p in zip(http, phases, strict=True))
    assert http_summary["phases"]["wall_s"]["share"] == pytest.approx(1.0)

    paths = write(report, tmp_path / "results")
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths.values())
    data = json.loads(paths["json"].read_text())
    assert {t["name"] for t in data["targets"]} == {t.name for t in targets(report.sections)}
    md = paths["md"].read_text()
    assert "## Seconds per page" in md and "| http_generated |" in md
    assert "where a document's time goes" in md
    assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    hard = targets(report.sections)[0]  # the check, not whether this busy machine met it
    assert hard.hard and hard.value >= report.sections["batch"]["worst_page_s"]
    assert hard.ok is (hard.value <= hard.limit)


def test_budget_check_fails_on_a_slow_page() -> None:
    slow = [[harness.DocRun("slow.pdf", 2, 11.0, 11.0, [0.2, 10.8])]]
    scan = [[harness.DocRun("scan.pdf", 2, 12.0, 12.0, [5.5, 6.5])]]
    sections = {"pipeline_real": harness.summarize_pages(slow),
                "scanned_generated": harness.summarize_pages(scan),
                "batch": {"pages_per_s": 4.0, "leak": {"growth": 0.25}, "worst_page_s": 0.1}}
    failed = {t.name for t in budget_failures(sections)}
    assert any("hard budget" in n for n in failed)
    assert any("p95" in n and "real" in n for n in failed)
    assert any("throughput" in n for n in failed)
    assert any("RSS" in n for n in failed)
    assert any("scanned" in n and "generated" in n for n in failed)
    assert not any("generated" in n and "born-digital" in n for n in failed)  # not measured
    assert not any("scanned" in n and "real" in n for n in failed)


def test_percentiles_and_spread() -> None:
    assert harness.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert harness.percentile([0.0, 10.0], 95) == pytest.approx(9.5)
    s = harness.spread([3.0, 1.0, 2.0])
    assert (s["median"], s["min"], s["max"]) == (2.0, 1.0, 3.0)


def test_spread_by_pages_caps_and_keeps_order() -> None:
    docs = harness.tiny_docs(9, max_pages=3)  # pages 1, 2, 3, 1, 2, 3, ...
    chosen = harness.spread_by_pages(docs, 7)
    assert sum(d.pages for d in chosen) <= 7 and len({d.pages for d in chosen}) > 1
    assert [d.name for d in chosen] == sorted(d.name for d in chosen)
    assert harness.spread_by_pages(docs, 100) == docs


def test_cli_figures_and_their_budgets(tmp_path: Path) -> None:
    """The command-line figures: a fresh `cosy` process timed (wall and CPU), and the two
    budgets judged on them."""
    (tmp_path / "notes.pdf").write_text("not a PDF\n")
    run = harness.cli_run(["extract", "notes.pdf"], tmp_path)
    assert run.code == 1 and run.wall_s > 0 and run.cpu_s > 0
    slow = {"cli": {"one_page": {"seconds": harness.spread([2.5])},
                    "refused": {"seconds": harness.spread([run.wall_s])}}}
    failed = [t.name for t in budget_failures(slow)]
    assert any("one born-digital page" in name for name in failed)
    assert {t.name: t.measured for t in targets(slow)}[
        "`cosy extract` of a refused file, fresh process (median)"]
