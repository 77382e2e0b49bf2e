"""The week page: the plan on a calendar, and what happens during the week."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from planner.access import get_owned_or_404
from planner.domain.refusal import Refused
from planner.domain.vocabulary import PlanState
from planner.domain.week import week_label
from planner.forms import SelectChoice, required, show_refusal
from planner.models import PlanItem, PlanOccurrence
from planner.week import calendar, services
from planner.week.forms import HandoverForm, OneOffForm, SkipForm

bp = Blueprint("week", __name__, url_prefix="/week")

WEEKS_AHEAD = 52


@bp.get("")
@login_required
def current():
    household = current_user.household
    return _week_page(services.week_start_for_household(household))


@bp.get("/<week_start>")
@login_required
def show(week_start: str):
    start = _parse_week(week_start)
    if start.isoformat() != week_start:
        mine: dict[str, Any] = {"mine": "1"} if request.args.get("mine") == "1" else {}
        return redirect(url_for("week.show", week_start=start.isoformat(), **mine))
    return _week_page(start)


def _parse_week(text: str) -> date:
    latest = current_user.household.today() + timedelta(weeks=WEEKS_AHEAD)
    start = services.parse_week(current_user.household, text, latest)
    if start is None:
        abort(404)
    return start


def _parse_open_week(text: str) -> date:
    """A week that can still change: this one or later (the past is not rewritten)."""
    start = _parse_week(text)
    if start < services.week_start_for_household(current_user.household):
        abort(404)
    return start


def _week_page(
    week_start: date,
    one_off: OneOffForm | None = None,
    skip_errors: dict | None = None,
    handover_errors: dict | None = None,
    status: int = 200,
):
    household = current_user.household
    this_week = services.week_start_for_household(household)
    plan = services.find_week_plan(household, week_start)  # a GET never makes one
    just_mine = request.values.get("mine") == "1"
    today = household.today()
    view = calendar.build(plan, household, current_user, today, just_mine) if plan else None
    if one_off is None:
        one_off = OneOffForm(formdata=None)
    one_off.set_choices(week_start, household.members, current_user, today)
    skip_errors = skip_errors or {}
    if one_off.errors or any(f.errors for f in skip_errors.values()) or handover_errors:
        status = 422
    return render_template(
        "week/week.html",
        week_start=week_start,
        this_week=this_week,
        previous_week=week_start - timedelta(days=7),
        next_week=week_start + timedelta(days=7),
        view=view,
        week_label=week_label,
        history=services.plan_history(plan) if plan else [],
        just_mine=just_mine,
        one_off=one_off,
        skip_errors=skip_errors,
        handover_errors=handover_errors or {},
    ), status


def _back(plan_week: date, anchor: str = ""):
    mine: dict[str, Any] = {"mine": "1"} if request.form.get("mine") == "1" else {}
    url = url_for("week.show", week_start=plan_week.isoformat(), **mine)
    return redirect(url + (f"#{anchor}" if anchor else ""))


@bp.post("/<week_start>/plan")
@login_required
def make_plan(week_start: str):
    start = _parse_open_week(week_start)
    plan = services.get_or_create_week_plan(current_user.household, start)
    if plan.status == PlanState.DRAFT:
        flash(
            "Here is a draft made from your inventory. Agree it together in the session.", "success"
        )
    return _back(start)


@bp.post("/<week_start>/items")
@login_required
def add_one_off(week_start: str):
    start = _parse_open_week(week_start)
    form = OneOffForm()
    household = current_user.household
    form.set_choices(start, household.members, current_user, household.today())
    if form.validate_on_submit():
        plan = services.get_or_create_week_plan(current_user.household, start)
        try:
            item = services.add_one_off(
                plan,
                current_user,
                required(form.title.data),
                form.day,
                required(form.effort_minutes.data),
                form.owner_id.data,
                form.start_time.data,
            )
        except Refused as refused:
            show_refusal(form, refused, "title")
        else:
            flash(f"Added {item.title}.", "success")
            return _back(start, f"day-{form.day.isoformat()}")
    return _week_page(start, one_off=form)


@bp.post("/occurrences/<int:occurrence_id>/done")
@login_required
def done(occurrence_id: int):
    occurrence = get_owned_or_404(PlanOccurrence, occurrence_id)
    services.mark_done(occurrence, current_user)
    return _back(occurrence.item.week_plan.week_start, f"occ-{occurrence.id}")


@bp.post("/occurrences/<int:occurrence_id>/undo")
@login_required
def undo(occurrence_id: int):
    occurrence = get_owned_or_404(PlanOccurrence, occurrence_id)
    services.reopen(occurrence, current_user)
    return _back(occurrence.item.week_plan.week_start, f"occ-{occurrence.id}")


@bp.post("/occurrences/<int:occurrence_id>/skip")
@login_required
def skip(occurrence_id: int):
    occurrence = get_owned_or_404(PlanOccurrence, occurrence_id)
    week_start = occurrence.item.week_plan.week_start
    form = SkipForm(prefix=f"skip-{occurrence.id}")
    if form.validate_on_submit():
        try:
            services.skip(occurrence, current_user, required(form.reason.data))
        except Refused as refused:
            show_refusal(form, refused, "reason")
        else:
            flash(f"Skipped {occurrence.item.title}.", "info")
            return _back(week_start, f"occ-{occurrence.id}")
    return _week_page(week_start, skip_errors={occurrence.id: form})


@bp.post("/items/<int:item_id>/handover")
@login_required
def handover(item_id: int):
    item = get_owned_or_404(PlanItem, item_id)
    week_start = item.week_plan.week_start
    members = current_user.household.members
    form = HandoverForm()
    form.to_member_id.choices = [SelectChoice(m.id, m.display_name) for m in members]
    if not form.validate_on_submit():
        errors = form.to_member_id.errors or ["Pick who should take it over."]
        return _week_page(week_start, handover_errors={item.id: errors[0]})
    to_member = next(m for m in members if m.id == form.to_member_id.data)
    try:
        services.request_handover(item, current_user, to_member)
    except Refused as refused:
        return _week_page(week_start, handover_errors={item.id: refused.message})
    flash(f"Asked {to_member.display_name} to take over {item.title}.", "success")
    return _back(week_start, "handovers-out")


@bp.post("/items/<int:item_id>/answer")
@login_required
def answer(item_id: int):
    item = get_owned_or_404(PlanItem, item_id)
    accept = request.form.get("accept") == "1"
    try:
        services.answer_handover(item, current_user, accept)
    except Refused as refused:
        flash(refused.message, "error")
        return _week_page(item.week_plan.week_start, status=refused.status)
    flash(
        f"You own {item.title} for the rest of the week." if accept else "Declined, kindly.",
        "success" if accept else "info",
    )
    return _back(item.week_plan.week_start)
