"""Capacity figures for docs/capacity.md: what one Dask worker core does, and what the scheduler
costs per task, on the topology the Helm chart deploys (a stock `dask scheduler` and `dask worker
--no-nanny --nthreads 1 --preload cosy.inference.preload`, separate processes).

    .venv/bin/python -m benchmarks.capacity [--digital 40] [--scanned 8] [--tasks 3000]

Born-digital and scanned documents (the generator's classic family, as `make bench`) run two at
a time on one worker, as a dispatcher feeds it. Two views of throughput: pages per wall second
(what this machine gave, under whatever else ran on it) and pages per CPU second of the worker
process (what a dedicated core gives; the figure the cluster sizes rest on). The scheduler's
cost per task is its process's CPU time over a few thousand no-op tasks. Writes
benchmarks/results/capacity.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.harness import Doc, free_port, generated_docs, scanned_docs, worker_cpu
from cosy.config import Settings
from cosy.engine.executor import DaskExecutor
from cosy.engine.profiles import load_pipeline

BIN = Path(sys.executable).parent
OUT = Path(__file__).resolve().parent / "results" / "capacity.json"


def start(*cmd: str, log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True,
                                env={**os.environ, "OMP_NUM_THREADS": "1",
                                     "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False"})


def throughput(executor: DaskExecutor, docs: list[Doc], concurrency: int = 2) -> dict[str, Any]:
    """Pages per wall second and per worker CPU second over ``docs``, ``concurrency`` at once."""
    pipeline = load_pipeline()
    executor.run(pipeline, docs[0].data, docs[0].info)  # warm: first-use costs are not capacity
    cpu0, t0 = worker_cpu(executor.client), time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        runs = list(pool.map(lambda d: executor.run(pipeline, d.data, d.info), docs))
    wall, cpu = time.perf_counter() - t0, worker_cpu(executor.client) - cpu0
    pages = sum(d.pages for d in docs)
    per_page = sorted(r.timings["per_page_s"] for r in runs)
    return {"documents": len(docs), "pages": pages, "wall_s": round(wall, 2),
            "worker_cpu_s": round(cpu, 2), "pages_per_wall_s": round(pages / wall, 3),
            "pages_per_cpu_s": round(pages / cpu, 3),
            "p95_wall_s_per_page": round(per_page[int(0.95 * (len(per_page) - 1))], 3)}


def scheduler_cost(executor: DaskExecutor, tasks: int) -> dict[str, Any]:
    """Scheduler CPU seconds per task over ``tasks`` independent no-op tasks (submitted in
    batches of 500, as several dispatchers' documents would arrive)."""

    def cpu() -> float:
        t = os.times()
        return t.user + t.system

    client = executor.client
    before = client.run_on_scheduler(cpu)
    t0 = time.perf_counter()
    for start_at in range(0, tasks, 500):
        futures = client.map(int, range(start_at, min(start_at + 500, tasks)), pure=False)
        client.gather(futures)
        del futures
    wall = time.perf_counter() - t0
    spent = client.run_on_scheduler(cpu) - before
    return {"tasks": tasks, "scheduler_cpu_s": round(spent, 3),
            "scheduler_ms_per_task": round(1000 * spent / tasks, 3),
            "wall_ms_per_task": round(1000 * wall / tasks, 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--digital", type=int, default=40, help="born-digital documents")
    parser.add_argument("--scanned", type=int, default=8, help="scanned documents")
    parser.add_argument("--tasks", type=int, default=3000, help="no-op tasks for the scheduler")
    args = parser.parse_args(argv)
    logs = Path(tempfile.mkdtemp(prefix="cosy-capacity-"))
    port, http, whttp = free_port(), free_port(), free_port()
    procs = [start(str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                   "--dashboard-address", f"127.0.0.1:{http}", log=logs / "scheduler.log")]
    procs.append(start(str(BIN / "dask"), "worker", f"tcp://127.0.0.1:{port}", "--nthreads", "1",
                       "--no-nanny", "--memory-limit", "2GiB", "--preload",
                       "cosy.inference.preload", "--dashboard-address", f"127.0.0.1:{whttp}",
                       log=logs / "worker.log"))
    load_before = os.getloadavg()
    try:
        executor = DaskExecutor(Settings(dask_scheduler=f"tcp://127.0.0.1:{port}"))
        executor.client.wait_for_workers(1, timeout=300)
        result = {
            "machine": {"cores": os.cpu_count(), "loadavg_before": load_before},
            "born_digital": throughput(executor, generated_docs(args.digital, seed=15)),
            "scanned": throughput(executor, scanned_docs(args.scanned, seed=16)),
            "scheduler": scheduler_cost(executor, args.tasks),
        }
        result["machine"]["loadavg_after"] = os.getloadavg()
        executor.close()
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
