"""The household's data is its own: download it, restore it into an empty household,
leave the household, delete it, delete one's account."""

from __future__ import annotations

import re
import unicodedata

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from planner.auth.routes import sign_in
from planner.domain.refusal import Refused
from planner.export import export_household, write_document
from planner.export.files import MOST_BYTES
from planner.forms import required, show_refusal
from planner.household import removal
from planner.household.forms import (
    DeleteAccountForm,
    DeleteHouseholdForm,
    LeaveForm,
    RestoreForm,
)
from planner.household.restore import restore_into_empty
from planner.i18n import _

bp = Blueprint("ownership", __name__)

# The export's own cap, and room for the form around it; beyond this, the 413 page.
UPLOAD_MOST = MOST_BYTES + 1024 * 1024


@bp.url_value_preprocessor
def _room_for_an_export(endpoint: str | None, _values: dict | None) -> None:
    # Runs before the CSRF check reads the form, so the larger limit applies to it too.
    if endpoint == "ownership.restore":
        request.max_content_length = UPLOAD_MOST


def download_name(name: str, day: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40] or "household"
    return f"planner-household-{slug}-{day}.json"


@bp.get("/household/export")
@login_required
def download():
    household = current_user.household
    data = write_document(export_household(household.id))
    name = download_name(household.name, household.today().isoformat())
    response = Response(data, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/household/restore", methods=["GET", "POST"])
@login_required
def restore():
    form = RestoreForm()
    empty = removal.is_empty(current_user.household)
    status = 200 if empty else 409
    if empty and form.validate_on_submit():
        try:
            household = restore_into_empty(current_user, required(form.file.data).read())
        except Refused as refused:
            show_refusal(form, refused, "file")
            status = refused.status
        else:
            others = len(household.members) - 1
            if others:
                restored = _(
                    "%(name)s is restored. The others get an email to choose a password.",
                    name=household.name,
                )
            else:
                restored = _("%(name)s is restored.", name=household.name)
            flash(restored, "success")
            return redirect(url_for("today.home"))
    status = 422 if empty and form.errors and status == 200 else status
    page = render_template(
        "household/restore.html", form=form, empty=empty, most_mb=MOST_BYTES // (1024 * 1024)
    )
    return page, status


@bp.route("/household/leave", methods=["GET", "POST"])
@login_required
def leave():
    form = LeaveForm()
    household = current_user.household
    others = [m for m in household.members if m.id != current_user.id]
    if others and form.validate_on_submit():
        name = household.name
        try:
            member = removal.leave_household(current_user._get_current_object())
        except removal.AlreadyGone:  # a double submit: the first one left
            return redirect(url_for("today.home"))
        except Refused:  # the others left at the same moment
            household = current_user.household
            others = []
        else:
            sign_in(member)
            flash(_("You've left %(name)s. This is your own household now.", name=name), "success")
            return redirect(url_for("today.home"))
    return render_template(
        "household/leave.html", form=form, household=household, others=others
    ), 200 if others else 409


@bp.route("/household/delete", methods=["GET", "POST"])
@login_required
def delete_household():
    form = DeleteHouseholdForm()
    household = current_user.household
    if form.validate_on_submit():
        try:
            removal.check_household_name(household, required(form.name.data))
        except Refused as refused:
            show_refusal(form, refused, "name")
        else:
            name = household.name
            removal.delete_household(household)
            logout_user()
            flash(_("%(name)s and everything in it is deleted.", name=name), "info")
            return redirect(url_for("auth.index"))
    status = 422 if form.errors else 200
    return render_template("household/delete.html", form=form, household=household), status


@bp.route("/profile/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    household = current_user.household
    status = 200
    if form.validate_on_submit():
        try:
            removal.delete_account(current_user._get_current_object(), required(form.password.data))
        except Refused as refused:
            show_refusal(form, refused, "password")
            status = refused.status
            household = current_user.household  # as it is now (alone, perhaps)
        except removal.AlreadyGone:  # a double submit: the first one deleted it
            logout_user()
            return redirect(url_for("auth.index"))
        else:
            logout_user()
            flash(_("Your account is deleted."), "info")
            return redirect(url_for("auth.index"))
    status = 422 if form.errors and status == 200 else status
    return render_template(
        "household/delete_account.html", form=form, household=household, member=current_user
    ), status
