"""Forms for checking in again mid-week and for away days."""

from __future__ import annotations

from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from planner.forms import PlannerForm
from planner.i18n import _l
from planner.session.forms import state_field


class MidweekForm(PlannerForm):
    state = state_field(_l("How are you now?"))
    what_would_help = TextAreaField(
        _l("What would help now? (optional)"),
        [Length(max=500, message=_l("Keep it under 500 characters."))],
    )


class AwayForm(PlannerForm):
    first_day = DateField(
        _l("First day away"), [InputRequired(_l("Pick the first day you're away."))]
    )
    last_day = DateField(_l("Last day away"), [InputRequired(_l("Pick the last day you're away."))])
    note = StringField(
        _l("Where, or why (optional)"), [Length(max=120, message=_l("Up to 120 characters."))]
    )
