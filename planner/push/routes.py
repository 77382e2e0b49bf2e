"""Turning phone notifications on and off for a device (JSON, from pwa.js), and the
app's public VAPID key the browser subscribes with."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from planner.domain.refusal import Refused
from planner.i18n import _, _l
from planner.push import services, vapid

bp = Blueprint("push", __name__, url_prefix="/push")

SIGN_IN = _l("Please sign in first, then turn notifications on.")


def _problem(message: object, status: int, field: str | None = None):
    return {"ok": False, "error": str(message), "field": field}, status


@bp.get("/key")
def key():
    if not current_user.is_authenticated:
        return _problem(SIGN_IN, 401)
    return {"publicKey": vapid.public_key()}


@bp.post("/subscriptions")
def subscribe():
    if not current_user.is_authenticated:
        return _problem(SIGN_IN, 401)
    try:
        device = services.read_device(request.get_json(silent=True))
        created = services.subscribe(current_user, device, request.user_agent.string)
    except Refused as refused:
        return _problem(refused.message, refused.status, refused.field)
    message = _("Notifications are on for this device.")
    return {"ok": True, "message": message}, 201 if created else 200


@bp.post("/subscriptions/remove")
def unsubscribe():
    if not current_user.is_authenticated:
        return _problem(SIGN_IN, 401)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _problem(services.TRY_AGAIN, 400)
    try:
        services.unsubscribe(current_user, data.get("endpoint"))
    except Refused as refused:
        return _problem(refused.message, refused.status, refused.field)
    return {"ok": True, "message": _("Notifications are off for this device.")}


@bp.post("/devices/<int:device_id>/remove")
@login_required
def remove_device(device_id: int):
    try:
        services.remove_device(current_user, device_id)
    except Refused:
        abort(404)
    flash(_("Notifications are off for that device."), "success")
    return redirect(url_for("reminders.preferences"))
