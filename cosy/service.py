"""COSY's long-running processes: `cosy serve` (everything in one process, for one machine),
and the separate services of a cluster (docs/deploy.md): `cosy api` (HTTP only, any number of
replicas) and `cosy dispatcher` (claims jobs, drives Dask, writes results; replicas are safe
together because jobs are claimed with a lease in the store).

The Dask scheduler and workers are Dask's own commands (`dask scheduler`, `dask worker
--preload cosy.inference.preload`); every state the replicas share lives in the store.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

import uvicorn
from prometheus_client import Gauge

from cosy.api.app import create_app, create_ops_app
from cosy.api.metrics import Metrics
from cosy.api.middleware import configure_logging
from cosy.api.web.demo import ensure_demo
from cosy.config import Settings
from cosy.engine.dag import Pipeline
from cosy.engine.dispatcher import Dispatcher
from cosy.engine.executor import Executor, make_executor
from cosy.engine.profiles import load_pipeline
from cosy.store import open_store, shown
from cosy.store.base import Store

log = logging.getLogger(__name__)


def serve(settings: Settings, host: str, port: int, metrics: Metrics | None = None) -> None:
    """Start the executor, the dispatcher threads and uvicorn; stop them all on exit.

    The dispatcher reports finished jobs to the app's metrics (per-step and per-model seconds),
    so one /metrics shows both the API and the processing of this process; ``metrics`` already
    holds what this process did before serving (`cosy run`'s samples).
    """
    configure_logging()
    store = open_store(settings.store)
    pipeline = load_pipeline(settings.pipeline)
    executor = make_executor(settings)
    queued = ensure_demo(store, settings)  # the demo tenant's key and samples, if configured
    app = create_app(settings, store, executor, metrics=metrics)
    dispatcher = start_dispatcher(store, executor, pipeline, settings, app.state.metrics)
    app.state.on_submitted = dispatcher.wake
    print(f"cosy: serving on http://{host}:{port} (store {shown(settings.store)}, "
          f"dispatcher {dispatcher.owner}); Ctrl-C stops", flush=True)
    print(demo_line(settings, host, port, queued), flush=True)
    try:
        run_http(app, host, port)
    finally:
        dispatcher.stop(wait=False)
        executor.close()
        store.close()


def demo_line(settings: Settings, host: str, port: int, queued: int = 0) -> str:
    """Where the demo page is and which key opens it (printed by `cosy serve` and `make run`)."""
    where = f"cosy: demo and review page on http://{host}:{port}/app"
    if settings.demo_tenant and settings.demo_key:
        samples = f", {queued} sample documents queued" if queued else ""
        return f"{where} (tenant {settings.demo_tenant}: log in with COSY_DEMO_KEY{samples})"
    return (f"{where} (log in with an API key: cosy keys create --tenant {settings.tenant} "
            "--role admin)")
def serve_api(settings: Settings, host: str, port: int) -> None:
    """`cosy api`: the HTTP API alone. Uploads are queued in the store, where the dispatchers
    (other processes, other machines) find them at their next poll; /readyz checks the store
    only, so an API replica serves reads while the cluster restarts."""
    configure_logging()
    store = open_store(settings.store)
    app = create_app(settings, store)
    print(f"cosy: API on http://{host}:{port} (store {shown(settings.store)}); the "
          "dispatchers run apart (`cosy dispatcher`)", flush=True)
    try:
        run_http(app, host, port)
    finally:
        store.close()


def serve_dispatcher(settings: Settings, host: str, port: int) -> None:
    """`cosy dispatcher`: claim jobs, run them on Dask (``COSY_DASK_SCHEDULER``), write results;
    /healthz, /readyz and /metrics on ``host:port`` for probes and Prometheus.

    On SIGTERM it stops claiming and gives its jobs ``dispatcher_grace_s`` to finish; what is
    still running then returns to the queue (the closed cluster connection fails it as a
    transient error) or is taken over when its lease runs out.
    """
    configure_logging()
    store = open_store(settings.store)
    pipeline = load_pipeline(settings.pipeline)
    executor = make_executor(settings)
    metrics = Metrics()
    dispatcher = start_dispatcher(store, executor, pipeline, settings, metrics)
    metrics.on_scrape.append(dispatcher_gauges(metrics, dispatcher, executor))
    app = create_ops_app(store, executor, metrics, alive=lambda: dispatcher.alive)
    print(f"cosy: dispatcher {dispatcher.owner} (store {shown(settings.store)}, Dask "
          f"{settings.dask_scheduler}); probes and /metrics on http://{host}:{port}", flush=True)
    try:
        run_http(app, host, port)
    finally:
        left = dispatcher.shutdown(settings.dispatcher_grace_s)
        if left:
            log.warning("stopping with %d job(s) unfinished: they return to the queue", left)
        executor.close()
        store.close()


def start_dispatcher(store: Store, executor: Executor, pipeline: Pipeline, settings: Settings,
                     metrics: Metrics) -> Dispatcher:
    """A dispatcher whose finished jobs feed ``metrics``, started in background threads."""
    metrics.step_models = {s.name: s.model for s in pipeline.steps if s.model}
    dispatcher = Dispatcher(store, executor, pipeline, settings,
                            on_finished=metrics.job_hook(store))
    dispatcher.start()
    return dispatcher


def dispatcher_gauges(metrics: Metrics, dispatcher: Dispatcher,
                      executor: Executor) -> Callable[[], None]:
    """A scrape-time refresher of the dispatcher's own gauges: its jobs in flight and the Dask
    workers its cluster has (the no-ready-workers alert watches the latter)."""
    registry = metrics.registry
    inflight = Gauge("cosy_dispatcher_jobs_in_flight", "Jobs this dispatcher is running",
                     registry=registry)
    workers = Gauge("cosy_dask_workers", "Dask workers connected to this dispatcher's scheduler "
                    "(they join once spaCy and the models are loaded)", registry=registry)

    def refresh() -> None:
        inflight.set(dispatcher.inflight)
        workers.set(executor.worker_count())

    return refresh


class Terminated(Exception):
    """SIGTERM, raised once uvicorn has shut down gracefully, so that the caller's cleanup runs."""


def run_http(app: Any, host: str, port: int) -> None:
    """uvicorn as COSY runs it: COSY's JSON logs, no access log of its own (the middleware
    writes one); SIGINT and SIGTERM end it.

    After a graceful shutdown uvicorn raises the signal again with the handler that was there
    before it; SIGTERM's default would kill the process on the spot, skipping the caller's
    ``finally`` (a dispatcher's drain, closing the cluster and the store). A handler that raises
    :class:`Terminated` lets them run, and the process exits 0, as Kubernetes expects."""

    def terminated(signum: int, frame: Any) -> None:
        raise Terminated

    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, terminated) if main else None
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False,
                    log_config=None)
    except Terminated:
        log.info("stopped by SIGTERM")
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
