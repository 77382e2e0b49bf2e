"""Who is asking: a personal access token, never the session cookie.

Run before every API view, in this order: the token (401), its rate (429), its scope
(403), the household gate on every id in the URL (404, before the body is even read),
then the body's media type and JSON (415, 422)."""

from __future__ import annotations

from flask import current_app, g, request

from planner.access import get_owned_or_404
from planner.api import tokens
from planner.api.errors import ApiError
from planner.api.spec import api
from planner.domain.vocabulary import TokenScope
from planner.i18n import _
from planner.models import PlanOccurrence, Responsibility, SelfCareSlot

PUBLIC = {"api.openapi", "api.docs"}
READING = {"GET", "HEAD", "OPTIONS"}
MAX_BODY = 64 * 1024

# Each id a URL of the API takes, and the household-owned table it names.
OWNED_ARGS: dict[str, type[PlanOccurrence | Responsibility | SelfCareSlot]] = {
    "occurrence_id": PlanOccurrence,
    "responsibility_id": Responsibility,
    "slot_id": SelfCareSlot,
}


def authenticate() -> None:
    request.max_content_length = MAX_BODY
    if request.endpoint in PUBLIC:
        return
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    token = tokens.find_active(secret.strip()) if scheme.lower() == "bearer" else None
    if token is None or not secret.strip():
        raise ApiError(401)
    limit = current_app.config["PLANNER_API_RATE_LIMIT"]
    wait = tokens.count_request(token, limit)
    if wait is None:  # revoked (or gone with its member) since it was read
        raise ApiError(401)
    if wait:
        raise ApiError(429, headers={"Retry-After": str(wait)})
    if request.method not in READING and token.scope != TokenScope.READ_WRITE:
        raise ApiError(403)
    # Flask-Login's current_user for this request only: nothing is put in a session.
    g._login_user = token.member
    g.api_token = token
    for name, value in (request.view_args or {}).items():
        if name in OWNED_ARGS:
            get_owned_or_404(OWNED_ARGS[name], value)
    _check_body()


def _check_body() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    metadata = api.get_function_metadata(view) if view else None
    if metadata is None or not metadata.json or not request.content_length:
        return
    if request.mimetype != "application/json":
        raise ApiError(415)
    try:
        parsed = request.get_json(silent=True)
    except RecursionError:  # nesting deep enough to fit 64 KiB; not a ValueError
        parsed = None
    if parsed is None:
        raise ApiError(422, _("The body is not valid JSON."))
