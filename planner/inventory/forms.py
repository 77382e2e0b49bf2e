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

from planner.domain.week import reachable_dates
from planner.forms import WEEKDAY_CHOICES, PlannerForm, SelectChoice
from planner.i18n import _, _l, moment, weekday_names

CADENCE_KINDS = [
    SelectChoice("weekly", _l("Weekly on chosen days")),
    SelectChoice("daily", _l("Every day")),
    SelectChoice("weekdays", _l("Weekdays (Monday to Friday)")),
    SelectChoice("every_n_weeks", _l("Every few weeks")),
    SelectChoice("monthly", _l("Monthly on a day")),
    SelectChoice("as_needed", _l("As needed")),
    SelectChoice("once", _l("Once")),
]
MONTH_DAYS = [SelectChoice(d, str(d)) for d in range(1, 29)] + [
    SelectChoice(-1, _l("The last day"))
]
MAX_EFFORT = 600
MAX_MENTAL_LOAD = 1200
UP_TO_60 = _l("Up to %(max)d characters.", max=60)
UP_TO_120 = _l("Up to %(max)d characters.", max=120)
UP_TO_200 = _l("Up to %(max)d characters.", max=200)
UP_TO_300 = _l("Up to %(max)d characters.", max=300)
UP_TO_2000 = _l("Up to %(max)d characters.", max=2000)


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes: big tap targets on a phone, no JavaScript."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ResponsibilityForm(PlannerForm):
    title = StringField(
        _l("Title"),
        [InputRequired(_l("Give it a short title.")), Length(max=120, message=UP_TO_120)],
    )
    area_id = SelectField(_l("Area"), coerce=int)
    cadence_kind = SelectField(_l("How often"), choices=CADENCE_KINDS)
    weekdays = CheckboxesField(_l("On"), choices=WEEKDAY_CHOICES, coerce=int)
    interval = IntegerField(
        _l("Every how many weeks"),
        [Optional(), NumberRange(2, 12, _l("Between 2 and 12 weeks."))],
    )
    month_day = SelectField(_l("Day of the month"), choices=MONTH_DAYS, coerce=int, default=1)
    starts_on = DateField(
        _l("Starting on"), [InputRequired(_l("Pick the first day, like 2026-01-05."))]
    )
    preferred_time = TimeField(_l("Preferred time"), [Optional()])
    effort_minutes = IntegerField(
        _l("Effort (minutes each time)"),
        [
            InputRequired(_l("How many minutes does it take each time? 0 is fine.")),
            NumberRange(0, MAX_EFFORT, _l("Between 0 and %(max)d minutes.", max=MAX_EFFORT)),
        ],
        default=15,
    )
    mental_load_minutes = IntegerField(
        _l("Mental load (minutes a week)"),
        [
            InputRequired(_l("Minutes a week of noticing and planning it; 0 is fine.")),
            NumberRange(
                0, MAX_MENTAL_LOAD, _l("Between 0 and %(max)d minutes.", max=MAX_MENTAL_LOAD)
            ),
        ],
        default=5,
    )
    default_owner_id = SelectField(_l("Usual owner"), coerce=int)
    pinned = BooleanField(_l("Pinned: only its owner can hold it"))
    allowed_member_ids = CheckboxesField(_l("Who can hold it (none ticked: anyone)"), coerce=int)
    minimum_standard = StringField(_l("Minimum standard"), [Length(max=300, message=UP_TO_300)])
    notes = TextAreaField(_l("Notes"), [Length(max=2000, message=UP_TO_2000)])
    # How it can give in a hard week; none of them: it must happen as agreed.
    can_wait = BooleanField(_l("It can wait a week"))
    simpler = StringField(
        _l("A simpler version that would do"), [Length(max=200, message=UP_TO_200)]
    )
    can_outsource = BooleanField(_l("Someone else could do it"))
    help_from = StringField(_l("Who or what"), [Length(max=200, message=UP_TO_200)])
    together = BooleanField(_l("Time together: it belongs to both of us"))
    base = HiddenField()  # the responsibility as it was when the form was opened

    # Start dates are bounded to the dates a member can reach (planner.domain.week), by
    # the household's today: set_choices reads it from the members unless given.
    today: date | None = None

    def set_choices(self, areas, members, today: date | None = None) -> None:
        members = list(members)
        self.today = today or (members[0].household.today() if members else None)
        self.area_id.choices = [SelectChoice(a.id, a.name) for a in areas]
        people = [SelectChoice(m.id, m.display_name) for m in members]
        self.default_owner_id.choices = [SelectChoice(0, _("Nobody yet")), *people]
        self.allowed_member_ids.choices = people
        # The days' short names in the reader's language (Mon, Mo., lun).
        self.weekdays.choices = [
            SelectChoice(i, name) for i, name in enumerate(weekday_names("abbreviated"))
        ]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        today = self.today or datetime.now(UTC).date()
        first, last = reachable_dates(today)
        starts_on = self.starts_on.data
        if starts_on is not None and not first <= starts_on <= last:
            self.starts_on.errors = [
                *self.starts_on.errors,
                _(
                    "Pick a day between %(first)s and %(last)s.",
                    first=moment(first, "short_year_date"),
                    last=moment(last, "short_year_date"),
                ),
            ]
            ok = False
        kind = self.cadence_kind.data
        if kind in ("weekly", "every_n_weeks") and not self.weekdays.data:
            self.weekdays.errors = [*self.weekdays.errors, _("Tick at least one day.")]
            ok = False
        if kind == "every_n_weeks" and not self.interval.errors and not self.interval.data:
            self.interval.errors = [
                *self.interval.errors,
                _("Say every how many weeks, from 2 to 12."),
            ]
            ok = False
        owner = self.default_owner_id.data or None
        if self.pinned.data and owner is None:
            self.pinned.errors = [
                *self.pinned.errors,
                _("A pinned responsibility needs a usual owner."),
            ]
            ok = False
        allowed = self.allowed_member_ids.data or []
        if owner is not None and allowed and owner not in allowed:
            self.allowed_member_ids.errors = [
                *self.allowed_member_ids.errors,
                _("Include the usual owner among who can hold it."),
            ]
            ok = False
        return ok


class AreaForm(PlannerForm):
    name = StringField(
        _l("Name"),
        [InputRequired(_l("Give the area a name.")), Length(max=60, message=UP_TO_60)],
    )
    description = StringField(_l("Description"), [Length(max=200, message=UP_TO_200)])


class ArchiveForm(PlannerForm):
    """Only the CSRF token: archive, unarchive, move an area."""
