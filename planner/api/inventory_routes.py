"""Responsibilities: list, read, create, edit (with the version read) and archive, through
the inventory pages' services."""

from __future__ import annotations

from flask_login import current_user

from planner.access import get_owned_or_404
from planner.api import schemas, shapes
from planner.api.routes import bp
from planner.api.spec import api, read, write
from planner.domain.refusal import Refused
from planner.domain.week import reachable_dates, window_text
from planner.i18n import _
from planner.inventory import services
from planner.models import Responsibility

One = schemas.ResponsibilityOut
# In an edit, null clears these; any other field sent as null stays as it is.
CLEARABLE = {"interval", "month_day", "preferred_time", "default_owner_id"}


@bp.get("/responsibilities")
@api.validate(
    query=schemas.ResponsibilityQuery,
    resp=read(HTTP_200=schemas.ResponsibilitiesOut),
    tags=["responsibilities"],
)
def responsibilities(query: schemas.ResponsibilityQuery):
    """Everything it takes to run the household, by area."""
    found = services.household_responsibilities(current_user.household, query.archived)
    return schemas.ResponsibilitiesOut(responsibilities=[shapes.responsibility(r) for r in found])


@bp.get("/responsibilities/<int:responsibility_id>")
@api.validate(resp=read(HTTP_200=One), tags=["responsibilities"])
def responsibility(responsibility_id: int):
    """One responsibility, with its version for an edit."""
    return shapes.responsibility(get_owned_or_404(Responsibility, responsibility_id))


@bp.post("/responsibilities")
@api.validate(json=schemas.ResponsibilityIn, resp=write(HTTP_201=One), tags=["responsibilities"])
def create(json: schemas.ResponsibilityIn):
    """A new responsibility; open draft plans follow it."""
    household = current_user.household
    data = json.model_dump()
    _check_start(data)
    saved = services.save_responsibility(household, None, data)
    return shapes.responsibility(saved), 201


@bp.patch("/responsibilities/<int:responsibility_id>")
@api.validate(json=schemas.ResponsibilityPatch, resp=write(HTTP_200=One), tags=["responsibilities"])
def edit(responsibility_id: int, json: schemas.ResponsibilityPatch):
    """Change some fields. `version` is the one you read: if a partner changed it since,
    the edit is refused with 409 (read it again and decide). null clears interval,
    month_day, preferred_time and default_owner_id, and leaves any other field as it is."""
    responsibility = get_owned_or_404(Responsibility, responsibility_id)
    changes = {
        k: v
        for k, v in json.model_dump(exclude_unset=True, exclude={"version"}).items()
        if v is not None or k in CLEARABLE
    }
    data = services.form_data(responsibility)
    data["default_owner_id"] = data["default_owner_id"] or None
    data.update(changes)
    if problem := schemas.responsibility_problem(data):
        field, message = problem
        raise Refused(message, field)
    if "starts_on" in changes:
        _check_start(data)
    saved = services.save_responsibility(
        current_user.household, responsibility, {**data, "base": json.version}
    )
    return shapes.responsibility(saved)


@bp.post("/responsibilities/<int:responsibility_id>/archive")
@api.validate(resp=write(HTTP_200=One), tags=["responsibilities"])
def archive(responsibility_id: int):
    """Archive it: its history stays, and it can come back."""
    responsibility = get_owned_or_404(Responsibility, responsibility_id)
    services.set_archived(responsibility, True)
    return shapes.responsibility(responsibility)


@bp.post("/responsibilities/<int:responsibility_id>/unarchive")
@api.validate(resp=write(HTTP_200=One), tags=["responsibilities"])
def unarchive(responsibility_id: int):
    """Bring an archived responsibility back."""
    responsibility = get_owned_or_404(Responsibility, responsibility_id)
    services.set_archived(responsibility, False)
    return shapes.responsibility(responsibility)


def _check_start(data: dict) -> None:
    today = current_user.household.today()
    first, last = reachable_dates(today)
    if not first <= data["starts_on"] <= last:
        raise Refused(_("Pick a day between %(window)s.", window=window_text(today)), "starts_on")
