"""The ``store`` fixture: every contract test runs once per backend.

``mongodb`` runs against a real server only when ``COSY_TEST_MONGODB_URI`` is set; each test then
gets a database of its own, dropped afterwards, so runs never see each other's data.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from cosy.store import Store
from cosy.store.embedded import EmbeddedStore

MONGODB_URI_ENV = "COSY_TEST_MONGODB_URI"


def _embedded(tmp_path: Path) -> Iterator[Store]:
    store = EmbeddedStore(tmp_path / "store")
    yield store
    store.close()


def _mongomock() -> Iterator[Store]:
    mongomock = pytest.importorskip("mongomock")
    from cosy.store.mongo import MongoStore

    client = mongomock.MongoClient()
    store = MongoStore("mongomock://", database="cosy_test", client=client)
    yield store
    store.close()


def _mongodb() -> Iterator[Store]:
    uri = os.environ.get(MONGODB_URI_ENV)
    if not uri:
        pytest.skip(f"{MONGODB_URI_ENV} not set: no real MongoDB server to test against")
    import pymongo

    from cosy.store.mongo import MongoStore

    client: pymongo.MongoClient = pymongo.MongoClient(uri, serverSelectionTimeoutMS=5000)
    name = f"cosy_test_{uuid.uuid4().hex[:12]}"
    store = MongoStore(uri, database=name, client=client)
    try:
        yield store
    finally:
        client.drop_database(name)
        client.close()


@pytest.fixture(params=["embedded", "mongomock", "mongodb"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "embedded":
        yield from _embedded(tmp_path)
    elif request.param == "mongomock":
        yield from _mongomock()
    else:
        yield from _mongodb()
