"""One error shape for every 4xx/5xx: ``{"error": {"code": ..., "message": ...}}``.

Clients branch on ``code`` (stable, machine-readable) and show ``message`` (for people). No
exception text or stack trace of an unexpected error ever leaves the process: the client gets
500 with the request id, and the log line with that id has the traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from cosy.ingest import InputError

log = logging.getLogger("cosy.api")

INPUT_ERROR_STATUS = {
    "empty": 422,
    "too_large": 413,
    "too_many_pages": 413,  # like too_large: a size limit of the deployment, not a bad file
    "too_many_objects": 413,
    "unsupported_media_type": 415,
    "encrypted": 422,
    "corrupt": 422,
}
"""HTTP status of each :class:`cosy.ingest.InputError` kind."""


class ApiError(Exception):
    """An expected failure with a status, a stable code and a message for people."""

    def __init__(self, status: int, code: str, message: str,
                 headers: dict[str, str] | None = None, **details: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.details = details

    @classmethod
    def from_input_error(cls, err: InputError, file_name: str | None = None) -> ApiError:
        details = {"file": file_name} if file_name else {}
        return cls(INPUT_ERROR_STATUS.get(err.kind, 422), err.kind, err.reason, **details)


def not_found(what: str, ident: str) -> ApiError:
    """404 for absent *and* for another tenant's resources: existence is not disclosed."""
    return ApiError(404, "not_found", f"no {what} {ident}")


def error_body(code: str, message: str, **details: Any) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    error.update({k: v for k, v in details.items() if v is not None})
    return {"error": error}


def request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def _json(request: Request, status: int, body: dict[str, Any],
          headers: dict[str, str] | None = None) -> JSONResponse:
    body["error"].setdefault("request_id", request_id(request))
    return JSONResponse(body, status_code=status, headers=headers)


_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 406: "not_acceptable", 413: "too_large",
               415: "unsupported_media_type", 422: "invalid_request", 429: "rate_limited"}


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into the JSON shape above."""

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _json(request, exc.status, error_body(exc.code, exc.message, **exc.details),
                     exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return _json(request, exc.status_code, error_body(code, message),
                     dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        first = problems[0] if problems else {"where": "request", "message": "invalid"}
        return _json(request, 422, error_body(
            "invalid_request", f"{first['where']}: {first['message']}", problems=problems))
