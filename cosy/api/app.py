"""The FastAPI application. For now: liveness, readiness and Prometheus metrics.

The API issue adds uploads, jobs, results and graph queries on the same app and dependencies.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, generate_latest

from cosy import __version__
from cosy.engine.executor import Executor
from cosy.store.base import Store


def create_app(store: Store, executor: Executor | None = None) -> FastAPI:
    """The app over one store and (optionally) the executor the dispatcher uses."""
    app = FastAPI(title="COSY", version=__version__,
                  description="Business documents in, knowledge graph out.")
    registry = CollectorRegistry()
    jobs_gauge = Gauge("cosy_jobs", "Jobs by status", ["status"], registry=registry)

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, str]:
        """Alive: the process answers."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"])
    def readyz() -> Any:
        """Ready: the store and the Dask cluster answer."""
        checks = {"store": _safe(store.ping), "dask": _safe(executor.ping) if executor else True}
        ok = all(checks.values())
        return JSONResponse({"status": "ok" if ok else "unavailable", "checks": checks},
                            status_code=200 if ok else 503)

    @app.get("/metrics", tags=["operations"])
    def metrics() -> Response:
        """Prometheus metrics."""
        counts = store.count_jobs()
        for status in ("queued", "running", "succeeded", "failed"):
            jobs_gauge.labels(status).set(counts.get(status, 0))
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return app


def _safe(check: Any) -> bool:
    try:
        return bool(check())
    except Exception:
        return False
