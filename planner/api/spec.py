"""The OpenAPI 3.1 document, made by spectree from the models that validate requests
(planner.api.schemas), and the responses every operation documents."""

from __future__ import annotations

from spectree import Response, SecurityScheme, SpecTree
from spectree.models import SecureType, SecuritySchemeData

from planner.api.errors import ApiError
from planner.api.schemas import ErrorBody
from planner.i18n import _

DESCRIPTION = (
    "Planner's JSON API for integrations (Home Assistant, phone shortcuts, scripts). "
    "Authenticate with a personal access token from your profile page, sent as "
    "`Authorization: Bearer <token>`; the session cookie is never accepted. A read token "
    "cannot change anything (403). Each token may make 120 requests a minute (429 with "
    'Retry-After). Every error has the shape `{"error": {"code", "message", "field"}}`. '
    "Edits carry the `version` you read; a stale one is refused with 409."
)


def _invalid(_req, _resp, error, _instance, _adapter) -> None:
    """A body, query or header that doesn't fit its model: 422 in our error shape."""
    if error is None:
        return
    first = error.errors()[0] if hasattr(error, "errors") and error.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "__root__")
    message = first.get("msg") or _("Check the request.")
    message = message.removeprefix("Value error, ")
    raise ApiError(422, f"{where}: {message}" if where else message, where or None)


api = SpecTree(
    "flask",
    mode="strict",
    title="Planner API",
    version="1",
    description=DESCRIPTION,
    path="api/v1/_spec",  # spectree leaves routes under it out; ours serves the document
    security_schemes=[
        SecurityScheme(
            name="token",
            data=SecuritySchemeData(
                type=SecureType.HTTP, scheme="bearer", description="A personal access token"
            ),
        )
    ],
    security={"token": []},
    before=_invalid,
    validation_error_status=422,
    validation_error_model=ErrorBody,
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
)

READ_ERRORS = (401, 404, 405, 422, 429, 500)
WRITE_ERRORS = (*READ_ERRORS, 403, 409, 413, 415)


def read(**ok) -> Response:
    """The responses of a read: its success (HTTP_200=Model) and the errors any may give."""
    return Response(**ok, **{f"HTTP_{code}": ErrorBody for code in READ_ERRORS})


def write(**ok) -> Response:
    return Response(**ok, **{f"HTTP_{code}": ErrorBody for code in WRITE_ERRORS})
