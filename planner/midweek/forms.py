"""Forms for checking in again mid-week and for away days."""

from __future__ import annotations

from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from planner.forms import PlannerForm
from planner.session.forms import state_field


class MidweekForm(PlannerForm):
    state = state_field("How are you now?")
    what_would_help = TextAreaField(
        "What would help now? (optional)",
        [Length(max=500, message="Keep it under 500 characters.")],
    )


class AwayForm(PlannerForm):
    first_day = DateField("First day away", [InputRequired("Pick the first day you're away.")])
    last_day = DateField("Last day away", [InputRequired("Pick the last day you're away.")])
    note = StringField(
        "Where, or why (optional)", [Length(max=120, message="Up to 120 characters.")]
    )
