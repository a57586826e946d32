"""An app on a temporary embedded store, keys for two tenants, and a way to run queued jobs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from cosy.api.app import create_app
from cosy.api.keys import create_api_key
from cosy.config import Settings
from cosy.engine.dispatcher import Dispatcher
from cosy.engine.executor import SyncExecutor
from cosy.engine.profiles import load_pipeline
from cosy.store import Store, open_store
from tests.conftest import make_pdf

A, B = "acme", "globex"

INVOICE = [["Muster GmbH", "Rechnungsnummer: RE-2024-0042", "Rechnungsdatum: 01.03.2024",
            "Nettobetrag 100,00 EUR", "USt 19 % 19,00 EUR", "Gesamtbetrag 119,00 EUR",
            "IBAN DE89 3704 0044 0532 0130 00", "USt-IdNr. DE123456789"]]

Headers = dict[str, str]


def invoice_pdf(number: str = "RE-2024-0042") -> bytes:
    lines = [line.replace("RE-2024-0042", number) for line in INVOICE[0]]
    return make_pdf([lines])


@pytest.fixture
def api_settings(tmp_path: Path) -> Settings:
    return Settings(store=str(tmp_path / "store"), dask_scheduler="sync", job_lease_s=5.0,
                    job_retry_backoff_s=0.0, dispatcher_poll_s=0.05, api_rate_per_s=0,
                    api_sse_poll_s=0.05)


@pytest.fixture
def store(api_settings: Settings) -> Iterator[Store]:
    s = open_store(api_settings.store)
    yield s
    s.close()


@pytest.fixture
def make_client(store: Store, api_settings: Settings) -> Iterator[Callable[..., TestClient]]:
    """A client on an app with (optionally) changed settings, on the same store."""
    clients: list[TestClient] = []

    def make(**changes: Any) -> TestClient:
        settings = api_settings.model_copy(update=changes)
        client = TestClient(create_app(settings, store))
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def app(store: Store, api_settings: Settings) -> FastAPI:
    return create_app(api_settings, store)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def key_headers(store: Store, tenant: str, role: str) -> Headers:
    raw, _ = create_api_key(store, tenant, role)
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def writer(store: Store) -> Headers:
    return key_headers(store, A, "writer")


@pytest.fixture
def reader(store: Store) -> Headers:
    return key_headers(store, A, "reader")


@pytest.fixture
def admin(store: Store) -> Headers:
    return key_headers(store, A, "admin")


@pytest.fixture
def other(store: Store) -> Headers:
    """Tenant B's admin: may do everything, but only to tenant B's data."""
    return key_headers(store, B, "admin")


@pytest.fixture
def run_jobs(store: Store, api_settings: Settings) -> Callable[[], list[Any]]:
    """Run every queued job in this process (sync executor); return what on_finished saw."""
    seen: list[Any] = []

    def run() -> list[Any]:
        d = Dispatcher(store, SyncExecutor(api_settings), load_pipeline(), api_settings,
                       on_finished=lambda job, timings: seen.append((job, timings)))
        d.drain(timeout=60)
        return seen

    return run


def upload(client: TestClient, headers: Headers, *files: tuple[str, bytes],
           **kwargs: Any) -> Any:
    return client.post("/v1/documents", headers=headers,
                       files=[("files", (name, data, "application/pdf")) for name, data in files],
                       **kwargs)


@pytest.fixture
def processed(client: TestClient, writer: Headers, run_jobs: Callable[[], list[Any]]
              ) -> dict[str, Any]:
    """One invoice of tenant A, uploaded and processed: its upload item."""
    r = upload(client, writer, ("invoice.pdf", invoice_pdf()))
    assert r.status_code == 202, r.text
    run_jobs()
    return r.json()["items"][0]
