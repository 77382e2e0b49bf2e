"""Errors under /api/v1 are JSON of one shape: {"error": {"code", "message", "field"}}.

Views and services raise as they do for pages (`Refused`, `abort(404)`); these handlers
say it in JSON. Routing errors (404, 405), 413 and 500 happen outside the blueprint, so
planner.errors asks `is_api_request` first."""

from __future__ import annotations

from flask import Response, jsonify, request
from werkzeug.exceptions import HTTPException

from planner.domain.refusal import Conflict, Refused
from planner.i18n import _l

PREFIX = "/api/v1"

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
}

MESSAGES = {
    400: _l("The request could not be read."),
    401: _l("Send a personal access token as Authorization: Bearer <token>."),
    403: _l("This token may only read."),
    404: _l("Not found."),
    405: _l("That method isn't available here."),
    413: _l("The request body is too large."),
    415: _l("Send a JSON body with Content-Type: application/json."),
    429: _l("Too many requests for this token: wait a moment and try again."),
    500: _l("Something went wrong; nothing was saved. Please try again in a moment."),
}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str | None = None,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message or str(MESSAGES.get(status, ""))
        self.field = field
        self.headers = headers or {}


def is_api_request() -> bool:
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def error_response(
    status: int,
    message: str | None = None,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    detail: dict[str, str | None] = {
        "code": CODES.get(status, "error"),
        "message": str(message or MESSAGES.get(status, "")),
    }
    if field:
        detail["field"] = field
    response = jsonify({"error": detail})
    response.status_code = status
    response.headers.update(headers or {})
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="planner"'
    return response


def from_api_error(error: ApiError) -> Response:
    return error_response(error.status, error.message, error.field, error.headers)


def from_refusal(refused: Refused) -> Response:
    # What is stale in an API request is always the `version` it sent.
    field = refused.field or ("version" if isinstance(refused, Conflict) else None)
    return error_response(refused.status, refused.message, field)


def from_http(error: HTTPException) -> Response:
    code = error.code or 500
    headers = {}
    if code == 405:
        headers = {k: v for k, v in error.get_headers() if k == "Allow"}
    message = str(MESSAGES.get(code) or error.description or "")
    return error_response(code, message, headers=headers)
