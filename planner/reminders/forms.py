from wtforms import SelectField
from wtforms.validators import AnyOf

from planner.forms import PlannerForm, SelectChoice
from planner.reminders.kinds import PLANNING_LEAD_CHOICES, SELFCARE_LEAD_CHOICES


def _label(minutes: int | None) -> str:
    if minutes is None:
        return "Off — no reminder"
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours > 1 else ''} before"
    return f"{minutes} minutes before"


def _choices(values) -> list[SelectChoice]:
    return [SelectChoice("off" if v is None else str(v), _label(v)) for v in values]


def field_value(minutes: int | None) -> str:
    return "off" if minutes is None else str(minutes)


def minutes_of(value: str) -> int | None:
    return None if value == "off" else int(value)


class PreferencesForm(PlannerForm):
    selfcare = SelectField(
        "Before my self-care time",
        choices=_choices(SELFCARE_LEAD_CHOICES),
        validate_choice=False,
        validators=[
            AnyOf(
                [c.value for c in _choices(SELFCARE_LEAD_CHOICES)],
                message="Pick one of the listed times, or off.",
            )
        ],
    )
    planning = SelectField(
        "Before the planning session",
        choices=_choices(PLANNING_LEAD_CHOICES),
        validate_choice=False,
        validators=[
            AnyOf(
                [c.value for c in _choices(PLANNING_LEAD_CHOICES)],
                message="Pick one of the listed times, or off.",
            )
        ],
    )
