"""Insights: the weeks gone by, as pictures."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from planner.insights import charts, services
from planner.selfcare.charts import keep_charts
from planner.selfcare.services import keep_rates

bp = Blueprint("insights", __name__, url_prefix="/insights")


@bp.get("")
@login_required
def index():
    found = services.insights(current_user.household)
    labels = [services.week_label(w) for w in found.weeks]
    return render_template(
        "insights/index.html",
        insights=found,
        load_charts=charts.member_load_charts(found, labels),
        states_chart=charts.states_strip(
            [(m.display_name, [w.state for w in found.by_member[m.id]]) for m in found.members],
            labels,
        ),
        keep_charts=_selfcare_keep_charts(current_user.household),
        fairness_chart=charts.fairness_lines(
            [
                (m.display_name, m.colour, [w.fairness for w in found.by_member[m.id]])
                for m in found.members
            ],
            labels,
        ),
    )


def _selfcare_keep_charts(household) -> list:
    """The self-care kept-rate pictures."""
    return keep_charts(household.members, keep_rates(household))
