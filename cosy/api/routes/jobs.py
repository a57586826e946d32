"""Jobs: status with progress, timings and error; the same as server-sent events until it ends."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from cosy.api.deps import Reader, SettingsDep, StoreDep
from cosy.api.errors import not_found
from cosy.api.routes import AUTHED, error_responses
from cosy.api.schemas import JobOut
from cosy.domain import Job, JobStatus
from cosy.store.base import Store

router = APIRouter(prefix="/v1", tags=["jobs"], responses=error_responses(*AUTHED))

JobId = Annotated[str, Path(min_length=1, max_length=100)]
KEEPALIVE_S = 15.0


def job_out(job: Job) -> JobOut:
    """The public view; a finished job reports all steps done, whatever the last heartbeat saw."""
    progress: dict[str, Any] = {k: job.progress.get(k) for k in ("steps_done", "steps_total",
                                                                 "stage")}
    progress["steps_done"] = progress["steps_done"] or 0
    if job.status == JobStatus.SUCCEEDED:
        if progress["steps_total"]:
            progress["steps_done"] = progress["steps_total"]
        progress["stage"] = "done"
    elif job.status == JobStatus.QUEUED and not progress["stage"]:
        progress["stage"] = "queued"
    elif job.status == JobStatus.FAILED:
        progress["stage"] = "failed"
    timings = {k: v for k, v in job.timings.items() if k != "steps"} or None
    return JobOut(id=job.id, document_id=job.doc_id, file_name=job.file_name,
                  status=str(job.status), attempts=job.attempts, max_attempts=job.max_attempts,
                  progress=progress, created_at=job.created_at, updated_at=job.updated_at,
                  timings=timings, error=job.error, partial=job.partial,
                  skipped_pages=job.skipped_pages, worker_deaths=job.worker_deaths)


def _job(store: Store, tenant: str, job_id: str) -> Job:
    job = store.get_job(job_id, tenant)
    if job is None:
        raise not_found("job", job_id)
    return job


@router.get("/jobs/{job_id}", response_model=JobOut,
            summary="Status, progress (steps done of total, stage), timings, error")
def get_job(job_id: JobId, principal: Reader, store: StoreDep) -> JobOut:
    return job_out(_job(store, principal.tenant, job_id))


@router.get(
    "/jobs/{job_id}/events",
    summary="Server-sent events of the job's progress until it ends",
    responses={200: {"content": {"text/event-stream": {"schema": {"type": "string"}}},
                     "description": "`event: progress` on each change, then one `event: end` "
                                    "(or `event: timeout`); `data` is the job as JSON"}},
)
async def job_events(job_id: JobId, principal: Reader, store: StoreDep,
                     settings: SettingsDep) -> StreamingResponse:
    """Polls the store (the dispatcher may be another process) and sends changes only; a
    client that disconnects ends the stream (Starlette cancels it), and ``api_sse_max_s`` bounds
    it in any case."""
    await run_in_threadpool(_job, store, principal.tenant, job_id)  # 404 before the stream
    stream = _events(store, principal.tenant, job_id, settings.api_sse_poll_s,
                     settings.api_sse_max_s)
    return StreamingResponse(stream, media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _sse(event: str, data: Any, seq: int) -> str:
    return f"id: {seq}\nevent: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


async def _events(store: Store, tenant: str, job_id: str, poll_s: float,
                  max_s: float) -> AsyncIterator[str]:
    deadline = time.monotonic() + max_s
    last: dict[str, Any] | None = None
    last_sent = time.monotonic()
    seq = 0
    yield "retry: 2000\n\n"
    while True:
        job = await run_in_threadpool(store.get_job, job_id, tenant)
        if job is None:  # deleted meanwhile
            seq += 1
            yield _sse("end", {"id": job_id, "status": "gone"}, seq)
            return
        payload = job_out(job).model_dump()
        if job.status.final:
            seq += 1
            yield _sse("end", payload, seq)
            return
        if payload != last:
            seq += 1
            last, last_sent = payload, time.monotonic()
            yield _sse("progress", payload, seq)
        elif time.monotonic() - last_sent > KEEPALIVE_S:
            last_sent = time.monotonic()
            yield ": keep-alive\n\n"
        if time.monotonic() > deadline:
            seq += 1
            yield _sse("timeout", {"id": job_id, "status": str(job.status),
                                   "message": f"stream closed after {max_s:.0f} s; reconnect"},
                       seq)
            return
        await asyncio.sleep(poll_s)
