"""Checking in again mid-week, and days away."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from planner.access import get_owned_or_404
from planner.domain.refusal import Refused
from planner.forms import required, show_refusal
from planner.i18n import _, _n
from planner.midweek import services
from planner.midweek.forms import AwayForm, MidweekForm
from planner.models import AwayTime
from planner.week.services import find_week_plan, week_start_for_household

bp = Blueprint("midweek", __name__, url_prefix="/checkin-again")


def _this_week_plan():
    household = current_user.household
    return find_week_plan(household, week_start_for_household(household))


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    form = MidweekForm()
    plan = _this_week_plan()
    if form.validate_on_submit():
        if plan is None:
            flash(_("There is no plan for this week yet: plan it together first."), "error")
            return _page(form, AwayForm(formdata=None), plan, 422)
        try:
            moves = services.check_in(
                plan,
                current_user,
                required(form.state.data),
                form.what_would_help.data or "",
                current_user.household.today(),
            )
        except Refused as refused:
            show_refusal(form, refused, "state")
        else:
            if moves:
                flash(
                    _n(
                        "Thank you for saying. Planner asked your partner to take %(num)d of "
                        "your days; they say yes or no to each.",
                        "Thank you for saying. Planner asked your partner to take %(num)d of "
                        "your days; they say yes or no to each.",
                        len(moves),
                    ),
                    "success",
                )
            else:
                flash(_("Thank you for checking in. Your partner can see how you are."), "success")
            return redirect(url_for("today.home"))
    return _page(form, AwayForm(formdata=None), plan)


@bp.post("/away")
@login_required
def add_away():
    away_form = AwayForm()
    if away_form.validate_on_submit():
        try:
            away, moves = services.go_away(
                current_user,
                required(away_form.first_day.data),
                required(away_form.last_day.data),
                away_form.note.data or "",
            )
        except Refused as refused:
            show_refusal(away_form, refused, "first_day")
        else:
            words = services.away_words(away.first_day, away.last_day)
            if moves:
                said = _n(
                    "Away %(words)s noted: nothing is given to you then. Your partner was asked "
                    "to take %(num)d of your days.",
                    "Away %(words)s noted: nothing is given to you then. Your partner was asked "
                    "to take %(num)d of your days.",
                    len(moves),
                    words=words,
                )
            else:
                said = _("Away %(words)s noted: nothing is given to you then.", words=words)
            flash(said, "success")
            return _back()
    return _page(MidweekForm(formdata=None), away_form, _this_week_plan())


@bp.post("/away/<int:away_id>/delete")
@login_required
def remove_away(away_id: int):
    away = get_owned_or_404(AwayTime, away_id)
    try:
        services.remove_away(away, current_user)
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for("midweek.index") + "#away"), 303
    flash(_("Away days removed."), "info")
    return _back()


def _back():
    """To the session step the form was on, else to the away days."""
    back = request.form.get("back", "")
    return redirect(back if back.startswith("/session/") else url_for("midweek.index") + "#away")


def _page(form: MidweekForm, away_form: AwayForm, plan, status: int = 200):
    household = current_user.household
    today = household.today()
    if form.errors or away_form.errors:
        status = 422
    return render_template(
        "midweek/index.html",
        form=form,
        away_form=away_form,
        plan=plan,
        away=services.away_times(household, today, today + timedelta(days=365)),
        today=today,
    ), status
