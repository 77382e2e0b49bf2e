"""Self-care and time together: the week's slots, and a member's own slots made, edited
(with the version read) and archived, through the self-care pages' services."""

from __future__ import annotations

from flask_login import current_user

from planner.access import get_owned_or_404
from planner.api import schemas, shapes
from planner.api.plan_routes import _week
from planner.api.routes import bp
from planner.api.spec import api, read, write
from planner.database import claim
from planner.domain.refusal import Conflict, Refused
from planner.extensions import db
from planner.i18n import _
from planner.models import SelfCareSlot
from planner.selfcare import services


@bp.get("/selfcare")
@api.validate(query=schemas.WeekQuery, resp=read(HTTP_200=schemas.SelfCareOut), tags=["selfcare"])
def selfcare(query: schemas.WeekQuery):
    """Every member's self-care and the time together, and when each falls in a week."""
    household = current_user.household
    start = _week(query)
    slots = [s for s in services.household_slots(household) if s.archived_at is None]
    return schemas.SelfCareOut(
        week_start=start,
        slots=[shapes.slot(s) for s in slots],
        this_week=[
            schemas.SlotWeekOut(
                slot_id=w.slot_id,
                member_id=w.member_id,
                title=w.title,
                start=w.start_utc,
                end=w.end_utc,
                status=w.status.value,
                outcome=w.outcome.value if w.outcome else None,
            )
            for w in services.week_slots(household, start)
        ],
    )


@bp.post("/selfcare/slots")
@api.validate(json=schemas.SlotIn, resp=write(HTTP_201=schemas.SlotOut), tags=["selfcare"])
def add_slot(json: schemas.SlotIn):
    """A weekly slot of your own time, or (`together`) time together for both."""
    slot = services.add_slot(
        current_user,
        json.title,
        json.weekday,
        json.start_time,
        json.minutes,
        together=json.together,
    )
    return shapes.slot(slot), 201


@bp.patch("/selfcare/slots/<int:slot_id>")
@api.validate(json=schemas.SlotPatch, resp=write(HTTP_200=schemas.SlotOut), tags=["selfcare"])
def edit_slot(slot_id: int, json: schemas.SlotPatch):
    """Change your slot (or time together). `version` is the one you read: 409 if stale."""
    slot = _own_slot(slot_id)
    claim(db.session, slot.household)  # two edits at once: the second waits, then sees the first's
    db.session.refresh(slot)
    if json.version != slot.sequence:
        raise Conflict(
            f"{slot.title} was changed on another screen: read it again and decide.",
            slot.title,
            "version",
        )
    services.update_slot(
        slot,
        json.title if json.title is not None else slot.title,
        json.weekday if json.weekday is not None else slot.weekday,
        json.start_time if json.start_time is not None else slot.start_time,
        json.minutes if json.minutes is not None else slot.minutes,
    )
    return shapes.slot(slot)


@bp.post("/selfcare/slots/<int:slot_id>/archive")
@api.validate(resp=write(HTTP_200=schemas.SlotOut), tags=["selfcare"])
def archive_slot(slot_id: int):
    """Take the slot out of every week from now on."""
    slot = _own_slot(slot_id)
    services.archive_slot(slot)
    return shapes.slot(slot)


def _own_slot(slot_id: int) -> SelfCareSlot:
    slot = get_owned_or_404(SelfCareSlot, slot_id)
    if not slot.kept_by(current_user.id):  # time together is both's
        raise Refused(_("Each member looks after their own self-care time."), status=403)
    return slot
