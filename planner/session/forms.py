"""Session forms. Each carries `base`, the fingerprint of what it edits (see live.py),
and, where a partner may act on a shared screen, `member_id` and `password`."""

from __future__ import annotations

from wtforms import (
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional

from planner.domain.vocabulary import CheckInState
from planner.forms import PlannerForm, SelectChoice, int_or_none

STATE_CHOICES = [(state.value, state.label.capitalize()) for state in CheckInState]
FAIRNESS_CHOICES = [
    (1, "1 · not fair at all"),
    (2, "2"),
    (3, "3 · about right"),
    (4, "4"),
    (5, "5 · very fair"),
]


class IdField(HiddenField):
    """A hidden id, read through the `int_or_none` filter: a whole number or None."""

    data: int | None  # type: ignore[assignment]  # types-WTForms: text, as without the filter


class ActingForm(PlannerForm):
    member_id = IdField(filters=[int_or_none])
    password = PasswordField("Your password", [Optional(), Length(max=200)])
    base = HiddenField()


class AppreciationForm(ActingForm):
    appreciation = TextAreaField(
        "One thing your partner did that helped",
        [Length(max=500, message="Keep it under 500 characters.")],
    )


def state_field(label: str) -> RadioField:
    """Okay, in the reeds or blown: the session's check-in and the mid-week one."""
    return RadioField(
        label,
        choices=[SelectChoice(k, words) for k, words in STATE_CHOICES],
        validate_choice=False,
        validators=[
            InputRequired("Pick okay, in the reeds or blown."),
            AnyOf([k for k, _ in STATE_CHOICES], "Pick okay, in the reeds or blown."),
        ],
    )


class CheckInForm(ActingForm):
    state = state_field("How are you this week?")
    capacity = IntegerField(
        "Capacity this week (0–100)",
        [Optional(), NumberRange(0, 100, "Capacity is between 0 and 100.")],
    )
    what_would_help = TextAreaField(
        "What would help?", [Length(max=500, message="Keep it under 500 characters.")]
    )
    fairness = RadioField(
        "Did last week feel fair?",
        choices=[SelectChoice(k, label) for k, label in FAIRNESS_CHOICES],
        coerce=int,
        validate_choice=False,
        validators=[Optional(), AnyOf([k for k, _ in FAIRNESS_CHOICES], "Pick 1 to 5.")],
    )


class AgreeForm(ActingForm):
    pass


class MoveForm(PlannerForm):
    """A veto (or taking one back) of moving one item to one member."""

    item_id = HiddenField(filters=[int_or_none], validators=[DataRequired("Pick an item.")])
    to_member_id = HiddenField(filters=[int_or_none], validators=[DataRequired("Pick a member.")])


class AcceptForm(PlannerForm):
    base = HiddenField()


class OwnerForm(PlannerForm):
    item_id = HiddenField(filters=[int_or_none], validators=[DataRequired("Pick an item.")])
    owner_id = HiddenField("Owner", [DataRequired("Pick who owns it.")], filters=[int_or_none])
    base = HiddenField(filters=[int_or_none])


class KindnessForm(PlannerForm):
    """Checkbox fields are per item (`choice-<id>`, `note-<id>`) and read in the view."""

    base = HiddenField()


class OneOffForm(PlannerForm):
    """Something that happens once this week, added during the look ahead."""

    title = StringField(
        "What", [InputRequired("Say what it is."), Length(max=120, message="Keep it short.")]
    )
    on_date = SelectField("Day", validators=[InputRequired("Pick a day.")])
    start_time = TimeField("Time (optional)", [Optional()])
    effort_minutes = IntegerField(
        "Minutes", [InputRequired("How long?"), NumberRange(0, 600, "Between 0 and 600 minutes.")]
    )
    owner_id = SelectField("Who", coerce=int, validators=[InputRequired("Pick who.")])

    def set_choices(self, week_start, members) -> None:
        from datetime import timedelta

        days = [week_start + timedelta(days=n) for n in range(7)]
        self.on_date.choices = [SelectChoice(d.isoformat(), d.strftime("%A %-d %b")) for d in days]
        self.owner_id.choices = [SelectChoice(m.id, m.display_name) for m in members]
