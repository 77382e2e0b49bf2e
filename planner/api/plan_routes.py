"""Today, the week's plan and what happens to its days: done, reopened, skipped, taken
("I've got it"), asked for and answered; and check-ins. The week pages' services."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort
from flask_login import current_user

from planner.access import get_owned_or_404
from planner.api import schemas, shapes
from planner.api.routes import bp
from planner.api.spec import api, read, write
from planner.domain.refusal import Refused
from planner.i18n import _
from planner.midweek import services as midweek
from planner.models import PlanOccurrence
from planner.today import services as today_services
from planner.week import calendar, handovers, services
from planner.week.routes import WEEKS_AHEAD


def _week(query: schemas.WeekQuery | None) -> date:
    """The week asked for (any day of it), or this one; 404 beyond what pages reach."""
    household = current_user.household
    if query is None or query.week is None:
        return services.week_start_for_household(household)
    latest = household.today() + timedelta(weeks=WEEKS_AHEAD)
    start = services.parse_week(household, query.week.isoformat(), latest)
    if start is None:
        abort(404)
    return start


@bp.get("/today")
@api.validate(resp=read(HTTP_200=schemas.TodayOut), tags=["plan"])
def today():
    """Today: mine, my partners' open things, asks waiting, and how everyone checked in."""
    household = current_user.household
    view = today_services.build(household, current_user._get_current_object())
    checkins = {c.member_id: c for c in view.plan.checkins} if view.plan else {}
    return schemas.TodayOut(
        today=view.today,
        status=view.plan.status if view.plan else None,
        mine=[shapes.occurrence(e.occurrence) for e in (view.day.mine if view.day else [])],
        theirs=[shapes.occurrence(e.occurrence) for e in view.all_theirs],
        waiting_for_me=[shapes.ask(a) for a in view.waiting_for_me],
        my_asks=[shapes.ask(a) for a in view.my_asks],
        checkins=[shapes.checkin(m.id, checkins.get(m.id)) for m in household.members],
    )


@bp.get("/week")
@api.validate(query=schemas.WeekQuery, resp=read(HTTP_200=schemas.WeekOut), tags=["plan"])
def week(query: schemas.WeekQuery):
    """A week's plan with every day of every item (this week unless `week` says)."""
    start = _week(query)
    plan = services.find_week_plan(current_user.household, start)  # a GET never makes one
    days = sorted(
        (o for item in plan.items for o in item.occurrences) if plan else [],
        key=lambda o: (o.on_date, o.starts_at is None, o.starts_at, o.item.title, o.id),
    )
    return schemas.WeekOut(
        week_start=start,
        status=plan.status if plan else None,
        version=plan.version if plan else None,
        occurrences=[shapes.occurrence(o) for o in days],
    )


@bp.get("/occurrences/<int:occurrence_id>")
@api.validate(resp=read(HTTP_200=schemas.OccurrenceOut), tags=["plan"])
def occurrence(occurrence_id: int):
    """One day of one item."""
    return shapes.occurrence(get_owned_or_404(PlanOccurrence, occurrence_id))


@bp.post("/occurrences/<int:occurrence_id>/done")
@api.validate(resp=write(HTTP_200=schemas.OccurrenceOut), tags=["plan"])
def done(occurrence_id: int):
    """Mark the day done."""
    occurrence = get_owned_or_404(PlanOccurrence, occurrence_id)
    services.mark_done(occurrence, current_user)
    return shapes.occurrence(occurrence)


@bp.post("/occurrences/<int:occurrence_id>/reopen")
@api.validate(resp=write(HTTP_200=schemas.OccurrenceOut), tags=["plan"])
def reopen(occurrence_id: int):
    """Open the day again (a done or skipped day was a slip)."""
    occurrence = get_owned_or_404(PlanOccurrence, occurrence_id)
    services.reopen(occurrence, current_user)
    return shapes.occurrence(occurrence)


@bp.post("/occurrences/<int:occurrence_id>/skip")
@api.validate(json=schemas.SkipIn, resp=write(HTTP_200=schemas.OccurrenceOut), tags=["plan"])
def skip(occurrence_id: int, json: schemas.SkipIn):
    """Skip the day, with a reason. Only whoever does it may, never time together."""
    occurrence = get_owned_or_404(PlanOccurrence, occurrence_id)
    household = current_user.household
    entry = calendar.entry_of(occurrence, household, current_user, household.today())
    if entry.open and (cannot := entry.skip_refusal()):
        raise Refused(cannot, "reason")
    services.skip(occurrence, current_user, json.reason)
    return shapes.occurrence(occurrence)


@bp.post("/occurrences/<int:occurrence_id>/take")
@api.validate(json=schemas.TakeIn, resp=write(HTTP_200=schemas.DaysOut), tags=["handovers"])
def take(occurrence_id: int, json: schemas.TakeIn):
    """ "I've got it": this day (or the rest of the week) off a partner's plate."""
    occurrence = get_owned_or_404(PlanOccurrence, occurrence_id)
    today = current_user.household.today()
    days = handovers.take(occurrence, current_user, today, json.rest_of_week)
    return schemas.DaysOut(occurrences=[shapes.occurrence(o) for o in days])


@bp.post("/occurrences/<int:occurrence_id>/keep")
@api.validate(resp=write(HTTP_200=schemas.DaysOut), tags=["handovers"])
def keep(occurrence_id: int):
    """ "Thanks, I've got it after all": the owner takes back a day a partner took."""
    occurrence = get_owned_or_404(PlanOccurrence, occurrence_id)
    days = handovers.keep_after_all(occurrence, current_user, current_user.household.today())
    return schemas.DaysOut(occurrences=[shapes.occurrence(o) for o in days])


@bp.post("/occurrences/<int:occurrence_id>/ask")
@api.validate(json=schemas.AskIn, resp=write(HTTP_200=schemas.DaysOut), tags=["handovers"])
def ask(occurrence_id: int, json: schemas.AskIn):
    """ "Can you take it?": nothing changes hands until the partner says yes."""
    occurrence = get_owned_or_404(PlanOccurrence, occurrence_id)
    household = current_user.household
    to_member = next((m for m in household.members if m.id == json.to_member_id), None)
    if to_member is None:
        raise Refused(_("Pick who you'd like to ask."), "to_member_id")
    days = handovers.ask(
        occurrence, current_user, to_member, household.today(), json.rest_of_week, json.reason
    )
    return schemas.DaysOut(occurrences=[shapes.occurrence(o) for o in days])


@bp.post("/occurrences/<int:occurrence_id>/answer")
@api.validate(json=schemas.AnswerIn, resp=write(HTTP_200=schemas.DaysOut), tags=["handovers"])
def answer(occurrence_id: int, json: schemas.AnswerIn):
    """Yes or no to a "Can you take it?" waiting for you."""
    occurrence = get_owned_or_404(PlanOccurrence, occurrence_id)
    today = current_user.household.today()
    days = handovers.answer(occurrence, current_user, json.accept, today)
    return schemas.DaysOut(occurrences=[shapes.occurrence(o) for o in days])


@bp.get("/checkins")
@api.validate(query=schemas.WeekQuery, resp=read(HTTP_200=schemas.CheckInsOut), tags=["checkins"])
def checkins(query: schemas.WeekQuery):
    """How each member checked in for a week (this week unless `week` says)."""
    household = current_user.household
    start = _week(query)
    plan = services.find_week_plan(household, start)
    rows = {c.member_id: c for c in plan.checkins} if plan else {}
    return schemas.CheckInsOut(
        week_start=start, checkins=[shapes.checkin(m.id, rows.get(m.id)) for m in household.members]
    )


@bp.post("/checkins")
@api.validate(json=schemas.CheckInIn, resp=write(HTTP_200=schemas.CheckInResult), tags=["checkins"])
def check_in(json: schemas.CheckInIn):
    """Check in again during an agreed week; a harder week asks the partner to take days."""
    household = current_user.household
    plan = services.find_week_plan(household, services.week_start_for_household(household))
    if plan is None:
        raise Refused(_("There is no plan for this week yet: plan it together first."))
    moves = midweek.check_in(
        plan, current_user, json.state, json.what_would_help, household.today()
    )
    row = next((c for c in plan.checkins if c.member_id == current_user.id), None)
    return schemas.CheckInResult(
        checkin=shapes.checkin(current_user.id, row), asks_proposed=len(moves)
    )
