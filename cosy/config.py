"""Settings from the environment (``COSY_*``), with defaults that run embedded on one machine."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob ops may turn; see README "Configuration"."""

    model_config = SettingsConfigDict(env_prefix="COSY_", extra="ignore")

    store: str = Field(
        default_factory=lambda: str(default_store_dir()),
        description="a mongodb:// URI, or a directory for the embedded store",
        json_schema_extra={"shown": "$XDG_DATA_HOME/cosy"},
    )
    dask_scheduler: str = Field(
        "auto", description="'auto' (the CLI runs small work in-process, a LocalCluster from "
        "dask_min_pages on; `cosy serve` a LocalCluster), 'local' (always a LocalCluster), "
        "'sync' (never Dask), or tcp://host:port (an existing cluster)"
    )
    dask_workers: int = Field(2, ge=1, description="worker processes of the LocalCluster")
    dask_threads_per_worker: int = Field(1, ge=1)
    onnx_threads: int = Field(1, ge=1, description="intra-op threads per ONNX session")
    ocr_det_max_side: int = Field(
        2000, ge=320, description="pixels: the OCR text detector's view of a page; smaller is "
        "faster and less accurate (README, Configuration)")
    tenant: str = Field("default", description="tenant of CLI submissions")
    pipeline: str = Field("default", description="a profile name in pipeline/ or a TOML path")
    max_file_mb: float = Field(50.0, gt=0)
    max_pages: int = Field(500, ge=1)
    job_lease_s: float = Field(
        60.0, gt=0, description="a job whose owner is silent this long is retaken"
    )
    job_max_attempts: int = Field(3, ge=1)
    job_retry_backoff_s: float = Field(2.0, ge=0)
    dispatcher_concurrency: int = Field(4, ge=1, description="documents in flight per dispatcher")
    dispatcher_poll_s: float = Field(0.5, gt=0)
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    api_max_files: int = Field(20, ge=1, description="files in one upload request (else 413)")
    api_rate_per_s: float = Field(
        20.0, ge=0, description="requests per second per API key (token bucket); 0 turns it off"
    )
    api_rate_burst: int = Field(40, ge=1, description="token bucket size: the burst a key may send")
    api_sse_max_s: float = Field(900.0, gt=0, description="longest a job's event stream stays open")
    api_sse_poll_s: float = Field(0.2, gt=0, description="how often the event stream polls a job")
    api_render_max_scale: float = Field(4.0, gt=0, description="largest ?scale= of a page image")
    api_graph_max_nodes: int = Field(500, ge=1, description="node cap of a neighbourhood query")
    models_dir: Path = Field(Path(__file__).resolve().parent.parent / "models",
                             json_schema_extra={"shown": "models/"})
    # --- the command line (issue 14) --------------------------------------------------------------
    dask_min_pages: int = Field(
        100, ge=1, description="with dask_scheduler 'auto', the pages of work from which the CLI "
        "starts a LocalCluster instead of running in-process (README, Configuration)")
    # --- separate services on a cluster (issue 15; docs/deploy.md) --------------------------------
    dispatcher_http_port: int = Field(
        8001, ge=1, le=65535, description="where `cosy dispatcher` serves /healthz, /readyz and "
        "/metrics (on COSY_HTTP_HOST)")
    dispatcher_grace_s: float = Field(
        30.0, ge=0, description="on SIGTERM, the seconds a dispatcher gives its jobs in flight "
        "to finish before it stops (a rolling upgrade); the rest return to the queue")

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)


def default_store_dir() -> Path:
    """The embedded store's home when ``COSY_STORE`` is unset: the user's data directory
    (XDG), so that every command finds the same store whatever the working directory."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "cosy"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
