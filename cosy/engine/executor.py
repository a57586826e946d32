"""Run a pipeline over one document: expand the groups per page and execute them.

Two executors share one plan and one task function (:func:`run_group`):
- :class:`DaskExecutor` submits one task per (group, page) to Dask distributed: a LocalCluster
  started in-process by default, or an existing scheduler (``COSY_DASK_SCHEDULER=tcp://...``).
- :class:`SyncExecutor` runs the same tasks in order in this process: the CLI's small jobs
  (:func:`make_executor` chooses by pages of work), debugging, unit tests.
Per-step timings are measured inside the fused tasks, so fusion costs no observability.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cosy.budgets import MB, Budgets
from cosy.config import Settings
from cosy.engine.dag import SOURCES, Group, Pipeline
from cosy.engine.failures import (
    WorkerKilled,
    announce_running,
    classify,
    from_cluster,
    killed_by,
)
from cosy.engine.guard import Overrun, TimeOverrun, watched
from cosy.engine.step import BudgetExceeded, StepContext, StepError
from cosy.inference.resources import get_resources
from cosy.ingest import DocumentInfo
from cosy.pdfguard.decode import metered

WORKER_CONFIG = {"distributed.worker.profile.enabled": False}
"""Dask config of the workers COSY starts. The statistical profiler samples every thread's stack
every 10 ms and keeps a tree of every call path it saw: over 387 steps that tree grew each
worker by ~70 KB per document (15,000 profile nodes after 200 documents), the memory growth of
the benchmarks. Workers of an external cluster need
``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False`` in their environment for the same."""

CLUSTER_CONFIG = {
    "distributed.scheduler.allowed-failures": 0,
    "distributed.worker.memory.target": False,
    "distributed.worker.memory.spill": False,
    "distributed.worker.memory.pause": False,
    "distributed.worker.memory.terminate": 0.95,
}
"""Dask config of the LocalCluster COSY starts (an external cluster needs the same, as
``DASK_DISTRIBUTED__...`` variables; docs/reliability.md). A task whose worker died is not
given to another worker (``allowed-failures: 0``): the executor decides, knowing which document
killed it. Workers have nothing to spill, and a paused worker would wait forever, so the only
memory action left is the nanny's restart at 95 % of ``COSY_WORKER_MEMORY_MB``."""
POISON_DEATHS = 2
"""Worker deaths under a document, with no word of what the worker was running, after which the
document is blamed."""
MAX_RESUBMITS = 3
"""Times a document is run again because workers died under other documents."""

log = logging.getLogger(__name__)

ProgressFn = Callable[[dict[str, Any]], None]


@dataclass
class RunResult:
    """What one document's run produced: the pipeline's output artifacts and its timings."""

    outputs: dict[str, Any]
    timings: dict[str, Any] = field(default_factory=dict)
    worker_deaths: int = 0  # workers that died under other documents while this one ran


@dataclass(frozen=True)
class Task:
    """One (group, page) instance; ``deps`` maps each input artifact to where it comes from."""

    key: str
    group: Group
    page: int | None
    deps: dict[str, tuple[str, ...]]  # artifact -> keys of the tasks whose exports hold it
    multi: frozenset[str] = frozenset()  # inputs that arrive as a list over pages


def plan(pipeline: Pipeline, pages: int) -> list[Task]:
    """Expand the pipeline's groups for an N-page document, in an executable order."""
    producer_group = {a: g for g in pipeline.groups for s in g.steps for a in s.provides}
    tasks: list[Task] = []
    for g in pipeline.groups:
        for page in range(1, pages + 1) if g.scope == "page" else (None,):
            deps: dict[str, tuple[str, ...]] = {}
            for a in g.inputs:
                if a in SOURCES:
                    continue
                pg = producer_group[a]
                if pg.scope == "document":
                    deps[a] = (pg.key,)
                elif g.scope == "page":
                    deps[a] = (f"{pg.key}-p{page}",)
                else:
                    deps[a] = tuple(f"{pg.key}-p{n}" for n in range(1, pages + 1))
            key = g.key if page is None else f"{g.key}-p{page}"
            multi = frozenset(a for a in deps if g.scope == "document"
                              and producer_group[a].scope == "page")
            tasks.append(Task(key, g, page, deps, multi))
    return tasks


def run_group(
    group: Group,
    page: int | None,
    sources: dict[str, Any],
    deps: dict[str, Any],
    multi: frozenset[str],
    info: DocumentInfo,
    settings: Settings,
) -> tuple[dict[str, Any], dict[str, float]]:
    """Run a group's steps in order for one page (or the document); return exports and timings.

    ``deps[a]`` is the (exports, timings) result of the task that made ``a``, or for page
    artifacts read by a document group (``a in multi``) the list of every page's result.

    The group runs within its budgets (time and memory: cosy.engine.guard; decoded bytes:
    cosy.pdfguard.decode). A page group that reads ``page_skip`` and goes over a budget runs
    once more as a skipped page, so the document goes on with its other pages.
    """
    announce_running(info)
    try:
        return _run_steps(group, page, sources, deps, multi, info, settings, None)
    except BudgetExceeded as err:
        if page is None or "page_skip" not in group.inputs:
            raise
        log.warning("document %s: skipping page %d (%s): %s", info.id, page, err.kind, err.reason)
        skip = {"kind": err.kind, "reason": err.reason}
        return _run_steps(group, page, sources, deps, multi, info, settings, skip)


def _run_steps(group: Group, page: int | None, sources: dict[str, Any], deps: dict[str, Any],
               multi: frozenset[str], info: DocumentInfo, settings: Settings,
               skip: dict[str, str] | None) -> tuple[dict[str, Any], dict[str, float]]:
    values: dict[str, Any] = {a: v for a, v in sources.items() if a in group.inputs}
    if page is not None:
        values["page_no"] = page
        values["page_skip"] = skip
    for a, dep in deps.items():
        values[a] = [d[0][a] for d in dep] if a in multi else dep[0][a]
    ctx = StepContext(info.id, info.tenant, page, settings, get_resources(settings))
    budgets = Budgets.from_settings(settings)
    seconds = (budgets.page_seconds if page is not None
               else budgets.document_task_seconds(info.pages))
    where = f"page {page}: " if page is not None else ""
    timings: dict[str, float] = {}
    current = ""
    try:
        with (watched(seconds, budgets.task_memory),
              metered(budgets.stream_bytes, budgets.decoded_bytes)):
            for s in group.steps:
                current = s.name
                t0 = time.perf_counter()
                try:
                    values.update(s.call(values, ctx))
                except Exception as err:
                    raise classify(err, s.name, where, info) from None
                waited = sum(ctx.waited)
                ctx.waited.clear()
                timings[s.name] = time.perf_counter() - t0 - waited
                if waited > 0:
                    timings[s.name + WAIT] = waited
    except Overrun as over:
        budget = (f"{seconds:.0f} s" if isinstance(over, TimeOverrun)
                  else f"{budgets.task_memory >> 20} MB more memory")
        raise BudgetExceeded(f"{where}over its budget of {budget} (in step {current})",
                             kind=f"{over.what}_budget", step=current) from None
    return {a: values[a] for a in group.exports}, timings


SLOWEST_STEPS = 3  # steps named for a page over the budget
WAIT = ".wait"  # a task's timing key for the seconds a step waited (cosy.inference.ocr_slot)


def summarize_timings(
    results: dict[str, tuple[dict[str, Any], dict[str, float]]], tasks: list[Task], wall_s: float,
    pages: int, page_budget_s: float = float("inf"),
) -> dict[str, Any]:
    """Seconds per step, family and page; pages whose steps took over ``page_budget_s`` are
    listed in ``over_budget`` with their slowest steps, so that a page that blew the budget is
    reported with where its time went instead of passing unseen in an average. Seconds a step
    waited for an OCR slot are a page's ``waited_s``, apart from its own."""
    steps: dict[str, float] = {}
    families: dict[str, float] = {}
    per_page = [0.0] * pages
    waited = [0.0] * pages
    page_steps: list[dict[str, float]] = [{} for _ in range(pages)]
    for t in tasks:
        for name, secs in results[t.key][1].items():
            if name.endswith(WAIT):
                if t.page is not None:
                    waited[t.page - 1] += secs
                continue
            steps[name] = steps.get(name, 0.0) + secs
            family = name.split(".", 1)[0]
            families[family] = families.get(family, 0.0) + secs
            if t.page is not None:
                per_page[t.page - 1] += secs
                page_steps[t.page - 1][name] = secs
    compute = sum(steps.values())
    over = [{"page": i + 1, "seconds": round(secs, 3), "budget_s": page_budget_s,
             "slowest_steps": {k: round(v, 3) for k, v in sorted(
                 page_steps[i].items(), key=lambda kv: -kv[1])[:SLOWEST_STEPS]}}
            for i, secs in enumerate(per_page) if secs > page_budget_s]
    return {
        "total_s": round(wall_s, 4),
        "compute_s": round(compute, 4),
        "per_page_s": round(wall_s / max(pages, 1), 4),
        "tasks": len(tasks),
        "pages": [round(p, 4) for p in per_page],
        "waited_s": [round(w, 4) for w in waited],
        "families": {k: round(v, 5) for k, v in sorted(families.items(), key=lambda kv: -kv[1])},
        "steps": {k: round(v, 6) for k, v in sorted(steps.items(), key=lambda kv: -kv[1])},
        "over_budget": over,
    }


def timed(result: RunResult, info: DocumentInfo) -> RunResult:
    """The run, after a warning for each page over the budget (its seconds and slowest steps)."""
    for page in result.timings.get("over_budget", ()):
        log.warning("document %s: page %d took %.1f s, over the budget of %.0f s: %s", info.id,
                    page["page"], page["seconds"], page["budget_s"], ", ".join(
                        f"{k} {v:.1f} s" for k, v in page["slowest_steps"].items()))
    return result


def _outputs(pipeline: Pipeline, tasks: list[Task], results: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for t in tasks:
        for a in pipeline.outputs:
            if a in results[t.key][0]:
                out[a] = results[t.key][0][a]
    return out


class Executor(ABC):
    """Runs a checked pipeline over one document's bytes."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @abstractmethod
    def run(self, pipeline: Pipeline, data: bytes, info: DocumentInfo,
            on_progress: ProgressFn | None = None) -> RunResult: ...

    def ping(self) -> bool:
        return True

    def worker_count(self) -> int:
        """Processes that run tasks: this one for in-process executors."""
        return 1

    def close(self) -> None:  # noqa: B027 - optional hook
        pass

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _progress(pipeline: Pipeline, info: DocumentInfo, done_steps: int, stage: str) -> dict:
    return {"steps_done": done_steps, "steps_total": pipeline.step_instances(info.pages),
            "stage": stage}


class SyncExecutor(Executor):
    """Every task in this process, in plan order: no cluster, same code path as Dask."""

    def run(self, pipeline: Pipeline, data: bytes, info: DocumentInfo,
            on_progress: ProgressFn | None = None) -> RunResult:
        t0 = time.perf_counter()
        tasks = plan(pipeline, info.pages)
        report = _reporter(pipeline, info, on_progress)
        budget = self.settings.doc_timeout_s

        def done(task: Task) -> None:  # each task has its own watchdog; this bounds their sum
            if report:
                report(task)
            if time.perf_counter() - t0 > budget:
                raise StepError(f"the document took longer than its budget of {budget:.0f} s",
                                step=task.group.steps[-1].name, kind="time_budget")

        sources = {"pdf_bytes": data, "doc_info": info, "field_specs": pipeline.fields}
        results = run_tasks(tasks, sources, info, self.settings, done)
        wall = time.perf_counter() - t0
        return timed(RunResult(_outputs(pipeline, tasks, results), summarize_timings(
            results, tasks, wall, info.pages, self.settings.page_budget_s)), info)


def run_tasks(tasks: list[Task], sources: dict[str, Any], info: DocumentInfo,
              settings: Settings, on_done: Callable[[Task], None] | None = None,
              keep: frozenset[str] | None = None
              ) -> dict[str, tuple[dict[str, Any], dict[str, float]]]:
    """Run planned tasks one after another in this process; their results by task key.

    With ``keep`` only those artifacts stay in the results (with every task's timings): a
    one-page document run as one Dask task then sends back its outputs, not the lines, tokens
    and layouts its groups handed each other.
    """
    results: dict[str, tuple[dict[str, Any], dict[str, float]]] = {}
    for t in tasks:
        deps = _deps(t, results.__getitem__)
        results[t.key] = run_group(t.group, t.page, sources, deps, t.multi, info, settings)
        if on_done:
            on_done(t)
    if keep is None:
        return results
    return {k: ({a: v for a, v in exports.items() if a in keep}, timings)
            for k, (exports, timings) in results.items()}


def _reporter(pipeline: Pipeline, info: DocumentInfo,
              on_progress: ProgressFn | None) -> Callable[[Task], None] | None:
    """A callback that turns finished tasks into progress reports (steps done of total)."""
    if on_progress is None:
        return None
    done = 0

    def report(task: Task) -> None:
        nonlocal done
        done += len(task.group.steps)
        on_progress(_progress(pipeline, info, done, task.group.steps[-1].family))

    return report


def _deps(task: Task, lookup: Callable[[str], Any]) -> dict[str, Any]:
    """Each input's upstream result (a list over pages for the task's ``multi`` inputs)."""
    return {a: [lookup(k) for k in keys] if a in task.multi else lookup(keys[0])
            for a, keys in task.deps.items()}


PROGRESS_TOPIC = "cosy-progress"
"""The Dask event topic on which workers announce finished task groups of one-task documents."""


@dataclass(frozen=True)
class TaskEvents:
    """``run_tasks``' ``on_done`` on a worker: each finished group as a Dask event, so that a
    document run as one task still reports progress by stage (a scanned page's OCR takes
    seconds). One topic for all documents; ``tag`` says whose."""

    topic: str
    tag: str

    def __call__(self, task: Task) -> None:
        from distributed import get_worker

        with contextlib.suppress(ValueError):  # not on a worker (in-process): nobody listens
            get_worker().log_event(self.topic, (self.tag, task.key))


class DaskExecutor(Executor):
    """Tasks on Dask distributed; starts a LocalCluster unless given a scheduler address."""

    def __init__(self, settings: Settings, client: Any | None = None) -> None:
        super().__init__(settings)
        import dask
        from distributed import Client, LocalCluster

        from cosy.inference.plugin import ResourcePlugin

        if not logging.getLogger().isEnabledFor(logging.INFO):  # distributed logs start-up at INFO
            logging.getLogger("distributed").setLevel(logging.WARNING)
        self._cluster = None
        if client is not None:
            self.client = client
        elif settings.dask_scheduler.startswith(("tcp://", "tls://", "inproc://")):
            self.client = Client(settings.dask_scheduler, timeout="20s")
        else:
            threads = settings.dask_threads_per_worker
            # the nanny hands its config to each worker; the scheduler reads its own here
            with dask.config.set({**WORKER_CONFIG, **CLUSTER_CONFIG}):
                self._cluster = LocalCluster(
                    n_workers=settings.dask_workers,
                    threads_per_worker=threads,
                    processes=True,
                    memory_limit=int(settings.worker_memory_mb * MB),
                    dashboard_address=settings.dashboard_address,  # None: no dashboard
                    silence_logs=logging.ERROR,
                    env={"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                         "MKL_NUM_THREADS": "1", "COSY_ONNX_THREADS": str(settings.onnx_threads)},
                )
            self.client = Client(self._cluster)
        self.client.register_plugin(ResourcePlugin(settings.onnx_threads), name="cosy-resources")
        self._lock = threading.Lock()
        self._listeners: dict[str, Callable[[str], None]] = {}
        self.client.subscribe_topic(PROGRESS_TOPIC, self._on_progress_event)

    def run(self, pipeline: Pipeline, data: bytes, info: DocumentInfo,
            on_progress: ProgressFn | None = None) -> RunResult:
        """Run the document; when a worker dies under it, find out whose fault that was:
        this document's (it fails, :class:`WorkerKilled`) or another's (run it again)."""
        from distributed.scheduler import KilledWorker

        t0 = time.perf_counter()
        deadline = time.monotonic() + self.settings.doc_timeout_s
        tasks = plan(pipeline, info.pages)
        deaths = 0
        while True:
            try:
                results = self._run_once(tasks, pipeline, data, info,
                                         _reporter(pipeline, info, on_progress), deadline)
                break
            except KilledWorker as err:
                deaths += 1
                culprit = killed_by(self.client, err, info.id)
                if culprit or (culprit is None and deaths >= POISON_DEATHS):
                    raise WorkerKilled(
                        f"a Dask worker died while running this document (over its memory limit "
                        f"of {self.settings.worker_memory_mb:.0f} MB, or a crash): it is not "
                        "retried, so that it cannot take down another worker", deaths) from None
                if deaths > MAX_RESUBMITS:
                    raise StepError(f"workers died under other documents {deaths} times while "
                                    "this one waited", step="engine.dask",
                                    permanent=False) from None
                log.warning("document %s: a worker died running another document; running it "
                            "again (%d)", info.id, deaths)
        wall = time.perf_counter() - t0
        return timed(RunResult(_outputs(pipeline, tasks, results), summarize_timings(
            results, tasks, wall, info.pages, self.settings.page_budget_s), deaths), info)

    def _run_once(self, tasks: list[Task], pipeline: Pipeline, data: bytes, info: DocumentInfo,
                  report: Callable[[Task], None] | None, deadline: float
                  ) -> dict[str, tuple[dict[str, Any], dict[str, float]]]:
        from distributed.scheduler import KilledWorker

        tag = f"{info.id[7:23]}-{time.monotonic_ns()}"
        futures: dict[str, Any] = {}
        try:
            if info.pages == 1:
                # nothing to run in parallel: one task for the whole plan saves a scatter and a
                # task round trip (measured: ~30 % of a one-page document's wall time)
                return self._run_whole(pipeline, tasks, data, info, tag, futures, report,
                                       deadline)
            return self._run_distributed(tasks, data, info, pipeline.fields, tag, futures,
                                         report, deadline)
        except (StepError, KilledWorker):
            raise
        except TimeoutError as err:
            if time.monotonic() < deadline:  # a connection timed out: the cluster's fault
                raise from_cluster(err, task_failed=False) from None
            raise StepError(f"the document took longer than its budget of "
                            f"{self.settings.doc_timeout_s:.0f} s", step="engine.dask",
                            kind="time_budget") from None
        except Exception as err:
            failed = any(f.status == "error" for f in futures.values())
            raise from_cluster(err, task_failed=failed) from None
        finally:
            self.client.cancel([f for f in futures.values() if not f.done()])

    def _run_whole(self, pipeline: Pipeline, tasks: list[Task], data: bytes, info: DocumentInfo,
                   tag: str, futures: dict[str, Any], report: Callable[[Task], None] | None,
                   deadline: float) -> dict[str, tuple[dict[str, Any], dict[str, float]]]:
        """The whole plan as one Dask task; with ``report``, the worker announces each finished
        group as a Dask event (:class:`TaskEvents`), so progress is live here too."""
        by_key = {t.key: t for t in tasks}
        done: set[str] = set()
        events: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        if report is not None:
            with self._lock:
                self._listeners[tag] = events.put
        try:
            sources = {"pdf_bytes": data, "doc_info": info, "field_specs": pipeline.fields}
            fut = self.client.submit(run_tasks, tasks, sources, info, self.settings,
                                     TaskEvents(PROGRESS_TOPIC, tag) if report else None,
                                     frozenset(pipeline.outputs), key=f"doc-{tag}", pure=False)
            futures[fut.key] = fut
            if report is not None:
                fut.add_done_callback(lambda _: events.put(None))
                while (key := _next_event(events, deadline)) is not None:
                    if key in by_key and key not in done:
                        done.add(key)
                        report(by_key[key])
            results = fut.result(timeout=max(deadline - time.monotonic(), 0.001))
        finally:
            with self._lock:
                self._listeners.pop(tag, None)
        for t in tasks:  # what the events did not bring (they may arrive after the result)
            if report is not None and t.key not in done:
                report(t)
        return results

    def _on_progress_event(self, event: tuple[float, Any]) -> None:
        """A worker's ``(tag, task key)``: hand it to the run waiting for that document."""
        tag, key = event[1]
        with self._lock:
            listener = self._listeners.get(tag)
        if listener is not None:
            listener(key)

    def _run_distributed(self, tasks: list[Task], data: bytes, info: DocumentInfo,
                         fields: tuple[Any, ...], tag: str, futures: dict[str, Any],
                         report: Callable[[Task], None] | None, deadline: float
                         ) -> dict[str, tuple[dict[str, Any], dict[str, float]]]:
        """One Dask task per (group, page); pages run in parallel across workers."""
        from distributed import as_completed

        sources = {"pdf_bytes": self.client.scatter(data, hash=False), "doc_info": info,
                   "field_specs": fields}
        by_key: dict[str, Task] = {}
        for t in tasks:
            deps = _deps(t, lambda k: futures[k])
            fut = self.client.submit(run_group, t.group, t.page, sources, deps, t.multi, info,
                                     self.settings, key=f"{t.key}-{tag}", pure=False)
            futures[t.key] = fut
            by_key[fut.key] = t
        results: dict[str, tuple[dict[str, Any], dict[str, float]]] = {}
        for fut in as_completed(list(futures.values()),
                                timeout=max(deadline - time.monotonic(), 0.001)):
            t = by_key[fut.key]
            results[t.key] = fut.result()
            if report:
                report(t)
        return results

    def ping(self) -> bool:
        try:
            return self.client.status == "running" and bool(
                self.client.scheduler_info(n_workers=-1).get("workers"))
        except Exception:
            return False

    def worker_count(self) -> int:
        """Workers the scheduler has (0 when it cannot be asked)."""
        try:
            return len(self.client.scheduler_info(n_workers=-1).get("workers") or {})
        except Exception:
            return 0

    def close(self) -> None:
        """Close the client, then the cluster this executor started.

        A worker process that does not exit within 4 s of the nanny's request (interpreter
        teardown of spaCy and onnxruntime takes that long on a loaded 2-core machine) is killed,
        and the nanny warns about it on every exit of every CLI run. Nothing is lost by the kill:
        the workers hold no results (every task's result was fetched), so the warning is turned
        off for our own shutdown; a worker that dies while working still logs."""
        self.client.close()
        if self._cluster is not None:
            nanny = logging.getLogger("distributed.nanny")
            level = nanny.level
            nanny.setLevel(logging.ERROR)
            try:
                self._cluster.close()
            finally:
                nanny.setLevel(level)


def _next_event(events: queue.SimpleQueue[str | None], deadline: float) -> str | None:
    """The next progress event of a one-task document, or TimeoutError past its deadline."""
    try:
        return events.get(timeout=max(deadline - time.monotonic(), 0.001))
    except queue.Empty:
        raise TimeoutError("no progress before the document's deadline") from None


def runs_in_process(settings: Settings, pages: int | None = None) -> bool:
    """Whether work of ``pages`` pages runs without Dask: ``sync`` always; ``auto`` below
    ``dask_min_pages`` (a LocalCluster's start costs more than its second core saves on small
    work; README, Configuration). ``pages=None`` is a service, whose work has no end: a cluster."""
    if settings.dask_scheduler == "sync":
        return True
    return settings.dask_scheduler == "auto" and pages is not None \
        and pages < settings.dask_min_pages


def make_executor(settings: Settings, pages: int | None = None) -> Executor:
    """The executor that ``COSY_DASK_SCHEDULER`` asks for, for ``pages`` pages of work (None: a
    service)."""
    if runs_in_process(settings, pages):
        return SyncExecutor(settings)
    return DaskExecutor(settings)
