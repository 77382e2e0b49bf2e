"""Today (the home page) and the rest of the app one tap away."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from planner.today import services

bp = Blueprint("today", __name__)


@bp.get("/home")
@login_required
def home():
    household = current_user.household
    view = services.build(household, current_user)
    return render_template("today/today.html", household=household, view=view)


@bp.get("/more")
@login_required
def more():
    return render_template("today/more.html")
