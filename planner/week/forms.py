"""Forms on the week and today pages: one-off items, skipping with a reason, asking for a hand."""

from __future__ import annotations

from datetime import date, timedelta

from wtforms import IntegerField, RadioField, SelectField, StringField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from planner.forms import PlannerForm, SelectChoice
from planner.week.services import MAX_EFFORT


class OneOffForm(PlannerForm):
    title = StringField(
        "What",
        [InputRequired("Say what needs doing."), Length(max=120, message="Up to 120 characters.")],
    )
    on_date = SelectField("Day")
    start_time = TimeField("Time (optional)", [Optional()])
    effort_minutes = IntegerField(
        "Minutes",
        [
            InputRequired("About how many minutes? 0 is fine."),
            NumberRange(0, MAX_EFFORT, f"Between 0 and {MAX_EFFORT} minutes."),
        ],
        default=15,
    )
    owner_id = SelectField("Who owns it", coerce=int)

    def set_choices(self, week_start: date, members, current_member, today: date) -> None:
        days = [week_start + timedelta(days=i) for i in range(7)]
        if self.on_date.data is None and today in days:
            self.on_date.data = today.isoformat()
        self.on_date.choices = [SelectChoice(d.isoformat(), d.strftime("%A %-d %b")) for d in days]
        self.owner_id.choices = [SelectChoice(m.id, m.display_name) for m in members]
        if self.owner_id.data is None:
            self.owner_id.data = current_member.id

    @property
    def day(self) -> date:
        return date.fromisoformat(self.on_date.data)


class SkipForm(PlannerForm):
    reason = StringField(
        "Why skip it?",
        [
            InputRequired("Say briefly why, so you can look back on it together."),
            Length(max=300, message="Up to 300 characters."),
        ],
    )


class AskForm(PlannerForm):
    """ "Can you take it?" for one day or the rest of the week."""

    to_member_id = SelectField("Ask", coerce=int)
    days = RadioField(
        "Which days",
        choices=[
            SelectChoice("one", "Just this day"),
            SelectChoice("rest", "The rest of the week"),
        ],
        default="one",
        validators=[InputRequired("Pick just this day or the rest of the week.")],
    )
    reason = StringField(
        "A word about it (optional)",
        [Length(max=300, message="Up to 300 characters.")],
    )
