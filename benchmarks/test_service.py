"""(2) end to end through a running `cosy serve`, and (7) its cold start.

One `cosy serve` subprocess for the module: a fresh embedded store in a temporary folder, a
LocalCluster of 2 workers, a free port on 127.0.0.1. Each round makes a key for a fresh tenant
with `cosy keys create` (documents are content-addressed per tenant), then uploads each document
alone over HTTP, polls ``GET /v1/jobs/{id}`` until it ends and fetches the triples. The server's
rate limiter is off (``COSY_API_RATE_PER_S=0``) so that 20 ms polls are not throttled; everything
else is the deployment default (the dispatcher polls the queue every 0.5 s).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from benchmarks import harness
from benchmarks.harness import Doc, DocRun, Server, env_int
from benchmarks.report import HARD_BUDGET_S, Report

CLIENT_POLL_S = 0.02


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """`cosy serve` with 2 workers, warmed by two untimed uploads; stopped at the end."""
    extra = {"COSY_API_RATE_PER_S": "0"}
    if os.environ.get("BENCH_DISPATCHER_POLL_S"):
        extra["COSY_DISPATCHER_POLL_S"] = os.environ["BENCH_DISPATCHER_POLL_S"]
    with harness.serve(workers=2, extra_env=extra) as srv:
        key = harness.create_key(srv, "benchwarm")
        harness.run_http(srv, key, harness.tiny_docs(2), poll_s=CLIENT_POLL_S)
        yield srv


def _http(benchmark: Any, server: Server, docs: list[Doc], name: str, report: Report,
          rounds: int) -> None:
    out: list[list[DocRun]] = []
    phases: list[dict[str, float]] = []
    counter = iter(range(1000))

    def once() -> None:  # a fresh tenant (and key) per round: documents are content-addressed
        key = harness.create_key(server, f"bench{name}{next(counter)}")
        runs, ph = harness.run_http(server, key, docs, poll_s=CLIENT_POLL_S)
        out.append(runs)
        phases[:] = ph

    benchmark.pedantic(once, rounds=rounds, iterations=1, warmup_rounds=0)
    summary = harness.summarize_pages(out)
    summary["phases"] = harness.phase_summary(phases)
    summary["server"] = {"workers": 2, "client_poll_s": CLIENT_POLL_S, "ready_s": server.ready_s,
                         "dispatcher_poll_s": float(server.env.get("COSY_DISPATCHER_POLL_S",
                                                                   0.5))}
    report.add(f"http_{name}", summary)
    benchmark.extra_info.update(pages=summary["pages"], p95=summary["page_s"]["p95"]["median"])
    assert summary["worst_page_s"] <= HARD_BUDGET_S, f"a page took {summary['worst_page_s']} s"


def test_http_real(benchmark: Any, server: Server, real: list[Doc], report: Report,
                   rounds: int) -> None:
    """Real born-digital documents end to end over HTTP, one at a time."""
    _http(benchmark, server, real, "real", report, rounds)


def test_http_generated(benchmark: Any, server: Server, generated: list[Doc], report: Report,
                        rounds: int) -> None:
    """The first ``BENCH_E2E_DOCS`` (default 20) generated documents end to end over HTTP."""
    _http(benchmark, server, generated[: env_int("BENCH_E2E_DOCS", 20)], "generated", report,
          rounds)


def test_cold_start(benchmark: Any, report: Report, rounds: int) -> None:
    """`cosy serve` (2 workers, fresh embedded store) until /readyz answers 200."""
    secs: list[float] = []
    benchmark.pedantic(lambda: secs.append(harness.cold_start()), rounds=rounds, iterations=1)
    report.add("cold_start", {"seconds": harness.spread(secs), "rounds": len(secs),
                              "all": secs})
