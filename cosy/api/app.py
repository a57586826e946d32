"""The FastAPI application: versioned routes under /v1, operations at the root, and the
interactive documentation (/docs, /redoc) with its assets served locally.

``create_app`` wires one store, the settings and (optionally) the executor the in-process
dispatcher uses; everything a route needs hangs off ``app.state``, so tests build as many apps
as they like, each on its own store, without globals.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from cosy import __version__
from cosy.api import errors
from cosy.api.metrics import Metrics
from cosy.api.middleware import RequestContextMiddleware
from cosy.api.ratelimit import RateLimiter
from cosy.api.routes import documents, graph, jobs, ops
from cosy.api.web import install as install_web
from cosy.config import Settings
from cosy.engine.executor import Executor
from cosy.store.base import Store

DESCRIPTION = """Business documents in, knowledge graph out.

Authenticate every `/v1` call with an API key (`cosy keys create --tenant T --role R`), sent as
`Authorization: Bearer <key>` or `X-API-Key: <key>`. Roles: reader < writer < admin. All data is
scoped to the key's tenant; another tenant's resources answer 404. Errors are
`{"error": {"code": ..., "message": ...}}`. See docs/api.md.
"""

SWAGGER_UI = {"validatorUrl": None}
"""Swagger UI would send the spec's address to its online validator (a badge image)."""

STATIC_DOCS = "/static-offline-docs"
"""Where /docs and /redoc load their scripts and styles from: the ``fastapi-offline`` package's
copies of Swagger UI and ReDoc, served by COSY itself, so the pages work without a network
(air-gapped sites); nothing is fetched from a CDN."""

TAGS = [
    {"name": "documents", "description": "Upload, results, originals, page images, triples"},
    {"name": "jobs", "description": "Processing status and live progress"},
    {"name": "graph", "description": "Entities, neighbourhoods and triple queries"},
    {"name": "operations", "description": "Health, readiness and metrics (no key needed)"},
]


def create_app(settings: Settings, store: Store, executor: Executor | None = None,
               metrics: Metrics | None = None) -> FastAPI:
    """The app over one store; ``executor`` is only used by /readyz (Dask reachable);
    ``metrics`` carries counts from before the app (`cosy run`'s samples)."""
    app = FastAPIOffline(title="COSY", version=__version__, description=DESCRIPTION,
                         openapi_tags=TAGS, swagger_ui_parameters=SWAGGER_UI,
                         static_url=STATIC_DOCS)
    app.state.settings = settings
    app.state.store = store
    app.state.executor = executor
    app.state.on_submitted = None  # set by `cosy serve` to wake its dispatcher on new jobs
    app.state.metrics = metrics or Metrics()
    app.state.limiter = RateLimiter(store, settings.api_rate_per_s,
                                     settings.api_rate_burst)
    errors.install(app)
    app.add_middleware(RequestContextMiddleware, metrics=app.state.metrics)
    # the /v1 prefix lives on the routers, so that route templates (metrics labels) carry it
    for router in (ops.router, documents.router, jobs.router, graph.router):
        app.include_router(router)
    install_web(app)  # the demo and review page at / and /app (docs/demo.md)
    return app


def create_ops_app(store: Store, executor: Executor | None, metrics: Metrics,
                   alive: Callable[[], bool] | None = None) -> FastAPI:
    """The probes and metrics of a process that serves no API (`cosy dispatcher`): /healthz
    (``alive``: its loops run), /readyz (store and Dask answer), /metrics."""
    app = FastAPI(title="COSY dispatcher", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.store = store
    app.state.executor = executor
    app.state.metrics = metrics
    app.state.alive = alive
    app.include_router(ops.router)
    return app
