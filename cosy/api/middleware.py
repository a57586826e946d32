"""Request ids, structured JSON logs, HTTP metrics and the last-resort 500, as one ASGI layer.

A plain ASGI middleware (not BaseHTTPMiddleware) so that server-sent event streams pass through
unbuffered. It sits outside the routing, so it sees every request, including 404s and crashes.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cosy.api.metrics import Metrics

access_log = logging.getLogger("cosy.api.access")
error_log = logging.getLogger("cosy.api")

REQUEST_ID_HEADER = "x-request-id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "cosy_request_id", default=None)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the request id of the request being served."""

    RESERVED = frozenset(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        rid = getattr(record, "request_id", None) or request_id_var.get()
        if rid:
            out["request_id"] = rid
        for key, value in vars(record).items():
            if key not in self.RESERVED and key not in out:
                out[key] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr for COSY's loggers (called by `cosy serve`, not by create_app)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    for name in ("cosy", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False


class RequestContextMiddleware:
    """Give each request an id (the client's ``X-Request-ID`` if sane); echo, log, count it."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _incoming_request_id(scope) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        token = request_id_var.set(rid)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() != REQUEST_ID_HEADER.encode()]
                headers.append((REQUEST_ID_HEADER.encode(), rid.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            error_log.exception("unhandled error serving %s %s", scope["method"], scope["path"],
                                extra={"request_id": rid})
            status = 500
            if not response_started:
                await _send_500(send_with_id, rid)
        finally:
            seconds = time.perf_counter() - started
            route = _route_template(scope)
            self.metrics.observe_request(scope["method"], route, status, seconds)
            state = scope.get("state", {})
            access_log.info(
                "%s %s %s", scope["method"], route, status,
                extra={"request_id": rid, "method": scope["method"], "path": scope["path"],
                       "route": route, "status": status,
                       "duration_ms": round(seconds * 1000, 2),
                       "tenant": state.get("tenant"), "key_id": state.get("key_id")},
            )
            request_id_var.reset(token)


def _incoming_request_id(scope: Scope) -> str | None:
    for key, value in scope.get("headers", []):
        if key == REQUEST_ID_HEADER.encode():
            text = value.decode("latin-1")
            return text if _VALID_REQUEST_ID.match(text) else None
    return None


def _route_template(scope: Scope) -> str:
    """The matched route's path template; unmatched requests share one label."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


async def _send_500(send: Send, rid: str) -> None:
    body = json.dumps({"error": {
        "code": "internal_error",
        "message": "an unexpected error occurred; quote the request id when reporting it",
        "request_id": rid,
    }}).encode()
    await send({"type": "http.response.start", "status": 500,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
