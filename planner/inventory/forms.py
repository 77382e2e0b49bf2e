"""Forms for the inventory: responsibilities, areas and the starter deck."""

from __future__ import annotations

from datetime import UTC, date, datetime

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from planner.domain.week import reachable_dates, window_text
from planner.forms import WEEKDAY_CHOICES, PlannerForm, SelectChoice

CADENCE_KINDS = [
    SelectChoice("weekly", "Weekly on chosen days"),
    SelectChoice("daily", "Every day"),
    SelectChoice("weekdays", "Weekdays (Monday to Friday)"),
    SelectChoice("every_n_weeks", "Every few weeks"),
    SelectChoice("monthly", "Monthly on a day"),
    SelectChoice("as_needed", "As needed"),
    SelectChoice("once", "Once"),
]
MONTH_DAYS = [SelectChoice(d, str(d)) for d in range(1, 29)] + [SelectChoice(-1, "The last day")]
MAX_EFFORT = 600
MAX_MENTAL_LOAD = 1200


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes: big tap targets on a phone, no JavaScript."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ResponsibilityForm(PlannerForm):
    title = StringField(
        "Title",
        [InputRequired("Give it a short title."), Length(max=120, message="Up to 120 characters.")],
    )
    area_id = SelectField("Area", coerce=int)
    cadence_kind = SelectField("How often", choices=CADENCE_KINDS)
    weekdays = CheckboxesField("On", choices=WEEKDAY_CHOICES, coerce=int)
    interval = IntegerField(
        "Every how many weeks", [Optional(), NumberRange(2, 12, "Between 2 and 12 weeks.")]
    )
    month_day = SelectField("Day of the month", choices=MONTH_DAYS, coerce=int, default=1)
    starts_on = DateField("Starting on", [InputRequired("Pick the first day, like 2026-01-05.")])
    preferred_time = TimeField("Preferred time", [Optional()])
    effort_minutes = IntegerField(
        "Effort (minutes each time)",
        [
            InputRequired("How many minutes does it take each time? 0 is fine."),
            NumberRange(0, MAX_EFFORT, f"Between 0 and {MAX_EFFORT} minutes."),
        ],
        default=15,
    )
    mental_load_minutes = IntegerField(
        "Mental load (minutes a week)",
        [
            InputRequired("Minutes a week of noticing and planning it; 0 is fine."),
            NumberRange(0, MAX_MENTAL_LOAD, f"Between 0 and {MAX_MENTAL_LOAD} minutes."),
        ],
        default=5,
    )
    default_owner_id = SelectField("Usual owner", coerce=int)
    pinned = BooleanField("Pinned: only its owner can hold it")
    allowed_member_ids = CheckboxesField("Who can hold it (none ticked: anyone)", coerce=int)
    minimum_standard = StringField(
        "Minimum standard", [Length(max=300, message="Up to 300 characters.")]
    )
    notes = TextAreaField("Notes", [Length(max=2000, message="Up to 2000 characters.")])
    # How it can give in a hard week; none of them: it must happen as agreed.
    can_wait = BooleanField("It can wait a week")
    simpler = StringField(
        "A simpler version that would do", [Length(max=200, message="Up to 200 characters.")]
    )
    can_outsource = BooleanField("Someone else could do it")
    help_from = StringField("Who or what", [Length(max=200, message="Up to 200 characters.")])
    together = BooleanField("Time together: it belongs to both of us")
    base = HiddenField()  # the responsibility as it was when the form was opened

    # Start dates are bounded to the dates a member can reach (planner.domain.week), by
    # the household's today: set_choices reads it from the members unless given.
    today: date | None = None

    def set_choices(self, areas, members, today: date | None = None) -> None:
        members = list(members)
        self.today = today or (members[0].household.today() if members else None)
        self.area_id.choices = [SelectChoice(a.id, a.name) for a in areas]
        people = [SelectChoice(m.id, m.display_name) for m in members]
        self.default_owner_id.choices = [SelectChoice(0, "Nobody yet"), *people]
        self.allowed_member_ids.choices = people

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        today = self.today or datetime.now(UTC).date()
        first, last = reachable_dates(today)
        starts_on = self.starts_on.data
        if starts_on is not None and not first <= starts_on <= last:
            self.starts_on.errors = [
                *self.starts_on.errors,
                f"Pick a day between {window_text(today)}.",
            ]
            ok = False
        kind = self.cadence_kind.data
        if kind in ("weekly", "every_n_weeks") and not self.weekdays.data:
            self.weekdays.errors = [*self.weekdays.errors, "Tick at least one day."]
            ok = False
        if kind == "every_n_weeks" and not self.interval.errors and not self.interval.data:
            self.interval.errors = [
                *self.interval.errors,
                "Say every how many weeks, from 2 to 12.",
            ]
            ok = False
        owner = self.default_owner_id.data or None
        if self.pinned.data and owner is None:
            self.pinned.errors = [
                *self.pinned.errors,
                "A pinned responsibility needs a usual owner.",
            ]
            ok = False
        allowed = self.allowed_member_ids.data or []
        if owner is not None and allowed and owner not in allowed:
            self.allowed_member_ids.errors = [
                *self.allowed_member_ids.errors,
                "Include the usual owner among who can hold it.",
            ]
            ok = False
        return ok


class AreaForm(PlannerForm):
    name = StringField(
        "Name",
        [InputRequired("Give the area a name."), Length(max=60, message="Up to 60 characters.")],
    )
    description = StringField("Description", [Length(max=200, message="Up to 200 characters.")])


class ArchiveForm(PlannerForm):
    """Only the CSRF token: archive, unarchive, move an area."""
