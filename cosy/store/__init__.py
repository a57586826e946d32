"""Persistence: one Store contract, two backends, chosen by a single spec string.

``open_store`` is the only place that maps configuration to a backend, so the CLI, API and
dispatcher accept the same spec everywhere. Backends are imported lazily: the embedded store
needs only the standard library, and pymongo is loaded only when a MongoDB spec is given.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from cosy.store.base import BlobStore, Store, StoreError

__all__ = ["BlobStore", "Store", "StoreError", "open_store", "shown"]

DEFAULT_DATABASE = "cosy"
_MONGO_SCHEMES = ("mongodb://", "mongodb+srv://")
_MOCK_SCHEME = "mongomock://"
_ANY_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def _database_name(uri: str) -> str:
    """The database from the URI path (``mongodb://host/db``), else ``cosy``.

    Parsed by hand: pymongo's parser would resolve ``+srv`` hosts through DNS here.
    """
    name = unquote(urlsplit(uri).path.lstrip("/"))
    return name or DEFAULT_DATABASE


def shown(spec: str) -> str:
    """The spec as it may be printed or logged: a URI's password replaced by ``***``."""
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://[^:/@]*):[^@/]*@", r"\1:***@", spec)


def open_store(spec: str) -> Store:
    """A store for ``spec``.

    * ``mongodb://…`` or ``mongodb+srv://…``: MongoStore (database from the URI path, else cosy)
    * ``mongomock://[/database]``: MongoStore on a fresh in-memory mongomock client (tests,
      demos); nothing is shared between two calls or kept after the process ends
    * anything else without a scheme: a directory for EmbeddedStore (created if missing)
    """
    spec = (spec or "").strip()
    if not spec:
        raise StoreError("empty store spec: give a directory or a mongodb:// URI")
    if spec.startswith(_MONGO_SCHEMES):
        try:
            from cosy.store.mongo import MongoStore
        except ImportError as exc:
            raise StoreError(f"store {spec!r} needs pymongo: pip install pymongo ({exc})") from exc
        return MongoStore(spec, database=_database_name(spec))
    if spec.startswith(_MOCK_SCHEME):
        try:
            import mongomock

            from cosy.store.mongo import MongoStore
        except ImportError as exc:
            raise StoreError(f"store {spec!r} needs mongomock and pymongo ({exc})") from exc
        return MongoStore(spec, database=_database_name(spec), client=mongomock.MongoClient())
    if _ANY_SCHEME.match(spec):
        raise StoreError(
            f"unsupported store spec {spec!r}: use a directory, mongodb://, mongodb+srv:// "
            "or mongomock://"
        )
    from cosy.store.embedded import EmbeddedStore

    return EmbeddedStore(Path(spec).expanduser())
