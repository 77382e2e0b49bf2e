"""Today (the home page) and the rest of the app one tap away."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from planner import page_cache
from planner.today import services

bp = Blueprint("today", __name__)


@bp.get("/home")
@login_required
def home():
    household = current_user.household
    member = current_user._get_current_object()
    # Rendered once per change of anything it shows (the household's version) and per day;
    # the member's session secret is drawn afresh for every member row, so a row that
    # reuses a deleted one's id never meets its page.
    key = (
        "today",
        member.id,
        member.session_secret,
        household.id,
        household.version,
        household.today(),
    )
    body = page_cache.rendered(
        key,
        lambda: render_template(
            "today/_today.html", household=household, view=services.build(household, member)
        ),
    )
    return render_template("today/today.html", body=body)


@bp.get("/more")
@login_required
def more():
    return render_template("today/more.html")
