"""Self-care pages: slots, this week's moves and skips, outcomes and rescheduling."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from planner.access import get_owned_or_404
from planner.database import utcnow
from planner.domain.refusal import Refused
from planner.domain.vocabulary import SelfCareOutcome
from planner.forms import required, show_refusal
from planner.i18n import _, _l
from planner.models import SelfCareSlot
from planner.selfcare import services
from planner.selfcare.charts import keep_charts
from planner.selfcare.forms import MoveForm, PickForm, SlotForm, WeekActionForm, together_form
from planner.selfcare.suggest import free_times
from planner.week.services import parse_week, week_start_for_household

bp = Blueprint("selfcare", __name__, url_prefix="/selfcare")

DONE = {
    "skip": _l("Skipped for this week. Your partner's calendar updates at its next refresh."),
    "restore": _l("Back as planned."),
    SelfCareOutcome.KEPT: _l("Kept. Well done for taking your time."),
    SelfCareOutcome.MISSED: _l("That's okay. Would another time this week work?"),
    "undo": _l("Taken back: nothing is marked for this week."),
}
TOGETHER_DONE = {
    "skip": _l("Skipped for this week. Both your calendars update at their next refresh."),
    SelfCareOutcome.KEPT: _l("Kept. Glad you had that time together."),
    SelfCareOutcome.MISSED: _l("That's okay. Would another time this week work for you both?"),
}


def _own_slot(slot_id: int) -> SelfCareSlot:
    slot = get_owned_or_404(SelfCareSlot, slot_id)
    if not slot.kept_by(current_user.id):
        abort(403)  # each member looks after their own time; time together is both's
    return slot


def _week(value: str | None):
    household = current_user.household
    if value is None:
        return week_start_for_household(household)
    week = parse_week(household, value)
    if week is None:
        abort(404)
    return week


@bp.get("")
@login_required
def index():
    return _index_page(SlotForm(formdata=None), _week(request.args.get("week")))


@bp.post("/slots")
@login_required
def add():
    form = SlotForm()
    if not form.validate_on_submit():
        return _index_page(form, week_start_for_household(current_user.household)), 422
    add_from(form, together=False)
    return redirect(url_for("selfcare.index"))


@bp.post("/together")
@login_required
def add_together():
    form = together_form(posted=True)
    if not form.validate_on_submit():
        week = week_start_for_household(current_user.household)
        return _index_page(SlotForm(formdata=None), week, together=form), 422
    add_from(form, together=True)
    return redirect(url_for("selfcare.index", _anchor="together"))


def add_from(form: SlotForm, *, together: bool) -> None:
    """Save a validated slot form: the member's own time, or time together."""
    title = required(form.title.data).strip()
    services.add_slot(
        current_user,
        title,
        form.weekday.data,
        required(form.start_time.data),
        required(form.minutes.data),
        together=together,
    )
    if together:
        done = _("“%(title)s” is now time together for both of you, every week.", title=title)
    else:
        done = _("“%(title)s” is now protected time, every week.", title=title)
    flash(done, "success")


def _index_page(form: SlotForm, week, together: SlotForm | None = None):
    household = current_user.household
    slots = [s for s in services.household_slots(household) if s.archived_at is None]
    return render_template(
        "selfcare/index.html",
        form=form,
        week=week,
        prev_week=week - timedelta(weeks=1),
        next_week=week + timedelta(weeks=1),
        this_week=week_start_for_household(household),
        week_slots=services.week_slots(household, week),
        my_slots=[s for s in slots if s.member_id == current_user.id],
        partner_slots=[s for s in slots if s.member_id not in (None, current_user.id)],
        together_slots=[s for s in slots if s.together],
        together_form=together or together_form(),
        together_action=url_for("selfcare.add_together"),
        charts=keep_charts(household.members, services.keep_rates(household)),
    )


@bp.route("/slots/<int:slot_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slot_id: int):
    slot = _own_slot(slot_id)
    form = SlotForm(obj=slot)
    if form.validate_on_submit():
        services.update_slot(
            slot,
            required(form.title.data),
            form.weekday.data,
            required(form.start_time.data),
            required(form.minutes.data),
        )
        flash(_("Saved. Your calendar feed shows the change at its next refresh."), "success")
        return redirect(url_for("selfcare.index"))
    return render_template("selfcare/edit.html", form=form, slot=slot), 422 if form.errors else 200


@bp.post("/slots/<int:slot_id>/archive")
@login_required
def archive(slot_id: int):
    slot = _own_slot(slot_id)
    services.archive_slot(slot)
    flash(
        _("“%(title)s” is no longer in your week.", title=slot.title), "info"
    )  # nor, if together, in theirs
    return redirect(url_for("selfcare.index"))


@bp.post("/slots/<int:slot_id>/weeks/<week>")
@login_required
def week_action(slot_id: int, week: str):
    slot, week_start = _own_slot(slot_id), _week(week)
    form = WeekActionForm()
    try:
        if not form.validate_on_submit():
            raise Refused(_("Choose what happened."), "action")
        services.apply_week_action(slot, week_start, form.action.data)
    except Refused as refused:
        flash(refused.message, "error")
        return _index_page(SlotForm(formdata=None), week_start), refused.status
    missed = form.action.data == SelfCareOutcome.MISSED
    done = TOGETHER_DONE if slot.together else DONE
    flash(str(done.get(form.action.data, DONE[form.action.data])), "info" if missed else "success")
    if missed:
        return redirect(
            url_for("selfcare.reschedule", slot_id=slot.id, week=week_start.isoformat())
        )
    return redirect(url_for("selfcare.index", week=week_start.isoformat()))


@bp.route("/slots/<int:slot_id>/weeks/<week>/reschedule", methods=["GET", "POST"])
@login_required
def reschedule(slot_id: int, week: str):
    """Move this week's time, or find another for a skipped one, among free times."""
    slot, week_start = _own_slot(slot_id), _week(week)
    household = current_user.household
    pick, move = PickForm(formdata=None), MoveForm(formdata=None)
    if request.method == "POST" and "start" in request.form:
        pick = PickForm()
        start = _parse_start(pick.start.data) if pick.validate_on_submit() else None
        if start is None:
            pick.start.errors = [*pick.start.errors, _("Pick one of the suggested times.")]
        elif _moved(
            slot,
            week_start,
            pick,
            "start",
            lambda: services.move_week(slot, week_start, start, not_before=utcnow()),
        ):
            return redirect(url_for("selfcare.index", week=week_start.isoformat()))
    elif request.method == "POST":
        move = MoveForm()
        if move.validate_on_submit() and _moved(
            slot,
            week_start,
            move,
            "day",
            lambda: services.move_to(
                slot, week_start, required(move.day.data), required(move.time.data)
            ),
        ):
            return redirect(url_for("selfcare.index", week=week_start.isoformat()))
    status = 422 if move.errors or pick.errors else 200
    return render_template(
        "selfcare/reschedule.html",
        slot=slot,
        week=week_start,
        suggestions=free_times(household, slot, week_start),
        pick=pick,
        move=move,
        tz=household.tz,
    ), status


def _moved(slot, week_start, form, field: str, move) -> bool:
    """Run one way of moving this week's slot; a refusal is shown beside the form's field."""
    try:
        move()
    except Refused as refused:
        show_refusal(form, refused, field)
        return False
    flash(_("“%(title)s” moved for this week.", title=slot.title), "success")
    return True


def _parse_start(value: str | None):
    try:
        start = datetime.fromisoformat(value or "")
    except ValueError:
        return None
    return start if start.tzinfo else None
