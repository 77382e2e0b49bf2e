"""Today (the home page) and the rest of the app one tap away."""

from __future__ import annotations

from flask import Blueprint, make_response, render_template, request
from flask_login import current_user, login_required

from planner import page_cache
from planner.today import services

bp = Blueprint("today", __name__)


@bp.get("/home")
@login_required
def home():
    household = current_user.household
    member = current_user._get_current_object()
    # Rendered once per change of anything it shows and per day (planner.page_cache).
    body = page_cache.rendered(
        ("today", *page_cache.reader(member, household)),
        lambda: render_template(
            "today/_today.html", household=household, view=services.build(household, member)
        ),
    )
    return render_template("today/today.html", body=body, version=_version(household))


@bp.get("/home/version")
@login_required
def version():
    """Polled by an open Today: 204 while nothing it shows changed, else a trigger that
    refreshes it (a partner took something, asked, checked in; or the day turned)."""
    now = _version(current_user.household)
    if request.args.get("v") == now:
        response = make_response("", 204)
    else:
        response = make_response("", 200)
        response.headers["HX-Trigger"] = "today-changed"
    response.headers["Cache-Control"] = "no-store"
    return response


def _version(household) -> str:
    return f"{household.version}-{household.today().isoformat()}"


@bp.get("/more")
@login_required
def more():
    return render_template("today/more.html")
