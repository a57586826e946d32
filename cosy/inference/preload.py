"""`dask worker --preload cosy.inference.preload`: a stock Dask worker made a COSY worker.

When the worker starts, before it registers with the scheduler (so no task reaches it earlier),
this loads COSY's resources through the plugin the dispatchers register too
(:class:`~cosy.inference.plugin.ResourcePlugin`: the profile's step modules, spaCy, every ONNX
model after checking its sha256), and adds COSY's gauges to the worker's ``/metrics`` (Dask
serves prometheus_client's global registry there, beside its own ``dask_worker_*``).

A worker whose resources do not load exits with status 3 instead of joining the cluster and
failing every task: in a pod, Kubernetes restarts it and the log names the cause. Run workers
without a nanny in a pod (``--no-nanny``): Kubernetes is the supervisor there.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import psutil
from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily

from cosy.config import get_settings
from cosy.inference.plugin import ResourcePlugin

log = logging.getLogger(__name__)

EXIT_RESOURCES = 3


class WorkerCollector:
    """COSY's gauges of one worker process, read at scrape time."""

    def __init__(self, worker: Any) -> None:
        self.worker = worker
        self.ready = False

    def collect(self) -> Any:
        yield GaugeMetricFamily("cosy_worker_memory_rss_bytes",
                                "Resident memory of this COSY Dask worker process",
                                value=psutil.Process().memory_info().rss)
        limit = getattr(getattr(self.worker, "memory_manager", None), "memory_limit", None)
        if limit:
            yield GaugeMetricFamily("cosy_worker_memory_limit_bytes",
                                    "Memory limit of this worker (dask worker --memory-limit)",
                                    value=limit)
        yield GaugeMetricFamily("cosy_worker_resources_ready",
                                "1 once spaCy and the ONNX models are loaded and verified",
                                value=1.0 if self.ready else 0.0)


_collector: WorkerCollector | None = None


async def dask_setup(worker: Any) -> None:
    """Dask's preload hook: gauges first (so a slow load is visible), then the resources."""
    global _collector
    if _collector is None:
        _collector = WorkerCollector(worker)
        REGISTRY.register(_collector)
    _collector.worker, _collector.ready = worker, False
    try:
        await worker.plugin_add(ResourcePlugin(get_settings().onnx_threads),
                                name=ResourcePlugin.name, catch_errors=False)
    except Exception:
        log.critical("cosy: this worker cannot load its resources; exiting", exc_info=True)
        logging.shutdown()
        os._exit(EXIT_RESOURCES)
    _collector.ready = True
