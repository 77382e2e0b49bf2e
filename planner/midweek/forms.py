"""Forms for checking in again mid-week and for away days."""

from __future__ import annotations

from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length

from planner.forms import PlannerForm, SelectChoice
from planner.session.forms import STATE_CHOICES


class MidweekForm(PlannerForm):
    state = RadioField(
        "How are you now?",
        choices=[SelectChoice(k, label) for k, label in STATE_CHOICES],
        validate_choice=False,
        validators=[
            InputRequired("Pick okay, in the reeds or blown."),
            AnyOf([k for k, _ in STATE_CHOICES], "Pick okay, in the reeds or blown."),
        ],
    )
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
