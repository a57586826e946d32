"""An unreachable MongoDB fails with one line that says what to check, not a topology dump."""

from __future__ import annotations

import socket

import pytest

from cosy.store import StoreError, open_store
from cosy.store.mongo import SERVER_SELECTION_MS, client_options


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_server_is_one_clear_line() -> None:
    uri = f"mongodb://127.0.0.1:{_unused_port()}/cosy?serverSelectionTimeoutMS=300"
    with pytest.raises(StoreError) as err:
        open_store(uri)
    message = str(err.value)
    assert "\n" not in message and "Topology" not in message
    assert "configured timeouts" not in message
    assert message.startswith("MongoDB: no usable server (127.0.0.1:")
    assert "Connection refused" in message and "docs/mongodb.md" in message


def test_server_selection_is_short_unless_the_uri_says() -> None:
    assert client_options("mongodb://db:27017/cosy") == {"serverSelectionTimeoutMS":
                                                         SERVER_SELECTION_MS}
    assert SERVER_SELECTION_MS <= 10_000
    assert client_options("mongodb://db/cosy?replicaSet=rs0&serverSelectionTimeoutMS=30000") == {}


def test_printed_store_specs_hide_the_password() -> None:
    from cosy.store import shown

    assert shown("mongodb://cosy:s3cr%40t@db1:27017,db2/cosy?tls=true") == \
        "mongodb://cosy:***@db1:27017,db2/cosy?tls=true"
    assert shown("/var/lib/cosy") == "/var/lib/cosy"
    assert shown("mongodb+srv://db.example.org/cosy") == "mongodb+srv://db.example.org/cosy"
