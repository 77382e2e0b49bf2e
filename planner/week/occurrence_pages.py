"""One day of a responsibility on a small page of its own: skip it with a reason, or ask
someone to take it. The week and Today link here, and with htmx the form loads in place
of the link; a refused form comes back here, the message beside its field."""

from __future__ import annotations

from flask import flash, make_response, render_template, request
from flask_login import current_user, login_required

from planner.access import get_owned_or_404
from planner.domain.refusal import Refused
from planner.forms import required, show_refusal
from planner.i18n import _
from planner.models import PlanOccurrence
from planner.week import calendar, handovers, services
from planner.week.forms import AskForm, SkipForm
from planner.week.routes import back_to, bp, return_url


@bp.get("/occurrences/<int:occurrence_id>/skip")
@login_required
def skip_page(occurrence_id: int):
    occurrence = get_owned_or_404(PlanOccurrence, occurrence_id)
    return _skip_page(occurrence, _skip_form(occurrence, formdata=None))


@bp.post("/occurrences/<int:occurrence_id>/skip")
@login_required
def skip(occurrence_id: int):
    occurrence = get_owned_or_404(PlanOccurrence, occurrence_id)
    form = _skip_form(occurrence)
    if form.validate_on_submit():
        try:
            # Only whoever does it may skip it, never time together; a day skipped already
            # is a double submit, answered as the first.
            entry = _entry(occurrence)
            if entry.open and (cannot := entry.skip_refusal()):
                raise Refused(cannot, "reason")
            services.skip(occurrence, current_user, required(form.reason.data))
        except Refused as refused:
            show_refusal(form, refused, "reason")
        else:
            flash(_("Skipped %(title)s.", title=occurrence.item.title), "info")
            return back_to(occurrence)
    return _skip_page(occurrence, form, status=422)


@bp.get("/occurrences/<int:occurrence_id>/ask")
@login_required
def ask_page(occurrence_id: int):
    occurrence = get_owned_or_404(PlanOccurrence, occurrence_id)
    return _ask_page(occurrence, _ask_form(occurrence, formdata=None))


@bp.post("/occurrences/<int:occurrence_id>/ask")
@login_required
def ask(occurrence_id: int):
    """ "Can you take it?": one day or the rest of the week, with an optional word."""
    occurrence = get_owned_or_404(PlanOccurrence, occurrence_id)
    household = current_user.household
    form = _ask_form(occurrence)
    message = None
    if form.validate_on_submit():
        to_member = next(m for m in household.members if m.id == form.to_member_id.data)
        rest = form.days.data == "rest"
        try:
            handovers.ask(
                occurrence, current_user, to_member, household.today(), rest, form.reason.data or ""
            )
        except Refused as refused:
            message = show_refusal(form, refused)
        else:
            flash(
                _(
                    "Asked %(name)s. It stays yours until they say yes.",
                    name=to_member.display_name,
                ),
                "success",
            )
            return back_to(occurrence)
    return _ask_page(occurrence, form, message, status=422)


def _skip_form(occurrence: PlanOccurrence, **kwargs) -> SkipForm:
    return SkipForm(prefix=f"skip-{occurrence.id}", **kwargs)


def _ask_form(occurrence: PlanOccurrence, **kwargs) -> AskForm:
    form = AskForm(**kwargs)
    today = current_user.household.today()
    form.set_choices(occurrence.id, occurrence.on_date, today, _partners())
    return form


def _partners() -> list:
    return [m for m in current_user.household.members if m.id != current_user.id]


def _skip_page(occurrence: PlanOccurrence, form: SkipForm, status: int = 200):
    entry = _entry(occurrence)
    return _page(
        "week/skip.html", occurrence, status, e=entry, form=form, cannot=entry.skip_refusal()
    )


def _ask_page(
    occurrence: PlanOccurrence, form: AskForm, message: str | None = None, status: int = 200
):
    entry = _entry(occurrence)
    partners = _partners()
    cannot = entry.ask_refusal(current_user.household.today(), bool(partners))
    return _page(
        "week/ask.html",
        occurrence,
        status,
        e=entry,
        form=form,
        partners=partners,
        cannot=cannot,
        message=message if message != cannot else None,
    )


def _entry(occurrence: PlanOccurrence) -> calendar.Entry:
    household = current_user.household
    return calendar.entry_of(occurrence, household, current_user, household.today())


def _page(template: str, occurrence: PlanOccurrence, status: int, **context):
    """The whole page, or only its form when htmx loads it in place of a link."""
    back = "today" if request.values.get("back") == "today" else "week"
    mine = request.values.get("mine") == "1"
    week_start = occurrence.item.week_plan.week_start
    html = render_template(
        template,
        inline=request.headers.get("HX-Request") == "true",
        back=back,
        mine=mine,
        return_to=return_url(week_start, back, mine, occurrence.on_date, f"occ-{occurrence.id}"),
        **context,
    )
    response = make_response(html, status)
    response.vary.add("HX-Request")
    return response
