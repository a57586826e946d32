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
    ocr_threads: int = Field(
        2, ge=1, description="intra-op threads of the two OCR models; they wait without "
        "spinning, so one page in flight reads on all of them and two pages share them")
    ocr_slots: int = Field(
        1, ge=0, description="OCR pages read at once on one machine, each on ocr_threads "
        "(a page waits for a slot; the wait is reported apart); 0: no limit")
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
    # --- the demo and review page (/app; docs/demo.md) ---
    demo_tenant: str = Field(
        "", description="tenant of the demo environment; empty: no demo tenant is set up",
        json_schema_extra={"shown": "empty"})
    demo_key: str = Field(
        "", description="API key (from a Secret) made an admin key of the demo tenant at start",
        json_schema_extra={"shown": "empty"})
    demo_samples: int = Field(
        6, ge=0, le=100, description="generated documents seeded into an empty demo tenant")
    # extraction: calibrated confidences and the values held back for review
    calibrate: bool = Field(
        True, description="map each field's confidence through the calibration table "
        "(models/calibration.json); off shows the rules' and models' raw confidences")
    review_threshold: float = Field(
        0.5, ge=0, le=1, description="a field whose calibrated confidence is below this is "
        "marked needs_review: shown and stored, flagged, not taken as a value; the review page "
        "lists these first")
    # --- cosy batch (issue 16): archive safety and the report -------------------------------
    batch_max_ratio: float = Field(
        100.0, gt=1, description="largest uncompressed/compressed size ratio of an archive "
        "entry; above it the entry is refused as a zip bomb")
    batch_max_archive_mb: float = Field(
        4096.0, gt=0, description="uncompressed megabytes one archive (with its nested "
        "archives) may expand to; entries past it are refused")
    batch_max_depth: int = Field(
        3, ge=1, description="archives nested deeper than this (a ZIP in a ZIP in a ZIP ...) "
        "are refused")
    # --- budgets per page and per document, isolation (docs/reliability.md) ----------------------
    max_objects: int = Field(
        200_000, ge=1, description="entries of a PDF's cross-reference table; a file that "
        "declares more is refused at upload (too_many_objects)")
    max_stream_mb: float = Field(
        64.0, gt=0, description="decoded size of one PDF stream (page content, form, font, "
        "object stream, embedded file); past it the page is skipped")
    max_decoded_mb: float = Field(
        256.0, gt=0, description="decoded size of all streams the pages of one document draw "
        "from; the pages past it are skipped")
    max_page_operators: int = Field(
        50_000, ge=1, description="content operators of one page, its forms included; past it "
        "the page is skipped")
    max_page_objects: int = Field(
        50_000, ge=1, description="objects one page reaches through its content and resources; "
        "past it the page is skipped")
    max_nesting: int = Field(
        64, ge=8, description="depth of objects within objects (arrays, dictionaries, forms "
        "drawing forms) from a page; past it the page is skipped")
    max_image_mp: float = Field(
        50.0, gt=0, description="megapixels of one image a page draws (its declared size)")
    max_render_mp: float = Field(
        25.0, gt=0, description="megapixels of one rendered page: OCR and page images")
    ocr_min_dpi: int = Field(
        100, ge=36, le=300, description="lowest resolution OCR reads at; a page whose content "
        "does not fit max_render_mp at it is skipped")
    page_budget_s: float = Field(
        10.0, gt=0, description="the customer's seconds per page: a page whose steps take "
        "longer is reported (timings.over_budget, a warning, cosy_pages_over_budget_total)")
    page_timeout_s: float = Field(
        30.0, gt=0, description="seconds of one page task (parse, OCR, layout); past it the "
        "page is skipped")
    doc_timeout_s: float = Field(
        900.0, gt=0, description="seconds of one document, end to end; past it the job fails "
        "(time_budget)")
    task_memory_mb: float = Field(
        1024.0, gt=0, description="memory one task may add to its process; past it the page is "
        "skipped or the document fails (memory_budget)")
    worker_memory_mb: float = Field(
        2048.0, gt=0, description="memory limit of each LocalCluster worker: Dask restarts a "
        "worker at 95 % of it, and the document it was running fails (worker_killed)")
    render_memory_mb: float = Field(
        1024.0, gt=0, description="address space of the process that renders page images for "
        "the API")
    dask_dashboard: str = Field(
        "", description="where the LocalCluster's Dask dashboard listens, e.g. 127.0.0.1:8787; "
        "empty turns it off", json_schema_extra={"shown": "empty: off"})
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

    @property
    def dashboard_address(self) -> str | None:
        """The LocalCluster's ``dashboard_address``: None (off) unless configured."""
        return self.dask_dashboard or None


def default_store_dir() -> Path:
    """The embedded store's home when ``COSY_STORE`` is unset: the user's data directory
    (XDG), so that every command finds the same store whatever the working directory."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "cosy"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
