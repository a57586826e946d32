"""`cosy serve`: the dispatcher and the HTTP app in one process (the embedded deployment)."""

from __future__ import annotations

import logging

import uvicorn

from cosy.api.app import create_app
from cosy.api.metrics import Metrics
from cosy.api.middleware import configure_logging
from cosy.api.web.demo import ensure_demo
from cosy.config import Settings
from cosy.engine.dispatcher import Dispatcher
from cosy.engine.executor import make_executor
from cosy.engine.profiles import load_pipeline
from cosy.store import open_store, shown

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
    metrics = app.state.metrics
    metrics.step_models = {s.name: s.model for s in pipeline.steps if s.model}
    dispatcher = Dispatcher(store, executor, pipeline, settings, on_finished=metrics.observe_job)
    app.state.on_submitted = dispatcher.wake
    dispatcher.start()
    print(f"cosy: serving on http://{host}:{port} (store {shown(settings.store)}, "
          f"dispatcher {dispatcher.owner}); Ctrl-C stops", flush=True)
    print(demo_line(settings, host, port, queued), flush=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False,
                    log_config=None)
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
