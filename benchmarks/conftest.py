"""Session fixtures for the benchmarks: one warm Dask LocalCluster, the corpora, the report.

Collected only by ``pytest benchmarks`` (``make bench``): the project's ``testpaths`` is
``tests``, so ``make test`` never sees these. At the end of the session the report is written to
``benchmarks/results/`` (or ``$BENCH_OUT``) and the budget check runs: a missed target fails the
run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks import harness
from benchmarks.harness import Doc, DocRun, Unavailable, env_int
from benchmarks.report import RESULTS, Report, budget_failures, targets, write
from cosy.config import Settings
from cosy.engine.dag import Pipeline

REPORT = Report()
RAW: dict[str, list[list[DocRun]]] = {}  # in-process rounds by set, for the ratio and profiles
ROUNDS = env_int("BENCH_ROUNDS", 3)
WORKERS = 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run in file order: pipeline, scanned, service, throughput (the long batch last)."""
    items.sort(key=lambda it: str(it.path))


@pytest.fixture(scope="session")
def report() -> Report:
    return REPORT


@pytest.fixture(scope="session")
def raw() -> dict[str, list[list[DocRun]]]:
    return RAW


@pytest.fixture(scope="session")
def rounds() -> int:
    return ROUNDS


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    from cosy.engine.profiles import load_pipeline

    return load_pipeline("default")


@pytest.fixture(scope="session")
def bench_settings() -> Settings:
    return Settings(dask_scheduler="local", dask_workers=WORKERS, dask_threads_per_worker=1)


@pytest.fixture(scope="session")
def executor(bench_settings: Settings, pipeline: Pipeline) -> Iterator[Any]:
    """A DaskExecutor on a LocalCluster of 2 single-threaded workers, warmed up once."""
    from cosy.engine.executor import DaskExecutor

    ex = DaskExecutor(bench_settings)
    try:
        harness.run_pipeline(ex, pipeline, harness.tiny_docs(4) * 3)  # imports, plugin, caches
        yield ex
    finally:
        ex.close()


def _skip(reason: str) -> None:
    REPORT.note(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def real() -> list[Doc]:
    try:
        return harness.real_docs()
    except Unavailable as err:
        _skip(str(err))
        raise


@pytest.fixture(scope="session")
def generated() -> list[Doc]:
    """Generated born-digital documents of mixed types (``BENCH_DOCS``, default 60)."""
    try:
        return harness.generated_docs(env_int("BENCH_DOCS", 60), seed=11)
    except Unavailable as err:
        _skip(f"generated documents: {err}")
        raise


@pytest.fixture(scope="session")
def scanned() -> list[Doc]:
    """Generated image-only documents (``BENCH_SCANNED_DOCS``, default 12, seed 13)."""
    try:
        return harness.scanned_docs(env_int("BENCH_SCANNED_DOCS", 12), seed=13)
    except Unavailable as err:
        _skip(f"scanned documents: {err}")
        raise


@pytest.fixture(scope="session")
def real_scanned() -> list[Doc]:
    """The real set's image-only copies, capped at ``BENCH_REAL_SCANNED_PAGES`` (default 16)."""
    cap = env_int("BENCH_REAL_SCANNED_PAGES", 16)
    if cap <= 0:
        _skip("real scanned documents: skipped (BENCH_REAL_SCANNED_PAGES=0)")
    try:
        docs = harness.real_docs(scanned=True)
    except Unavailable as err:
        _skip(f"real scanned documents: {err}")
        raise
    chosen = harness.spread_by_pages(docs, cap)
    REPORT.note(f"real scanned set capped at {cap} pages (OCR costs seconds per page): "
                f"{len(chosen)} of {len(docs)} documents, {sum(d.pages for d in chosen)} of "
                f"{sum(d.pages for d in docs)} pages, spread evenly over the set")
    return chosen


@pytest.fixture(scope="session")
def batch_docs() -> list[Doc]:
    """The batch for throughput (``BENCH_BATCH``, default 500 generated documents)."""
    try:
        return harness.generated_docs(env_int("BENCH_BATCH", 500), seed=12)
    except Unavailable as err:
        _skip(f"batch throughput: {err}")
        raise


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Add the profile, write the report, and fail the run if a budget is missed."""
    if not REPORT.sections:
        return
    runs = [r for k, rounds in RAW.items() if not k.startswith("scanned")
            for rs in rounds for r in rs]
    if runs:
        REPORT.add("profile", harness.profile(runs))
    scans = [r for k, rounds in RAW.items() if k.startswith("scanned") for rs in rounds for r in rs]
    if scans:
        REPORT.add("profile_scanned", harness.profile(scans))
    out = Path(os.environ.get("BENCH_OUT", RESULTS))
    paths = write(REPORT, out)
    session.config.stash[_PATHS] = paths
    if budget_failures(REPORT.sections) and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_PATHS = pytest.StashKey[dict[str, Path]]()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Print the budgets and where the report went."""
    if not REPORT.sections:
        return
    tr = terminalreporter
    tr.section("COSY budgets")
    for t in targets(REPORT.sections):
        tr.write_line(t.line())
    for note in REPORT.notes:
        tr.write_line(f"note: {note}")
    paths = config.stash.get(_PATHS, {})
    if paths:
        tr.write_line("report: " + ", ".join(str(p) for p in paths.values()))
    if budget_failures(REPORT.sections):
        tr.write_line("budget check FAILED: see the targets above", red=True, bold=True)
