from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange

from planner.domain.vocabulary import SelfCareOutcome
from planner.forms import WEEKDAY_CHOICES, PlannerForm, SelectChoice
from planner.i18n import _l


class SlotForm(PlannerForm):
    title = StringField(
        _l("What is it?"),
        [InputRequired(_l("Give your time a name, like Run or Pottery.")), Length(max=80)],
    )
    weekday = SelectField(_l("Day"), choices=WEEKDAY_CHOICES, coerce=int)
    start_time = TimeField(_l("Starts at"), [InputRequired(_l("Pick a time, like 18:30."))])
    minutes = IntegerField(
        _l("Length (minutes)"),
        [
            InputRequired(_l("How long is it, in minutes?")),
            NumberRange(15, 600, _l("Between 15 minutes and 10 hours.")),
        ],
        default=60,
    )


def together_form(posted: bool = False) -> SlotForm:
    """The form that sets weekly time together (on the self-care page and in the session);
    its prefix keeps its fields apart from the member's own on the same page."""
    if posted:
        return SlotForm(prefix="together")
    return SlotForm(formdata=None, prefix="together", minutes=90)


class MoveForm(PlannerForm):
    """Move one week's slot to a day and time of the same week."""

    day = DateField(_l("Day"), [InputRequired(_l("Pick a day in this week."))])
    time = TimeField(_l("Time"), [InputRequired(_l("Pick a time, like 18:30."))])


class PickForm(PlannerForm):
    """One of the suggested free times, as an ISO timestamp."""

    start = HiddenField(_l("Start"), [InputRequired(_l("Pick one of the suggested times."))])


class WeekActionForm(PlannerForm):
    action = SelectField(
        _l("What happened"),
        choices=[
            SelectChoice("skip", _l("Skip this week")),
            SelectChoice("restore", _l("Keep it as planned")),
            SelectChoice(SelfCareOutcome.KEPT.value, _l("I kept it")),
            SelectChoice(SelfCareOutcome.MISSED.value, _l("I had to skip it")),
            SelectChoice("undo", _l("Undo")),
        ],
    )
