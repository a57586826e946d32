"""`cosy serve`: the dispatcher and the HTTP app in one process (the embedded deployment)."""

from __future__ import annotations

import logging

import uvicorn

from cosy.api.app import create_app
from cosy.api.metrics import Metrics
from cosy.api.middleware import configure_logging
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
    app = create_app(settings, store, executor, metrics=metrics)
    metrics = app.state.metrics
    metrics.step_models = {s.name: s.model for s in pipeline.steps if s.model}
    dispatcher = Dispatcher(store, executor, pipeline, settings, on_finished=metrics.observe_job)
    app.state.on_submitted = dispatcher.wake
    dispatcher.start()
    print(f"cosy: serving on http://{host}:{port} (store {shown(settings.store)}, "
          f"dispatcher {dispatcher.owner}); Ctrl-C stops", flush=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False,
                    log_config=None)
    finally:
        dispatcher.stop(wait=False)
        executor.close()
        store.close()
