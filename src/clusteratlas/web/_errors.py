"""The one error envelope of the web API, and the handlers that produce it.

Every error, whatever raised it, leaves the server as::

    HTTP 4xx/5xx
    {"error": {"status": 404, "code": "cluster_not_found",
               "message": "no cluster with id 'xuchang-wig'; did you mean xuchang-wigs?",
               "details": []}}

``code`` is stable and machine-readable (see :data:`CODES`); ``message`` is one human-readable line;
``details`` lists the offending parameters for ``invalid_parameter`` (``{"param", "message"}``).
A :class:`~clusteratlas.errors.AtlasError` from the library becomes a 4xx; anything else is a bug and becomes a
500 with a generic message (the traceback goes to the server log, never to the client).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from clusteratlas.errors import (
    AtlasError,
    BadQueryError,
    ClusterNotFound,
    DataValidationError,
    IndustryNotFound,
    PlaceNotFound,
    RegisterNotFound,
)

log = logging.getLogger("clusteratlas.web")


class MarketNotFound(AtlasError, LookupError):
    """No market or fair has this id (the atlas keeps markets by id in ``Atlas.markets``)."""

#: Library exception → (HTTP status, error code). Checked in order; the first match wins.
ATLAS_ERRORS: list[tuple[type[AtlasError], int, str]] = [
    (ClusterNotFound, 404, "cluster_not_found"),
    (IndustryNotFound, 404, "industry_not_found"),
    (PlaceNotFound, 404, "place_not_found"),
    (MarketNotFound, 404, "market_not_found"),
    (RegisterNotFound, 404, "register_not_found"),
    (BadQueryError, 400, "bad_query"),
    (DataValidationError, 400, "invalid_data"),
    (AtlasError, 400, "bad_request"),
]

#: Every code the API can answer with, and its meaning (the OpenAPI description repeats this table).
CODES = {
    "bad_query": "the query cannot be answered as given (empty, too long, control characters, bad bbox …)",
    "invalid_parameter": "a parameter is missing, of the wrong type or out of range; see details",
    "cluster_not_found": "no cluster has this id (the message suggests close ids)",
    "industry_not_found": "no industry has this id",
    "place_not_found": "no place matches",
    "market_not_found": "no market or fair has this id",
    "register_not_found": "no register has this id (the message suggests close ids)",
    "not_found": "no such address",
    "method_not_allowed": "the API is read-only: GET and HEAD only",
    "uri_too_long": "the address (path + query) is longer than the server accepts",
    "invalid_data": "data given to the server does not validate",
    "bad_request": "the request cannot be answered",
    "internal_error": "a bug: the server could not answer; the message says no more",
    "unavailable": "an optional part of the server (the gazetteer) is not installed",
}


class ErrorBody(BaseModel):
    """The inside of the envelope."""

    status: int = Field(description="The HTTP status, repeated.")
    code: str = Field(description="Stable error code: " + "; ".join(f"`{k}` {v}" for k, v in CODES.items()))
    message: str = Field(description="One human-readable line.")
    details: list[dict[str, Any]] = Field(default_factory=list,
                                          description="For invalid_parameter: [{param, message}].")


class ErrorEnvelope(BaseModel):
    """Every error response of the API has this shape."""

    error: ErrorBody


#: For route decorators: the envelope documented on the usual error statuses.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorEnvelope, "description": "Bad query or parameter (codes bad_query, invalid_parameter)"},
    404: {"model": ErrorEnvelope, "description": "Unknown id (codes *_not_found)"},
    414: {"model": ErrorEnvelope, "description": "Address too long (code uri_too_long)"},
}


def error_response(status: int, code: str, message: str, details: list[dict[str, Any]] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    """A response carrying the envelope."""
    body = {"error": {"status": status, "code": code, "message": message, "details": details or []}}
    hdrs = {"Cache-Control": "no-store"} | (headers or {})
    return JSONResponse(body, status_code=status, headers=hdrs)


def error_for_atlas(exc: AtlasError) -> JSONResponse:
    """The envelope for a library error (status and code from :data:`ATLAS_ERRORS`)."""
    for cls, status, code in ATLAS_ERRORS:
        if isinstance(exc, cls):
            return error_response(status, code, _one_line(str(exc)))
    return error_response(400, "bad_request", _one_line(str(exc)))  # pragma: no cover - AtlasError above


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _param_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "path", "header", "body")]
        out.append({"param": ".".join(loc) or "request", "message": _one_line(err.get("msg", "invalid"), 200)})
    return out


def install_error_handlers(app: FastAPI) -> None:
    """Route every error through :func:`error_response`."""

    @app.exception_handler(AtlasError)
    async def _atlas(request: Request, exc: AtlasError) -> JSONResponse:
        return error_for_atlas(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = _param_details(exc)
        first = details[0] if details else {"param": "request", "message": "invalid"}
        return error_response(400, "invalid_parameter", f"{first['param']}: {first['message']}", details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 414: "uri_too_long"}.get(exc.status_code,
                                                                                      "bad_request")
        message = exc.detail if isinstance(exc.detail, str) and exc.detail else code.replace("_", " ")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = "GET, HEAD"
        return error_response(exc.status_code, code, _one_line(message), headers=headers)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return error_response(500, "internal_error", "internal error")
