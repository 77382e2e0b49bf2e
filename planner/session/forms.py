"""Session forms. Each carries `base`, the fingerprint of what it edits (see live.py),
and, where a partner may act on a shared screen, `member_id` and `password`."""

from __future__ import annotations

from flask_babel import LazyString
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
from planner.i18n import _l, moment


def _capitalized(state: CheckInState) -> str:
    return state.label.capitalize()


# Translated when read: "Okay", "Land unter", "No puedo más".
STATE_CHOICES = [(state.value, LazyString(_capitalized, state)) for state in CheckInState]
FAIRNESS_CHOICES = [
    (1, _l("1 · not fair at all")),
    (2, "2"),
    (3, _l("3 · about right")),
    (4, "4"),
    (5, _l("5 · very fair")),
]
PICK_STATE = _l("Pick okay, in the reeds or blown.")
KEEP_IT_SHORT = _l("Keep it under 500 characters.")


class IdField(HiddenField):
    """A hidden id, read through the `int_or_none` filter: a whole number or None."""

    data: int | None  # type: ignore[assignment]  # types-WTForms: text, as without the filter


class ActingForm(PlannerForm):
    member_id = IdField(filters=[int_or_none])
    password = PasswordField(_l("Your password"), [Optional(), Length(max=200)])
    base = HiddenField()


class AppreciationForm(ActingForm):
    appreciation = TextAreaField(
        _l("One thing your partner did that helped"),
        [Length(max=500, message=KEEP_IT_SHORT)],
    )


def state_field(label: str) -> RadioField:
    """Okay, in the reeds or blown: the session's check-in and the mid-week one."""
    return RadioField(
        label,
        choices=[SelectChoice(k, words) for k, words in STATE_CHOICES],
        validate_choice=False,
        validators=[
            InputRequired(PICK_STATE),
            AnyOf([k for k, _words in STATE_CHOICES], PICK_STATE),
        ],
    )


class CheckInForm(ActingForm):
    state = state_field(_l("How are you this week?"))
    capacity = IntegerField(
        _l("Capacity this week (0–100)"),
        [Optional(), NumberRange(0, 100, _l("Capacity is between 0 and 100."))],
    )
    what_would_help = TextAreaField(
        _l("What would help?"), [Length(max=500, message=KEEP_IT_SHORT)]
    )
    fairness = RadioField(
        _l("Did last week feel fair?"),
        choices=[SelectChoice(k, label) for k, label in FAIRNESS_CHOICES],
        coerce=int,
        validate_choice=False,
        validators=[Optional(), AnyOf([k for k, _words in FAIRNESS_CHOICES], _l("Pick 1 to 5."))],
    )


class AgreeForm(ActingForm):
    pass


class MoveForm(PlannerForm):
    """A veto (or taking one back) of moving one item to one member."""

    item_id = HiddenField(filters=[int_or_none], validators=[DataRequired(_l("Pick an item."))])
    to_member_id = HiddenField(
        filters=[int_or_none], validators=[DataRequired(_l("Pick a member."))]
    )


class AcceptForm(PlannerForm):
    base = HiddenField()


class OwnerForm(PlannerForm):
    item_id = HiddenField(filters=[int_or_none], validators=[DataRequired(_l("Pick an item."))])
    owner_id = HiddenField(
        _l("Owner"), [DataRequired(_l("Pick who owns it."))], filters=[int_or_none]
    )
    base = HiddenField(filters=[int_or_none])


class KindnessForm(PlannerForm):
    """Checkbox fields are per item (`choice-<id>`, `note-<id>`) and read in the view."""

    base = HiddenField()


class OneOffForm(PlannerForm):
    """Something that happens once this week, added during the look ahead."""

    title = StringField(
        _l("What"),
        [InputRequired(_l("Say what it is.")), Length(max=120, message=_l("Keep it short."))],
    )
    on_date = SelectField(_l("Day"), validators=[InputRequired(_l("Pick a day."))])
    start_time = TimeField(_l("Time (optional)"), [Optional()])
    effort_minutes = IntegerField(
        _l("Minutes"),
        [InputRequired(_l("How long?")), NumberRange(0, 600, _l("Between 0 and 600 minutes."))],
    )
    owner_id = SelectField(_l("Who"), coerce=int, validators=[InputRequired(_l("Pick who."))])

    def set_choices(self, week_start, members) -> None:
        from datetime import timedelta

        days = [week_start + timedelta(days=n) for n in range(7)]
        self.on_date.choices = [SelectChoice(d.isoformat(), moment(d, "long_day")) for d in days]
        self.owner_id.choices = [SelectChoice(m.id, m.display_name) for m in members]
