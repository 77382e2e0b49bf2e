"""The reminders page, reminder preferences, and the one-click links from emails."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.routing import BuildError

from planner.domain.refusal import Refused
from planner.extensions import csrf, login_manager
from planner.i18n import _, _l, in_language
from planner.push.services import device_name, devices_of
from planner.reminders import (
    services,
    signals,  # noqa: F401  (subscribes to other features' events)
)
from planner.reminders.channels import chosen_by
from planner.reminders.forms import (
    ChannelsForm,
    PreferencesForm,
    channel_rows,
    field_value,
    minutes_of,
)
from planner.reminders.kinds import label, state_label
from planner.reminders.push_sender import NO_DEVICE

bp = Blueprint("reminders", __name__)

# Errors Planner itself records on a reminder (stored in English), as the page says them;
# what a mail or push service answered is shown as it came.
KNOWN_ERRORS = {
    NO_DEVICE: _l(
        "No device has notifications on any more, so this notification had nowhere to go."
    ),
}


def error_words(error: str) -> str:
    known = KNOWN_ERRORS.get(error)
    return str(known) if known is not None else error


@bp.get("/reminders")
@login_required
def index():
    upcoming, recent = services.household_reminders(current_user.household_id)
    return render_template(
        "reminders/index.html",
        upcoming=upcoming,
        recent=recent,
        kind_label=label,
        state_label=state_label,
        error_words=error_words,
    )


@bp.get("/reminders/preferences")
def preferences():
    """Signed in, or through the signed link in every reminder email (no sign-in needed)."""
    return _preferences()


@bp.post("/reminders/preferences")
@csrf.exempt
def preferences_post():
    """POSTs to the preferences link: an RFC 8058 one-click unsubscribe, else the form.

    A mail client's one-click POST ("List-Unsubscribe=One-Click") has no session and no
    CSRF token: the signed link alone decides, and all it can do is turn that member's
    reminders off. Every other POST here is the preferences form, checked for its CSRF
    token exactly as Flask-WTF checks every other view.
    """
    token = request.args.get("token")
    if token and request.form.get("List-Unsubscribe") == "One-Click":
        try:
            member = services.unsubscribe_by_link(token)
        except Refused as exc:
            return _link_problem(exc)
        with in_language(member.language):
            return render_template("reminders/unsubscribed.html", member=member, token=token)
    if current_app.config["WTF_CSRF_ENABLED"] and current_app.config["WTF_CSRF_CHECK_DEFAULT"]:
        csrf.protect()
    return _preferences()


def _member():
    """The member whose preferences these are (from the signed link, else signed in), or
    the answer to give instead: the link's problem, or the sign-in page."""
    token = request.args.get("token")
    try:
        if token:
            return services.member_from_prefs_link(token), None
    except Refused as exc:
        return None, _link_problem(exc)
    if current_user.is_authenticated:
        return current_user, None
    return None, login_manager.unauthorized()


def _lead_times(member, **form_args) -> PreferencesForm:
    data = {
        "selfcare": field_value(member.selfcare_reminder_minutes),
        "planning": field_value(member.planning_reminder_minutes),
    }
    return PreferencesForm(**form_args, data=data)


def _preferences():
    member, answer = _member()
    if member is None:
        return answer
    # In the language of whose reminders these are: a link from their email may be opened
    # on any browser (or on a device where someone else is signed in).
    with in_language(member.language):
        return _preferences_of(member)


def _preferences_of(member):
    token = request.args.get("token")
    form = _lead_times(member)
    if form.validate_on_submit():
        services.update_preferences(
            member, minutes_of(form.selfcare.data), minutes_of(form.planning.data)
        )
        flash(_("Reminder preferences saved."), "success")
        return redirect(url_for("reminders.preferences", token=token))
    channels_form = ChannelsForm(formdata=None, data=ChannelsForm.data_of(chosen_by(member)))
    return _page(member, token, form, channels_form)


@bp.post("/reminders/channels")
def channels():
    """Email, phone notification or both, per kind of reminder (signed in or by the link)."""
    member, answer = _member()
    if member is None:
        return answer
    with in_language(member.language):
        return _channels_of(member)


def _channels_of(member):
    token = request.args.get("token")
    form = ChannelsForm()
    if form.validate_on_submit():
        services.update_channels(member, form.choices())
        flash(_("Saved how your reminders reach you."), "success")
        return redirect(url_for("reminders.preferences", token=token, _anchor="channels"))
    return _page(member, token, _lead_times(member, formdata=None), form)


def _page(member, token, form, channels_form):
    page = render_template(
        "reminders/preferences.html",
        form=form,
        channels_form=channels_form,
        channel_rows=channel_rows(channels_form),
        devices=[(d, device_name(d.user_agent)) for d in devices_of(member)],
        member=member,
        token=token,
    )
    return page, 422 if form.errors or channels_form.errors else 200


@bp.route("/reminders/slot", methods=["GET", "POST"])
def slot_link():
    """'I kept it' / 'I had to skip' from a self-care reminder: confirm, then record once."""
    token = request.args.get("token", "")
    try:
        if request.method == "POST":
            choice = services.use_slot_link(token)
            with in_language(choice.member.language):  # theirs, from their email
                return render_template(
                    "reminders/slot_done.html", choice=choice, reschedule_url=_reschedule(choice)
                )
        choice = services.read_slot_link(token)
    except Refused as exc:
        return _link_problem(exc)
    with in_language(choice.member.language):
        return render_template(
            "reminders/slot_confirm.html", choice=choice, token=token, form=FlaskForm()
        )


def _reschedule(choice: services.SlotChoice) -> str | None:
    if choice.action != "skip":
        return None
    try:
        return url_for(
            "selfcare.reschedule", slot_id=choice.slot.id, week=choice.week_start.isoformat()
        )
    except BuildError:
        return None


def _link_problem(refused: Refused):
    return render_template("reminders/link_problem.html", message=refused.message), refused.status
