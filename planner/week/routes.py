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
from planner.models import PlanOccurrence
from planner.selfcare.services import week_slots
from planner.week import calendar, handovers, services
from planner.week.forms import AskForm, OneOffForm, SkipForm

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
    status: int = 200,
):
    household = current_user.household
    this_week = services.week_start_for_household(household)
    plan = services.find_week_plan(household, week_start)  # a GET never makes one
    just_mine = request.values.get("mine") == "1"
    show_all = request.values.get("all") == "1" or just_mine
    today = household.today()
    view = None
    if plan is not None:
        slots = week_slots(household, week_start)
        view = calendar.build(plan, household, current_user, today, just_mine, slots)
    if one_off is None:
        one_off = OneOffForm(formdata=None)
    one_off.set_choices(week_start, household.members, current_user, today)
    skip_errors = skip_errors or {}
    if one_off.errors or any(f.errors for f in skip_errors.values()):
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
        show_all=show_all,
        today=today,
        asks=handovers.waiting_for(handovers.occurrences_of(plan), current_user.id, today)
        if plan
        else [],
    ), status


def _back(plan_week: date, anchor: str = ""):
    if request.form.get("back") == "today":
        return redirect(url_for("today.home") + (f"#{anchor}" if anchor else ""))
    mine: dict[str, Any] = {"mine": "1"} if request.form.get("mine") == "1" else {}
    if request.form.get("all") == "1":
        mine["all"] = "1"
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


@bp.post("/occurrences/<int:occurrence_id>/take")
@login_required
def take(occurrence_id: int):
    """ "I've got it": this day, or (rest=1) the rest of the week."""
    occurrence = get_owned_or_404(PlanOccurrence, occurrence_id)
    rest = request.form.get("rest") == "1"
    today = current_user.household.today()
    try:
        days = handovers.take(occurrence, current_user, today, rest)
    except Refused as refused:
        return _refused(occurrence, refused)
    when = handovers.day_words(days, today) if days else "already"
    flash(f"Thank you: {occurrence.item.title} is yours {when}.", "success")
    return _back(occurrence.item.week_plan.week_start, f"occ-{occurrence.id}")


@bp.post("/occurrences/<int:occurrence_id>/keep")
@login_required
def keep(occurrence_id: int):
    """ "Thanks, I've got it after all": the owner takes back a day their partner took."""
    occurrence = get_owned_or_404(PlanOccurrence, occurrence_id)
    try:
        handovers.keep_after_all(occurrence, current_user, current_user.household.today())
    except Refused as refused:
        return _refused(occurrence, refused)
    flash(f"{occurrence.item.title} is yours again; your partner has been told.", "info")
    return _back(occurrence.item.week_plan.week_start, f"occ-{occurrence.id}")


@bp.post("/occurrences/<int:occurrence_id>/ask")
@login_required
def ask(occurrence_id: int):
    """ "Can you take it?": one day or the rest of the week, with an optional word."""
    occurrence = get_owned_or_404(PlanOccurrence, occurrence_id)
    household = current_user.household
    form = AskForm()
    form.to_member_id.choices = [
        SelectChoice(m.id, m.display_name) for m in household.members if m.id != current_user.id
    ]
    if not form.validate_on_submit():
        if form.to_member_id.errors:
            return _refused(occurrence, Refused("Pick who you'd like to ask."))
        if form.days.errors:
            return _refused(occurrence, Refused("Pick just this day or the rest of the week."))
        message = next(iter(e for errors in form.errors.values() for e in errors), "")
        return _refused(occurrence, Refused(message or "This form could not be read."))
    to_member = next(m for m in household.members if m.id == form.to_member_id.data)
    rest = form.days.data == "rest"
    try:
        handovers.ask(
            occurrence, current_user, to_member, household.today(), rest, form.reason.data or ""
        )
    except Refused as refused:
        return _refused(occurrence, refused)
    flash(f"Asked {to_member.display_name}. It stays yours until they say yes.", "success")
    return _back(occurrence.item.week_plan.week_start, f"occ-{occurrence.id}")


@bp.post("/occurrences/<int:occurrence_id>/answer")
@login_required
def answer(occurrence_id: int):
    occurrence = get_owned_or_404(PlanOccurrence, occurrence_id)
    accept = request.form.get("accept") == "1"
    title = occurrence.item.title
    today = current_user.household.today()
    try:
        days = handovers.answer(occurrence, current_user, accept, today)
    except Refused as refused:
        return _refused(occurrence, refused)
    if accept and days:
        flash(f"Thank you: {title} is yours {handovers.day_words(days, today)}.", "success")
    else:
        flash("Said no, kindly: it stays with them." if days else f"{title} has passed.", "info")
    return _back(occurrence.item.week_plan.week_start)


def _refused(occurrence: PlanOccurrence, refused: Refused):
    """A refused offer or request: said where the member was, nothing changed."""
    flash(refused.message, "error")
    if request.form.get("back") == "today":
        return redirect(url_for("today.home")), 303
    return _week_page(occurrence.item.week_plan.week_start, status=refused.status)
