"""Dependencies shared by the routers: the store, the settings, and who is calling.

Authentication resolves an API key (``Authorization: Bearer`` or ``X-API-Key``) to a
:class:`Principal`, whose tenant every route passes to the store: no route can ask the store for
another tenant's data. The rate limit is applied here, per key, once the key is known.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from cosy.api.errors import ApiError
from cosy.api.keys import Role, hash_key
from cosy.api.ratelimit import RateLimiter
from cosy.config import Settings
from cosy.store.base import Store

_bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer <key>`")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="`X-API-Key: <key>`")


@dataclass(frozen=True)
class Principal:
    key_id: str
    tenant: str
    role: Role


def get_store(request: Request) -> Store:
    return request.app.state.store  # type: ignore[no-any-return]


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def authenticate(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> Principal:
    """The caller's key -> tenant and role; 401 if missing, unknown or revoked; 429 if too fast."""
    raw = bearer.credentials if bearer is not None else api_key
    if not raw:
        raise ApiError(401, "unauthorized",
                       "an API key is required: send 'Authorization: Bearer <key>' or "
                       "'X-API-Key: <key>'", headers={"WWW-Authenticate": "Bearer"})
    record = get_store(request).get_api_key_by_hash(hash_key(raw.strip()))
    if record is None or record.get("revoked_at") is not None:
        raise ApiError(401, "unauthorized", "the API key is unknown or revoked",
                       headers={"WWW-Authenticate": "Bearer"})
    try:
        role = Role(record["role"])
    except ValueError:
        raise ApiError(401, "unauthorized", "the API key has no valid role") from None
    principal = Principal(record["id"], record["tenant"], role)
    request.state.tenant = principal.tenant  # for the access log
    request.state.key_id = principal.key_id
    limiter: RateLimiter = request.app.state.limiter
    wait = limiter.take(principal.key_id)
    if wait > 0:
        retry = limiter.retry_after(wait)
        raise ApiError(429, "rate_limited",
                       f"too many requests for this API key; retry in {retry} s",
                       headers={"Retry-After": retry})
    return principal


def require(role: Role) -> Callable[[Principal], Principal]:
    """A dependency that lets only ``role`` and the roles above it through (else 403)."""

    def check(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
        if not principal.role.allows(role):
            raise ApiError(403, "forbidden",
                           f"this needs the {role} role; the key has {principal.role}")
        return principal

    return check


Reader = Annotated[Principal, Depends(require(Role.READER))]
Writer = Annotated[Principal, Depends(require(Role.WRITER))]
StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
