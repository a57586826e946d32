"""The Dask worker plugin that loads COSY's resources when a worker starts.

Its own module because it subclasses Dask's ``WorkerPlugin``: importing ``distributed`` costs
about 0.3 s, which an in-process run (``cosy extract`` of one page) must not pay.
"""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from cosy.inference.resources import get_resources

THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


class ResourcePlugin(WorkerPlugin):
    """Loads COSY's resources when a Dask worker starts (and the profile's step modules)."""

    name = "cosy-resources"

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads

    def setup(self, worker: Any) -> None:
        for var in THREAD_ENV:
            os.environ.setdefault(var, str(self.threads))
        if getattr(worker, "nanny", None) and threading.current_thread() is threading.main_thread():
            # Ctrl-C reaches the whole process group; the nanny, not SIGINT, stops a worker,
            # which spares the user a KeyboardInterrupt traceback from every worker process
            # (a worker without a nanny, `dask worker --no-nanny`, keeps SIGINT: it is its stop)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        from cosy.engine.profiles import load_pipeline

        load_pipeline(get_resources().settings.pipeline)  # imports the profile's step modules
        get_resources().warm()
