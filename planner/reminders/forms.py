from wtforms import BooleanField, SelectField
from wtforms.validators import AnyOf

from planner.domain.vocabulary import ReminderChannel, ReminderKind
from planner.forms import PlannerForm, SelectChoice
from planner.i18n import _, _l, _n
from planner.reminders.channels import CHOOSABLE, Choice
from planner.reminders.kinds import PLANNING_LEAD_CHOICES, SELFCARE_LEAD_CHOICES, label

# How each channel is named beside its box (lazy: the fields are made at import time).
CHANNEL_LABELS = {
    ReminderChannel.EMAIL: _l("Email"),
    ReminderChannel.PUSH: _l("Phone notification"),
}


def _label(minutes: int | None) -> str:
    if minutes is None:
        return _("Off — no reminder")
    if minutes % 60 == 0:
        return _n("%(num)d hour before", "%(num)d hours before", minutes // 60)
    return _n("%(num)d minute before", "%(num)d minutes before", minutes)


def _values(values) -> list[str]:
    return ["off" if v is None else str(v) for v in values]


def _choices(values) -> list[SelectChoice]:
    """The choices in the language of the page showing them (made when the form is)."""
    return [
        SelectChoice(value, _label(v)) for value, v in zip(_values(values), values, strict=True)
    ]


def field_value(minutes: int | None) -> str:
    return "off" if minutes is None else str(minutes)


def minutes_of(value: str) -> int | None:
    return None if value == "off" else int(value)


class PreferencesForm(PlannerForm):
    selfcare = SelectField(
        _l("Before my self-care time"),
        choices=lambda: _choices(SELFCARE_LEAD_CHOICES),
        validate_choice=False,
        validators=[
            AnyOf(
                _values(SELFCARE_LEAD_CHOICES),
                message=_l("Pick one of the listed times, or off."),
            )
        ],
    )
    planning = SelectField(
        _l("Before the planning session"),
        choices=lambda: _choices(PLANNING_LEAD_CHOICES),
        validate_choice=False,
        validators=[
            AnyOf(
                _values(PLANNING_LEAD_CHOICES),
                message=_l("Pick one of the listed times, or off."),
            )
        ],
    )


def channel_field(kind: str, channel: str) -> str:
    return f"{kind}_{channel}"


class ChannelsForm(PlannerForm):
    """Per kind of reminder: email, phone notification, or both (at least one)."""

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for kind in CHOOSABLE:
            email = self[channel_field(kind, ReminderChannel.EMAIL)]
            if not email.data and not self[channel_field(kind, ReminderChannel.PUSH)].data:
                email.errors = [*email.errors, _("Choose email, a phone notification, or both.")]
                ok = False
        return ok

    def choices(self) -> dict[ReminderKind, Choice]:
        return {
            kind: Choice(
                bool(self[channel_field(kind, ReminderChannel.EMAIL)].data),
                bool(self[channel_field(kind, ReminderChannel.PUSH)].data),
            )
            for kind in CHOOSABLE
        }

    @classmethod
    def data_of(cls, chosen: dict[ReminderKind, Choice]) -> dict[str, bool]:
        data = {}
        for kind, choice in chosen.items():
            data[channel_field(kind, ReminderChannel.EMAIL)] = choice.email
            data[channel_field(kind, ReminderChannel.PUSH)] = choice.push
        return data


for _kind in CHOOSABLE:
    for _channel in ReminderChannel:
        setattr(
            ChannelsForm, channel_field(_kind, _channel), BooleanField(CHANNEL_LABELS[_channel])
        )


def channel_rows(form: ChannelsForm) -> list[tuple[str, list]]:
    """(the kind's words, its email and notification fields), in the page's order."""
    return [
        (
            label(kind),
            [form[channel_field(kind, channel)] for channel in ReminderChannel],
        )
        for kind in CHOOSABLE
    ]
