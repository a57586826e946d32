"""`cosy serve`: the dispatcher and the HTTP app in one process (the embedded deployment)."""

from __future__ import annotations

import logging

import uvicorn

from cosy.api.app import create_app
from cosy.config import Settings
from cosy.engine.dispatcher import Dispatcher
from cosy.engine.executor import make_executor
from cosy.engine.profiles import load_pipeline
from cosy.store import open_store

log = logging.getLogger(__name__)


def serve(settings: Settings, host: str, port: int) -> None:
    """Start the executor, the dispatcher threads and uvicorn; stop them all on exit."""
    store = open_store(settings.store)
    executor = make_executor(settings)
    dispatcher = Dispatcher(store, executor, load_pipeline(settings.pipeline), settings)
    dispatcher.start()
    print(f"cosy: serving on http://{host}:{port} (store {settings.store}, "
          f"dispatcher {dispatcher.owner}); Ctrl-C stops", flush=True)
    try:
        uvicorn.run(create_app(store, executor), host=host, port=port, log_level="warning")
    finally:
        dispatcher.stop(wait=False)
        executor.close()
        store.close()
