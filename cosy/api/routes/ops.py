"""Operations: liveness, readiness, Prometheus metrics. No API key: probes and scrapers call
these, and they disclose no tenant data (job counts only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from cosy.api.schemas import Health, Ready

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Health, summary="Alive: the process answers",
            responses={503: {"model": Health, "description": "The process's loops stopped"}})
def healthz(request: Request) -> JSONResponse:
    alive = getattr(request.app.state, "alive", None)  # a dispatcher's claim and heartbeat loops
    ok = alive is None or alive()
    return JSONResponse({"status": "ok" if ok else "stopped"}, status_code=200 if ok else 503)


@router.get("/readyz", response_model=Ready, summary="Ready: the store and Dask answer",
            responses={503: {"model": Ready, "description": "A dependency does not answer"}})
async def readyz(request: Request) -> JSONResponse:
    state = request.app.state
    checks = {"store": await run_in_threadpool(_safe, state.store.ping),
              "dask": await run_in_threadpool(_safe, state.executor.ping)
              if state.executor is not None else True}
    ok = all(checks.values())
    return JSONResponse({"status": "ok" if ok else "unavailable", "checks": checks},
                        status_code=200 if ok else 503)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response,
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                             "description": "Prometheus text exposition format"}})
def metrics(request: Request) -> Response:
    state = request.app.state
    return Response(state.metrics.render(state.store), media_type=state.metrics.content_type)


def _safe(check: Any) -> bool:
    try:
        return bool(check())
    except Exception:
        return False
