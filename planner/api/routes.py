"""/api/v1: the blueprint, its gate and error handlers, the OpenAPI document and its page.

Endpoints live by feature beside this module (plan_routes, inventory_routes,
selfcare_routes); each calls the same services the pages call."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import current_user

from planner.api import auth, errors, schemas, shapes
from planner.api.spec import api, read
from planner.domain.refusal import Refused
from planner.extensions import csrf

bp = Blueprint("api", __name__, url_prefix=errors.PREFIX)
csrf.exempt(bp)  # no cookie is ever accepted here, so there is nothing to forge
bp.before_request(auth.authenticate)
bp.register_error_handler(errors.ApiError, errors.from_api_error)
bp.register_error_handler(Refused, errors.from_refusal)


@bp.get("/openapi.json")
def openapi():
    return jsonify(api.spec)


@bp.get("/docs")
def docs():
    return render_template("api/docs.html", spec=api.spec)


@bp.get("/household")
@api.validate(resp=read(HTTP_200=schemas.HouseholdOut), tags=["household"])
def household():
    """The household and its members."""
    return shapes.household(current_user.household, current_user.id)


from planner.api import inventory_routes, plan_routes, selfcare_routes  # noqa: E402, F401

__all__ = ["bp", "shapes"]
