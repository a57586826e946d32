"""Property-based checks of the whole API against its own OpenAPI document (schemathesis).

In process against the ASGI app with a valid admin key and a processed document in the store:
every operation, a few generated requests each; no response may be a 5xx, and every response
must match the schema documented for its status code. Bounded (max_examples) to stay well under
a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cosy.api.app import create_app
from cosy.api.keys import create_api_key
from cosy.config import Settings
from cosy.engine.dispatcher import Dispatcher
from cosy.engine.executor import SyncExecutor
from cosy.engine.profiles import load_pipeline
from cosy.jobs import submit_document
from cosy.store import open_store
from tests.api.conftest import A, invoice_pdf

KEY: dict[str, str] = {}
SEEN: set[tuple[str, int]] = set()  # (operation, status) of every generated call


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    path: Path = tmp_path_factory.mktemp("schemathesis")
    cfg = Settings(store=str(path / "store"), dask_scheduler="sync", api_rate_per_s=0,
                   api_sse_max_s=1.0, api_sse_poll_s=0.05, job_lease_s=5.0)
    store = open_store(cfg.store)
    submit_document(store, invoice_pdf(), "invoice.pdf", A, cfg)
    Dispatcher(store, SyncExecutor(cfg), load_pipeline(), cfg).drain(timeout=60)
    raw, _ = create_api_key(store, A, "admin")
    KEY["Authorization"] = f"Bearer {raw}"
    yield schemathesis.openapi.from_asgi("/openapi.json", create_app(cfg, store))
    store.close()


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=12, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case) -> None:  # type: ignore[no-untyped-def]
    response = case.call_and_validate(headers=dict(KEY), checks=[
        not_a_server_error, status_code_conformance, content_type_conformance,
        response_schema_conformance])
    SEEN.add((f"{case.method} {case.path}", response.status_code))


def test_the_key_was_accepted() -> None:
    """The run above must have got past authentication, or it proved little."""
    if not SEEN:
        pytest.skip("run together with test_api_conforms_to_its_schema")
    assert not any(status == 401 for _, status in SEEN)
    ok = {op for op, status in SEEN if status < 300}
    assert {"GET /v1/documents", "GET /v1/entities", "GET /v1/triples", "GET /healthz"} <= ok
