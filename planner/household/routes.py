"""Household home, settings, invites and the member profile."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, login_user

from planner.access import get_owned_or_404
from planner.auth import services as auth_services
from planner.domain.refusal import Conflict, Refused
from planner.forms import required, show_refusal
from planner.household import services
from planner.household.forms import HouseholdForm, InviteForm, PasswordChangeForm, ProfileForm
from planner.household.removal import is_empty
from planner.i18n import _, in_language
from planner.models import Invite

bp = Blueprint("household", __name__)


@bp.route("/household", methods=["GET", "POST"])
@login_required
def settings():
    household = current_user.household
    form = HouseholdForm(obj=household)
    if form.validate_on_submit():
        try:
            services.update_household(
                household, **{f.name: f.data for f in form if f.name != "csrf_token"}
            )
        except Conflict as conflict:
            form.base.data = services.settings_fingerprint(household)  # saving again overrides
            return _settings_page(form, InviteForm(), conflict=conflict)
        flash(_("Household settings saved."), "success")
        return redirect(url_for("household.settings"))
    if not form.is_submitted():
        form.base.data = services.settings_fingerprint(household)
    return _settings_page(form, InviteForm())


def _settings_page(
    form: HouseholdForm,
    invite_form: InviteForm,
    link: str | None = None,
    conflict: Conflict | None = None,
):
    household = current_user.household
    status = 422 if form.errors or invite_form.errors else 200
    status = conflict.status if conflict else status
    return render_template(
        "household/settings.html",
        household=household,
        form=form,
        invite_form=invite_form,
        invites=services.open_invites(household.id),
        restorable=is_empty(household),
        invite_link=link,
        conflict=conflict,
    ), status


@bp.post("/household/invites")
@login_required
def invite():
    invite_form = InviteForm()
    link = None
    if invite_form.validate_on_submit():
        try:
            _invite, link = auth_services.create_invite(
                current_user, required(invite_form.email.data)
            )
        except Refused as refused:
            show_refusal(invite_form, refused, "email")
        else:
            flash(
                _(
                    "Invite sent to %(email)s. You can also copy the link below.",
                    email=invite_form.email.data,
                ),
                "success",
            )
            invite_form = InviteForm(formdata=None)
    settings_form = HouseholdForm(obj=current_user.household, formdata=None)
    settings_form.base.data = services.settings_fingerprint(current_user.household)
    return _settings_page(settings_form, invite_form, link)


@bp.post("/household/invites/<int:invite_id>/cancel")
@login_required
def cancel_invite(invite_id: int):
    services.cancel_invite(get_owned_or_404(Invite, invite_id))
    flash(_("Invite cancelled; its link no longer works."), "info")
    return redirect(url_for("household.settings"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    password_form = PasswordChangeForm(formdata=None)
    if form.validate_on_submit():
        try:
            services.update_profile(
                current_user,
                required(form.display_name.data),
                required(form.email.data),
                required(form.colour.data),
                required(form.language.data),
            )
        except Refused as refused:
            show_refusal(form, refused, "email")
        else:
            with in_language(current_user.language):  # the language just chosen
                flash(_("Profile saved."), "success")
            return redirect(url_for("household.profile"))
    return _profile_page(form, password_form)


@bp.post("/profile/password")
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, required(form.current_password.data), required(form.password.data)
            )
        except Refused as refused:
            show_refusal(form, refused, "current_password")
        else:
            login_user(current_user._get_current_object())  # this device stays signed in
            flash(_("Password changed. Other devices are signed out."), "success")
            return redirect(url_for("household.profile"))
    return _profile_page(ProfileForm(obj=current_user, formdata=None), form)


def _profile_page(form: ProfileForm, password_form: PasswordChangeForm):
    status = 422 if form.errors or password_form.errors else 200
    return render_template(
        "household/profile.html", form=form, password_form=password_form, member=current_user
    ), status
