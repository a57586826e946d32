"""(8) The command line as a user meets it: `cosy extract` wall time from a fresh process.

What a user waits for when they press Enter: interpreter start, imports, the pipeline loaded,
the document run (in-process: ``COSY_DASK_SCHEDULER=auto``, the default), the result printed.
Each round is a new process (``BENCH_CLI_ROUNDS``, default 5) with default settings and a store
in a temporary folder. Runs first in ``make bench`` (file order), before the session's cluster
starts. Budgets: one born-digital page under 2 s, a refused file under 1 s (median wall
seconds); the process's CPU seconds are reported beside them (on a shared machine, wall minus
CPU is time spent waiting for a core).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks import harness
from benchmarks.harness import env_int
from benchmarks.report import Report

ROUNDS = env_int("BENCH_CLI_ROUNDS", 5)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One generated born-digital page, ten generated documents, and a text file named .pdf."""
    out = tmp_path_factory.mktemp("cli")
    docs = harness.generated_docs(20, seed=14)
    one = next(d for d in docs if d.pages == 1)
    (out / "one.pdf").write_bytes(one.data)
    (out / "ten").mkdir()
    for d in docs[:10]:
        (out / "ten" / d.name).write_bytes(d.data)
    (out / "notes.pdf").write_text("meeting notes, not a PDF\n")
    return out


def _cli(benchmark: Any, folder: Path, args: list[str], expect: int) -> dict[str, Any]:
    runs: list[harness.CliRun] = []

    def once() -> None:
        run = harness.cli_run(args, folder)
        assert run.code == expect, f"cosy {' '.join(args)} exited {run.code}"
        runs.append(run)

    benchmark.pedantic(once, rounds=ROUNDS, iterations=1, warmup_rounds=0)
    return {"seconds": harness.spread([r.wall_s for r in runs]),
            "cpu_seconds": harness.spread([r.cpu_s for r in runs]), "rounds": len(runs)}


def test_cli_extract_one_page(benchmark: Any, folder: Path, report: Report) -> None:
    """`cosy extract one.pdf`: a one-page born-digital invoice, start-up included."""
    report.sections.setdefault("cli", {})["one_page"] = _cli(
        benchmark, folder, ["extract", "one.pdf"], 0)


def test_cli_extract_refused(benchmark: Any, folder: Path, report: Report) -> None:
    """`cosy extract notes.pdf`: a text file named .pdf, refused with a one-line reason."""
    report.sections.setdefault("cli", {})["refused"] = _cli(
        benchmark, folder, ["extract", "notes.pdf"], 1)


def test_cli_extract_ten_documents(benchmark: Any, folder: Path, report: Report) -> None:
    """`cosy extract ten/`: ten generated documents of mixed types, one process."""
    pages = sum(harness.as_doc(p.read_bytes(), p.name, "generated").pages
                for p in (folder / "ten").glob("*.pdf"))
    result = _cli(benchmark, folder, ["extract", "--json", "ten/"], 0)
    report.sections.setdefault("cli", {})["ten_docs"] = result | {"pages": pages}
