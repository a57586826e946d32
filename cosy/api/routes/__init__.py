"""One router per resource: documents, jobs, graph (entities and triples), operations."""

from __future__ import annotations

from typing import Any

from cosy.api.schemas import ErrorResponse

_DESCRIPTIONS = {
    400: "Malformed request body",
    401: "Missing, unknown or revoked API key",
    403: "The key's role is too low",
    404: "Not found (or another tenant's)",
    406: "None of the accepted media types can be produced",
    409: "Conflicts with the resource's state",
    413: "A file, the page count or the number of files is over its limit",
    415: "Not a PDF (sniffed from the bytes), or not multipart/form-data",
    422: "Invalid parameters, or an encrypted, corrupt or empty PDF",
    429: "Too many requests for this key (see Retry-After)",
    500: "Unexpected error; the body carries the request id",
    503: "Busy: the work was not done in time; try again",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for error statuses, all with the one error shape."""
    wanted = codes or (401, 403, 404, 422, 429, 500)
    return {c: {"model": ErrorResponse, "description": _DESCRIPTIONS[c]} for c in wanted}


AUTHED = (401, 403, 404, 422, 429, 500)
