"""The weekly session: one page per step, shared screen or one phone each."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from planner import page_cache
from planner.access import get_owned_or_404
from planner.domain.refusal import Conflict, Refused
from planner.domain.vocabulary import PlanState
from planner.domain.week import open_day
from planner.forms import int_or_none, required, show_refusal
from planner.i18n import _, _l
from planner.models import WeekPlan
from planner.selfcare.forms import together_form
from planner.selfcare.routes import add_from
from planner.session import forms, live, pages, services, shared_screen
from planner.session import rebalance as rebalancing
from planner.session.steps import OVERVIEW, STEPS, neighbours, step, steps_for

bp = Blueprint("session", __name__, url_prefix="/session")


@bp.get("")
@login_required
def start():
    plan = services.find_session_plan(current_user.household)
    if plan is None:
        week = services.session_week_start(current_user.household)
        return render_template("session/start.html", week_start=week, steps=STEPS)
    return _render(plan, "overview")


@bp.post("")
@login_required
def begin():
    plan = services.start_session(current_user.household)
    return redirect(url_for("session.overview", plan_id=plan.id))


@bp.get("/<int:plan_id>")
@login_required
def overview(plan_id: int):
    return _render(get_owned_or_404(WeekPlan, plan_id), "overview")


@bp.get("/<int:plan_id>/version")
def version(plan_id: int):
    """Polled every second by open pages: 204 when unchanged, else a trigger to refresh."""
    now = live.current_version(plan_id)
    if now is None:
        return "", 404
    if request.args.get("v", type=int) == now:
        response = make_response("", 204)
    else:
        # Built without render_template: its context processors would load the member.
        url = url_for("session.version", plan_id=plan_id, v=now)
        response = make_response(live.poll_element(url, now))
        response.headers["HX-Trigger"] = live.LIVE_EVENT
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:plan_id>/appreciate", methods=["GET", "POST"])
@login_required
def appreciate(plan_id: int):
    return _acting_step(plan_id, "appreciate", _save_appreciation)


def _save_appreciation(plan, form, confirmed: bool):
    services.save_appreciation(
        plan,
        current_user,
        form.appreciation.data,
        form.base.data,
        member_id=form.member_id.data,
        password=form.password.data,
        confirmed=confirmed,
    )


@bp.route("/<int:plan_id>/checkin", methods=["GET", "POST"])
@login_required
def checkin(plan_id: int):
    return _acting_step(plan_id, "checkin", _save_checkin)


def _save_checkin(plan, form, confirmed: bool):
    services.save_checkin(
        plan,
        current_user,
        state=form.state.data,
        capacity=form.capacity.data,
        what_would_help=form.what_would_help.data,
        fairness=form.fairness.data,
        base=form.base.data,
        member_id=form.member_id.data,
        password=form.password.data,
        confirmed=confirmed,
    )


@bp.route("/<int:plan_id>/agree", methods=["GET", "POST"])
@login_required
def agree(plan_id: int):
    return _acting_step(plan_id, "agree", _save_agreement)


def _save_agreement(plan, form, confirmed: bool):
    done = services.agree(
        plan, current_user, form.base.data, form.member_id.data, form.password.data, confirmed
    )
    if done:
        flash(_("Agreed by everyone. The week is set — have a kind week."), "success")


@bp.get("/<int:plan_id>/look-back")
@login_required
def look_back(plan_id: int):
    return _render(get_owned_or_404(WeekPlan, plan_id), "look_back")


@bp.route("/<int:plan_id>/look-ahead", methods=["GET", "POST"])
@login_required
def look_ahead(plan_id: int):
    plan = get_owned_or_404(WeekPlan, plan_id)
    form = forms.OneOffForm()
    form.set_choices(plan.week_start, current_user.household.members)
    if request.method == "GET":
        household = current_user.household
        day = open_day(plan.week_start, request.args.get("day"), household.today())
        return _render(plan, "look_ahead", view=(day,), one_off=form)
    if not form.validate_on_submit():
        return _render(plan, "look_ahead", status=422, one_off=form)
    try:
        services.add_one_off(
            plan,
            current_user,
            title=form.title.data,
            on_date=date.fromisoformat(form.on_date.data),
            effort_minutes=form.effort_minutes.data,
            owner_id=form.owner_id.data,
            start_time=form.start_time.data,
        )
    except Refused as exc:
        return _refused(plan, "look_ahead", exc, one_off=form)
    flash(_("Added %(title)s.", title=required(form.title.data).strip()), "success")
    return redirect(url_for("session.look_ahead", plan_id=plan.id))


@bp.get("/<int:plan_id>/rebalance")
@login_required
def rebalance(plan_id: int):
    return _render(get_owned_or_404(WeekPlan, plan_id), "rebalance")


@bp.get("/<int:plan_id>/owners")
@login_required
def owners(plan_id: int):
    page = request.args.get("page", 1, type=int)
    return _render(get_owned_or_404(WeekPlan, plan_id), "owners", view=(page,))


@bp.post("/<int:plan_id>/rebalance/veto")
@login_required
def veto(plan_id: int):
    return _rebalance_action(
        plan_id,
        forms.MoveForm,
        _l("Vetoed; the proposal was worked out again."),
        lambda p, f: rebalancing.veto(p, current_user, f.item_id.data, f.to_member_id.data),
    )


@bp.post("/<int:plan_id>/rebalance/unveto")
@login_required
def unveto(plan_id: int):
    return _rebalance_action(
        plan_id,
        forms.MoveForm,
        _l("Veto taken back."),
        lambda p, f: rebalancing.unveto(p, current_user, f.item_id.data, f.to_member_id.data),
    )


@bp.post("/<int:plan_id>/rebalance/accept")
@login_required
def accept(plan_id: int):
    return _rebalance_action(
        plan_id,
        forms.AcceptForm,
        _l("Moves applied to this week's owners."),
        lambda p, f: rebalancing.accept_moves(p, current_user, f.base.data),
    )


@bp.post("/<int:plan_id>/rebalance/owner")
@login_required
def owner(plan_id: int):
    return _rebalance_action(
        plan_id,
        forms.OwnerForm,
        _l("Owner changed."),
        lambda p, f: rebalancing.set_owner(
            p, current_user, f.item_id.data, f.owner_id.data, f.base.data
        ),
        key="owners",
    )


@bp.route("/<int:plan_id>/kindness", methods=["GET", "POST"])
@login_required
def kindness(plan_id: int):
    plan = get_owned_or_404(WeekPlan, plan_id)
    form = forms.KindnessForm()
    if not form.validate_on_submit():
        return _render(plan, "kindness", form=form, status=422 if form.errors else 200)
    shown = [n for v in request.form.getlist("shown") if (n := int_or_none(v)) is not None]
    chosen = {
        i: (request.form[f"choice-{i}"], request.form.get(f"note-{i}", ""))
        for i in shown
        if request.form.get(f"choice-{i}")
    }
    try:
        rebalancing.save_kindness(plan, current_user, shown, chosen, form.base.data)
    except Refused as exc:
        return _refused(plan, "kindness", exc, form=forms.KindnessForm(formdata=None))
    flash(_("Kindness plan saved."), "success")
    return redirect(url_for("session.kindness", plan_id=plan.id))


@bp.get("/<int:plan_id>/selfcare")
@login_required
def selfcare(plan_id: int):
    return _render(get_owned_or_404(WeekPlan, plan_id), "selfcare")


@bp.post("/<int:plan_id>/together")
@login_required
def together(plan_id: int):
    """Set weekly time together from the session's step; it is protected from this week."""
    plan = get_owned_or_404(WeekPlan, plan_id)
    form = together_form(posted=True)
    if not form.validate_on_submit():
        return _render(plan, "selfcare", status=422, together_form=form)
    add_from(form, together=True)
    return redirect(url_for("session.selfcare", plan_id=plan.id, _anchor="together"))


# -- helpers -----------------------------------------------------------------------


def _acting_step(plan_id: int, key: str, save):
    """A step where each member (or a partner with their password) saves their own part."""
    plan = get_owned_or_404(WeekPlan, plan_id)
    if request.method == "GET":
        return _render(plan, key)
    partner = request.form.get("for", type=int)
    make_form = step(key).form
    assert make_form is not None  # only a step where members save their own part comes here
    form = make_form(prefix=f"p{partner}" if partner else "")
    if not form.validate_on_submit():
        return _render(plan, key, status=422, posted=form, posted_for=partner)
    confirmed = False
    if partner:
        form.member_id.data = partner  # a partner's form on a shared screen is theirs
        confirmed = partner in shared_screen.confirmed(current_user.id, plan.id)
    try:
        save(plan, form, confirmed)
    except Refused as exc:
        return _refused(plan, key, exc, posted=form, posted_for=partner)
    if partner and form.password.data:
        shared_screen.remember(current_user.id, plan.id, partner)
    if key != "agree" or plan.status != PlanState.AGREED:
        flash(_("Saved."), "success")
    return redirect(url_for(f"session.{key}", plan_id=plan.id))


def _rebalance_action(plan_id: int, form_class, done: str, act, key: str = "rebalance"):
    """A change to the proposal or an owner; it returns to the page it was made on (for an
    owner, the page of owners that shows the item)."""
    plan = get_owned_or_404(WeekPlan, plan_id)
    form = form_class()
    view = (pages.owners_page_of(plan, form.item_id.data),) if key == "owners" else ()
    if not form.validate_on_submit():
        error = _first_error(form)
        return _render(plan, key, status=422, view=view, error=error, refused=form)
    try:
        act(plan, form)
    except Refused as exc:
        return _refused(plan, key, exc, view=view, refused=form)
    flash(str(done), "success")
    page: dict[str, Any] = {"page": view[0]} if view and view[0] > 1 else {}
    return redirect(url_for(f"session.{key}", plan_id=plan.id, **page))


def _refused(plan, key: str, exc: Refused, view: tuple = (), **extra):
    posted = extra.get("posted") or extra.get("one_off")
    if isinstance(exc, Conflict):
        extra["conflict"] = exc
    elif posted is not None and exc.field in _shown_fields(posted, extra.get("posted_for")):
        show_refusal(posted, exc)  # beside the field
    else:
        extra["error"] = exc.message
    return _render(plan, key, status=exc.status, view=view, **extra)


def _shown_fields(form, partner: int | None) -> set[str]:
    """Fields a refused form shows, so that its message can sit beside them."""
    names = {f.short_name for f in form} - {"csrf_token", "member_id", "base"}
    return names if partner else names - {"password"}


def _first_error(form) -> str:
    return next((e for errors in form.errors.values() for e in errors), _("Check the form."))


# What a page shows only in answer to a post: never kept.
ANSWERS = {"posted", "posted_for", "conflict", "error", "refused"}


def _render(plan: WeekPlan, key: str, status: int = 200, view: tuple = (), **extra):
    """A step's page. What a GET shows is rendered once per change and reader
    (planner.page_cache); `view` names what the query string chose (a day, a page). A page
    answering a post (a refusal, a form kept as typed) is always rendered afresh."""
    page = step(key)
    title = _("Weekly session") if page is OVERVIEW else page.title
    keep = request.method == "GET" and status == 200 and not extra.keys() & ANSWERS

    member, household = current_user._get_current_object(), current_user.household
    confirmed = shared_screen.confirmed(member.id, plan.id)

    def render() -> str:
        return _render_step(plan, key, keep, view, confirmed, **extra)

    if keep:
        reader = page_cache.reader(member, household)
        body = page_cache.rendered(
            ("session", key, view, plan.id, frozenset(confirmed), *reader),
            render,
        )
    else:
        body = Markup(render())
    return render_template("session/page.html", title=title, body=body), status


def _render_step(
    plan: WeekPlan, key: str, keep: bool, view: tuple, confirmed: set[int], **extra
) -> str:
    page = step(key)
    ctx = pages.step_context(plan, key, keep, view)
    if page.form:
        ctx["member_forms"] = pages.member_forms(
            key, ctx, extra.pop("posted", None), extra.pop("posted_for", None), "conflict" in extra
        )
    steps = steps_for(ctx["first_session"])
    before, after = neighbours(key, steps)
    ctx.update(
        confirmed_here=confirmed,
        key=key,
        page=page,
        step=None if page not in steps else page,  # numbered steps only
        steps=steps,
        before=before,
        after=after,
        forms=forms,
        **extra,
    )
    return render_template(page.template, **ctx)
