"""Bringing calendars in: upload a file, subscribe to an address, refresh or remove."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from planner.access import get_owned_or_404
from planner.domain.busy import MAX_ICS_BYTES
from planner.domain.refusal import Refused
from planner.forms import required, show_refusal
from planner.i18n import _
from planner.imports import services
from planner.imports.forms import SubscribeForm, UploadForm
from planner.models import CalendarImport

bp = Blueprint("imports", __name__, url_prefix="/imports")


def _own_import(import_id: int) -> CalendarImport:
    imported = get_owned_or_404(CalendarImport, import_id)
    if imported.member_id != current_user.id:
        abort(403)  # a member's own calendar is theirs to manage
    return imported


@bp.get("")
@login_required
def index():
    return _page(UploadForm(formdata=None), SubscribeForm(formdata=None))


@bp.post("/upload")
@login_required
def upload():
    form = UploadForm()
    if form.validate_on_submit():
        data = form.file.data.stream.read(MAX_ICS_BYTES + 1)
        try:
            imported = services.add_file(current_user, _name(form.name.data), data)
        except Refused as refused:
            show_refusal(form, refused, "file")
        else:
            flash(
                _(
                    "“%(name)s” is in. Planner is reading it now; its busy times show here in "
                    "a moment.",
                    name=imported.name,
                ),
                "success",
            )
            return redirect(url_for("imports.index"))
    return _page(form, SubscribeForm(formdata=None))


@bp.post("/subscribe")
@login_required
def subscribe():
    form = SubscribeForm()
    if form.validate_on_submit():
        try:
            imported = services.subscribe_url(
                current_user, _name(form.name.data), required(form.url.data)
            )
        except Refused as refused:
            show_refusal(form, refused, "url")
        else:
            flash(
                _(
                    "Subscribed to “%(name)s”. Planner is reading it now, and checks it again "
                    "every few hours.",
                    name=imported.name,
                ),
                "success",
            )
            return redirect(url_for("imports.index"))
    return _page(UploadForm(formdata=None), form)


@bp.post("/<int:import_id>/refresh")
@login_required
def refresh(import_id: int):
    imported = _own_import(import_id)
    if services.refresh_import(imported):
        flash(_("Planner is reading “%(name)s” again now.", name=imported.name), "success")
    else:
        flash(
            _(
                "“%(name)s” couldn't be refreshed: %(error)s",
                name=imported.name,
                error=imported.last_error,
            ),
            "error",
        )
    return redirect(url_for("imports.index"))


@bp.post("/<int:import_id>/remove")
@login_required
def remove(import_id: int):
    imported = _own_import(import_id)
    name = imported.name
    services.remove_import(imported)
    flash(_("“%(name)s” is gone, with its busy times.", name=name), "info")
    return redirect(url_for("imports.index"))


def _name(value: str | None) -> str:
    return (value or "").strip() or _("My calendar")


def _page(upload_form: UploadForm, subscribe_form: SubscribeForm):
    status = 422 if upload_form.errors or subscribe_form.errors else 200
    imports = services.imports_of(current_user)
    return render_template(
        "imports/index.html",
        upload_form=upload_form,
        subscribe_form=subscribe_form,
        imports=imports,
        waiting={i.id for i in imports if services.is_waiting(i)},
        max_mb=MAX_ICS_BYTES // 1_000_000,
    ), status
