"""The week page: the plan on a calendar, and what happens during the week."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from planner import page_cache
from planner.access import get_owned_or_404
from planner.domain.refusal import Refused
from planner.domain.vocabulary import PlanState
from planner.domain.week import open_day, week_label
from planner.forms import required, show_refusal
from planner.i18n import _
from planner.models import PlanOccurrence
from planner.selfcare.services import week_slots
from planner.week import calendar, handovers, services
from planner.week.forms import OneOffForm

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
        return redirect(url_for("week.show", week_start=start.isoformat(), **_view_args()))
    return _week_page(start)


def _view_args() -> dict[str, Any]:
    """The view a week page was asked for (?mine=1 or ?all=1, and ?day=), as given."""
    return {k: v for k in ("mine", "all", "day") if (v := request.args.get(k, ""))}


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
    status: int = 200,
    on: date | None = None,
):
    """The week by day (one day open, `on` or the one asked for; the others a line each),
    just mine (the same, with only mine), or everything (the whole week at a glance, read
    only)."""
    household = current_user.household
    member = current_user._get_current_object()
    today = household.today()
    just_mine = request.values.get("mine") == "1"
    everything = request.values.get("all") == "1" and not just_mine
    day = on or open_day(week_start, request.values.get("day"), today)

    def render() -> str:
        context = _week_context(week_start, today, day, just_mine, everything, one_off)
        return render_template("week/_week.html", **context)

    if one_off is None:
        # Rendered once per change of anything it shows (the household's version), per
        # member, day and view, as Today is; a form with errors in it is rendered afresh.
        key = (
            "week",
            *page_cache.reader(member, household),
            week_start,
            day,
            just_mine,
            everything,
        )
        body = page_cache.rendered(key, render, "week_cache")
    else:
        body = Markup(render())
        status = 422 if one_off.errors else status
    return render_template("week/week.html", body=body, week_start=week_start), status


def _week_context(
    week_start: date,
    today: date,
    day: date,
    just_mine: bool,
    everything: bool,
    one_off: OneOffForm | None,
) -> dict[str, Any]:
    household = current_user.household
    plan = services.plan_row(household, week_start)  # a GET never makes one
    view = None
    if plan is not None:
        slots = week_slots(household, week_start)
        opened = None if everything else day
        view = calendar.build(plan, household, current_user, today, opened, just_mine, slots)
    if one_off is None:
        one_off = OneOffForm(formdata=None)
    one_off.set_choices(week_start, household.members, current_user, day)
    return {
        "week_start": week_start,
        "this_week": services.week_start_for_household(household),
        "previous_week": week_start - timedelta(days=7),
        "next_week": week_start + timedelta(days=7),
        "view": view,
        "week_label": week_label,
        "history": services.plan_history(plan) if plan else [],
        "just_mine": just_mine,
        "everything": everything,
        "day": day,
        "one_off": one_off,
        "today": today,
        "asks": handovers.waiting_for(view.occurrences, current_user.id, today) if view else [],
    }


def return_url(
    week_start: date, back: str, mine: bool, day: date | None = None, anchor: str = ""
) -> str:
    """Where a form returns: Today, or the week (just mine when it was) open on `day`."""
    if back == "today":
        url = url_for("today.home")
    else:
        args: dict[str, Any] = {"mine": "1"} if mine else {}
        if day is not None:
            args["day"] = day.isoformat()
        url = url_for("week.show", week_start=week_start.isoformat(), **args)
    return url + (f"#{anchor}" if anchor else "")


def _back(plan_week: date, anchor: str = "", day: date | None = None):
    back, mine = request.form.get("back", ""), request.form.get("mine") == "1"
    return redirect(return_url(plan_week, back, mine, day, anchor))


def back_to(occurrence: PlanOccurrence):
    """Back where the member acted on this day: Today, or the week open on that day."""
    week_start = occurrence.item.week_plan.week_start
    return _back(week_start, f"occ-{occurrence.id}", occurrence.on_date)


@bp.post("/<week_start>/plan")
@login_required
def make_plan(week_start: str):
    start = _parse_open_week(week_start)
    plan = services.get_or_create_week_plan(current_user.household, start)
    if plan.status == PlanState.DRAFT:
        flash(
            _("Here is a draft made from your inventory. Agree it together in the session."),
            "success",
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
            flash(_("Added %(title)s.", title=item.title), "success")
            return _back(start, f"day-{form.day.isoformat()}", form.day)
    return _week_page(start, one_off=form)


@bp.post("/occurrences/<int:occurrence_id>/done")
@login_required
def done(occurrence_id: int):
    occurrence = get_owned_or_404(PlanOccurrence, occurrence_id)
    services.mark_done(occurrence, current_user)
    return back_to(occurrence)


@bp.post("/occurrences/<int:occurrence_id>/undo")
@login_required
def undo(occurrence_id: int):
    occurrence = get_owned_or_404(PlanOccurrence, occurrence_id)
    services.reopen(occurrence, current_user)
    return back_to(occurrence)


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
    title = occurrence.item.title
    if days:
        when = handovers.day_words(days, today)
        flash(_("Thank you: %(title)s is yours %(when)s.", title=title, when=when), "success")
    else:
        flash(_("Thank you: %(title)s is yours already.", title=title), "success")
    return back_to(occurrence)


@bp.post("/occurrences/<int:occurrence_id>/keep")
@login_required
def keep(occurrence_id: int):
    """ "Thanks, I've got it after all": the owner takes back a day their partner took."""
    occurrence = get_owned_or_404(PlanOccurrence, occurrence_id)
    try:
        handovers.keep_after_all(occurrence, current_user, current_user.household.today())
    except Refused as refused:
        return _refused(occurrence, refused)
    flash(
        _("%(title)s is yours again; your partner has been told.", title=occurrence.item.title),
        "info",
    )
    return back_to(occurrence)


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
        when = handovers.day_words(days, today)
        flash(_("Thank you: %(title)s is yours %(when)s.", title=title, when=when), "success")
    elif days:
        flash(_("Said no, kindly: it stays with them."), "info")
    else:
        flash(_("%(title)s has passed.", title=title), "info")
    return _back(occurrence.item.week_plan.week_start)


def _refused(occurrence: PlanOccurrence, refused: Refused):
    """A refused offer or request: said where the member was, nothing changed."""
    flash(refused.message, "error")
    if request.form.get("back") == "today":
        return redirect(url_for("today.home")), 303
    week_start = occurrence.item.week_plan.week_start
    return _week_page(week_start, status=refused.status, on=occurrence.on_date)


# One day's own pages (skip, ask) are on this blueprint too.
from planner.week import occurrence_pages  # noqa: E402, F401
