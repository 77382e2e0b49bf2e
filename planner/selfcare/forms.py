from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange

from planner.domain.vocabulary import SelfCareOutcome
from planner.forms import WEEKDAY_CHOICES, PlannerForm, SelectChoice


class SlotForm(PlannerForm):
    title = StringField(
        "What is it?",
        [InputRequired("Give your time a name, like Run or Pottery."), Length(max=80)],
    )
    weekday = SelectField("Day", choices=WEEKDAY_CHOICES, coerce=int)
    start_time = TimeField("Starts at", [InputRequired("Pick a time, like 18:30.")])
    minutes = IntegerField(
        "Length (minutes)",
        [
            InputRequired("How long is it, in minutes?"),
            NumberRange(15, 600, "Between 15 minutes and 10 hours."),
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

    day = DateField("Day", [InputRequired("Pick a day in this week.")])
    time = TimeField("Time", [InputRequired("Pick a time, like 18:30.")])


class PickForm(PlannerForm):
    """One of the suggested free times, as an ISO timestamp."""

    start = HiddenField("Start", [InputRequired("Pick one of the suggested times.")])


class WeekActionForm(PlannerForm):
    action = SelectField(
        "What happened",
        choices=[
            SelectChoice("skip", "Skip this week"),
            SelectChoice("restore", "Keep it as planned"),
            SelectChoice(SelfCareOutcome.KEPT.value, "I kept it"),
            SelectChoice(SelfCareOutcome.MISSED.value, "I had to skip it"),
            SelectChoice("undo", "Undo"),
        ],
    )
