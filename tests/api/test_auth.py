"""API keys, roles, rate limits, request ids, the error shape and the last-resort 500."""

from __future__ import annotations

import json
import logging
import time

import pytest
from fastapi.testclient import TestClient

from cosy.api.app import create_app
from cosy.api.keys import Role, create_api_key, hash_key
from cosy.api.middleware import JsonFormatter
from cosy.api.ratelimit import RateLimiter
from tests.api.conftest import A, invoice_pdf, upload


def test_no_key_is_401_with_a_reason(client):
    r = client.get("/v1/documents")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert r.json()["error"]["code"] == "unauthorized"
    assert "API key" in r.json()["error"]["message"]


@pytest.mark.parametrize("headers", [
    {"Authorization": "Bearer cosy_not-a-real-key"},
    {"X-API-Key": "cosy_not-a-real-key"},
    {"Authorization": "Basic dXNlcjpwYXNz"},
    {"Authorization": "Bearer "},
])
def test_bad_keys_are_401(client, headers):
    r = client.get("/v1/documents", headers=headers)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"


def test_bearer_and_x_api_key_both_work(client, store):
    raw, _ = create_api_key(store, A, "reader")
    assert client.get("/v1/documents", headers={"Authorization": f"Bearer {raw}"}).status_code \
        == 200
    assert client.get("/v1/documents", headers={"X-API-Key": raw}).status_code == 200


def test_keys_are_stored_hashed_and_revocation_is_immediate(client, store):
    raw, record = create_api_key(store, A, "writer", name="ci")
    stored = store.get_api_key_by_hash(hash_key(raw))
    assert stored["id"] == record["id"] and raw not in json.dumps(stored)
    assert client.get("/v1/documents", headers={"X-API-Key": raw}).status_code == 200
    assert store.revoke_api_key(record["id"], time.time())
    r = client.get("/v1/documents", headers={"X-API-Key": raw})
    assert r.status_code == 401 and "revoked" in r.json()["error"]["message"]


def test_roles_are_ordered():
    assert Role.ADMIN.allows(Role.WRITER) and Role.WRITER.allows(Role.READER)
    assert not Role.READER.allows(Role.WRITER) and not Role.WRITER.allows(Role.ADMIN)


def test_reader_cannot_write(client, reader, admin):
    r = upload(client, reader, ("a.pdf", invoice_pdf()))
    assert r.status_code == 403
    assert r.json()["error"] == {"code": "forbidden", "message":
                                 "this needs the writer role; the key has reader",
                                 "request_id": r.headers["x-request-id"]}
    assert upload(client, admin, ("a.pdf", invoice_pdf())).status_code == 202  # admin > writer


def test_rate_limit_per_key_answers_429_with_retry_after(make_client, store):
    client = make_client(api_rate_per_s=0.5, api_rate_burst=3)
    raw, _ = create_api_key(store, A, "reader")
    other, _ = create_api_key(store, A, "reader")
    statuses = [client.get("/v1/documents", headers={"X-API-Key": raw}).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    r = client.get("/v1/documents", headers={"X-API-Key": raw})
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
    assert int(r.headers["retry-after"]) >= 1
    assert client.get("/v1/documents", headers={"X-API-Key": other}).status_code == 200
    assert client.get("/healthz").status_code == 200  # probes are never limited


def test_rate_limit_is_shared_by_api_replicas(make_client, store):
    """Two apps on one store (two replicas behind a load balancer) draw from one bucket."""
    first, second = make_client(api_rate_per_s=0.5, api_rate_burst=3), \
        make_client(api_rate_per_s=0.5, api_rate_burst=3)
    raw, _ = create_api_key(store, A, "reader")
    statuses = [c.get("/v1/documents", headers={"X-API-Key": raw}).status_code
                for c in (first, second, first, second)]
    assert statuses == [200, 200, 200, 429]


def test_token_bucket_refills(store):
    now = [0.0]
    limiter = RateLimiter(store, rate=2.0, burst=2, clock=lambda: now[0])
    assert [limiter.take("k") for _ in range(3)] == [0.0, 0.0, 0.5]
    now[0] = 0.5
    assert limiter.take("k") == 0.0
    assert RateLimiter.retry_after(0.2) == "1" and RateLimiter.retry_after(1.5) == "2"
    assert RateLimiter(store, rate=0, burst=1).take("k") == 0.0  # rate 0: off


def test_request_id_is_echoed_or_made(client, reader):
    r = client.get("/v1/documents", headers={**reader, "X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    made = client.get("/healthz").headers["x-request-id"]
    assert len(made) == 32
    evil = client.get("/healthz", headers={"X-Request-ID": "a b\tc"}).headers["x-request-id"]
    assert evil != "a b\tc"  # not echoed into logs and headers unchecked


def test_unknown_route_and_method_use_the_error_shape(client, reader):
    r = client.get("/v1/nothing", headers=reader)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.put("/v1/documents", headers=reader)
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"


def test_unexpected_errors_are_500_with_request_id_and_no_trace(store, api_settings, reader,
                                                                caplog):
    app = create_app(api_settings, store)

    @app.get("/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail /etc/passwd")

    with TestClient(app) as client, caplog.at_level(logging.ERROR, "cosy.api"):
        r = client.get("/v1/boom", headers={"X-Request-ID": "req-500"})
    assert r.status_code == 500
    assert r.json() == {"error": {
        "code": "internal_error",
        "message": "an unexpected error occurred; quote the request id when reporting it",
        "request_id": "req-500"}}
    assert "secret" not in r.text and "Traceback" not in r.text
    assert r.headers["x-request-id"] == "req-500"
    [record] = [rec for rec in caplog.records if rec.name == "cosy.api"]
    assert record.request_id == "req-500" and record.exc_info


def test_store_failure_is_a_clean_500(store, api_settings, reader):
    app = create_app(api_settings, store)
    store.list_documents = lambda *a, **k: (_ for _ in ()).throw(OSError("disk on fire"))
    with TestClient(app) as client:
        r = client.get("/v1/documents", headers=reader)
    assert r.status_code == 500 and "disk" not in r.text


def test_access_log_is_json_with_request_id(client, reader, caplog):
    with caplog.at_level(logging.INFO, "cosy.api.access"):
        client.get("/v1/documents?limit=5", headers={**reader, "X-Request-ID": "log-1"})
    [record] = [r for r in caplog.records if r.name == "cosy.api.access"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "log-1" and line["status"] == 200
    assert line["route"] == "/v1/documents" and line["tenant"] == A
    assert line["level"] == "info" and line["duration_ms"] >= 0 and "key_id" in line
