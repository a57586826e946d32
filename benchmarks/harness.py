"""Measurement helpers shared by the benchmark suites and the smoke test.

Everything here is plain functions over plain data (lists of floats, dicts), so that the smoke test
can drive the same code on a handful of tiny documents in seconds, and ``make bench`` on hundreds.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cosy.config import Settings
from cosy.engine.dag import Pipeline
from cosy.engine.executor import Executor
from cosy.ingest import DocumentInfo, inspect_document

ROOT = Path(__file__).resolve().parents[1]
REAL_CORPUS = Path(os.environ.get("BENCH_REAL_CORPUS", ROOT.parent / "shared" / "corpus" / "real"))
CACHE = Path(os.environ.get("BENCH_CACHE", ROOT / "benchmarks" / ".cache"))
TENANT = "bench"


def env_int(name: str, default: int) -> int:
    """An integer knob from the environment (``BENCH_*``), else ``default``."""
    value = os.environ.get(name)
    return int(value) if value else default


class Unavailable(RuntimeError):
    """An input the benchmark needs is missing (real corpus, generator); the test skips."""


# --- documents -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Doc:
    """One PDF in memory with what ingest says about it."""

    name: str
    data: bytes
    info: DocumentInfo
    kind: str  # "real", "generated", "tiny"

    @property
    def pages(self) -> int:
        return self.info.pages


def as_doc(data: bytes, name: str, kind: str, tenant: str = TENANT) -> Doc:
    """Wrap bytes as a :class:`Doc` (validated like a submission)."""
    s = Settings()
    info = inspect_document(data, name, tenant, max_bytes=s.max_bytes, max_pages=s.max_pages)
    return Doc(name, data, info, kind)


def load_pdfs(folder: Path, kind: str, limit: int | None = None) -> list[Doc]:
    """The PDFs of a folder, sorted by name."""
    files = sorted(folder.glob("*.pdf"))[:limit]
    return [as_doc(f.read_bytes(), f.name, kind) for f in files]


def real_docs(scanned: bool = False) -> list[Doc]:
    """The real development corpus (born-digital, or its image-only twins), if present."""
    folder = REAL_CORPUS / ("scanned" if scanned else "docs")
    if not folder.is_dir():
        raise Unavailable(f"the real corpus is absent ({folder}); real-document figures skipped")
    return load_pdfs(folder, "real-scanned" if scanned else "real")


def generated_docs(n: int, seed: int, cache: Path = CACHE) -> list[Doc]:
    """``n`` generated born-digital documents of mixed types, made once into ``cache``."""
    try:
        from cosy.corpus import generate_corpus
    except ImportError as err:
        raise Unavailable(f"the document generator is not available yet ({err})") from err
    out = cache / f"corpus-n{n}-s{seed}"
    docs = out / "docs"
    if len(list(docs.glob("*.pdf"))) < n:
        generate_corpus(out, n=n, seed=seed, scanned_ratio=0.0, progress=False)
    return load_pdfs(docs, "generated", limit=n)


def tiny_docs(n: int, max_pages: int = 3) -> list[Doc]:
    """``n`` small invoice-like PDFs made with reportlab (1..max_pages pages), for smoke runs."""
    from reportlab.pdfgen import canvas

    out = []
    for i in range(n):
        buf = io.BytesIO()
        c = canvas.Canvas(buf, invariant=1)
        for p in range(1 + i % max_pages):
            lines = [f"Rechnung Nr. RE-2025-{i:04d}", "Rechnungsdatum: 03.02.2025",
                     "USt-IdNr.: DE123456789", "IBAN: DE89 3704 0044 0532 0130 00",
                     f"Seite {p + 1}", "Gesamtbetrag: 1.234,56 EUR"]
            for k, line in enumerate(lines):
                c.drawString(72, 800 - 16 * k, line)
            c.showPage()
        c.save()
        out.append(as_doc(buf.getvalue(), f"tiny-{i:03d}.pdf", "tiny"))
    return out


# --- statistics ----------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear interpolation; NaN for no values."""
    if not values:
        return float("nan")
    xs = sorted(values)
    k = (len(xs) - 1) * q / 100.0
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def spread(values: Sequence[float]) -> dict[str, float]:
    """Median, min and max of per-round figures (the form every figure is reported in)."""
    vals = [v for v in values if v == v]  # drop NaN
    if not vals:
        return {"median": float("nan"), "min": float("nan"), "max": float("nan"), "n": 0}
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals),
            "n": len(vals)}


# --- the pipeline --------------------------------------------------------------------------------


@dataclass
class DocRun:
    """One document's run: wall and compute seconds, and seconds per page."""

    name: str
    pages: int
    wall_s: float
    compute_s: float
    page_s: list[float]  # page-step seconds of each page + its share of the document steps
    steps: dict[str, float] = field(default_factory=dict)
    families: dict[str, float] = field(default_factory=dict)


def to_doc_run(name: str, pages: int, timings: dict[str, Any], wall_s: float) -> DocRun:
    """Per-page seconds from an executor's timings: each page's own steps + doc steps / pages."""
    page_steps = [float(x) for x in timings.get("pages", [])] or [0.0] * pages
    compute = float(timings.get("compute_s", sum(page_steps)))
    doc_share = max(compute - sum(page_steps), 0.0) / max(pages, 1)
    return DocRun(name, pages, wall_s, compute, [p + doc_share for p in page_steps],
                  dict(timings.get("steps", {})), dict(timings.get("families", {})))


def run_pipeline(executor: Executor, pipeline: Pipeline, docs: Iterable[Doc]) -> list[DocRun]:
    """Run each document alone (no other document in flight): the per-page latency view."""
    runs = []
    for d in docs:
        t0 = time.perf_counter()
        result = executor.run(pipeline, d.data, d.info)
        runs.append(to_doc_run(d.name, d.pages, result.timings, time.perf_counter() - t0))
    return runs


def floor_page_seconds(data: bytes) -> list[float]:
    """The parsing floor of each page: pdfplumber open + extract_words + find_tables."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        n = len(pdf.pages)
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            page = pdf.pages[i]
            page.extract_words()
            page.find_tables()
        out.append(time.perf_counter() - t0)
    return out


def run_floor(docs: Iterable[Doc]) -> list[DocRun]:
    """The floor of every page of ``docs`` (in this process, one core), as DocRuns."""
    runs = []
    for d in docs:
        t0 = time.perf_counter()
        secs = floor_page_seconds(d.data)
        runs.append(DocRun(d.name, d.pages, time.perf_counter() - t0, sum(secs), secs))
    return runs


def summarize_pages(rounds: list[list[DocRun]]) -> dict[str, Any]:
    """p50/p95/max of seconds per page for each round, reported as median [min, max] over rounds.

    Also the per-page medians over rounds (``per_page``: "doc#page" -> s), which the ratio uses,
    and the same for the latency view, wall seconds per page of each document.
    """
    p50, p95, top, w50, w95, wtop = [], [], [], [], [], []
    per_page: dict[str, list[float]] = {}
    for runs in rounds:
        pages = [s for r in runs for s in r.page_s]
        walls = [r.wall_s / max(r.pages, 1) for r in runs for _ in range(r.pages)]
        p50.append(percentile(pages, 50))
        p95.append(percentile(pages, 95))
        top.append(max(pages, default=float("nan")))
        w50.append(percentile(walls, 50))
        w95.append(percentile(walls, 95))
        wtop.append(max(walls, default=float("nan")))
        for r in runs:
            for i, s in enumerate(r.page_s, 1):
                per_page.setdefault(f"{r.name}#{i}", []).append(s)
    first = rounds[0] if rounds else []
    return {
        "docs": len(first), "pages": sum(r.pages for r in first), "rounds": len(rounds),
        "page_s": {"p50": spread(p50), "p95": spread(p95), "max": spread(top)},
        "wall_per_page_s": {"p50": spread(w50), "p95": spread(w95), "max": spread(wtop)},
        "worst_page_s": max(top + wtop, default=float("nan")),
        "per_page": {k: statistics.median(v) for k, v in per_page.items()},
        "pages_per_doc": sorted({r.pages for r in first}),
    }


def ratio_summary(pipeline: list[list[DocRun]], floor: list[list[DocRun]]) -> dict[str, Any]:
    """Pipeline ÷ floor page by page: the median ratio per round, median [min, max] over rounds."""
    per_round = []
    for p_runs, f_runs in zip(pipeline, floor, strict=False):
        fmap = {(r.name, i): s for r in f_runs for i, s in enumerate(r.page_s)}
        ratios = [s / fmap[(r.name, i)] for r in p_runs for i, s in enumerate(r.page_s)
                  if fmap.get((r.name, i), 0) > 0]
        per_round.append(statistics.median(ratios) if ratios else float("nan"))
    p_med = summarize_pages(pipeline)["per_page"]
    f_med = summarize_pages(floor)["per_page"]
    ratios = {k: p_med[k] / f_med[k] for k in p_med if f_med.get(k, 0) > 0}
    return {"median_ratio": spread(per_round),
            "p95_ratio_of_page_medians": percentile(list(ratios.values()), 95),
            "pages": len(ratios)}


def profile(runs: Iterable[DocRun], top: int = 20) -> dict[str, Any]:
    """Where the time goes: seconds and share per step family and for the top steps."""
    steps: dict[str, float] = {}
    families: dict[str, float] = {}
    walls = compute = 0.0
    one_page_overheads = []
    for r in runs:
        for k, v in r.steps.items():
            steps[k] = steps.get(k, 0.0) + v
        for k, v in r.families.items():
            families[k] = families.get(k, 0.0) + v
        walls += r.wall_s
        compute += r.compute_s
        if r.pages == 1 and r.wall_s > 0:
            one_page_overheads.append(max(r.wall_s - r.compute_s, 0.0) / r.wall_s)
    total = sum(steps.values()) or 1.0

    def table(d: dict[str, float], n: int | None) -> list[dict[str, Any]]:
        rows = sorted(d.items(), key=lambda kv: -kv[1])[:n]
        return [{"name": k, "seconds": round(v, 4), "share": round(v / total, 4)} for k, v in rows]

    return {
        "families": table(families, None),
        "steps": table(steps, top),
        "overhead_share_1page": (statistics.median(one_page_overheads)
                                 if one_page_overheads else float("nan")),
        "overhead_1page_docs": len(one_page_overheads),
    }


# --- workers -------------------------------------------------------------------------------------


def worker_memory(client: Any) -> dict[str, dict[str, int]]:
    """Current and peak RSS (bytes) of every Dask worker process."""

    def probe() -> dict[str, int]:
        import psutil

        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        return {"rss": psutil.Process().memory_info().rss, "peak": peak_kb * 1024}

    return client.run(probe)


# --- batch throughput and the leak check --------------------------------------------------------


def run_batch(executor: Executor, pipeline: Pipeline, docs: Sequence[Doc], *,
              client: Any | None, concurrency: int = 4, leak_pages: int = 0,
              sample_every: int = 100, workers: int = 2) -> dict[str, Any]:
    """Pages/second over ``docs`` with ``concurrency`` documents in flight (as the dispatcher).

    Then, if fewer than ``leak_pages`` pages were processed, cycles over ``docs`` (untimed) until
    that many were; worker RSS is sampled every ``sample_every`` pages for the leak check.
    """
    lock = threading.Lock()
    state = {"pages": 0, "next_sample": 0}
    samples: list[dict[str, Any]] = []
    runs: list[DocRun] = []
    slices: list[tuple[float, int]] = []  # (time, cumulative pages) at each document's end

    def sample(force: bool = False) -> None:
        if client is None:
            return
        with lock:
            due = force or state["pages"] >= state["next_sample"]
            if due:
                state["next_sample"] = state["pages"] + sample_every
            pages = state["pages"]
        if due:
            samples.append({"pages": pages, "workers": worker_memory(client)})

    def one(d: Doc) -> DocRun:
        t0 = time.perf_counter()
        res = executor.run(pipeline, d.data, d.info)
        run = to_doc_run(d.name, d.pages, res.timings, time.perf_counter() - t0)
        with lock:
            state["pages"] += d.pages
            slices.append((time.perf_counter(), state["pages"]))
        sample()
        return run

    sample(force=True)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        runs = list(pool.map(one, docs))
        wall = time.perf_counter() - t0
        timed_pages = state["pages"]
        while leak_pages and state["pages"] < leak_pages:
            need, chunk = leak_pages - state["pages"], []
            for d in docs:
                chunk.append(d)
                need -= d.pages
                if need <= 0:
                    break
            list(pool.map(one, chunk))
    sample(force=True)
    compute = sum(r.compute_s for r in runs)
    # throughput of consecutive slices of ~1/5 of the batch, for a spread within one run
    rates = []
    batch_ends = slices[: len(runs)]  # the batch's own documents end first (the leak run follows)
    step = max(len(batch_ends) // 5, 1)
    prev_t, prev_p = t0, 0
    for i in range(step - 1, len(batch_ends), step):
        t, p = batch_ends[i]
        if t > prev_t:
            rates.append((p - prev_p) / (t - prev_t))
        prev_t, prev_p = t, p
    return {
        "docs": len(docs), "pages": timed_pages, "wall_s": wall,
        "pages_per_s": timed_pages / wall if wall > 0 else float("nan"),
        "slice_pages_per_s": spread(rates), "concurrency": concurrency, "workers": workers,
        "overhead_share": 1.0 - compute / (wall * workers) if wall > 0 else float("nan"),
        "leak": leak_summary(samples), "runs": runs,
    }


def leak_summary(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """RSS growth per worker from the first sample after warm-up (≥10 % of pages) to the last."""
    if len(samples) < 2:
        return {"pages": samples[-1]["pages"] if samples else 0, "growth": float("nan"),
                "samples": samples}
    last = samples[-1]
    warm = next((s for s in samples if s["pages"] >= 0.1 * last["pages"]), samples[0])
    growth, peak = {}, {}
    for w, mem in last["workers"].items():
        base = warm["workers"].get(w, {}).get("rss")
        growth[w] = (mem["rss"] - base) / base if base else float("nan")
        peak[w] = mem["peak"]
    return {"pages": last["pages"], "baseline_pages": warm["pages"],
            "growth": max(growth.values(), default=float("nan")), "growth_per_worker": growth,
            "peak_rss_bytes": peak, "samples": samples}


# --- the service ---------------------------------------------------------------------------------


def run_service(executor: Executor, pipeline: Pipeline, docs: Sequence[Doc], store_dir: Path,
                tenant: str, poll_s: float = 0.01, timeout_s: float = 120.0) -> list[DocRun]:
    """Submit → job succeeded → triples stored, one document at a time, on an embedded store.

    The dispatcher runs in background threads as in ``cosy serve`` (its claim loop polls every
    ``poll_s``), on the given executor. ``wall_s`` of each DocRun is that end-to-end latency.
    """
    from cosy.engine.dispatcher import Dispatcher
    from cosy.jobs import submit_document
    from cosy.store import open_store

    settings = Settings(store=str(store_dir), dispatcher_poll_s=poll_s, tenant=tenant)
    store = open_store(str(store_dir))
    dispatcher = Dispatcher(store, executor, pipeline, settings)
    dispatcher.start()
    runs = []
    try:
        for d in docs:
            t0 = time.perf_counter()
            sub = submit_document(store, d.data, d.name, tenant, settings)
            deadline = time.monotonic() + timeout_s
            while True:
                job = store.get_job(sub.job.id)
                if job is not None and job.status.final:
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{d.name}: job not final after {timeout_s} s")
                time.sleep(0.002)
            triples = store.count_triples(tenant, doc=d.info.id)
            wall = time.perf_counter() - t0
            if str(job.status) != "succeeded":
                raise RuntimeError(f"{d.name}: job {job.status}: {job.error}")
            if triples <= 0:
                raise RuntimeError(f"{d.name}: job succeeded but no triples were stored")
            run = to_doc_run(d.name, d.pages, job.timings, wall)
            run.page_s = [wall / max(d.pages, 1)] * d.pages
            runs.append(run)
    finally:
        dispatcher.stop()
        store.close()
    return runs


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cold_start(timeout_s: float = 180.0, workers: int = 2) -> float:
    """Seconds from launching ``cosy serve`` until ``/readyz`` answers 200 (then stops it)."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="cosy-bench-") as tmp:
        env = {**os.environ, "COSY_STORE": str(Path(tmp) / "store"),
               "COSY_DASK_WORKERS": str(workers), "COSY_DASK_SCHEDULER": "local"}
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "cosy.cli", "serve", "--port", str(port)],
                                env=env, cwd=tmp, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, start_new_session=True)
        try:
            url = f"http://127.0.0.1:{port}/readyz"
            while True:
                if proc.poll() is not None:
                    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                    raise RuntimeError(f"cosy serve exited with {proc.returncode}: {err[-800:]}")
                try:
                    with urllib.request.urlopen(url, timeout=1) as resp:
                        if resp.status == 200:
                            return time.perf_counter() - t0
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                if time.perf_counter() - t0 > timeout_s:
                    raise TimeoutError(f"/readyz did not answer 200 within {timeout_s} s")
                time.sleep(0.05)
        finally:
            stop_process_group(proc)


def stop_process_group(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process we started in its own session: SIGINT, then SIGKILL to its group."""
    import signal

    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(20)
    # the LocalCluster's worker processes of that server, if any outlived it
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


# --- misc ----------------------------------------------------------------------------------------


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """``fn()`` and its wall seconds."""
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def dump(obj: Any, path: Path) -> None:
    """JSON with NaN written as null."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_clean(obj), indent=2, ensure_ascii=False) + "\n")


def _clean(obj: Any) -> Any:
    if isinstance(obj, float):
        return None if obj != obj else round(obj, 6)
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, DocRun):
        return _clean(obj.__dict__)
    return obj
