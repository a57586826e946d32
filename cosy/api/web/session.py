"""Who is using the page: the API key, kept in an HttpOnly cookie, and CSRF tokens.

Why a cookie and not session storage: an HttpOnly cookie is out of reach of the page's own
JavaScript (a script injected into the page cannot read the key), and the browser sends it with
the requests that cannot carry headers: ``<img>`` page images and ``EventSource`` progress
streams. ``SameSite=Strict`` keeps other sites' pages from sending it; every state-changing
request must also carry a CSRF token derived from the key (an HMAC, so any API replica checks
it without shared state), sent as ``X-CSRF-Token`` or a ``csrf`` form field.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, Request

from cosy.api.deps import Principal, authenticate
from cosy.api.errors import ApiError
from cosy.api.keys import Role

COOKIE = "cosy_key"
COOKIE_PATH = "/app"
COOKIE_MAX_AGE_S = 8 * 3600
CSRF_HEADER = "x-csrf-token"


class LoginRequired(Exception):
    """A page was asked for without a valid key: the handler redirects to the login page."""


def csrf_token(raw_key: str) -> str:
    return hmac.new(raw_key.encode(), b"cosy-web-csrf", hashlib.sha256).hexdigest()


def key_of(request: Request) -> str | None:
    return request.cookies.get(COOKIE) or None


def principal_of(request: Request) -> Principal | None:
    """The cookie's key as a principal (rate limited like the API); None if absent or invalid."""
    raw = key_of(request)
    if raw is None:
        return None
    try:
        return authenticate(request, None, raw)
    except ApiError as err:
        if err.status == 429:
            raise
        return None


def page_user(request: Request) -> Principal:
    principal = principal_of(request)
    if principal is None:
        raise LoginRequired
    return principal


async def action_user(request: Request) -> Principal:
    """For state-changing requests: a valid key and the CSRF token that goes with it."""
    principal = principal_of(request)
    raw = key_of(request)
    if principal is None or raw is None:
        raise ApiError(401, "unauthorized", "log in with an API key first (/app/login)")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"):
        sent = str((await request.form()).get("csrf") or "")
    if not sent or not hmac.compare_digest(sent, csrf_token(raw)):
        raise ApiError(403, "csrf", "the CSRF token is missing or wrong; reload the page")
    return principal


def needs(principal: Principal, role: Role, to: str) -> None:
    """403 with the reason when the key's role is too low for an action."""
    if not principal.role.allows(role):
        raise ApiError(403, "forbidden", f"{to} needs the {role} role; this key has "
                                         f"{principal.role}")


PageUser = Annotated[Principal, Depends(page_user)]
ActionUser = Annotated[Principal, Depends(action_user)]
