"""Forms of the week: one-off items, and on a day's own pages skipping it with a reason and
asking for a hand with it."""

from __future__ import annotations

from datetime import date, timedelta

from wtforms import IntegerField, RadioField, SelectField, StringField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from planner.forms import PlannerForm, SelectChoice
from planner.i18n import _, _l, moment
from planner.week.services import MAX_EFFORT


class OneOffForm(PlannerForm):
    title = StringField(
        _l("What"),
        [
            InputRequired(_l("Say what needs doing.")),
            Length(max=120, message=_l("Up to 120 characters.")),
        ],
    )
    on_date = SelectField(_l("Day"))
    start_time = TimeField(_l("Time (optional)"), [Optional()])
    effort_minutes = IntegerField(
        _l("Minutes"),
        [
            InputRequired(_l("About how many minutes? 0 is fine.")),
            NumberRange(0, MAX_EFFORT, _l("Between 0 and %(most)s minutes.", most=MAX_EFFORT)),
        ],
        default=15,
    )
    owner_id = SelectField(_l("Who owns it"), coerce=int)

    def set_choices(self, week_start: date, members, current_member, day: date) -> None:
        """`day` is the day the page has open: a new one-off goes there unless changed."""
        days = [week_start + timedelta(days=i) for i in range(7)]
        if self.on_date.data is None and day in days:
            self.on_date.data = day.isoformat()
        self.on_date.choices = [SelectChoice(d.isoformat(), moment(d, "long_day")) for d in days]
        self.owner_id.choices = [SelectChoice(m.id, m.display_name) for m in members]
        if self.owner_id.data is None:
            self.owner_id.data = current_member.id

    @property
    def day(self) -> date:
        return date.fromisoformat(self.on_date.data)


class SkipForm(PlannerForm):
    reason = StringField(
        _l("Why skip it?"),
        [
            InputRequired(_l("Say briefly why, so you can look back on it together.")),
            Length(max=300, message=_l("Up to 300 characters.")),
        ],
    )


class AskForm(PlannerForm):
    """ "Can you take it?" for one day or the rest of the week."""

    to_member_id = SelectField(_l("Ask"), coerce=int)
    days = RadioField(
        _l("Which days"),
        choices=[
            SelectChoice("one", _l("Just this day")),
            SelectChoice("rest", _l("The rest of the week")),
        ],
        default="one",
        validators=[InputRequired(_l("Pick just this day or the rest of the week."))],
    )
    reason = StringField(
        _l("A word about it (optional)"),
        [Length(max=300, message=_l("Up to 300 characters."))],
    )

    def set_choices(self, occurrence_id: int, on: date, today: date, partners) -> None:
        """Whom to ask, and "Just today" or "Just Thursday"; ids of this day's own, so two
        forms loaded into one week page never share one."""
        self.to_member_id.choices = [SelectChoice(m.id, m.display_name) for m in partners]
        just = _("Just today") if on == today else _("Just %(day)s", day=moment(on, "weekday"))
        self.days.choices = [
            SelectChoice("one", just),
            SelectChoice("rest", _("The rest of the week")),
        ]
        for name in ("to_member_id", "days", "reason"):
            self[name].id = self[name].label.field_id = f"ask-{occurrence_id}-{name}"

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # A choice that isn't one (another household's member, oneself, "always") is said
        # in the page's words, not as "Not a valid choice".
        if self.to_member_id.errors:
            self.to_member_id.errors = [_("Pick who you'd like to ask.")]
        if self.days.errors:
            self.days.errors = [_("Pick just this day or the rest of the week.")]
        return valid
