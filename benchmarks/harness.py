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
from collections.abc import Callable, Iterable, Iterator, Sequence
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
    return _generated(n, seed, cache, scanned=False)


def scanned_docs(n: int, seed: int, cache: Path = CACHE) -> list[Doc]:
    """``n`` generated image-only documents (``scanned_ratio=1.0``): the OCR path."""
    return _generated(n, seed, cache, scanned=True)


def _generated(n: int, seed: int, cache: Path, scanned: bool) -> list[Doc]:
    """Generate a corpus once into ``cache`` (reused by later runs) and load ``n`` of it."""
    try:
        from cosy.corpus import generate_corpus
    except ImportError as err:
        raise Unavailable(f"the document generator is not available yet ({err})") from err
    suffix = "-scanned" if scanned else ""
    docs = cache / f"corpus-n{n}-s{seed}{suffix}" / "docs"
    if len(list(docs.glob("*.pdf"))) < n:
        # the classic family: the corpus the budgets and earlier reports were measured on
        generate_corpus(docs.parent, n=n, seed=seed, scanned_ratio=1.0 if scanned else 0.0,
                        progress=False, families=["classic"])
    return load_pdfs(docs, f"generated{suffix}", limit=n)


def spread_by_pages(docs: Sequence[Doc], max_pages: int) -> list[Doc]:
    """Documents spread evenly over ``docs`` whose pages add up to at most ``max_pages``.

    Takes every k-th document first (k from the total page count), then fills up in order, so a
    capped sample still has 1- to n-page documents; the result keeps the input order.
    """
    total = sum(d.pages for d in docs)
    if total <= max_pages:
        return list(docs)
    stride = max(-(-total // max(max_pages, 1)), 1)
    order = list(range(0, len(docs), stride)) + [i for i in range(len(docs)) if i % stride]
    chosen, pages = set(), 0
    for i in order:
        if pages + docs[i].pages <= max_pages:
            chosen.add(i)
            pages += docs[i].pages
    return [d for i, d in enumerate(docs) if i in chosen]


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
    worker_cpu_s: float | None = None  # CPU seconds all workers spent during the run, if sampled


def to_doc_run(name: str, pages: int, timings: dict[str, Any], wall_s: float) -> DocRun:
    """Per-page seconds from an executor's timings: each page's own steps + doc steps / pages."""
    page_steps = [float(x) for x in timings.get("pages", [])] or [0.0] * pages
    compute = float(timings.get("compute_s", sum(page_steps)))
    doc_share = max(compute - sum(page_steps), 0.0) / max(pages, 1)
    return DocRun(name, pages, wall_s, compute, [p + doc_share for p in page_steps],
                  dict(timings.get("steps", {})), dict(timings.get("families", {})))


def run_pipeline(executor: Executor, pipeline: Pipeline, docs: Iterable[Doc],
                 client: Any | None = None) -> list[DocRun]:
    """Run each document alone (no other document in flight): the per-page latency view.

    With a Dask ``client``, the workers' CPU seconds are read before and after each document
    (``worker_cpu_s``): with one document in flight they are that document's, whatever else
    the machine runs, so wall ÷ CPU tells waiting for a core from work.
    """
    runs = []
    for d in docs:
        cpu0 = worker_cpu(client) if client is not None else None
        t0 = time.perf_counter()
        result = executor.run(pipeline, d.data, d.info)
        run = to_doc_run(d.name, d.pages, result.timings, time.perf_counter() - t0)
        if cpu0 is not None:
            run.worker_cpu_s = worker_cpu(client) - cpu0
        runs.append(run)
    return runs


def worker_cpu(client: Any) -> float:
    """User + system CPU seconds of all Dask worker processes so far."""

    def probe() -> float:
        t = os.times()
        return t.user + t.system

    return float(sum(client.run(probe).values()))


def cpu_summary(rounds: list[list[DocRun]]) -> dict[str, Any]:
    """Worker CPU seconds per page (document CPU ÷ pages): p50/p95/max per round, as spreads;
    and wall ÷ CPU over all sampled documents (1 or less: no waiting for a core)."""
    p50, p95, top, ratio = [], [], [], []
    for runs in rounds:
        sampled = [r for r in runs if r.worker_cpu_s]
        vals = [r.worker_cpu_s / max(r.pages, 1) for r in sampled for _ in range(r.pages)]
        if not vals:
            continue
        p50.append(percentile(vals, 50))
        p95.append(percentile(vals, 95))
        top.append(max(vals))
        ratio.append(sum(r.wall_s for r in sampled) / sum(r.worker_cpu_s or 0.0 for r in sampled))
    return {"p50": spread(p50), "p95": spread(p95), "max": spread(top),
            "wall_over_cpu": spread(ratio)}


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


# --- OCR ---------------------------------------------------------------------------------------


OCR_PARTS = ("render_s", "det_s", "rec_s", "other_s")


def ocr_breakdown(docs: Sequence[Doc], max_pages: int = 3) -> dict[str, Any]:
    """Where one page's OCR time goes: render, detection, recognition, the rest of the engine.

    Runs the OCR step's own functions in this process (``ocr_threads``, as a worker) on the
    first ``max_pages`` pages of ``docs``, after one untimed page; detection and recognition
    seconds are RapidOCR's ``elapse_list`` (the step's timings have only ``ocr.words``).
    ``cpu_s`` is this process's CPU time for the page: wall ÷ CPU above 1 means the page
    waited for a core (other processes on the machine).
    """
    from cosy.inference.resources import Resources
    from cosy.steps import ocr

    engine = Resources(Settings()).ocr(*ocr.OCR_MODELS)
    pages = [(d, p) for d in docs for p in range(1, d.pages + 1)][:max_pages]
    if not pages:
        return {"pages": 0}
    ocr.recognise(engine, ocr.render_page(pages[0][0].data, pages[0][1]))  # warm
    rows = []
    for d, p in pages:
        c0, t0 = time.process_time(), time.perf_counter()
        image = ocr.render_page(d.data, p)
        t1 = time.perf_counter()
        reading = ocr.recognise(engine, image)
        result, placement = reading.result, reading.place
        t2, c2 = time.perf_counter(), time.process_time()
        det, _cls, rec = (list(result.elapse_list or []) + [None] * 3)[:3]
        det, rec = float(det or 0.0), float(rec or 0.0)
        rows.append({"page": f"{d.name}#{p}", "render_s": t1 - t0, "det_s": det, "rec_s": rec,
                     "other_s": max(t2 - t1 - det - rec, 0.0), "total_s": t2 - t0,
                     "cpu_s": c2 - c0,
                     "pixels": int(image.shape[0] * image.shape[1]),
                     "bands": placement.bands is not None,
                     "lines": len(result.txts or ())})
    total = sum(r["total_s"] for r in rows) or 1.0
    return {"pages": len(rows), "dpi": ocr.OCR_DPI, "rows": rows,
            "median_s": {k: statistics.median(r[k] for r in rows) for k in (*OCR_PARTS,
                                                                             "total_s", "cpu_s")},
            "share": {k: sum(r[k] for r in rows) / total for k in OCR_PARTS}}


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


class MemorySampler:
    """Resident memory of a process and of every process under it (a server and its Dask
    workers, or a test and its cluster), every ``interval_s`` while the block runs: each
    process's peak, and the tree over time."""

    def __init__(self, pid: int | None = None, interval_s: float = 1.0) -> None:
        import psutil

        self.root = psutil.Process(pid)
        self.interval_s = interval_s
        self.peak: dict[int, tuple[str, int]] = {}  # pid -> (command line end, bytes)
        self.samples: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="memory-sampler")
        self.t0 = time.monotonic()

    def _run(self) -> None:
        import psutil

        while not self._stop.wait(self.interval_s):
            rss: dict[int, int] = {}
            for p in [self.root, *self.root.children(recursive=True)]:
                try:
                    rss[p.pid] = p.memory_info().rss
                    name = " ".join(p.cmdline()[-2:])[-60:]
                except psutil.Error:
                    continue
                if rss[p.pid] > self.peak.get(p.pid, ("", 0))[1]:
                    self.peak[p.pid] = (name, rss[p.pid])
            children = sorted(v for k, v in rss.items() if k != self.root.pid)
            self.samples.append({"t": round(time.monotonic() - self.t0, 1),
                                 "root_mb": rss.get(self.root.pid, 0) >> 20,
                                 "largest_children_mb": [v >> 20 for v in children[-2:]],
                                 "total_mb": sum(rss.values()) >> 20})

    def highest(self) -> int:
        """The largest resident size any process reached (bytes)."""
        return max((rss for _, rss in self.peak.values()), default=0)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# --- the service ---------------------------------------------------------------------------------


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running ``cosy serve`` subprocess: its URL, environment, store folder and log."""

    url: str
    env: dict[str, str]
    proc: subprocess.Popen[bytes]
    log: Path
    ready_s: float = float("nan")

    def log_tail(self, chars: int = 800) -> str:
        """The end of the server's stderr (JSON log lines), for error messages."""
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def serve_env(folder: Path, workers: int = 2, scheduler: str = "local",
              extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a benchmark server: fresh embedded store in ``folder``, N workers."""
    return {**os.environ, "COSY_STORE": str(folder / "store"), "COSY_DASK_WORKERS": str(workers),
            "COSY_DASK_SCHEDULER": scheduler, **(extra or {})}


@contextlib.contextmanager
def serve(workers: int = 2, scheduler: str = "local", timeout_s: float = 180.0,
          extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    """Start ``cosy serve`` on a free loopback port with a fresh store; yield it once ``/readyz``
    answers 200 (``ready_s`` = seconds from launch); stop it (and its workers) on exit."""
    with tempfile.TemporaryDirectory(prefix="cosy-bench-") as tmp:
        folder = Path(tmp)
        port = free_port()
        env = serve_env(folder, workers, scheduler, extra_env)
        log = folder / "serve.log"
        with log.open("wb") as err:  # a file, not a pipe: the server logs every request
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, "-m", "cosy.cli", "serve", "--host", "127.0.0.1",
                 "--port", str(port)],
                env=env, cwd=tmp, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        server = Server(f"http://127.0.0.1:{port}", env, proc, log)
        try:
            server.ready_s = wait_ready(server, t0, timeout_s)
            yield server
        finally:
            stop_process_group(proc)


def wait_ready(server: Server, t0: float, timeout_s: float) -> float:
    """Poll ``/readyz`` every 50 ms until it answers 200; seconds since ``t0``."""
    url = f"{server.url}/readyz"
    while True:
        if server.proc.poll() is not None:
            raise RuntimeError(f"cosy serve exited with {server.proc.returncode}: "
                               f"{server.log_tail()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return time.perf_counter() - t0
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.perf_counter() - t0 > timeout_s:
            raise TimeoutError(f"/readyz did not answer 200 within {timeout_s} s: "
                               f"{server.log_tail()}")
        time.sleep(0.05)


def cold_start(timeout_s: float = 180.0, workers: int = 2) -> float:
    """Seconds from launching ``cosy serve`` until ``/readyz`` answers 200 (then stops it)."""
    with serve(workers=workers, timeout_s=timeout_s) as server:
        return server.ready_s


def create_key(server: Server, tenant: str, role: str = "writer") -> str:
    """A new API key for ``tenant``, made with the CLI on the server's store (printed once)."""
    out = subprocess.run(
        [sys.executable, "-m", "cosy.cli", "keys", "create", "--tenant", tenant, "--role", role,
         "--name", "bench"],
        env=server.env, capture_output=True, text=True, timeout=120, check=False)
    if out.returncode != 0 or not out.stdout.strip():
        raise RuntimeError(f"cosy keys create failed ({out.returncode}): {out.stderr[-800:]}")
    return out.stdout.strip().splitlines()[-1]


PHASES = ("upload_s", "queued_s", "pipeline_s", "persist_s", "notice_s", "triples_s")


def run_http(server: Server, key: str, docs: Sequence[Doc], poll_s: float = 0.02,
             timeout_s: float = 120.0) -> tuple[list[DocRun], list[dict[str, float]]]:
    """Upload → job succeeded → triples fetched, over HTTP, one document at a time.

    ``wall_s`` of each DocRun is that end-to-end latency (per page: divided by the pages). The
    phases split it: ``upload_s`` (POST until the 202), ``queued_s`` (job created until the
    dispatcher claimed it: mostly its queue poll), ``pipeline_s``
    (the job's ``total_s``: the executor run), ``persist_s`` (the rest of the job's life:
    storing result, entities, triples, finishing the job), ``notice_s`` (job finished until
    this client's poll saw it) and ``triples_s`` (GET the triples, up to 1000).
    """
    import httpx

    runs: list[DocRun] = []
    phases: list[dict[str, float]] = []
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30.0,
                      trust_env=False) as client:  # loopback only, never a proxy
        for d in docs:
            t0 = time.perf_counter()
            resp = client.post("/v1/documents", files={"files": (d.name, d.data,
                                                                 "application/pdf")})
            t_up = time.perf_counter()
            if resp.status_code != 202:
                raise RuntimeError(f"{d.name}: upload answered {resp.status_code}: "
                                   f"{resp.text[:300]}")
            item = resp.json()["items"][0]
            job, claimed_at = _wait_job(client, item["job_id"], d.name, poll_s, timeout_s,
                                        server)
            seen_wall, t_seen = time.time(), time.perf_counter()
            if job["status"] != "succeeded":
                raise RuntimeError(f"{d.name}: job {job['status']}: {job.get('error')}")
            tr = client.get(f"/v1/documents/{item['document_id']}/triples",
                            params={"limit": 1000})
            wall = time.perf_counter() - t0
            if tr.status_code != 200:
                raise RuntimeError(f"{d.name}: triples answered {tr.status_code}")
            if not tr.json()["items"]:
                raise RuntimeError(f"{d.name}: job succeeded but no triples were stored")
            timings = job.get("timings") or {}
            pipeline_s = float(timings.get("total_s", 0.0))
            created, finished = float(job["created_at"]), float(job["updated_at"])
            life = max(finished - created, 0.0)
            queued = (min(max(claimed_at - created, 0.0), life) if claimed_at is not None
                      else max(life - pipeline_s, 0.0))  # never seen running: all was wait
            runs.append(DocRun(d.name, d.pages, wall, float(timings.get("compute_s", pipeline_s)),
                               [wall / max(d.pages, 1)] * d.pages, {},
                               {k: float(v) for k, v in (timings.get("families") or {}).items()}))
            phases.append({"upload_s": t_up - t0, "queued_s": queued, "pipeline_s": pipeline_s,
                           "persist_s": max(life - queued - pipeline_s, 0.0),
                           "notice_s": max(seen_wall - finished, 0.0),
                           "triples_s": time.perf_counter() - t_seen, "wall_s": wall,
                           "pages": float(d.pages)})
    return runs, phases


def _wait_job(client: Any, job_id: str, name: str, poll_s: float, timeout_s: float,
              server: Server) -> tuple[dict[str, Any], float | None]:
    """GET /v1/jobs/{id} every ``poll_s`` until the job is final (bounded by ``timeout_s``).

    Returns the final job and, from the first poll that saw it running, the job's
    ``updated_at`` (server clock): the time of the claim, unless a progress write came first
    (None if no poll saw it running: the run fell between two polls).
    """
    deadline = time.monotonic() + timeout_s
    claimed_at: float | None = None
    while True:
        resp = client.get(f"/v1/jobs/{job_id}")
        if resp.status_code != 200:
            raise RuntimeError(f"{name}: GET job answered {resp.status_code}: {resp.text[:300]}")
        job: dict[str, Any] = resp.json()
        if job["status"] in ("succeeded", "failed"):
            return job, claimed_at
        if job["status"] == "running" and claimed_at is None:
            claimed_at = float(job["updated_at"])  # the claim's time, unless progress came first
        if time.monotonic() > deadline or server.proc.poll() is not None:
            raise TimeoutError(f"{name}: job {job_id} not final after {timeout_s} s "
                               f"(server {server.proc.poll()}): {server.log_tail()}")
        time.sleep(poll_s)


def phase_summary(phases: Sequence[dict[str, float]]) -> dict[str, Any]:
    """Median seconds per document of each end-to-end phase, and its share of the wall time."""
    if not phases:
        return {}
    wall = sum(p["wall_s"] for p in phases) or 1.0
    return {k: {"median": statistics.median(p[k] for p in phases),
                "share": sum(p[k] for p in phases) / wall} for k in (*PHASES, "wall_s")}


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


@dataclass
class CliRun:
    """One `cosy` process: wall seconds, its CPU seconds (user + system), exit code."""

    wall_s: float
    cpu_s: float
    code: int


def cli_run(args: Sequence[str], folder: Path) -> CliRun:
    """``cosy ARGS`` as a user types it: a fresh process (the console script, start-up and
    imports included), default settings, a store in ``folder``. CPU seconds tell the work
    from waiting for a core on a shared machine."""
    cosy = Path(sys.executable).parent / "cosy"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COSY_")}
    env["COSY_STORE"] = str(folder / "store")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([str(cosy), *args], cwd=folder, env=env, capture_output=True,
                          timeout=600)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return CliRun(wall, cpu, proc.returncode)


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
