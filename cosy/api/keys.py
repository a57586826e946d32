"""API keys: random secrets shown once, stored only as a sha256 hash, one tenant and role each.

A key is 32 random bytes, so a plain (unsalted) sha256 is enough: there is nothing to guess that
a slow hash would protect. Shared by the API (authentication) and the CLI (`cosy keys`).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from enum import StrEnum
from typing import Any

from cosy.store.base import Store

KEY_PREFIX = "cosy_"


class Role(StrEnum):
    """reader < writer < admin: a role may do everything the roles below it may."""

    READER = "reader"
    WRITER = "writer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_api_key(store: Store, tenant: str, role: Role | str, name: str = "",
                   now: float | None = None, raw: str | None = None) -> tuple[str, dict[str, Any]]:
    """Store a new key; return (the secret, to show once, and the stored record).

    ``raw`` stores a secret made elsewhere (the demo key from a Kubernetes Secret) instead of a
    new random one; a secret already stored is refused (ValueError), it must stay one key.
    """
    if not tenant:
        raise ValueError("a key needs a tenant")
    role = Role(role)
    if raw is not None and store.get_api_key_by_hash(hash_key(raw)) is not None:
        raise ValueError("this key is already stored")
    raw = raw or KEY_PREFIX + secrets.token_urlsafe(32)
    record = {"id": "key_" + secrets.token_hex(8), "hash": hash_key(raw), "tenant": tenant,
              "role": str(role), "name": name, "prefix": raw[:len(KEY_PREFIX) + 4],
              "created_at": time.time() if now is None else now, "revoked_at": None}
    if not store.put_api_key(record):  # 64 random bits of id colliding: try once more
        return create_api_key(store, tenant, role, name, now, raw)
    store.audit(tenant, "api_key.created", record["created_at"], key_id=record["id"],
                role=str(role))
    return raw, record


def public_key_record(record: dict[str, Any]) -> dict[str, Any]:
    """A key record without its hash, for listings."""
    return {k: v for k, v in record.items() if k != "hash"}
